//! Events and alliances (赛会展演 · 联盟协会): event series (brands), events
//! with their organisers, registrations (with check-in) and outcomes;
//! alliances and associations with their members over time; and the date a
//! firm settled onto a chain (`chain_orgs.settled_on`).

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{
    col, date, date_null, flag, id, id_ref, id_ref_null, index, int, int_null, long_text,
    record_cols, text, text_null, ts_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000013_events"
    }
}

const TABLES: &[&str] = &[
    "event_series",
    "events",
    "event_organisers",
    "event_registrations",
    "event_outcomes",
    "alliances",
    "alliance_members",
];

/// A time of day without a date (an event's start and end time).
fn time_null(name: &str) -> ColumnDef {
    col(name).time().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables: Vec<TableCreateStatement> = vec![
            record_cols(
                Table::create()
                    .table(Alias::new("event_series"))
                    .col(id())
                    .col(text("name", 100))
                    .col(long_text("description")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("events"))
                    .col(id())
                    .col(id_ref_null("series_id"))
                    .col(id_ref_null("alliance_id"))
                    .col(text("title", 200))
                    .col(text("kind", 20))
                    .col(text("status", 20))
                    .col(text("venue", 200))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(time_null("start_time"))
                    .col(time_null("end_time"))
                    .col(int_null("capacity"))
                    .col(text("audience", 300))
                    .col(date_null("opens_on"))
                    .col(date_null("closes_on"))
                    .col(long_text("agenda"))
                    .col(flag("needs_approval"))
                    .col(text("cancel_reason", 500))
                    .col(ts_null("published_at"))
                    .col(ts_null("cancelled_at")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("event_organisers"))
                    .col(id())
                    .col(id_ref("event_id"))
                    .col(text("role", 10))
                    .col(id_ref_null("department_id"))
                    .col(id_ref_null("org_id")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("event_registrations"))
                    .col(id())
                    .col(id_ref("event_id"))
                    .col(id_ref_null("org_id"))
                    .col(text("institution_name", 200))
                    .col(text_null("institution_uscc", 18))
                    .col(text("sector", 20))
                    .col(text("person_name", 50))
                    .col(text("phone", 30))
                    .col(text("status", 20))
                    .col(text("ticket_code", 8))
                    .col(flag("walk_in"))
                    .col(id_ref("registered_by"))
                    .col(text("note", 500))
                    .col(ts_null("checked_in_at"))
                    .col(id_ref_null("checked_in_by")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("event_outcomes"))
                    .col(id())
                    .col(id_ref("event_id"))
                    .col(text("kind", 20))
                    .col(int("count"))
                    .col(text("note", 500)),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("alliances"))
                    .col(id())
                    .col(text("name", 100))
                    .col(text("kind", 20))
                    .col(date_null("founded_on"))
                    .col(id_ref_null("secretariat_org_id"))
                    .col(id_ref_null("chain_id"))
                    .col(long_text("description")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("alliance_members"))
                    .col(id())
                    .col(id_ref("alliance_id"))
                    .col(id_ref("org_id"))
                    .col(text("sector", 20))
                    .col(date("joined_on"))
                    .col(date_null("left_on")),
            )
            .to_owned(),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        for i in [
            index("event_series", "ux_event_series_name", &["name"], true),
            index("events", "ix_events_starts_on", &["starts_on"], false),
            index("events", "ix_events_series_id", &["series_id"], false),
            index(
                "event_organisers",
                "ix_event_organisers_event_id",
                &["event_id"],
                false,
            ),
            index(
                "event_organisers",
                "ix_event_organisers_department_id",
                &["department_id"],
                false,
            ),
            index(
                "event_organisers",
                "ix_event_organisers_org_id",
                &["org_id"],
                false,
            ),
            index(
                "event_registrations",
                "ux_event_registrations_ticket_code",
                &["ticket_code"],
                true,
            ),
            index(
                "event_registrations",
                "ix_event_registrations_event_id_status",
                &["event_id", "status"],
                false,
            ),
            index(
                "event_registrations",
                "ix_event_registrations_event_id_phone",
                &["event_id", "phone"],
                false,
            ),
            index(
                "event_registrations",
                "ix_event_registrations_registered_by",
                &["registered_by"],
                false,
            ),
            index(
                "event_registrations",
                "ix_event_registrations_org_id",
                &["org_id"],
                false,
            ),
            index(
                "event_outcomes",
                "ix_event_outcomes_event_id",
                &["event_id"],
                false,
            ),
            index("events", "ix_events_alliance_id", &["alliance_id"], false),
            index("alliances", "ux_alliances_name", &["name"], true),
            index(
                "alliance_members",
                "ix_alliance_members_alliance_id_org_id",
                &["alliance_id", "org_id"],
                false,
            ),
            index(
                "alliance_members",
                "ix_alliance_members_org_id",
                &["org_id"],
                false,
            ),
        ] {
            m.create_index(i).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Alias::new("chain_orgs"))
                .add_column(date_null("settled_on"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("chain_orgs"))
                .drop_column(Alias::new("settled_on"))
                .to_owned(),
        )
        .await?;
        for t in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(Alias::new(*t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
