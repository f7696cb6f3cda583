//! Talent services (人才全周期服务), PRODUCT.md A5: the tiers the committee
//! defines, the service catalogue (each item routed by a case category,
//! which holds its department and time limits), the talent register, and
//! the talent's requests, each a case of the case engine.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{
    date_null, flag, id, id_ref, id_ref_null, index, int, long_text, record_cols, text,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000015_talent"
    }
}

const TABLES: &[&str] = &[
    "talent_tiers",
    "talent_services",
    "talents",
    "talent_requests",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            record_cols(
                Table::create()
                    .table(Alias::new("talent_tiers"))
                    .col(id())
                    .col(text("code", 30))
                    .col(text("name", 50))
                    .col(text("name_en", 50))
                    .col(int("sort_order")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("talent_services"))
                    .col(id())
                    // The case category that routes it: the item's Chinese
                    // name, responsible department and time limits.
                    .col(id_ref("category_id"))
                    .col(text("name_en", 200))
                    .col(long_text("description"))
                    .col(long_text("description_en"))
                    // The documents to bring, one a line.
                    .col(long_text("documents"))
                    .col(long_text("documents_en"))
                    // Tier codes, comma-separated; empty: every tier.
                    .col(text("tier_codes", 300))
                    // domain::talent::Origin code.
                    .col(text("origin", 20))
                    .col(int("sort_order"))
                    .col(flag("active")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("talents"))
                    .col(id())
                    .col(text("name", 100))
                    .col(text("name_latin", 100))
                    .col(text("nationality", 60))
                    .col(flag("international"))
                    .col(id_ref("tier_id"))
                    .col(text("field", 100))
                    .col(id_ref("employer_org_id"))
                    .col(date_null("arrived_on"))
                    // The talent specialist (service_staff, 人才服务专员).
                    .col(id_ref_null("specialist_id"))
                    // The talent's own account, if any.
                    .col(id_ref_null("user_id"))
                    .col(text("passport_no", 30))
                    .col(text("id_number", 30))
                    .col(text("phone", 30))
                    .col(text("email", 100))
                    .col(text("note", 500))
                    // The language the talent chose for its pages: zh, en, or
                    // empty to follow the browser.
                    .col(text("lang", 8)),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("talent_requests"))
                    .col(id())
                    .col(id_ref("case_id"))
                    .col(id_ref("talent_id"))
                    // The items asked for, comma-separated, the leading one first.
                    .col(text("service_ids", 1000))
                    // The talent's tier and origin when it asked, for the figures.
                    .col(text("tier_code", 30))
                    .col(flag("international"))
                    // The specialist's account when submitted on the talent's behalf.
                    .col(id_ref_null("on_behalf_by")),
            )
            .to_owned(),
        ] {
            m.create_table(t).await?;
        }
        for i in [
            index("talent_tiers", "ux_talent_tiers_code", &["code"], true),
            index(
                "talent_services",
                "ux_talent_services_category_id",
                &["category_id"],
                true,
            ),
            index("talents", "ux_talents_user_id", &["user_id"], true),
            index(
                "talents",
                "ix_talents_employer_org_id",
                &["employer_org_id"],
                false,
            ),
            index("talents", "ix_talents_tier_id", &["tier_id"], false),
            index("talents", "ix_talents_name", &["name"], false),
            index(
                "talent_requests",
                "ux_talent_requests_case_id",
                &["case_id"],
                true,
            ),
            index(
                "talent_requests",
                "ix_talent_requests_talent_id",
                &["talent_id"],
                false,
            ),
        ] {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(Alias::new(*t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
