//! The other two zones' mechanisms: supervision orders and accountability
//! interviews that name a person (Zhaoqing's 首席服务官 and 党建助手), the
//! assistant–instructor threads, and Ningbo's chain committee programmes of
//! joint actions.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{
    date, date_null, id, id_ref, id_ref_null, index, int, long_text, record_cols, text, ts,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000020_zone_mechanisms"
    }
}

const TABLES: [&str; 7] = [
    "accountabilities",
    "staff_threads",
    "staff_posts",
    "staff_thread_reads",
    "chain_programmes",
    "chain_actions",
    "chain_action_parties",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A supervision order (督办) or an accountability interview (约谈) naming
        // a member of the service staff.
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("accountabilities"))
                    .col(id())
                    .col(id_ref("staff_id"))
                    .col(text("kind", 20))
                    .col(id_ref_null("case_id"))
                    .col(date("held_on"))
                    .col(long_text("reason"))
                    .col(long_text("outcome"))
                    .col(long_text("follow_up"))
                    .col(date_null("closed_on"))
                    .col(text("recorded_by", 64)),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "accountabilities",
            "ix_accountabilities_staff",
            &["staff_id", "held_on"],
            false,
        ))
        .await?;
        // A thread between an assistant and an instructor, about an
        // enterprise or a work log.
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("staff_threads"))
                    .col(id())
                    .col(id_ref("assistant_id"))
                    .col(id_ref("instructor_id"))
                    .col(id_ref_null("org_id"))
                    .col(id_ref_null("work_log_id"))
                    .col(text("subject", 200))
                    .col(text("started_by", 64)),
            )
            .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_staff_threads_assistant", "assistant_id"),
            ("ix_staff_threads_instructor", "instructor_id"),
        ] {
            m.create_index(index("staff_threads", name, &[col], false))
                .await?;
        }
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("staff_posts"))
                    .col(id())
                    .col(id_ref("thread_id"))
                    .col(id_ref("author_id"))
                    .col(long_text("body")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "staff_posts",
            "ix_staff_posts_thread",
            &["thread_id", "created_at"],
            false,
        ))
        .await?;
        // How far each side has read: the other side's posts it has seen
        // (a count, so posts within the same second are never lost); derived,
        // not audited, like messages read.
        m.create_table(
            Table::create()
                .table(Alias::new("staff_thread_reads"))
                .col(id())
                .col(id_ref("thread_id"))
                .col(id_ref("staff_id"))
                .col(int("seen"))
                .col(ts("read_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "staff_thread_reads",
            "ux_staff_thread_reads",
            &["thread_id", "staff_id"],
            true,
        ))
        .await?;
        // A chain committee's programme of joint actions (e.g. 链上红心).
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("chain_programmes"))
                    .col(id())
                    .col(id_ref("committee_id"))
                    .col(text("name", 200))
                    .col(date("starts_on"))
                    .col(date_null("ends_on"))
                    .col(long_text("goal")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "chain_programmes",
            "ix_chain_programmes_committee",
            &["committee_id"],
            false,
        ))
        .await?;
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("chain_actions"))
                    .col(id())
                    .col(id_ref("programme_id"))
                    .col(text("title", 200))
                    .col(text("kind", 20))
                    .col(date("held_on"))
                    .col(long_text("results")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "chain_actions",
            "ix_chain_actions_programme",
            &["programme_id", "held_on"],
            false,
        ))
        .await?;
        // Who took part in an action: a party organisation or a firm.
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("chain_action_parties"))
                    .col(id())
                    .col(id_ref("action_id"))
                    .col(id_ref_null("party_org_id"))
                    .col(id_ref_null("org_id")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "chain_action_parties",
            "ix_chain_action_parties_action",
            &["action_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(Alias::new(*t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
