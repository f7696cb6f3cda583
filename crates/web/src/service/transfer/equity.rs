//! Fund pools and grant-to-equity agreements (先投后股).

use kechuang_domain::auth::Permission;
use kechuang_domain::transfer::term_end;
use kechuang_store::entities::{fund_pool, grant_equity, grant_tranche};
use kechuang_store::transfer::equity::{self, AgreementFilter, Totals};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{name_of, non_empty};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
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

pub async fn create_pool(
    s: &AppState,
    p: &Principal,
    d: &PoolDraft,
) -> ApiResult<fund_pool::Model> {
    require(p, Permission::FundingWrite)?;
    let (name, budget) = d.validate().map_err(ApiError::from_fields)?;
    Ok(equity::create_pool(&s.db, &p.username, name, budget).await?)
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
    let names = kechuang_store::names::of(
        &s.db,
        "orgs",
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
    /// 企业 id
    pub org_id: Option<String>,
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
            org_id: non_empty(&self.org_id),
        }
    }
}

/// One page of the list for the query, with labels and names.
pub async fn list(
    s: &AppState,
    p: &Principal,
    q: &AgreementListQuery,
) -> ApiResult<Page<AgreementView>> {
    require(p, Permission::TransferRead)?;
    let page = equity::list(&s.db, &q.filter(), PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
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

pub async fn create(
    s: &AppState,
    p: &Principal,
    d: &AgreementDraft,
) -> ApiResult<grant_equity::Model> {
    require(p, Permission::FundingWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(equity::create(&s.db, &p.username, input).await?)
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

pub async fn tranche(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &TrancheDraft,
) -> ApiResult<grant_tranche::Model> {
    require(p, Permission::FundingWrite)?;
    let (fen, on, note) = d.validate().map_err(ApiError::from_fields)?;
    Ok(equity::disburse(&s.db, &p.username, id, fen, on, note).await?)
}

pub async fn round(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &RoundDraft,
) -> ApiResult<grant_equity::Model> {
    require(p, Permission::FundingWrite)?;
    let (round, investors) = d.validate().map_err(ApiError::from_fields)?;
    let input = equity::RoundInput { round, investors };
    Ok(equity::convert_on_round(&s.db, &p.username, id, d.version, input).await?)
}

pub async fn close(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &DatedDraft,
) -> ApiResult<grant_equity::Model> {
    require(p, Permission::FundingWrite)?;
    let on = d.validate().map_err(ApiError::from_fields)?;
    Ok(equity::close_as_grant(&s.db, &p.username, id, d.version, on).await?)
}

pub async fn exit(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ExitDraft,
) -> ApiResult<grant_equity::Model> {
    require(p, Permission::FundingWrite)?;
    let (how, on) = d.validate().map_err(ApiError::from_fields)?;
    Ok(equity::exit(&s.db, &p.username, id, d.version, how, on).await?)
}

pub async fn totals_of(s: &AppState, p: &Principal) -> ApiResult<Totals> {
    require(p, Permission::TransferRead)?;
    Ok(equity::totals(&s.db).await?)
}
