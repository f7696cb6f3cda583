//! 我的融资: a firm's own funding, as its own account sees it — its tiered
//! loans (schedule, next instalment, overdue), its grant-to-equity
//! agreements, the loan tiers it may apply for, and online applications
//! for a tiered loan or for grant-to-equity support.
//! Everything is the caller's organisation's (another firm's loan is a
//! 404), and the views carry no internal field: not the risk pool's share,
//! its compensation or the bureau's own notes on an agreement.

use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_store::entities::{grant_equity, loan, loan_installment};
use kechuang_store::transfer::{equity, equity_applications, loans};
use kechuang_store::{orgs, Principal};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::forms::transfer::{EquityApplicationDraft, FirmLoanDraft};
use crate::service::transfer::equity_applications::ApplicationView;
use crate::service::transfer::loans::{
    bps_percent, ladder_label, outstanding, own_loan, DocumentView,
};
use crate::AppState;

/// The caller's organisation, for a firm's own account (403 without one).
fn own_org(p: &Principal) -> ApiResult<&str> {
    require(p, Permission::FundingApply)?;
    p.org_id.as_deref().ok_or_else(ApiError::forbidden)
}

/// A loan as the firm sees it.
#[derive(Serialize, ToSchema)]
pub struct FirmLoan {
    pub id: String,
    pub loan_no: String,
    /// applied / rejected / approved / repaying / repaid / compensated
    pub status: String,
    pub status_label: String,
    /// 评定梯度（未达准入条件时为空）
    pub tier_name: String,
    /// 培育层级
    pub ladder_label: String,
    /// 申请金额（分）
    pub requested_fen: i64,
    /// 审批金额（分）
    pub amount_fen: i64,
    pub term_months: i32,
    /// 年利率，如 3.85%
    pub rate: String,
    /// 贴息，如 1.00%
    pub subsidy: String,
    pub bank: String,
    pub purpose: String,
    pub applied_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub disbursed_on: Option<NaiveDate>,
    /// 审批意见（不予通过的理由）
    pub decision_note: String,
    /// 有逾期未还的期次
    pub overdue: bool,
    /// 本企业在线申请
    pub online: bool,
}

async fn firm_loans(s: &AppState, items: Vec<loan::Model>) -> ApiResult<Vec<FirmLoan>> {
    let views = crate::service::transfer::loans::views(s, items).await?;
    Ok(views
        .into_iter()
        .map(|v| {
            let l = v.loan;
            FirmLoan {
                status_label: v.status_label,
                tier_name: v.tier_name,
                ladder_label: v.ladder_label,
                rate: bps_percent(l.rate_bps),
                subsidy: bps_percent(l.subsidy_bps),
                overdue: v.overdue,
                online: l.applied_by.is_some(),
                id: l.id,
                loan_no: l.loan_no,
                status: l.status,
                requested_fen: l.requested_fen,
                amount_fen: l.amount_fen,
                term_months: l.term_months,
                bank: l.bank,
                purpose: l.purpose,
                applied_on: l.applied_on,
                decided_on: l.decided_on,
                disbursed_on: l.disbursed_on,
                decision_note: l.note,
            }
        })
        .collect())
}

/// A grant-to-equity agreement as the firm sees it.
#[derive(Serialize, ToSchema)]
pub struct FirmAgreement {
    pub id: String,
    pub agreement_no: String,
    pub status: String,
    pub status_label: String,
    /// 资助金额（分）
    pub grant_fen: i64,
    /// 已拨付（分）
    pub disbursed_fen: i64,
    pub signed_on: NaiveDate,
    /// 约定期限届满日
    pub term_end: NaiveDate,
    /// 转股折扣（‰）
    pub discount_permille: i32,
    /// 持股上限（百万分比）
    pub cap_ppm: i32,
    /// 回购年化（‰）
    pub buyback_rate_permille: i32,
    /// 已转股比例（百万分比，未转股为 0）
    pub conv_stake_ppm: i32,
}

fn firm_agreement(v: crate::service::transfer::equity::AgreementView) -> FirmAgreement {
    let g: grant_equity::Model = v.agreement;
    FirmAgreement {
        status_label: v.status_label,
        disbursed_fen: v.disbursed_fen,
        term_end: v.term_end,
        id: g.id,
        agreement_no: g.agreement_no,
        status: g.status,
        grant_fen: g.grant_fen,
        signed_on: g.signed_on,
        discount_permille: g.discount_permille,
        cap_ppm: g.cap_ppm,
        buyback_rate_permille: g.buyback_rate_permille,
        conv_stake_ppm: g.conv_stake_ppm,
    }
}

