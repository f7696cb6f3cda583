//! Grant-to-equity (先投后股): fiscal money is granted to a project first;
//! if the firm closes a qualifying market round within the term, the
//! disbursed grant converts into equity held by the state-owned platform at
//! that round's price less the concession, up to the stake cap; otherwise
//! it closes as a grant. Exits (team buyback or sale) return proceeds to
//! the fund pool, which funds the next grants (支持—转化—退出—再投资).

use chrono::NaiveDate;
use kechuang_domain::transfer::{
    buyback_amount, convert, in_exit_window, round_qualifies, sale_proceeds, term_end, FundPool,
    GrantTerms, Round,
};
use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::Serialize;

use super::rule;
use crate::entities::{fund_pool, grant_equity, grant_tranche};
use crate::orgs::require_org;
use crate::{money, record, Db, Page, PageReq, StoreError, StoreResult};

/// Agreement states.
pub const STATUSES: [(&str, &str); 4] = [
    ("granted", "资助中"),
    ("converted", "已转股"),
    ("closed_grant", "按资助结题"),
    ("exited", "已退出"),
];

pub fn status_label(s: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(c, _)| *c == s)
        .map(|(_, l)| *l)
        .unwrap_or("未知")
}

// ---- fund pools ----

#[derive(Clone, Debug, Serialize)]
pub struct PoolView {
    pub pool: fund_pool::Model,
    pub flows: FundPool,
    pub balance_fen: i64,
    pub agreements: u64,
    pub converted: u64,
    pub exited: u64,
}

async fn pool_flows<C: ConnectionTrait>(db: &C, pool: &fund_pool::Model) -> StoreResult<FundPool> {
    let grants = grant_equity::Entity::find()
        .filter(grant_equity::Column::PoolId.eq(pool.id.clone()))
        .all(db)
        .await?;
    let ids: Vec<String> = grants.iter().map(|g| g.id.clone()).collect();
    let paid: Vec<i64> = grant_tranche::Entity::find()
        .select_only()
        .column(grant_tranche::Column::AmountFen)
        .filter(grant_tranche::Column::GrantId.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(FundPool {
        budget_fen: pool.budget_fen,
        granted_fen: money::total(paid)?,
        returned_fen: money::total(grants.iter().map(|g| g.exit_proceeds_fen))?,
    })
}

pub async fn pools(db: &Db) -> StoreResult<Vec<PoolView>> {
    let mut out = vec![];
    for pool in fund_pool::Entity::find()
        .order_by_asc(fund_pool::Column::Name)
        .all(db)
        .await?
    {
        let flows = pool_flows(db, &pool).await?;
        let count = |s: &'static str| {
            grant_equity::Entity::find()
                .filter(grant_equity::Column::PoolId.eq(pool.id.clone()))
                .filter(grant_equity::Column::Status.eq(s))
                .count(db)
        };
        let converted = count("converted").await? + count("exited").await?;
        let exited = count("exited").await?;
        let agreements = grant_equity::Entity::find()
            .filter(grant_equity::Column::PoolId.eq(pool.id.clone()))
            .count(db)
            .await?;
        out.push(PoolView {
            balance_fen: flows.balance(),
            flows,
            pool,
            agreements,
            converted,
            exited,
        });
    }
    Ok(out)
}

