//! Platform foundation: departments, organisations, accounts, sessions,
//! tokens, audit log, change feed, industrial chains, work calendar.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000001_foundation"
    }
}

pub(super) fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}
pub(super) fn id() -> ColumnDef {
    col("id").string_len(36).not_null().primary_key().to_owned()
}
pub(super) fn id_ref(name: &str) -> ColumnDef {
    col(name).string_len(36).not_null().to_owned()
}
pub(super) fn id_ref_null(name: &str) -> ColumnDef {
    col(name).string_len(36).null().to_owned()
}
pub(super) fn text(name: &str, len: u32) -> ColumnDef {
    col(name).string_len(len).not_null().default("").to_owned()
}
pub(super) fn text_null(name: &str, len: u32) -> ColumnDef {
    col(name).string_len(len).null().to_owned()
}
pub(super) fn long_text(name: &str) -> ColumnDef {
    col(name).text().not_null().to_owned()
}
pub(super) fn flag(name: &str) -> ColumnDef {
    col(name).boolean().not_null().default(false).to_owned()
}
pub(super) fn int(name: &str) -> ColumnDef {
    col(name).integer().not_null().default(0).to_owned()
}
pub(super) fn big(name: &str) -> ColumnDef {
    col(name).big_integer().not_null().default(0).to_owned()
}
pub(super) fn int_null(name: &str) -> ColumnDef {
    col(name).integer().null().to_owned()
}
pub(super) fn date(name: &str) -> ColumnDef {
    col(name).date().not_null().to_owned()
}
pub(super) fn date_null(name: &str) -> ColumnDef {
    col(name).date().null().to_owned()
}
pub(super) fn ts(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().not_null().to_owned()
}
pub(super) fn ts_null(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().null().to_owned()
}
/// Columns every editable business record carries.
pub(super) fn record_cols(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(col("version").integer().not_null().default(1))
        .col(ts("created_at"))
        .col(ts("updated_at"))
}

pub(super) fn index(table: &str, name: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables: Vec<TableCreateStatement> = vec![
            record_cols(
                Table::create()
                    .table(Alias::new("departments"))
                    .col(id())
                    .col(id_ref_null("parent_id"))
                    .col(text("name", 100))
                    .col(text("code", 50))
                    // Materialised path of ids ("/a/b/"), so "department and below" is a prefix match.
                    .col(text("path", 600))
                    .col(int("sort_order"))
                    .col(text("phone", 30)),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("orgs"))
                    .col(id())
                    .col(text("name", 200))
                    .col(text("kind", 20))
                    .col(text_null("uscc", 18))
                    .col(text("legal_person", 50))
                    .col(text("contact_name", 50))
                    .col(text("contact_phone", 30))
                    .col(text("contact_email", 100))
                    .col(text("address", 300))
                    .col(text("tags", 300))
                    .col(flag("is_high_tech"))
                    .col(flag("is_tech_sme"))
                    .col(flag("is_specialized"))
                    .col(id_ref_null("department_id"))
                    .col(col("founded_on").date().null())
                    .col(long_text("description")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("users"))
                    .col(id())
                    .col(text("username", 64))
                    .col(text("display_name", 64))
                    .col(text("password_hash", 200))
                    .col(text("role", 30))
                    .col(id_ref_null("department_id"))
                    .col(id_ref_null("org_id"))
                    .col(col("active").boolean().not_null().default(true)),
            )
            .to_owned(),
            Table::create()
                .table(Alias::new("sessions"))
                .col(col("id").string_len(64).not_null().primary_key())
                .col(id_ref("user_id"))
                .col(text("csrf", 64))
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .to_owned(),
            Table::create()
                .table(Alias::new("api_tokens"))
                .col(id())
                .col(id_ref("user_id"))
                .col(text("name", 100))
                .col(text("token_hash", 64))
                .col(text("prefix", 16))
                .col(ts("created_at"))
                .col(ts_null("last_used_at"))
                .col(ts_null("revoked_at"))
                .to_owned(),
            Table::create()
                .table(Alias::new("login_attempts"))
                .col(id())
                .col(text("username", 64))
                .col(text("ip", 64))
                .col(flag("success"))
                .col(ts("at"))
                .to_owned(),
            Table::create()
                .table(Alias::new("audit_log"))
                .col(id())
                .col(text("entity", 40))
                .col(text("entity_id", 36))
                .col(big("seq"))
                .col(text("action", 20))
                .col(text("actor", 64))
                // RFC 3339 text, so the hashed value survives every backend's timestamp precision.
                .col(text("at", 40))
                .col(long_text("before_json"))
                .col(long_text("after_json"))
                .col(text("prev_hash", 64))
                .col(text("hash", 64))
                .to_owned(),
            Table::create()
                .table(Alias::new("change_feed"))
                .col(
                    col("id")
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(text("entity", 40))
                .col(text("entity_id", 36))
                .col(text("action", 20))
                .col(ts("at"))
                .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("chains"))
                    .col(id())
                    .col(text("name", 100))
                    .col(long_text("description")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("chain_nodes"))
                    .col(id())
                    .col(id_ref("chain_id"))
                    .col(id_ref_null("parent_id"))
                    .col(text("name", 100))
                    .col(int("sort_order")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("chain_orgs"))
                    .col(id())
                    .col(id_ref("chain_id"))
                    .col(id_ref_null("node_id"))
                    .col(id_ref("org_id"))
                    .col(text("position", 12)),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("chain_outputs"))
                    .col(id())
                    .col(id_ref("chain_id"))
                    .col(id_ref("org_id"))
                    .col(int("year"))
                    .col(big("output_fen")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("calendar_days"))
                    .col(id())
                    .col(col("day").date().not_null())
                    .col(text("kind", 10))
                    .col(text("name", 50)),
            )
            .to_owned(),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        let indexes = [
            index("departments", "ux_departments_code", &["code"], true),
            index("departments", "ix_departments_path", &["path"], false),
            index("orgs", "ux_orgs_uscc", &["uscc"], true),
            index("orgs", "ix_orgs_name", &["name"], false),
            index("orgs", "ix_orgs_department", &["department_id"], false),
            index("users", "ux_users_username", &["username"], true),
            index("sessions", "ix_sessions_user", &["user_id"], false),
            index("api_tokens", "ux_api_tokens_hash", &["token_hash"], true),
            index(
                "login_attempts",
                "ix_login_attempts_user_at",
                &["username", "at"],
                false,
            ),
            index(
                "audit_log",
                "ux_audit_log_record_seq",
                &["entity", "entity_id", "seq"],
                true,
            ),
            index("chains", "ux_chains_name", &["name"], true),
            index("chain_nodes", "ix_chain_nodes_chain", &["chain_id"], false),
            index("chain_orgs", "ux_chain_orgs", &["chain_id", "org_id"], true),
            index("chain_orgs", "ix_chain_orgs_org", &["org_id"], false),
            index(
                "chain_outputs",
                "ux_chain_outputs",
                &["chain_id", "org_id", "year"],
                true,
            ),
            index("calendar_days", "ux_calendar_days_day", &["day"], true),
        ];
        for i in indexes {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "calendar_days",
            "chain_outputs",
            "chain_orgs",
            "chain_nodes",
            "chains",
            "change_feed",
            "audit_log",
            "login_attempts",
            "api_tokens",
            "sessions",
            "users",
            "orgs",
            "departments",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
