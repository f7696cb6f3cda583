//! Closed-loop case handling (诉求闭环办理): categories with routing and
//! time limits, cases, department tasks, the append-only timeline,
//! supervision orders, accountability interviews, per-year case numbers,
//! and the in-app inbox. Chains gain their task force (一产业一专班).

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{
    big, col, date, date_null, flag, id, id_ref, id_ref_null, index, int, long_text, record_cols,
    text, ts, ts_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000002_cases"
    }
}

fn text_opt(name: &str) -> ColumnDef {
    col(name).text().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("chains"))
                .add_column(id_ref_null("task_force_department_id"))
                .to_owned(),
        )
        .await?;
        let tables: Vec<TableCreateStatement> = vec![
            record_cols(
                Table::create()
                    .table(Alias::new("case_categories"))
                    .col(id())
                    .col(text("code", 30))
                    .col(text("name", 50))
                    // Routing rule: the category's lead department (主办).
                    .col(id_ref_null("lead_department_id"))
                    .col(col("time_limit_days").integer().not_null().default(10))
                    .col(col("task_limit_days").integer().not_null().default(5))
                    .col(col("warn_days").integer().not_null().default(2))
                    .col(col("rating_days").integer().not_null().default(5))
                    .col(int("sort_order"))
                    .col(col("active").boolean().not_null().default(true)),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("cases"))
                    .col(id())
                    .col(text("number", 20))
                    .col(int("year"))
                    .col(big("seq"))
                    .col(text("title", 200))
                    .col(long_text("description"))
                    .col(id_ref("category_id"))
                    .col(id_ref("org_id"))
                    .col(id_ref_null("chain_id"))
                    .col(text("channel", 20))
                    .col(text("status", 20))
                    .col(ts("received_at"))
                    .col(date("received_on"))
                    .col(int("limit_days"))
                    .col(date("due_on"))
                    .col(int("suspended_workdays"))
                    .col(date_null("suspended_since"))
                    .col(id_ref_null("lead_department_id"))
                    .col(id_ref_null("task_force_department_id"))
                    .col(int("supervision_level"))
                    .col(int("reopened_count"))
                    .col(text_opt("reply"))
                    .col(ts_null("replied_at"))
                    .col(col("satisfaction").string_len(20).null())
                    .col(text_opt("rating_comment"))
                    .col(ts_null("closed_at"))
                    .col(date_null("closed_on"))
                    .col(id_ref_null("merged_into_id"))
                    .col(text_opt("decline_reason"))
                    .col(id_ref_null("submitted_by"))
                    .col(text("contact_name", 50))
                    .col(text("contact_phone", 30)),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("case_tasks"))
                    .col(id())
                    .col(id_ref("case_id"))
                    .col(id_ref("department_id"))
                    .col(text("role", 10))
                    .col(text("status", 20))
                    .col(date("dispatched_on"))
                    .col(date("due_on"))
                    .col(ts_null("accepted_at"))
                    .col(ts_null("done_at"))
                    .col(date_null("done_on"))
                    .col(text_opt("result"))
                    .col(text_opt("returned_reason")),
            )
            .to_owned(),
            Table::create()
                .table(Alias::new("case_events"))
                .col(id())
                .col(id_ref("case_id"))
                .col(ts("at"))
                .col(text("actor", 64))
                .col(text("kind", 30))
                .col(id_ref_null("department_id"))
                .col(long_text("message"))
                .to_owned(),
            Table::create()
                .table(Alias::new("case_seqs"))
                .col(col("year").integer().not_null().primary_key())
                .col(big("last"))
                .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("supervisions"))
                    .col(id())
                    .col(id_ref("case_id"))
                    .col(id_ref_null("department_id"))
                    .col(int("level"))
                    .col(long_text("reason"))
                    .col(flag("automatic"))
                    .col(text("raised_by", 64))
                    .col(ts_null("resolved_at")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("interviews"))
                    .col(id())
                    .col(id_ref("department_id"))
                    .col(id_ref_null("case_id"))
                    .col(text("interviewee", 100))
                    .col(date("held_on"))
                    .col(long_text("reason"))
                    .col(long_text("outcome"))
                    .col(text("recorded_by", 64)),
            )
            .to_owned(),
            Table::create()
                .table(Alias::new("notifications"))
                .col(id())
                .col(id_ref_null("user_id"))
                .col(id_ref_null("department_id"))
                .col(text("title", 200))
                .col(long_text("body"))
                .col(text("link", 300))
                .col(ts("created_at"))
                .col(ts_null("read_at"))
                .to_owned(),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        let indexes = [
            index(
                "case_categories",
                "ux_case_categories_code",
                &["code"],
                true,
            ),
            index("cases", "ux_cases_number", &["number"], true),
            index("cases", "ix_cases_status", &["status"], false),
            index("cases", "ix_cases_org", &["org_id"], false),
            index("cases", "ix_cases_category", &["category_id"], false),
            index("cases", "ix_cases_lead", &["lead_department_id"], false),
            index(
                "cases",
                "ix_cases_task_force",
                &["task_force_department_id"],
                false,
            ),
            index("cases", "ix_cases_received", &["received_at"], false),
            index("case_tasks", "ix_case_tasks_case", &["case_id"], false),
            index(
                "case_tasks",
                "ix_case_tasks_department",
                &["department_id", "status"],
                false,
            ),
            index(
                "case_events",
                "ix_case_events_case",
                &["case_id", "at"],
                false,
            ),
            index("supervisions", "ix_supervisions_case", &["case_id"], false),
            index(
                "interviews",
                "ix_interviews_department",
                &["department_id"],
                false,
            ),
            index(
                "notifications",
                "ix_notifications_user",
                &["user_id", "read_at"],
                false,
            ),
            index(
                "notifications",
                "ix_notifications_department",
                &["department_id", "read_at"],
                false,
            ),
        ];
        for i in indexes {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "notifications",
            "interviews",
            "supervisions",
            "case_seqs",
            "case_events",
            "case_tasks",
            "cases",
            "case_categories",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Alias::new("chains"))
                .drop_column(Alias::new("task_force_department_id"))
                .to_owned(),
        )
        .await
    }
}
