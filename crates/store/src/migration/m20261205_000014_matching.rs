//! Matchmaking (技术撮合), PRODUCT.md A4: technology offers and needs with
//! their publication, the leads brokers work, the cooperation projects
//! they produce, the once-per-pair match messages, the administrators'
//! matching vocabulary, and the change feed the web layer's in-memory
//! matching index reads on every replica.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{
    big, col, date, date_null, flag, id, id_ref, id_ref_null, index, int_null, long_text,
    record_cols, text, text_null, ts, ts_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000014_matching"
    }
}

const TABLES: &[&str] = &[
    "offers",
    "needs",
    "match_leads",
    "cooperation_projects",
    "match_notices",
    "matching_terms",
    "matching_changes",
    "matching_change_head",
];

/// An optional amount in fen.
fn big_null(name: &str) -> ColumnDef {
    col(name).big_integer().null().to_owned()
}

/// The columns of publication both offers and needs carry.
fn listing_cols(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(text("contact_name", 50))
        .col(text("contact_phone", 30))
        // domain::matching::ListingStatus code.
        .col(text("status", 20))
        // The reason given with the last return, withdrawal or closing.
        .col(text("status_reason", 500))
        // domain::matching::CloseCause code, once closed.
        .col(text_null("close_cause", 20))
        // The account that posted it (an organisation's user, or staff on its behalf).
        .col(id_ref("posted_by"))
        .col(ts_null("submitted_at"))
        .col(id_ref_null("reviewed_by"))
        .col(ts_null("reviewed_at"))
        .col(ts_null("published_at"))
        .col(ts_null("closed_at"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables: Vec<TableCreateStatement> = vec![
            record_cols(listing_cols(
                Table::create()
                    .table(Alias::new("offers"))
                    .col(id())
                    .col(text("kind", 20))
                    .col(text("title", 200))
                    .col(long_text("description"))
                    .col(text("keywords", 300))
                    .col(text("field", 100))
                    .col(id_ref_null("chain_id"))
                    .col(id_ref_null("chain_node_id"))
                    .col(int_null("trl"))
                    // Cooperation modes: codes, comma-separated.
                    .col(text("modes", 100))
                    .col(big_null("price_min_fen"))
                    .col(big_null("price_max_fen"))
                    .col(text("region", 100))
                    .col(id_ref("holder_org_id"))
                    .col(id_ref_null("transfer_project_id")),
            ))
            .to_owned(),
            record_cols(listing_cols(
                Table::create()
                    .table(Alias::new("needs"))
                    .col(id())
                    .col(text("title", 200))
                    .col(long_text("description"))
                    .col(text("keywords", 300))
                    .col(text("field", 100))
                    .col(id_ref_null("chain_id"))
                    .col(id_ref_null("chain_node_id"))
                    .col(int_null("trl_min"))
                    .col(int_null("trl_max"))
                    .col(text("modes", 100))
                    .col(big_null("budget_fen"))
                    .col(date_null("deadline"))
                    .col(text("region", 100))
                    .col(id_ref("org_id"))
                    .col(flag("name_public")),
            ))
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("match_leads"))
                    .col(id())
                    .col(id_ref("need_id"))
                    .col(id_ref("offer_id"))
                    .col(id_ref("broker_user_id"))
                    .col(id_ref("created_by"))
                    .col(text("stage", 20))
                    .col(ts("stage_at"))
                    // When the lead first reached a stage where the parties have met.
                    .col(ts_null("met_at"))
                    .col(text("close_reason", 500))
                    .col(ts_null("closed_at"))
                    .col(text("next_step", 300))
                    .col(date_null("next_due_on"))
                    .col(ts_null("supervised_at"))
                    .col(id_ref_null("supervised_by"))
                    .col(text("supervision_note", 500))
                    .col(id_ref_null("contract_id"))
                    .col(id_ref_null("cooperation_project_id"))
                    .col(date_null("signed_on"))
                    .col(big_null("amount_fen")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("cooperation_projects"))
                    .col(id())
                    .col(text("title", 200))
                    .col(id_ref_null("lead_id"))
                    .col(id_ref_null("need_id"))
                    .col(id_ref_null("offer_id"))
                    .col(id_ref("enterprise_org_id"))
                    .col(id_ref_null("partner_org_id"))
                    .col(id_ref_null("chain_id"))
                    // A CoopMode code, or empty.
                    .col(text("mode", 20))
                    .col(date("signed_on"))
                    .col(big("amount_fen"))
                    .col(id_ref_null("contract_id"))
                    .col(id_ref("recorded_by"))
                    .col(long_text("note")),
            )
            .to_owned(),
            Table::create()
                .table(Alias::new("match_notices"))
                .col(id())
                .col(id_ref("need_id"))
                .col(id_ref("offer_id"))
                .col(ts("created_at"))
                .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("matching_terms"))
                    .col(id())
                    .col(text("kind", 20))
                    .col(text("text", 300)),
            )
            .to_owned(),
            Table::create()
                .table(Alias::new("matching_changes"))
                // Allocated from matching_change_head in the writing
                // transaction: gapless and in commit order.
                .col(col("seq").big_integer().not_null().primary_key())
                .col(text("kind", 10))
                .col(text("record_id", 36))
                .col(text("action", 20))
                .col(ts("created_at"))
                .to_owned(),
            Table::create()
                .table(Alias::new("matching_change_head"))
                .col(col("id").integer().not_null().primary_key())
                .col(big("seq"))
                .to_owned(),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        for i in [
            index("offers", "ix_offers_status", &["status"], false),
            index(
                "offers",
                "ix_offers_holder_org_id",
                &["holder_org_id"],
                false,
            ),
            index("offers", "ix_offers_chain_id", &["chain_id"], false),
            index(
                "offers",
                "ix_offers_chain_node_id",
                &["chain_node_id"],
                false,
            ),
            index(
                "offers",
                "ix_offers_transfer_project_id",
                &["transfer_project_id"],
                false,
            ),
            index(
                "needs",
                "ix_needs_status_deadline",
                &["status", "deadline"],
                false,
            ),
            index("needs", "ix_needs_org_id", &["org_id"], false),
            index("needs", "ix_needs_chain_id", &["chain_id"], false),
            index("needs", "ix_needs_chain_node_id", &["chain_node_id"], false),
            index("needs", "ix_needs_deadline", &["deadline"], false),
            index(
                "match_leads",
                "ix_match_leads_need_id_offer_id",
                &["need_id", "offer_id"],
                false,
            ),
            index(
                "match_leads",
                "ix_match_leads_offer_id",
                &["offer_id"],
                false,
            ),
            index(
                "match_leads",
                "ix_match_leads_broker_user_id_stage",
                &["broker_user_id", "stage"],
                false,
            ),
            index(
                "match_leads",
                "ix_match_leads_stage_next_due_on",
                &["stage", "next_due_on"],
                false,
            ),
            index(
                "match_leads",
                "ix_match_leads_next_due_on",
                &["next_due_on"],
                false,
            ),
            index(
                "match_leads",
                "ix_match_leads_signed_on",
                &["signed_on"],
                false,
            ),
            index(
                "cooperation_projects",
                "ux_cooperation_projects_lead_id",
                &["lead_id"],
                true,
            ),
            index(
                "cooperation_projects",
                "ix_cooperation_projects_signed_on",
                &["signed_on"],
                false,
            ),
            index(
                "cooperation_projects",
                "ix_cooperation_projects_chain_id_signed_on",
                &["chain_id", "signed_on"],
                false,
            ),
            index(
                "cooperation_projects",
                "ix_cooperation_projects_enterprise_org_id",
                &["enterprise_org_id"],
                false,
            ),
            index(
                "cooperation_projects",
                "ix_cooperation_projects_partner_org_id",
                &["partner_org_id"],
                false,
            ),
            index(
                "match_notices",
                "ux_match_notices_need_id_offer_id",
                &["need_id", "offer_id"],
                true,
            ),
            index(
                "match_notices",
                "ix_match_notices_offer_id",
                &["offer_id"],
                false,
            ),
            index(
                "matching_terms",
                "ux_matching_terms_kind_text",
                &["kind", "text"],
                true,
            ),
        ] {
            m.create_index(i).await?;
        }
        let head = Query::insert()
            .into_table(Alias::new("matching_change_head"))
            .columns([Alias::new("id"), Alias::new("seq")])
            .values_panic([1.into(), 0i64.into()])
            .to_owned();
        let db = m.get_connection();
        db.execute(db.get_database_backend().build(&head)).await?;
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