/// A loan tier as offered to firms.
#[derive(Serialize, ToSchema)]
pub struct TierOffer {
    pub name: String,
    /// 准入条件，如“高新技术企业及以上，或创新积分不低于 60”
    pub condition: String,
    /// 额度（分）
    pub limit_fen: i64,
    pub rate: String,
    pub subsidy: String,
}

/// The firm's funding at a glance.
#[derive(Serialize, ToSchema)]
pub struct FirmFunding {
    pub org_name: String,
    /// 本企业的培育层级（名录登记），空为未入梯
    pub ladder_label: String,
    pub tiers: Vec<TierOffer>,
    pub loans: Vec<FirmLoan>,
    pub agreements: Vec<FirmAgreement>,
    /// 本企业的先投后股申请（新的在前）
    pub equity_applications: Vec<ApplicationView>,
}

pub async fn funding(s: &AppState, p: &Principal) -> ApiResult<FirmFunding> {
    let org_id = own_org(p)?;
    let org = orgs::get(&s.db, &p.scope, org_id).await?;
    let tiers = loans::tiers(&s.db)
        .await?
        .into_iter()
        .map(|t| {
            let level = ladder_label(&t.min_level);
            let condition = match (level.is_empty(), t.min_score) {
                (false, Some(n)) => format!("{level}及以上，或创新积分不低于 {n}"),
                (false, None) => format!("{level}及以上"),
                (true, Some(n)) => format!("创新积分不低于 {n}"),
                (true, None) => String::new(),
            };
            TierOffer {
                name: t.name,
                condition,
                limit_fen: t.limit_fen,
                rate: bps_percent(t.rate_bps),
                subsidy: bps_percent(t.subsidy_bps),
            }
        })
        .collect();
    let own = loans::LoanFilter {
        org_id: Some(org_id.into()),
        ..Default::default()
    };
    let agreements = equity::list_all(
        &s.db,
        &equity::AgreementFilter {
            org_id: Some(org_id.into()),
            ..Default::default()
        },
        1_000,
    )
    .await?;
    let applications = equity_applications::list_all(
        &s.db,
        &equity_applications::ApplicationFilter {
            org_id: Some(org_id.into()),
            ..Default::default()
        },
        1_000,
    )
    .await?;
    Ok(FirmFunding {
        equity_applications: crate::service::transfer::equity_applications::views(s, applications)
            .await?,
        ladder_label: loans::ladder_of(&org)
            .map(|l| l.label_zh().to_string())
            .unwrap_or_default(),
        org_name: org.name,
        tiers,
        loans: firm_loans(s, loans::list_all(&s.db, &own, 1_000).await?).await?,
        agreements: crate::service::transfer::equity::views(s, agreements)
            .await?
            .into_iter()
            .map(firm_agreement)
            .collect(),
    })
}

