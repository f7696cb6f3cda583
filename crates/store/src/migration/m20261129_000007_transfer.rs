//! Technology transfer and its capital (成果转化 · 资金链): transfer projects
//! with their stage history, gate reviews and expert scores; fund pools,
//! grant-to-equity agreements (先投后股) and their tranches; loan tiers,
//! tiered loans (科企梯度贷) with installments and repayments; registered
//! technology contracts (技术合同).

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{
    big, date, date_null, flag, id, id_ref, id_ref_null, index, int, int_null, long_text,
    record_cols, text,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000007_transfer"
    }
}

const TABLES: &[&str] = &[
    "transfer_projects",
    "project_stages",
    "gate_reviews",
    "review_scores",
    "fund_pools",
    "grant_equities",
    "grant_tranches",
    "loan_tiers",
    "loans",
    "loan_installments",
    "loan_repayments",
    "tech_contracts",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables: Vec<TableCreateStatement> = vec![
            record_cols(
                Table::create()
                    .table(Alias::new("transfer_projects"))
                    .col(id())
                    .col(text("title", 200))
                    .col(text("field", 50))
                    .col(id_ref_null("chain_id"))
                    .col(id_ref_null("chain_node_id"))
                    // The result's holder (institute or university).
                    .col(id_ref_null("holder_org_id"))
                    // Inventors and their shares: "姓名:占比‰;…".
                    .col(text("inventors", 500))
                    // Patent numbers, comma separated.
                    .col(text("patents", 500))
                    .col(int("trl"))
                    .col(text("stage", 30))
                    .col(text("state", 20))
                    .col(date("stage_entered_on"))
                    .col(text("manager", 50))
                    .col(long_text("summary"))
                    .col(id_ref_null("incubator_org_id"))
                    .col(id_ref_null("firm_org_id"))
                    .col(date_null("incubated_on"))
                    .col(date_null("graduated_on")),
            )
            .to_owned(),
            Table::create()
                .table(Alias::new("project_stages"))
                .col(id())
                .col(id_ref("project_id"))
                .col(text("stage", 30))
                .col(date("entered_on"))
                .col(date_null("left_on"))
                .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("gate_reviews"))
                    .col(id())
                    .col(id_ref("project_id"))
                    .col(text("stage", 30))
                    // Criteria and weights: "技术先进性:30;市场前景:30;…".
                    .col(text("criteria", 500))
                    .col(text("status", 20))
                    .col(int_null("score_tenths"))
                    .col(text("decision", 20))
                    .col(text("target_stage", 30))
                    .col(long_text("reasons"))
                    .col(long_text("override_reason"))
                    .col(text("decided_by", 64))
                    .col(date_null("decided_on")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("review_scores"))
                    .col(id())
                    .col(id_ref("review_id"))
                    .col(text("expert_name", 50))
                    .col(text("expert_org", 100))
                    .col(flag("conflict"))
                    .col(text("conflict_note", 300))
                    // One score per criterion, comma separated.
                    .col(text("scores", 200))
                    .col(int("score_tenths"))
                    .col(long_text("comment")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("fund_pools"))
                    .col(id())
                    .col(text("name", 100))
                    .col(big("budget_fen")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("grant_equities"))
                    .col(id())
                    .col(text("agreement_no", 40))
                    .col(id_ref("pool_id"))
                    .col(id_ref_null("project_id"))
                    .col(id_ref("org_id"))
                    // The designated state-owned platform that holds the equity.
                    .col(text("platform", 100))
                    .col(big("grant_fen"))
                    .col(date("signed_on"))
                    .col(int("term_months"))
                    .col(big("min_round_fen"))
                    .col(int("discount_permille"))
                    .col(int("cap_ppm"))
                    .col(int("buyback_rate_permille"))
                    .col(int("exit_start_months"))
                    .col(int("exit_end_months"))
                    .col(text("status", 20))
                    .col(date_null("round_closed_on"))
                    .col(big("round_pre_money_fen"))
                    .col(big("round_pre_shares"))
                    .col(big("round_amount_fen"))
                    .col(text("round_investors", 300))
                    .col(big("conv_shares"))
                    .col(big("conv_fen"))
                    .col(int("conv_stake_ppm"))
                    .col(big("conv_price_e4"))
                    .col(date_null("closed_on"))
                    .col(text("exit_kind", 20))
                    .col(date_null("exited_on"))
                    .col(big("exit_proceeds_fen"))
                    .col(long_text("note")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("grant_tranches"))
                    .col(id())
                    .col(id_ref("grant_id"))
                    .col(date("paid_on"))
                    .col(big("amount_fen"))
                    .col(text("note", 200)),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("loan_tiers"))
                    .col(id())
                    .col(text("name", 50))
                    .col(text("min_level", 20))
                    .col(int_null("min_score"))
                    .col(big("limit_fen"))
                    .col(int("rate_bps"))
                    .col(int("subsidy_bps"))
                    .col(int("guarantee_permille"))
                    .col(int("sort_order")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("loans"))
                    .col(id())
                    .col(text("loan_no", 30))
                    .col(id_ref("org_id"))
                    .col(id_ref_null("tier_id"))
                    .col(text("status", 20))
                    .col(text("ladder", 20))
                    .col(int("score"))
                    .col(big("requested_fen"))
                    .col(big("amount_fen"))
                    .col(int("term_months"))
                    .col(int("rate_bps"))
                    .col(int("subsidy_bps"))
                    .col(int("guarantee_permille"))
                    .col(text("bank", 100))
                    .col(text("purpose", 300))
                    .col(date("applied_on"))
                    .col(date_null("decided_on"))
                    .col(date_null("disbursed_on"))
                    .col(big("compensated_fen"))
                    .col(long_text("note")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("loan_installments"))
                    .col(id())
                    .col(id_ref("loan_id"))
                    .col(int("seq"))
                    .col(date("due_on"))
                    .col(big("principal_fen"))
                    .col(big("interest_fen"))
                    .col(big("subsidy_fen"))
                    .col(big("paid_principal_fen"))
                    .col(big("paid_interest_fen"))
                    .col(date_null("settled_on")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("loan_repayments"))
                    .col(id())
                    .col(id_ref("loan_id"))
                    .col(date("paid_on"))
                    .col(big("amount_fen")),
            )
            .to_owned(),
            record_cols(
                Table::create()
                    .table(Alias::new("tech_contracts"))
                    .col(id())
                    .col(text("contract_no", 40))
                    .col(text("title", 200))
                    .col(text("kind", 20))
                    .col(id_ref_null("seller_org_id"))
                    .col(text("seller_name", 200))
                    .col(id_ref_null("buyer_org_id"))
                    .col(text("buyer_name", 200))
                    .col(big("amount_fen"))
                    // 技术交易额: the technology part of the amount.
                    .col(big("tech_amount_fen"))
                    .col(date("signed_on"))
                    .col(date("registered_on"))
                    .col(int("year"))
                    .col(id_ref_null("project_id"))
                    // The matchmaking lead that produced it (A4).
                    .col(id_ref_null("lead_id"))
                    .col(id_ref_null("chain_id")),
            )
            .to_owned(),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        for i in [
            index(
                "transfer_projects",
                "ix_transfer_projects_stage",
                &["stage"],
                false,
            ),
            index(
                "project_stages",
                "ix_project_stages_project",
                &["project_id"],
                false,
            ),
            index(
                "gate_reviews",
                "ix_gate_reviews_project",
                &["project_id"],
                false,
            ),
            index(
                "review_scores",
                "ix_review_scores_review",
                &["review_id"],
                false,
            ),
            index(
                "grant_equities",
                "ux_grant_equities_no",
                &["agreement_no"],
                true,
            ),
            index(
                "grant_tranches",
                "ix_grant_tranches_grant",
                &["grant_id"],
                false,
            ),
            index("loans", "ux_loans_no", &["loan_no"], true),
            index(
                "loan_installments",
                "ux_loan_installments",
                &["loan_id", "seq"],
                true,
            ),
            index(
                "loan_repayments",
                "ix_loan_repayments_loan",
                &["loan_id"],
                false,
            ),
            index(
                "tech_contracts",
                "ux_tech_contracts_no",
                &["contract_no"],
                true,
            ),
            index("tech_contracts", "ix_tech_contracts_year", &["year"], false),
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
