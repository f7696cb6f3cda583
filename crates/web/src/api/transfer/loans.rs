//! Loan tiers and tiered loans (科企梯度贷).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_domain::auth::Permission;
use kechuang_domain::transfer::Ladder;
use kechuang_store::entities::{loan, loan_installment, loan_repayment, loan_tier};
use kechuang_store::transfer::loans::{self, LoanFilter, TierTotals};
use kechuang_store::transfer::org_names;
use kechuang_store::{PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{name_of, ListPage};
use crate::api::Paging;
use crate::api::{invalid, non_empty, opt_bool, ApiJson, ApiPath, ApiQuery};
use crate::auth::{require, ApiUser};
use crate::error::{ApiResult, ErrorBody};
use crate::excel::{self, Cell};
use crate::forms::transfer::{
    ApplicationDraft, DatedDraft, LoanDecisionDraft, RepayDraft, TierDraft,
};
use crate::AppState;

/// 贷款梯度列表（准入条件、额度、利率、贴息、风险分担）
#[utoipa::path(get, path = "/api/v1/transfer/loan-tiers", tag = "transfer", responses((status = 200, body = [loan_tier::Model])))]
pub async fn list_tiers(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<loan_tier::Model>>> {
    require(&p, Permission::TransferRead)?;
    Ok(Json(loans::tiers(&s.db).await?))
}

pub async fn create_tier_action(
    s: &AppState,
    p: &Principal,
    d: &TierDraft,
) -> ApiResult<loan_tier::Model> {
    require(p, Permission::FundingWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(loans::create_tier(&s.db, &p.username, input).await?)
}

/// 新增贷款梯度
#[utoipa::path(post, path = "/api/v1/transfer/loan-tiers", tag = "transfer", request_body = TierDraft,
    responses((status = 201, body = loan_tier::Model), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_tier(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<TierDraft>,
) -> ApiResult<(StatusCode, Json<loan_tier::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_tier_action(&s, &p, &d).await?),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct TierUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub tier: TierDraft,
}

/// 修改贷款梯度（已发放贷款的利率、贴息按发放时的梯度不变）
#[utoipa::path(put, path = "/api/v1/transfer/loan-tiers/{id}", tag = "transfer", params(("id" = String, Path)), request_body = TierUpdate,
    responses((status = 200, body = loan_tier::Model), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_tier(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<TierUpdate>,
) -> ApiResult<Json<loan_tier::Model>> {
    require(&p, Permission::FundingWrite)?;
    let input = u.tier.validate().map_err(invalid)?;
    Ok(Json(
        loans::update_tier(&s.db, &p.username, &id, u.version, input).await?,
    ))
}

pub fn ladder_label(code: &str) -> String {
    Ladder::parse(code)
        .map(|l| l.label_zh().to_string())
        .unwrap_or_default()
}

/// A loan with names and its overdue flag.
#[derive(Serialize, ToSchema)]
pub struct LoanView {
    #[serde(flatten)]
    pub loan: loan::Model,
    pub status_label: String,
    pub org_name: String,
    pub tier_name: String,
    /// 培育层级中文
    pub ladder_label: String,
    /// 有逾期未还的期次
    pub overdue: bool,
}

pub async fn views(s: &AppState, items: Vec<loan::Model>) -> ApiResult<Vec<LoanView>> {
    let names = org_names(
        &s.db,
        items.iter().map(|l| l.org_id.clone()).collect::<Vec<_>>(),
    )
    .await?;
    let tiers: std::collections::HashMap<String, String> = loans::tiers(&s.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let overdue = loans::overdue_ids(&s.db).await?;
    Ok(items
        .into_iter()
        .map(|l| LoanView {
            status_label: loans::status_label(&l.status).into(),
            org_name: name_of(&names, &Some(l.org_id.clone())),
            tier_name: name_of(&tiers, &l.tier_id),
            ladder_label: ladder_label(&l.ladder),
            overdue: l.status == "repaying" && overdue.contains(&l.id),
            loan: l,
        })
        .collect())
}

pub async fn view(s: &AppState, l: loan::Model) -> ApiResult<LoanView> {
    Ok(views(s, vec![l]).await?.remove(0))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoanListQuery {
    /// 关键词：贷款编号、企业名称、银行
    pub q: Option<String>,
    /// applied / rejected / approved / repaying / repaid / compensated
    pub status: Option<String>,
    pub tier_id: Option<String>,
    /// 只看逾期：true
    pub overdue: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl LoanListQuery {
    pub fn filter(&self) -> ApiResult<LoanFilter> {
        Ok(LoanFilter {
            q: non_empty(&self.q),
            status: non_empty(&self.status),
            tier_id: non_empty(&self.tier_id),
            overdue: opt_bool("overdue", &self.overdue)?.unwrap_or(false),
        })
    }
}

/// 梯度贷列表：按状态、梯度、逾期筛选
#[utoipa::path(get, path = "/api/v1/transfer/loans", tag = "transfer", params(LoanListQuery, Paging),
    responses((status = 200, body = ListPage<LoanView>), (status = 400, body = ErrorBody)))]
pub async fn list_loans(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<LoanListQuery>,
) -> ApiResult<Json<ListPage<LoanView>>> {
    require(&p, Permission::TransferRead)?;
    let page = loans::list(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Json(ListPage {
        items: views(&s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    }))
}

/// Basis points as a percentage: 385 → "3.85%".
pub fn bps_percent(bps: i32) -> String {
    format!("{}.{:02}%", bps / 100, bps % 100)
}

pub async fn export_bytes(s: &AppState, p: &Principal, q: &LoanListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::TransferRead)?;
    let rows = views(s, loans::list_all(&s.db, &q.filter()?, 100_000).await?).await?;
    excel::workbook(
        "科企梯度贷",
        &[
            "贷款编号",
            "企业",
            "培育层级",
            "创新积分",
            "梯度",
            "状态",
            "逾期",
            "申请金额（元）",
            "审批金额（元）",
            "期限（月）",
            "年利率",
            "贴息",
            "风险分担",
            "银行",
            "申请日期",
            "放款日期",
            "代偿金额（元）",
        ],
        rows.into_iter().map(|v| {
            let l = v.loan;
            vec![
                Cell::Text(l.loan_no),
                Cell::Text(v.org_name),
                Cell::Text(v.ladder_label),
                Cell::Number(l.score.into()),
                Cell::Text(v.tier_name),
                Cell::Text(v.status_label),
                Cell::Text(if v.overdue { "是" } else { "否" }.into()),
                Cell::Money(l.requested_fen),
                Cell::Money(l.amount_fen),
                Cell::Number(l.term_months.into()),
                Cell::bps(l.rate_bps.into()),
                Cell::bps(l.subsidy_bps.into()),
                Cell::permille(l.guarantee_permille.into()),
                Cell::Text(l.bank),
                Cell::Date(l.applied_on),
                Cell::from(l.disbursed_on),
                Cell::Money(l.compensated_fen),
            ]
        }),
    )
}

/// 导出梯度贷列表（Excel）
#[utoipa::path(get, path = "/api/v1/transfer/loans/export", tag = "transfer", params(LoanListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_loans(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<LoanListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "科企梯度贷.xlsx",
        export_bytes(&s, &p, &q).await?,
    ))
}

pub async fn apply_action(
    s: &AppState,
    p: &Principal,
    d: &ApplicationDraft,
) -> ApiResult<loan::Model> {
    require(p, Permission::FundingWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(loans::apply(&s.db, &p.username, input).await?)
}

/// 受理贷款申请：按企业培育层级（名录资质）或创新积分评定梯度；不符合任何梯度的直接不予通过
#[utoipa::path(post, path = "/api/v1/transfer/loans", tag = "transfer", request_body = ApplicationDraft,
    responses((status = 201, body = LoanView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn apply_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ApplicationDraft>,
) -> ApiResult<(StatusCode, Json<LoanView>)> {
    let m = apply_action(&s, &p, &d).await?;
    Ok((StatusCode::CREATED, Json(view(&s, m).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct LoanDetailView {
    pub loan: LoanView,
    pub installments: Vec<loan_installment::Model>,
    pub repayments: Vec<loan_repayment::Model>,
    /// 未还本金（分）
    pub outstanding_fen: i64,
}

pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<LoanDetailView> {
    require(p, Permission::TransferRead)?;
    let l = loans::get(&s.db, id).await?;
    let installments = loans::installments(&s.db, id).await?;
    Ok(LoanDetailView {
        outstanding_fen: if l.status == "repaying" {
            installments
                .iter()
                .map(|k| k.principal_fen - k.paid_principal_fen)
                .sum()
        } else {
            0
        },
        repayments: loans::repayments(&s.db, id).await?,
        installments,
        loan: view(s, l).await?,
    })
}

/// 贷款详情：还款计划（等额本金）、还款记录、未还本金
#[utoipa::path(get, path = "/api/v1/transfer/loans/{id}", tag = "transfer", params(("id" = String, Path)),
    responses((status = 200, body = LoanDetailView), (status = 404, body = ErrorBody)))]
pub async fn get_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<LoanDetailView>> {
    Ok(Json(detail(&s, &p, &id).await?))
}

pub async fn decide_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &LoanDecisionDraft,
) -> ApiResult<loan::Model> {
    require(p, Permission::FundingWrite)?;
    let (amount, reason, on) = d.validate().map_err(invalid)?;
    Ok(loans::decide(&s.db, &p.username, id, d.version, amount, reason, on).await?)
}

/// 审批：approve（金额不超过梯度额度）或 reject（须填理由）
#[utoipa::path(post, path = "/api/v1/transfer/loans/{id}/decision", tag = "transfer", params(("id" = String, Path)), request_body = LoanDecisionDraft,
    responses((status = 200, body = LoanView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "over_limit、loan_state", body = ErrorBody)))]
pub async fn decide_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<LoanDecisionDraft>,
) -> ApiResult<Json<LoanView>> {
    let m = decide_action(&s, &p, &id, &d).await?;
    Ok(Json(view(&s, m).await?))
}

pub async fn disburse_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &DatedDraft,
) -> ApiResult<loan::Model> {
    require(p, Permission::FundingWrite)?;
    let on = d.validate().map_err(invalid)?;
    Ok(loans::disburse(&s.db, &p.username, id, d.version, on).await?)
}

/// 放款并生成等额本金还款计划（含每期贴息）
#[utoipa::path(post, path = "/api/v1/transfer/loans/{id}/disburse", tag = "transfer", params(("id" = String, Path)), request_body = DatedDraft,
    responses((status = 200, body = LoanView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn disburse_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<DatedDraft>,
) -> ApiResult<Json<LoanView>> {
    let m = disburse_action(&s, &p, &id, &d).await?;
    Ok(Json(view(&s, m).await?))
}

pub async fn repay_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &RepayDraft,
) -> ApiResult<loan::Model> {
    require(p, Permission::FundingWrite)?;
    let (fen, on) = d.validate().map_err(invalid)?;
    Ok(loans::repay(&s.db, &p.username, id, d.version, fen, on).await?)
}

/// 登记还款：先息后本、先到期先还；全部还清后贷款结清
#[utoipa::path(post, path = "/api/v1/transfer/loans/{id}/repayments", tag = "transfer", params(("id" = String, Path)), request_body = RepayDraft,
    responses((status = 200, body = LoanView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "overpaid、loan_state", body = ErrorBody)))]