/// 我的融资 in Excel: the firm's loans, agreements and grant-to-equity
/// applications, one sheet each, with the fields its pages show (nothing
/// internal).
pub async fn funding_xlsx(s: &AppState, p: &Principal) -> ApiResult<Vec<u8>> {
    use crate::excel::{workbook_sheets, Cell, Sheet};
    let f = funding(s, p).await?;
    let heads = |h: &[&str]| h.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let loans = Sheet {
        name: "科企梯度贷".into(),
        headers: heads(&[
            "贷款编号",
            "状态",
            "评定梯度",
            "申请金额（元）",
            "审批金额（元）",
            "期限（月）",
            "年利率",
            "贴息",
            "合作银行",
            "用途",
            "申请日期",
            "审批日期",
            "放款日期",
            "审批意见",
            "逾期",
        ]),
        rows: f
            .loans
            .into_iter()
            .map(|l| {
                vec![
                    Cell::Text(l.loan_no),
                    Cell::Text(l.status_label),
                    Cell::Text(l.tier_name),
                    Cell::Money(l.requested_fen),
                    Cell::Money(l.amount_fen),
                    Cell::Number(f64::from(l.term_months)),
                    Cell::Text(l.rate),
                    Cell::Text(l.subsidy),
                    Cell::Text(l.bank),
                    Cell::Text(l.purpose),
                    Cell::Date(l.applied_on),
                    Cell::from(l.decided_on),
                    Cell::from(l.disbursed_on),
                    Cell::Text(l.decision_note),
                    Cell::Text(if l.overdue { "有逾期" } else { "" }.into()),
                ]
            })
            .collect(),
    };
    let agreements = Sheet {
        name: "先投后股协议".into(),
        headers: heads(&[
            "协议编号",
            "状态",
            "资助金额（元）",
            "已拨付（元）",
            "签订日期",
            "期限届满",
            "转股折扣",
            "持股上限",
            "已转股比例",
        ]),
        rows: f
            .agreements
            .into_iter()
            .map(|a| {
                vec![
                    Cell::Text(a.agreement_no),
                    Cell::Text(a.status_label),
                    Cell::Money(a.grant_fen),
                    Cell::Money(a.disbursed_fen),
                    Cell::Date(a.signed_on),
                    Cell::Date(a.term_end),
                    Cell::permille(a.discount_permille.into()),
                    Cell::ppm(a.cap_ppm.into()),
                    Cell::ppm(a.conv_stake_ppm.into()),
                ]
            })
            .collect(),
    };
    let applications = Sheet {
        name: "先投后股申请".into(),
        headers: heads(&[
            "申请编号",
            "项目名称",
            "申请金额（元）",
            "状态",
            "申请日期",
            "决定日期",
            "意见",
            "协议编号",
        ]),
        rows: f
            .equity_applications
            .into_iter()
            .map(|v| {
                let a = v.application;
                vec![
                    Cell::Text(a.application_no),
                    Cell::Text(a.project_name),
                    Cell::Money(a.requested_fen),
                    Cell::Text(v.status_label),
                    Cell::Date(a.applied_on),
                    Cell::from(a.decided_on),
                    Cell::Text(a.decision_note),
                    Cell::Text(v.agreement_no),
                ]
            })
            .collect(),
    };
    workbook_sheets(vec![loans, agreements, applications])
}

/// Apply online: assessed into a tier as a staff entry is (or refused at
/// once when no tier's conditions are met), then decided by the bureau.
pub async fn apply(s: &AppState, p: &Principal, d: &FirmLoanDraft) -> ApiResult<FirmLoan> {
    let org_id = own_org(p)?;
    let input = d
        .validate(org_id, &p.user_id)
        .map_err(ApiError::from_fields)?;
    let m = loans::apply(&s.db, &p.username, input).await?;
    Ok(firm_loans(s, vec![m]).await?.remove(0))
}

/// One of the firm's loans with its schedule and documents.
#[derive(Serialize, ToSchema)]
pub struct FirmLoanDetail {
    pub loan: FirmLoan,
    /// 还款计划（放款后）
    pub installments: Vec<loan_installment::Model>,
    /// 下一期（最早未结清的一期）
    pub next_installment: Option<loan_installment::Model>,
    /// 未还本金（分）
    pub outstanding_fen: i64,
    pub documents: Vec<DocumentView>,
    /// 还能补充材料（待审批时）
    pub can_attach: bool,
}

pub async fn loan(s: &AppState, p: &Principal, id: &str) -> ApiResult<FirmLoanDetail> {
    let l = own_loan(s, p, id).await?;
    let installments = loans::installments(&s.db, id).await?;
    let documents = loans::documents(&s.db, id)
        .await?
        .into_iter()
        .map(DocumentView::from)
        .collect();
    Ok(FirmLoanDetail {
        outstanding_fen: outstanding(&l, &installments),
        next_installment: installments
            .iter()
            .find(|k| k.settled_on.is_none())
            .cloned(),
        can_attach: l.status == "applied",
        installments,
        documents,
        loan: firm_loans(s, vec![l]).await?.remove(0),
    })
}

/// Apply online for grant-to-equity support: numbered on receipt, decided
/// by the funding departments (the reason told to the firm), then signed.
pub async fn apply_equity(
    s: &AppState,
    p: &Principal,
    d: &EquityApplicationDraft,
) -> ApiResult<ApplicationView> {
    let org_id = own_org(p)?;
    let input = d
        .validate(org_id, &p.user_id)
        .map_err(ApiError::from_fields)?;
    let m = equity_applications::apply(&s.db, &p.username, input).await?;
    Ok(
        crate::service::transfer::equity_applications::views(s, vec![m])
            .await?
            .remove(0),
    )
}