pub async fn create_pool(
    db: &Db,
    actor: &str,
    name: String,
    budget_fen: i64,
) -> StoreResult<fund_pool::Model> {
    if name.trim().is_empty() || budget_fen <= 0 {
        return Err(StoreError::rule(
            ErrorCode::InvalidPool,
            "请填写资金池名称和大于 0 的预算",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let m = record::insert(
        &tx,
        actor,
        fund_pool::ActiveModel {
            name: Set(name.trim().into()),
            budget_fen: Set(budget_fen),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

// ---- agreements ----

#[derive(Clone, Debug, PartialEq)]
pub struct AgreementInput {
    pub agreement_no: String,
    pub pool_id: String,
    pub project_id: Option<String>,
    pub org_id: String,
    pub platform: String,
    pub grant_fen: i64,
    pub signed_on: NaiveDate,
    pub term_months: i32,
    pub min_round_fen: i64,
    pub discount_permille: i32,
    pub cap_ppm: i32,
    pub buyback_rate_permille: i32,
    pub exit_start_months: i32,
    pub exit_end_months: i32,
    pub note: String,
    /// The firm's approved online application this agreement is signed
    /// from; it becomes 已签协议 in the same write.
    pub application_id: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct AgreementFilter {
    pub q: Option<String>,
    pub status: Option<String>,
    pub pool_id: Option<String>,
    /// One firm's agreements.
    pub org_id: Option<String>,
}

fn filtered(f: &AgreementFilter) -> Select<grant_equity::Entity> {
    use grant_equity::Column as C;
    let mut q = grant_equity::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::AgreementNo, t))
                .add(crate::like::contains(C::Platform, t))
                .add(crate::like::contains(C::RoundInvestors, t))
                .add(
                    C::OrgId.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(crate::entities::org::Column::Id)
                            .from(crate::entities::org::Entity)
                            .and_where(crate::like::contains(crate::entities::org::Column::Name, t))
                            .to_owned(),
                    ),
                ),
        );
    }
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(C::Status.eq(s));
    }
    if let Some(p) = &f.pool_id {
        q = q.filter(C::PoolId.eq(p.clone()));
    }
    if let Some(o) = &f.org_id {
        q = q.filter(C::OrgId.eq(o.clone()));
    }
    q.order_by_asc(C::SignedOn).order_by_asc(C::AgreementNo)
}

pub async fn list(
    db: &Db,
    f: &AgreementFilter,
    p: PageReq,
) -> StoreResult<Page<grant_equity::Model>> {
    let q = filtered(f);
    crate::page::fetch(db, q, p).await
}

pub async fn list_all(
    db: &Db,
    f: &AgreementFilter,
    cap: u64,
) -> StoreResult<Vec<grant_equity::Model>> {
    Ok(filtered(f).limit(cap).all(db).await?)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<grant_equity::Model> {
    grant_equity::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Agreement numbers by id, for these ids (one query per 500).
pub async fn numbers_of<C: ConnectionTrait>(
    db: &C,
    ids: Vec<String>,
) -> StoreResult<std::collections::HashMap<String, String>> {
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String)> = grant_equity::Entity::find()
            .select_only()
            .column(grant_equity::Column::Id)
            .column(grant_equity::Column::AgreementNo)
            .filter(grant_equity::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

pub fn terms(g: &grant_equity::Model) -> GrantTerms {
    GrantTerms {
        signed_on: g.signed_on,
        term_months: g.term_months.max(0) as u32,
        min_round_fen: g.min_round_fen,
        discount_permille: g.discount_permille.max(0) as u32,
        cap_ppm: g.cap_ppm.max(0) as u32,
    }
}

pub async fn create(db: &Db, actor: &str, i: AgreementInput) -> StoreResult<grant_equity::Model> {
    if i.grant_fen <= 0
        || i.term_months <= 0
        || !(0..1000).contains(&i.discount_permille)
        || !(1..1_000_000).contains(&i.cap_ppm)
        || i.exit_end_months < i.exit_start_months
    {
        return Err(StoreError::rule(
            ErrorCode::InvalidTerms,
            "协议条款不完整：资助金额、期限须大于 0，让利在 0～99.9% 之间，持股上限在 0～100% 之间，退出窗口结束不早于开始",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    require_org(&tx, &i.org_id, "受资助企业").await?;
    fund_pool::Entity::find_by_id(i.pool_id.clone())
        .one(&tx)
        .await?
        .ok_or_else(|| StoreError::rule(ErrorCode::UnknownPool, "资金池不存在，请重新选择"))?;
    if let Some(p) = &i.project_id {
        super::projects::get(&tx, p)
            .await
            .map_err(|_| StoreError::rule(ErrorCode::UnknownProject, "关联的转化项目不存在"))?;
    }
    let m = record::insert(
        &tx,
        actor,
        grant_equity::ActiveModel {
            agreement_no: Set(i.agreement_no.trim().into()),
            pool_id: Set(i.pool_id),
            project_id: Set(i.project_id),
            org_id: Set(i.org_id),
            platform: Set(i.platform),
            grant_fen: Set(i.grant_fen),
            signed_on: Set(i.signed_on),
            term_months: Set(i.term_months),
            min_round_fen: Set(i.min_round_fen),
            discount_permille: Set(i.discount_permille),
            cap_ppm: Set(i.cap_ppm),
            buyback_rate_permille: Set(i.buyback_rate_permille),
            exit_start_months: Set(i.exit_start_months),
            exit_end_months: Set(i.exit_end_months),
            status: Set("granted".into()),
            round_closed_on: Set(None),
            round_pre_money_fen: Set(0),
            round_pre_shares: Set(0),
            round_amount_fen: Set(0),
            round_investors: Set(String::new()),
            conv_shares: Set(0),
            conv_fen: Set(0),
            conv_stake_ppm: Set(0),
            conv_price_e4: Set(0),
            closed_on: Set(None),
            exit_kind: Set(String::new()),
            exited_on: Set(None),
            exit_proceeds_fen: Set(0),
            note: Set(i.note),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateAgreementNo,
            message: "协议编号已存在".into(),
        },
        other => other,
    })?;
    if let Some(a) = &i.application_id {
        super::equity_applications::sign(&tx, actor, a, &m).await?;
    }
    tx.commit().await?;
    Ok(m)
}

pub async fn tranches<C: ConnectionTrait>(
    db: &C,
    grant_id: &str,
) -> StoreResult<Vec<grant_tranche::Model>> {
    Ok(grant_tranche::Entity::find()
        .filter(grant_tranche::Column::GrantId.eq(grant_id))
        .order_by_asc(grant_tranche::Column::PaidOn)
        .order_by_asc(grant_tranche::Column::Id)
        .all(db)
        .await?)
}

/// Disburse a tranche of the grant: never more than agreed, never more
/// than the pool holds, only while the agreement is in its grant phase.
pub async fn disburse(
    db: &Db,
    actor: &str,
    grant_id: &str,
    amount_fen: i64,
    on: NaiveDate,
    note: String,
) -> StoreResult<grant_tranche::Model> {
    let tx = crate::db::begin_write(db).await?;
    let g = get(&tx, grant_id).await?;
    if g.status != "granted" {
        return Err(StoreError::rule(
            ErrorCode::NotGranting,
            "协议已转股或结题，不能再拨付资助款",
        ));
    }
    if on < g.signed_on {
        return Err(StoreError::rule(
            ErrorCode::PaidBeforeSigning,
            "拨付日期不能早于协议签订日期",
        ));
    }
    let paid = money::total(tranches(&tx, grant_id).await?.iter().map(|t| t.amount_fen))?;
    if money::add(paid, amount_fen)? > g.grant_fen {
        return Err(StoreError::rule(
            ErrorCode::OverGrant,
            format!(
                "拨付后累计将超过协议资助金额（已拨付 {} 元，协议 {} 元）",
                kechuang_domain::money::Money::from_fen(paid),
                kechuang_domain::money::Money::from_fen(g.grant_fen)
            ),
        ));
    }
    let pool = fund_pool::Entity::find_by_id(g.pool_id.clone())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut flows = pool_flows(&tx, &pool).await?;
    flows.disburse(amount_fen).map_err(|e| rule(e.code(), e))?;
    // The pool row's version serialises concurrent disbursements from one pool.
    let pv = pool.version;
    record::update(&tx, actor, "disburse", pool, pv, |_| {}).await?;
    let m = record::insert(
        &tx,
        actor,
        grant_tranche::ActiveModel {
            grant_id: Set(grant_id.into()),
            paid_on: Set(on),
            amount_fen: Set(amount_fen),
            note: Set(note),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoundInput {
    pub round: Round,
    pub investors: String,
}

/// Record the firm's first qualifying market round: the disbursed grant
/// converts at the round's price with the concession, capped.
pub async fn convert_on_round(
    db: &Db,
    actor: &str,
    grant_id: &str,
    version: i32,
    i: RoundInput,
) -> StoreResult<grant_equity::Model> {
    let tx = crate::db::begin_write(db).await?;
    let g = get(&tx, grant_id).await?;
    if g.status != "granted" {
        return Err(StoreError::rule(
            ErrorCode::NotGranting,
            "只有资助中的协议才能登记融资转股",
        ));
    }
    let t = terms(&g);
    round_qualifies(&t, &i.round).map_err(|e| rule(e.code(), e))?;
    let paid = money::total(tranches(&tx, grant_id).await?.iter().map(|t| t.amount_fen))?;
    let c = convert(paid, &t, &i.round).map_err(|e| rule(e.code(), e))?;
    let r = i.round;
    let m = record::update(&tx, actor, "convert", g, version, |am| {
        am.status = Set("converted".into());
        am.round_closed_on = Set(Some(r.closed_on));
        am.round_pre_money_fen = Set(r.pre_money_fen);
        am.round_pre_shares = Set(r.pre_money_shares);
        am.round_amount_fen = Set(r.amount_fen);
        am.round_investors = Set(i.investors);
        am.conv_shares = Set(c.shares);
        am.conv_fen = Set(c.converted_fen);
        am.conv_stake_ppm = Set(c.stake_ppm as i32);
        am.conv_price_e4 = Set(c.effective_price_e4);
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// No qualifying round within the term: the project closes as a grant and
/// the failure is tolerated (容错).
pub async fn close_as_grant(
    db: &Db,
    actor: &str,
    grant_id: &str,
    version: i32,
    on: NaiveDate,
) -> StoreResult<grant_equity::Model> {
    let tx = crate::db::begin_write(db).await?;
    let g = get(&tx, grant_id).await?;
    if g.status != "granted" {
        return Err(StoreError::rule(
            ErrorCode::NotGranting,
            "只有资助中的协议才能按资助结题",
        ));
    }
    let end = term_end(&terms(&g));
    if on <= end {
        return Err(StoreError::rule(
            ErrorCode::TermNotOver,
            format!("约定期限至 {end} 尚未届满，期满仍无合格融资才能按资助结题"),
        ));
    }
    let m = record::update(&tx, actor, "close_grant", g, version, |am| {
        am.status = Set("closed_grant".into());
        am.closed_on = Set(Some(on));
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The team buys the stake back at principal plus simple interest, inside the window.
    Buyback,
    /// The stake is sold in a later round at `price_e4` (yuan × 10^4 per share).
    Sale { price_e4: i64 },
}

/// Exit the converted stake; the proceeds return to the fund pool.
pub async fn exit(
    db: &Db,
    actor: &str,
    grant_id: &str,
    version: i32,
    how: Exit,
    on: NaiveDate,
) -> StoreResult<grant_equity::Model> {
    let tx = crate::db::begin_write(db).await?;
    let g = get(&tx, grant_id).await?;
    let Some(converted_on) = g.round_closed_on.filter(|_| g.status == "converted") else {
        return Err(StoreError::rule(
            ErrorCode::NotConverted,
            "只有已转股的协议才能退出",
        ));
    };
    if on < converted_on {
        return Err(StoreError::rule(
            ErrorCode::ExitBeforeConversion,
            "退出日期不能早于转股日期",
        ));
    }
    let (kind, proceeds) = match how {
        Exit::Buyback => {
            if !in_exit_window(
                converted_on,
                g.exit_start_months.max(0) as u32,
                g.exit_end_months.max(0) as u32,
                on,
            ) {
                return Err(StoreError::rule(
                    ErrorCode::ExitOutsideWindow,
                    format!(
                        "团队回购须在转股后第 {} 至 {} 个月的退出窗口内办理",
                        g.exit_start_months, g.exit_end_months
                    ),
                ));
            }
            (
                "buyback",
                buyback_amount(
                    g.conv_fen,
                    g.buyback_rate_permille.max(0) as u32,
                    converted_on,
                    on,
                ),
            )
        }
        Exit::Sale { price_e4 } => {
            if price_e4 <= 0 {
                return Err(StoreError::rule(
                    ErrorCode::InvalidPrice,
                    "请填写大于 0 的转让价格",
                ));
            }
            ("sale", sale_proceeds(g.conv_shares, price_e4))
        }
    };
    let pool = fund_pool::Entity::find_by_id(g.pool_id.clone())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let pv = pool.version;
    record::update(&tx, actor, "exit_proceeds", pool, pv, |_| {}).await?;
    let m = record::update(&tx, actor, "exit", g, version, |am| {
        am.status = Set("exited".into());
        am.exit_kind = Set(kind.into());
        am.exited_on = Set(Some(on));
        am.exit_proceeds_fen = Set(proceeds);
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Programme totals for the page head and the cockpit.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
#[schema(as = EquityTotals)]
pub struct Totals {
    pub agreements: u64,
    pub grant_fen: i64,
    pub disbursed_fen: i64,
    pub converted: u64,
    pub converted_fen: i64,
    pub closed_grant: u64,
    pub exited: u64,
    pub proceeds_fen: i64,
}

pub async fn totals(db: &Db) -> StoreResult<Totals> {
    let all = grant_equity::Entity::find().all(db).await?;
    let paid: Vec<i64> = grant_tranche::Entity::find()
        .select_only()
        .column(grant_tranche::Column::AmountFen)
        .into_tuple()
        .all(db)
        .await?;
    let mut t = Totals {
        agreements: all.len() as u64,
        disbursed_fen: money::total(paid)?,
        ..Default::default()
    };
    for g in &all {
        t.grant_fen = money::add(t.grant_fen, g.grant_fen)?;
        match g.status.as_str() {
            "converted" | "exited" => {
                t.converted += 1;
                t.converted_fen = money::add(t.converted_fen, g.conv_fen)?;
            }
            "closed_grant" => t.closed_grant += 1,
            _ => {}
        }
        if g.status == "exited" {
            t.exited += 1;
            t.proceeds_fen = money::add(t.proceeds_fen, g.exit_proceeds_fen)?;
        }
    }
    Ok(t)
}