pub async fn repay_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<RepayDraft>,
) -> ApiResult<Json<LoanView>> {
    let m = repay_action(&s, &p, &id, &d).await?;
    Ok(Json(view(&s, m).await?))
}

pub async fn compensate_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &DatedDraft,
) -> ApiResult<loan::Model> {
    require(p, Permission::FundingWrite)?;
    let on = d.validate().map_err(invalid)?;
    Ok(loans::compensate(&s.db, &p.username, id, d.version, on).await?)
}

/// 风险池代偿：逾期贷款按梯度的风险分担比例代偿未还本金
#[utoipa::path(post, path = "/api/v1/transfer/loans/{id}/compensate", tag = "transfer", params(("id" = String, Path)), request_body = DatedDraft,
    responses((status = 200, body = LoanView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "not_overdue", body = ErrorBody)))]
pub async fn compensate_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<DatedDraft>,
) -> ApiResult<Json<LoanView>> {
    let m = compensate_action(&s, &p, &id, &d).await?;
    Ok(Json(view(&s, m).await?))
}

pub async fn totals_of(s: &AppState, p: &Principal) -> ApiResult<Vec<TierTotals>> {
    require(p, Permission::TransferRead)?;
    Ok(loans::totals(&s.db).await?)
}

/// 分梯度汇总：申请数、获贷企业数、放款额、未还本金、逾期、代偿、贴息（末行为合计）
#[utoipa::path(get, path = "/api/v1/transfer/loans/totals", tag = "transfer", responses((status = 200, body = [TierTotals])))]
pub async fn loan_totals(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<TierTotals>>> {
    Ok(Json(totals_of(&s, &p).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tiers, create_tier))
        .routes(routes!(update_tier))
        .routes(routes!(list_loans, apply_loan))
        .routes(routes!(export_loans))
        .routes(routes!(loan_totals))
        .routes(routes!(get_loan))
        .routes(routes!(decide_loan))
        .routes(routes!(disburse_loan))
        .routes(routes!(repay_loan))
        .routes(routes!(compensate_loan))
}
