//! Party-building network and accountability (强基 · 先锋): party
//! organisations and where they sit, chain committees, members and their
//! recruitment, cross-appointments; service staff, assignments and work
//! logs; meetings, agendas and the annual key-item list with milestones;
//! responsibility zones; commitments and their reports; vanguard teams,
//! horse races with dimensions and scores, commendations; project claims
//! (揭榜) and original results.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{
    date, date_null, id, id_ref, id_ref_null, index, int, long_text, record_cols, text, ts,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000008_party"
    }
}

const TABLES: &[&str] = &[
    "party_orgs",
    "party_org_units",
    "party_chain_links",
    "party_members",
    "cross_appointments",
    "service_staff",
    "staff_assignments",
    "work_logs",
    "meetings",
    "meeting_agenda",
    "key_items",
    "key_item_milestones",
    "zones",
    "zone_members",
    "zone_orgs",
    "commitments",
    "commitment_reports",
    "teams",
    "team_members",
    "races",
    "race_dimensions",
    "race_scores",
    "honors",
    "project_claims",
    "original_results",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables: Vec<TableCreateStatement> = vec![
            record_cols(
                Table::create()
                    .table(Alias::new("party_orgs"))
                    .col(id())
                    .col(id_ref_null("parent_id"))
                    .col(text("name", 100))
                    .col(text("kind", 30))
                    .col(text("path", 600))
                    .col(id_ref_null("chain_id"))
                    .col(date_null("founded_on"))
                    .col(text("secretary", 50))
                    .col(text("venue", 100))
                    .col(int("sort_order")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("party_org_units"))
                    .col(id())
                    .col(id_ref("party_org_id"))
                    .col(id_ref("org_id")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("party_chain_links"))
                    .col(id())
                    .col(id_ref("committee_id"))
                    .col(id_ref("party_org_id")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("party_members"))
                    .col(id())
                    .col(id_ref("party_org_id"))
                    .col(text("name", 50))
                    .col(text("gender", 10))
                    .col(text("phone", 30))
                    .col(text("id_number", 18))
                    .col(text("field", 20))
                    .col(text("post", 50))
                    .col(text("stage", 20))
                    .col(date_null("applied_on"))
                    .col(date_null("activist_on"))
                    .col(date_null("candidate_on"))
                    .col(date_null("probationary_on"))
                    .col(date_null("full_on")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("cross_appointments"))
                    .col(id())
                    .col(id_ref("party_org_id"))
                    .col(text("person", 50))
                    .col(text("party_post", 50))
                    .col(text("admin_post", 50))
                    .col(id_ref_null("org_id"))
                    .col(date_null("since")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("service_staff"))
                    .col(id())
                    .col(text("name", 50))
                    .col(text("staff_role", 30))
                    .col(id_ref_null("user_id"))
                    .col(text("phone", 30))
                    .col(id_ref_null("department_id"))
                    .col(id_ref_null("party_org_id"))
                    .col(id_ref_null("assistant_of")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("staff_assignments"))
                    .col(id())
                    .col(id_ref("staff_id"))
                    .col(id_ref("org_id"))
                    .col(date("from_on"))
                    .col(date_null("to_on")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("work_logs"))
                    .col(id())
                    .col(id_ref("staff_id"))
                    .col(id_ref_null("org_id"))
                    .col(date("logged_on"))
                    .col(text("kind", 20))
                    .col(long_text("content"))
                    .col(long_text("problems"))
                    .col(id_ref_null("case_id")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("meetings"))
                    .col(id())
                    .col(text("kind", 20))
                    .col(text("title", 200))
                    .col(date("held_on"))
                    .col(text("place", 100))
                    .col(long_text("attendees"))
                    .col(long_text("minutes")),
            )
            .to_owned(),
            Table::create()
                .table(Alias::new("meeting_agenda"))
                .col(id())
                .col(id_ref("meeting_id"))
                .col(id_ref("key_item_id"))
                .col(text("reason", 20))
                .col(ts("created_at"))
                .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("key_items"))
                    .col(id())
                    .col(int("year"))
                    .col(text("title", 200))
                    .col(text("owner", 100))
                    .col(id_ref_null("department_id"))
                    .col(id_ref_null("meeting_id"))
                    .col(long_text("decision"))
                    .col(date("due_on"))
                    .col(int("progress"))
                    .col(text("status", 20))
                    .col(date_null("done_on"))
                    .col(long_text("note")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("key_item_milestones"))
                    .col(id())
                    .col(id_ref("key_item_id"))
                    .col(text("title", 200))
                    .col(date("due_on"))
                    .col(date_null("done_on")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("zones"))
                    .col(id())
                    .col(text("name", 100))
                    .col(id_ref("party_org_id"))
                    .col(text("leader", 50))
                    .col(long_text("area")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("zone_members"))
                    .col(id())
                    .col(id_ref("zone_id"))
                    .col(id_ref("member_id")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("zone_orgs"))
                    .col(id())
                    .col(id_ref("zone_id"))
                    .col(id_ref("org_id")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("commitments"))
                    .col(id())
                    .col(id_ref("member_id"))
                    .col(id_ref("party_org_id"))
                    .col(text("title", 200))
                    .col(long_text("detail"))
                    .col(date("pledged_on"))
                    .col(date("due_on"))
                    .col(text("status", 20))
                    .col(date_null("verified_on"))
                    .col(text("verified_by", 64))
                    .col(long_text("verdict")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("commitment_reports"))
                    .col(id())
                    .col(id_ref("commitment_id"))
                    .col(date("reported_on"))
                    .col(long_text("progress"))
                    .col(long_text("evidence"))
                    .col(int("percent")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("teams"))
                    .col(id())
                    .col(text("name", 100))
                    .col(text("slogan", 200))
                    .col(id_ref_null("department_id"))
                    .col(text("leader", 50)),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("team_members"))
                    .col(id())
                    .col(id_ref("team_id"))
                    .col(id_ref("member_id")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("races"))
                    .col(id())
                    .col(text("name", 100))
                    .col(date("period_from"))
                    .col(date("period_to"))
                    .col(id_ref_null("previous_race_id"))
                    .col(text("status", 20)),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("race_dimensions"))
                    .col(id())
                    .col(id_ref("race_id"))
                    .col(text("name", 50))
                    .col(int("weight"))
                    .col(text("source", 30))
                    .col(int("sort_order")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("race_scores"))
                    .col(id())
                    .col(id_ref("race_id"))
                    .col(id_ref("dimension_id"))
                    .col(id_ref("team_id"))
                    .col(int("score_tenths"))
                    .col(long_text("evidence")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("honors"))
                    .col(id())
                    .col(text("recipient_kind", 10))
                    .col(text("recipient_name", 100))
                    .col(id_ref_null("team_id"))
                    .col(id_ref_null("member_id"))
                    .col(text("title", 200))
                    .col(text("level", 20))
                    .col(date("awarded_on")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("project_claims"))
                    .col(id())
                    .col(text("title", 200))
                    .col(text("level", 20))
                    .col(text("team", 100))
                    .col(text("leader", 50))
                    .col(int("participants"))
                    .col(id_ref_null("party_org_id"))
                    .col(text("state", 20))
                    .col(date("claimed_on")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("original_results"))
                    .col(id())
                    .col(id_ref_null("claim_id"))
                    .col(text("title", 200))
                    .col(text("kind", 30))
                    .col(date("achieved_on")),
            )
            .to_owned(),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        for i in [
            index(
                "party_orgs",
                "ix_party_orgs_parent_id",
                &["parent_id"],
                false,
            ),
            index(
                "party_org_units",
                "ux_party_org_units_party_org_id_org_id",
                &["party_org_id", "org_id"],
                true,
            ),
            index(
                "party_chain_links",
                "ux_party_chain_links_committee_id_party_org_id",
                &["committee_id", "party_org_id"],
                true,
            ),
            index(
                "party_members",
                "ix_party_members_party_org_id",
                &["party_org_id"],
                false,
            ),
            index(
                "staff_assignments",
                "ix_staff_assignments_staff_id",
                &["staff_id"],
                false,
            ),
            index(
                "staff_assignments",
                "ix_staff_assignments_org_id",
                &["org_id"],
                false,
            ),
            index("work_logs", "ix_work_logs_staff_id", &["staff_id"], false),
            index(
                "meeting_agenda",
                "ix_meeting_agenda_meeting_id",
                &["meeting_id"],
                false,
            ),
            index("key_items", "ix_key_items_year", &["year"], false),
            index(
                "key_item_milestones",
                "ix_key_item_milestones_key_item_id",
                &["key_item_id"],
                false,
            ),
            index(
                "zone_members",
                "ux_zone_members_zone_id_member_id",
                &["zone_id", "member_id"],
                true,
            ),
            index(
                "zone_orgs",
                "ux_zone_orgs_zone_id_org_id",
                &["zone_id", "org_id"],
                true,
            ),
            index(
                "commitments",
                "ix_commitments_party_org_id",
                &["party_org_id"],
                false,
            ),
            index(
                "commitments",
                "ix_commitments_member_id",
                &["member_id"],
                false,
            ),
            index(
                "commitment_reports",
                "ix_commitment_reports_commitment_id",
                &["commitment_id"],
                false,
            ),
            index(
                "team_members",
                "ux_team_members_team_id_member_id",
                &["team_id", "member_id"],
                true,
            ),
            index(
                "race_dimensions",
                "ix_race_dimensions_race_id",
                &["race_id"],
                false,
            ),
            index(
                "race_scores",
                "ux_race_scores_race_id_dimension_id_team_id",
                &["race_id", "dimension_id", "team_id"],
                true,
            ),
            index(
                "original_results",
                "ix_original_results_claim_id",
                &["claim_id"],
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
