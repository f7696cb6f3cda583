//! Fund pools and grant-to-equity agreements (先投后股).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_domain::auth::Permission;
use kechuang_domain::transfer::term_end;
use kechuang_store::entities::{fund_pool, grant_equity, grant_tranche};
use kechuang_store::transfer::equity::{self, AgreementFilter, Totals};
use kechuang_store::transfer::org_names;
use kechuang_store::{PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{name_of, ListPage};
use crate::api::Paging;
use crate::api::{invalid, non_empty, ApiJson, ApiPath, ApiQuery};
use crate::auth::{require, ApiUser};
use crate::error::{ApiResult, ErrorBody};
use crate::excel::{self, Cell};
use crate::forms::transfer::{
    AgreementDraft, DatedDraft, ExitDraft, PoolDraft, RoundDraft, TrancheDraft,
};
use crate::AppState;

/// A fund pool with its flows (支持—转化—退出—再投资).
#[derive(Serialize, ToSchema)]
pub struct PoolView {
    #[serde(flatten)]
    pub pool: fund_pool::Model,
    /// 已拨付资助（分）
    pub granted_fen: i64,
    /// 退出回流（分）
    pub returned_fen: i64,
    /// 余额 = 预算 − 已拨付 + 退出回流（分）
    pub balance_fen: i64,
    pub agreements: u64,
    pub converted: u64,
    pub exited: u64,
}

pub async fn pool_views(s: &AppState, p: &Principal) -> ApiResult<Vec<PoolView>> {
    require(p, Permission::TransferRead)?;
    Ok(equity::pools(&s.db)
        .await?
        .into_iter()
        .map(|v| PoolView {
            granted_fen: v.flows.granted_fen,
            returned_fen: v.flows.returned_fen,
            balance_fen: v.balance_fen,
            agreements: v.agreements,
            converted: v.converted,
            exited: v.exited,
            pool: v.pool,
        })
        .collect())
}

/// 资金池列表及其资金循环（预算、已拨付、退出回流、余额）
#[utoipa::path(get, path = "/api/v1/transfer/pools", tag = "transfer", responses((status = 200, body = [PoolView])))]
pub async fn list_pools(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<PoolView>>> {
    Ok(Json(pool_views(&s, &p).await?))
}

pub async fn create_pool_action(
    s: &AppState,
    p: &Principal,
    d: &PoolDraft,
) -> ApiResult<fund_pool::Model> {
    require(p, Permission::FundingWrite)?;
    let (name, budget) = d.validate().map_err(invalid)?;
    Ok(equity::create_pool(&s.db, &p.username, name, budget).await?)
}

/// 新建资金池
#[utoipa::path(post, path = "/api/v1/transfer/pools", tag = "transfer", request_body = PoolDraft,
    responses((status = 201, body = fund_pool::Model), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_pool(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<PoolDraft>,
) -> ApiResult<(StatusCode, Json<fund_pool::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_pool_action(&s, &p, &d).await?),
    ))
}

pub fn status_label(s: &str) -> String {
    equity::status_label(s).into()
}

/// An agreement with names, its disbursed total and term end.
#[derive(Serialize, ToSchema)]
pub struct AgreementView {
    #[serde(flatten)]
    pub agreement: grant_equity::Model,
    pub status_label: String,
    pub org_name: String,
    pub pool_name: String,
    /// 已拨付（分）
    pub disbursed_fen: i64,
    /// 约定期限届满日
    pub term_end: chrono::NaiveDate,
}

pub async fn views(s: &AppState, items: Vec<grant_equity::Model>) -> ApiResult<Vec<AgreementView>> {
    let names = org_names(
        &s.db,
        items.iter().map(|g| g.org_id.clone()).collect::<Vec<_>>(),
    )
    .await?;
    let pools: std::collections::HashMap<String, String> = equity::pools(&s.db)
        .await?
        .into_iter()
        .map(|v| (v.pool.id, v.pool.name))
        .collect();
    let mut out = Vec::with_capacity(items.len());
    for g in items {
        let disbursed = equity::tranches(&s.db, &g.id)
            .await?
            .iter()
            .map(|t| t.amount_fen)
            .sum();
        out.push(AgreementView {
            status_label: status_label(&g.status),
            org_name: name_of(&names, &Some(g.org_id.clone())),
            pool_name: name_of(&pools, &Some(g.pool_id.clone())),
            disbursed_fen: disbursed,
            term_end: term_end(&equity::terms(&g)),
            agreement: g,
        });
    }
    Ok(out)
}

pub async fn view(s: &AppState, g: grant_equity::Model) -> ApiResult<AgreementView> {
    Ok(views(s, vec![g]).await?.remove(0))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementListQuery {
    /// 关键词：协议编号、企业名称、持股平台、投资机构
    pub q: Option<String>,
    /// granted / converted / closed_grant / exited
    pub status: Option<String>,
    pub pool_id: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl AgreementListQuery {
    pub fn filter(&self) -> AgreementFilter {
        AgreementFilter {
            q: non_empty(&self.q),
            status: non_empty(&self.status),
            pool_id: non_empty(&self.pool_id),
        }
    }
}

/// 先投后股协议列表
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity", tag = "transfer", params(AgreementListQuery, Paging),
    responses((status = 200, body = ListPage<AgreementView>)))]
pub async fn list_agreements(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<AgreementListQuery>,
) -> ApiResult<Json<ListPage<AgreementView>>> {
    require(&p, Permission::TransferRead)?;
    let page = equity::list(&s.db, &q.filter(), PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Json(ListPage {
        items: views(&s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    }))
}

/// A stake in ppm as a percentage with four decimals ("4.0000%").
pub fn ppm_percent(ppm: i64) -> String {
    format!("{}.{:04}%", ppm / 10_000, ppm % 10_000)
}

/// A price in yuan × 10^4 as "5.0000".
pub fn price_text(e4: i64) -> String {
    format!("{}.{:04}", e4 / 10_000, e4 % 10_000)
}

pub async fn export_bytes(
    s: &AppState,
    p: &Principal,
    q: &AgreementListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::TransferRead)?;
    let rows = views(s, equity::list_all(&s.db, &q.filter(), 100_000).await?).await?;
    excel::workbook(
        "先投后股",
        &[
            "协议编号",
            "受资助企业",
            "资金池",
            "持股平台",
            "资助金额（元）",
            "已拨付（元）",
            "签订日期",
            "期限届满",
            "让利",
            "持股上限",
            "状态",
            "融资交割日",
            "融资额（元）",
            "投资机构",
            "转股股数",
            "转股金额（元）",
            "持股比例",
            "转股价（元/股）",
            "退出方式",
            "退出日期",
            "退出回流（元）",
        ],
        rows.into_iter().map(|v| {
            let g = v.agreement;
            vec![
                Cell::Text(g.agreement_no),
                Cell::Text(v.org_name),
                Cell::Text(v.pool_name),
                Cell::Text(g.platform),
                Cell::Money(g.grant_fen),
                Cell::Money(v.disbursed_fen),
                Cell::Date(g.signed_on),
                Cell::Date(v.term_end),
                Cell::permille(g.discount_permille.into()),
                Cell::ppm(g.cap_ppm.into()),
                Cell::Text(v.status_label),
                Cell::from(g.round_closed_on),
                if g.round_amount_fen > 0 {
                    Cell::Money(g.round_amount_fen)
                } else {
                    Cell::Empty
                },
                Cell::Text(g.round_investors),
                Cell::Number(g.conv_shares as f64),
                Cell::Money(g.conv_fen),
                Cell::ppm(g.conv_stake_ppm.into()),
                if g.conv_price_e4 > 0 {
                    Cell::Decimal(g.conv_price_e4 as f64 / 10_000.0, 4)
                } else {
                    Cell::Empty
                },
                Cell::Text(match g.exit_kind.as_str() {
                    "buyback" => "团队回购".into(),
                    "sale" => "股权转让".into(),
                    _ => String::new(),
                }),
                Cell::from(g.exited_on),
                Cell::Money(g.exit_proceeds_fen),
            ]
        }),
    )
}

/// 导出先投后股协议（Excel）
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity/export", tag = "transfer", params(AgreementListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_agreements(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<AgreementListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "先投后股协议.xlsx",
        export_bytes(&s, &p, &q).await?,
    ))
}

pub async fn create_action(
    s: &AppState,
    p: &Principal,
    d: &AgreementDraft,
) -> ApiResult<grant_equity::Model> {
    require(p, Permission::FundingWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(equity::create(&s.db, &p.username, input).await?)
}

/// 签订先投后股协议
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity", tag = "transfer", request_body = AgreementDraft,
    responses((status = 201, body = AgreementView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_agreement(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<AgreementDraft>,
) -> ApiResult<(StatusCode, Json<AgreementView>)> {
    let m = create_action(&s, &p, &d).await?;
    Ok((StatusCode::CREATED, Json(view(&s, m).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct AgreementDetailView {
    pub agreement: AgreementView,
    pub tranches: Vec<grant_tranche::Model>,
}

pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<AgreementDetailView> {
    require(p, Permission::TransferRead)?;
    let g = equity::get(&s.db, id).await?;
    Ok(AgreementDetailView {
        tranches: equity::tranches(&s.db, id).await?,
        agreement: view(s, g).await?,
    })
}

/// 先投后股协议详情（含拨付记录、转股计算结果与退出）
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity/{id}", tag = "transfer", params(("id" = String, Path)),
    responses((status = 200, body = AgreementDetailView), (status = 404, body = ErrorBody)))]
pub async fn get_agreement(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<AgreementDetailView>> {
    Ok(Json(detail(&s, &p, &id).await?))
}

pub async fn tranche_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &TrancheDraft,
) -> ApiResult<grant_tranche::Model> {
    require(p, Permission::FundingWrite)?;
    let (fen, on, note) = d.validate().map_err(invalid)?;
    Ok(equity::disburse(&s.db, &p.username, id, fen, on, note).await?)
}

/// 拨付一笔资助款（累计不超过协议金额，且资金池余额充足）
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity/{id}/tranches", tag = "transfer", params(("id" = String, Path)), request_body = TrancheDraft,
    responses((status = 201, body = grant_tranche::Model), (status = 404, body = ErrorBody), (status = 422, description = "over_grant、pool_insufficient、not_granting", body = ErrorBody)))]
pub async fn add_tranche(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<TrancheDraft>,
) -> ApiResult<(StatusCode, Json<grant_tranche::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(tranche_action(&s, &p, &id, &d).await?),
    ))
}

pub async fn round_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &RoundDraft,
) -> ApiResult<grant_equity::Model> {
    require(p, Permission::FundingWrite)?;
    let (round, investors) = d.validate().map_err(invalid)?;
    let input = equity::RoundInput { round, investors };
    Ok(equity::convert_on_round(&s.db, &p.username, id, d.version, input).await?)
}

/// 登记首轮合格市场化融资并按融资价格（让利后）转股，持股比例不超过上限
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity/{id}/round", tag = "transfer", params(("id" = String, Path)), request_body = RoundDraft,
    responses((status = 200, body = AgreementView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "round_too_small、round_after_term、round_before_signing、nothing_granted", body = ErrorBody)))]
pub async fn record_round(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<RoundDraft>,
) -> ApiResult<Json<AgreementView>> {
    let m = round_action(&s, &p, &id, &d).await?;
    Ok(Json(view(&s, m).await?))
}

pub async fn close_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &DatedDraft,
) -> ApiResult<grant_equity::Model> {
    require(p, Permission::FundingWrite)?;
    let on = d.validate().map_err(invalid)?;
    Ok(equity::close_as_grant(&s.db, &p.username, id, d.version, on).await?)
}

/// 期满无合格融资：按资助结题（容错）
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity/{id}/close", tag = "transfer", params(("id" = String, Path)), request_body = DatedDraft,
    responses((status = 200, body = AgreementView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "term_not_over", body = ErrorBody)))]
pub async fn close_agreement(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<DatedDraft>,
) -> ApiResult<Json<AgreementView>> {
    let m = close_action(&s, &p, &id, &d).await?;
    Ok(Json(view(&s, m).await?))
}

pub async fn exit_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ExitDraft,
) -> ApiResult<grant_equity::Model> {
    require(p, Permission::FundingWrite)?;
    let (how, on) = d.validate().map_err(invalid)?;
    Ok(equity::exit(&s.db, &p.username, id, d.version, how, on).await?)
}

/// 股权退出：团队回购（本金加约定单利，须在退出窗口内）或股权转让；回流资金进入资金池
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity/{id}/exit", tag = "transfer", params(("id" = String, Path)), request_body = ExitDraft,
    responses((status = 200, body = AgreementView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "exit_outside_window、not_converted", body = ErrorBody)))]
pub async fn exit_agreement(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ExitDraft>,
) -> ApiResult<Json<AgreementView>> {
    let m = exit_action(&s, &p, &id, &d).await?;
    Ok(Json(view(&s, m).await?))
}

pub async fn totals_of(s: &AppState, p: &Principal) -> ApiResult<Totals> {
    require(p, Permission::TransferRead)?;
    Ok(equity::totals(&s.db).await?)
}

/// 先投后股汇总：协议数、资助金额、已拨付、转股、结题、退出与回流
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity/totals", tag = "transfer", responses((status = 200, body = Totals)))]
pub async fn agreement_totals(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Totals>> {
    Ok(Json(totals_of(&s, &p).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_pools, create_pool))
        .routes(routes!(list_agreements, create_agreement))
        .routes(routes!(export_agreements))
        .routes(routes!(agreement_totals))
        .routes(routes!(get_agreement))
        .routes(routes!(add_tranche))
        .routes(routes!(record_round))
        .routes(routes!(close_agreement))
        .routes(routes!(exit_agreement))
}
