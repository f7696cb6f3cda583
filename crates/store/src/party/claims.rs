//! Major projects claimed by party talents (揭榜挂帅) and their original results (原创性成果).
//!
//! A claim is a key science-and-technology project at city level or above
//! (市级及以上: city, province, national) taken on by a team led by party
//! talents, with the number of talents taking part; it moves from claimed
//! to in progress to done. Original results (first-of-a-kind software,
//! patents, products…) are recorded against the claim that produced them.

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::clock::today;
use crate::entities::{original_result, party_org, project_claim};
use crate::{record, Db, Page, PageReq, StoreError, StoreResult};

/// The level of a claimed project: city level or above only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClaimLevel {
    City,
    Province,
    National,
}

impl ClaimLevel {
    pub const ALL: [ClaimLevel; 3] = [ClaimLevel::City, ClaimLevel::Province, ClaimLevel::National];
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimLevel::City => "city",
            ClaimLevel::Province => "province",
            ClaimLevel::National => "national",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ClaimLevel::City => "市级",
            ClaimLevel::Province => "省级",
            ClaimLevel::National => "国家级",
        }
    }
    /// The code or the Chinese label ("省部级" counts as province).
    pub fn parse(s: &str) -> Option<ClaimLevel> {
        let s = s.trim();
        if s == "省部级" {
            return Some(ClaimLevel::Province);
        }
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label_zh() == s)
    }
}

/// Where a claimed project stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClaimState {
    Claimed,
    InProgress,
    Done,
}

impl ClaimState {
    pub const ALL: [ClaimState; 3] = [
        ClaimState::Claimed,
        ClaimState::InProgress,
        ClaimState::Done,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimState::Claimed => "claimed",
            ClaimState::InProgress => "in_progress",
            ClaimState::Done => "done",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ClaimState::Claimed => "已揭榜",
            ClaimState::InProgress => "攻关中",
            ClaimState::Done => "已完成",
        }
    }
    pub fn parse(s: &str) -> Option<ClaimState> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label_zh() == s)
    }
}

/// What kind of original result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultKind {
    Software,
    Product,
    Technology,
    Patent,
    Standard,
    Paper,
    Other,
}

impl ResultKind {
    pub const ALL: [ResultKind; 7] = [
        ResultKind::Software,
        ResultKind::Product,
        ResultKind::Technology,
        ResultKind::Patent,
        ResultKind::Standard,
        ResultKind::Paper,
        ResultKind::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ResultKind::Software => "software",
            ResultKind::Product => "product",
            ResultKind::Technology => "technology",
            ResultKind::Patent => "patent",
            ResultKind::Standard => "standard",
            ResultKind::Paper => "paper",
            ResultKind::Other => "other",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ResultKind::Software => "软件",
            ResultKind::Product => "新产品",
            ResultKind::Technology => "新技术新工艺",
            ResultKind::Patent => "发明专利",
            ResultKind::Standard => "标准",
            ResultKind::Paper => "论文",
            ResultKind::Other => "其他",
        }
    }
    pub fn parse(s: &str) -> Option<ResultKind> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label_zh() == s)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClaimInput {
    pub title: String,
    pub level: ClaimLevel,
    pub team: String,
    pub leader: String,
    pub participants: i32,
    pub party_org_id: Option<String>,
    pub state: ClaimState,
    pub claimed_on: NaiveDate,
}

#[derive(Clone, Debug, Default)]
pub struct ClaimFilter {
    pub q: Option<String>,
    pub level: Option<ClaimLevel>,
    pub state: Option<ClaimState>,
    pub party_org_id: Option<String>,
    /// Year of the claim date.
    pub year: Option<i32>,
}

/// A claim with the number of its original results.
#[derive(Clone, Debug)]
pub struct ClaimRow {
    pub claim: project_claim::Model,
    pub results: u64,
}

fn filtered(f: &ClaimFilter) -> Select<project_claim::Entity> {
    use project_claim::Column as C;
    let mut q = project_claim::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Title, t))
                .add(crate::like::contains(C::Team, t))
                .add(crate::like::contains(C::Leader, t)),
        );
    }
    if let Some(l) = f.level {
        q = q.filter(C::Level.eq(l.as_str()));
    }
    if let Some(s) = f.state {
        q = q.filter(C::State.eq(s.as_str()));
    }
    if let Some(p) = &f.party_org_id {
        q = q.filter(C::PartyOrgId.eq(p.clone()));
    }
    if let Some(y) = f.year {
        let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
        let to = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX);
        q = q
            .filter(C::ClaimedOn.gte(from))
            .filter(C::ClaimedOn.lte(to));
    }
    q.order_by_desc(C::ClaimedOn).order_by_asc(C::Id)
}

async fn result_counts<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> StoreResult<HashMap<String, i64>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(Option<String>, i64)> = original_result::Entity::find()
            .select_only()
            .column(original_result::Column::ClaimId)
            .column_as(original_result::Column::Id.count(), "n")
            .filter(original_result::Column::ClaimId.is_in(chunk.to_vec()))
            .group_by(original_result::Column::ClaimId)
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows.into_iter().filter_map(|(k, n)| Some((k?, n))));
    }
    Ok(out)
}

async fn rows<C: ConnectionTrait>(
    db: &C,
    items: Vec<project_claim::Model>,
) -> StoreResult<Vec<ClaimRow>> {
    let ids: Vec<String> = items.iter().map(|c| c.id.clone()).collect();
    let n = result_counts(db, &ids).await?;
    Ok(items
        .into_iter()
        .map(|c| ClaimRow {
            results: n.get(&c.id).copied().unwrap_or(0) as u64,
            claim: c,
        })
        .collect())
}

pub async fn list(db: &Db, f: &ClaimFilter, p: PageReq) -> StoreResult<Page<ClaimRow>> {
    let q = filtered(f);
    let total = q.clone().count(db).await?;
    let items = q.offset(p.offset()).limit(p.per_page()).all(db).await?;
    Ok(Page {
        items: rows(db, items).await?,
        total,
        page: p.page(),
        per_page: p.per_page(),
    })
}

pub async fn list_all(db: &Db, f: &ClaimFilter, cap: u64) -> StoreResult<Vec<ClaimRow>> {
    let items = filtered(f).limit(cap).all(db).await?;
    rows(db, items).await
}

/// Totals over the filtered claims: how many, the talents taking part
/// (人才, the sum of participants), their original results, and the
/// claims per level and per state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimTotals {
    pub claims: u64,
    pub participants: i64,
    pub results: u64,
    /// (level code, claims), every level.
    pub by_level: Vec<(&'static str, u64)>,
    /// (state code, claims), every state.
    pub by_state: Vec<(&'static str, u64)>,
}

pub async fn totals(db: &Db, f: &ClaimFilter) -> StoreResult<ClaimTotals> {
    use project_claim::Column as C;
    let rows: Vec<(String, String, String, i32)> = filtered(f)
        .select_only()
        .column(C::Id)
        .column(C::Level)
        .column(C::State)
        .column(C::Participants)
        .into_tuple()
        .all(db)
        .await?;
    let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let results: i64 = result_counts(db, &ids).await?.values().sum();
    Ok(ClaimTotals {
        claims: rows.len() as u64,
        participants: rows.iter().map(|r| i64::from(r.3)).sum(),
        results: results as u64,
        by_level: ClaimLevel::ALL
            .iter()
            .map(|l| {
                (
                    l.as_str(),
                    rows.iter().filter(|r| r.1 == l.as_str()).count() as u64,
                )
            })
            .collect(),
        by_state: ClaimState::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str(),
                    rows.iter().filter(|r| r.2 == s.as_str()).count() as u64,
                )
            })
            .collect(),
    })
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<project_claim::Model> {
    project_claim::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

async fn check<C: ConnectionTrait>(db: &C, i: &ClaimInput) -> StoreResult<()> {
    if i.participants < 1 {
        return Err(StoreError::rule(
            ErrorCode::InvalidParticipants,
            "参与人才数至少为 1",
        ));
    }
    if i.claimed_on > today() {
        return Err(StoreError::rule(
            ErrorCode::ClaimedInFuture,
            "揭榜日期不能晚于今天",
        ));
    }
    if let Some(p) = &i.party_org_id {
        party_org::Entity::find_by_id(p.clone())
            .one(db)
            .await?
            .ok_or_else(|| {
                StoreError::rule(ErrorCode::UnknownPartyOrg, "所属党组织不存在，请重新选择")
            })?;
    }
    Ok(())
}

fn apply(am: &mut project_claim::ActiveModel, i: ClaimInput) {
    am.title = Set(i.title);
    am.level = Set(i.level.as_str().into());
    am.team = Set(i.team);
    am.leader = Set(i.leader);
    am.participants = Set(i.participants);
    am.party_org_id = Set(i.party_org_id);
    am.state = Set(i.state.as_str().into());
    am.claimed_on = Set(i.claimed_on);
}

pub async fn create(db: &Db, actor: &str, i: ClaimInput) -> StoreResult<project_claim::Model> {
    let tx = crate::db::begin_write(db).await?;
    check(&tx, &i).await?;
    let mut am = project_claim::ActiveModel::default();
    apply(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

/// Change a claim, its state included. A result achieved before the new
/// claim date is refused.
pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: ClaimInput,
) -> StoreResult<project_claim::Model> {
    let tx = crate::db::begin_write(db).await?;
    check(&tx, &i).await?;
    let before = get(&tx, id).await?;
    let earlier = original_result::Entity::find()
        .filter(original_result::Column::ClaimId.eq(id))
        .filter(original_result::Column::AchievedOn.lt(i.claimed_on))
        .count(&tx)
        .await?;
    if earlier > 0 {
        return Err(StoreError::rule(
            ErrorCode::ResultsBeforeClaim,
            "已有成果的取得日期早于该揭榜日期，请核对揭榜日期",
        ));
    }
    let m = record::update(&tx, actor, "update", before, version, |am| apply(am, i)).await?;
    tx.commit().await?;
    Ok(m)
}

/// (id, title) of the given claims.
pub async fn titles<C: ConnectionTrait>(
    db: &C,
    ids: Vec<String>,
) -> StoreResult<HashMap<String, String>> {
    let mut ids = ids;
    ids.sort();
    ids.dedup();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String)> = project_claim::Entity::find()
            .select_only()
            .column(project_claim::Column::Id)
            .column(project_claim::Column::Title)
            .filter(project_claim::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Original results
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
pub struct ResultInput {
    pub title: String,
    pub kind: ResultKind,
    pub achieved_on: NaiveDate,
}

#[derive(Clone, Debug, Default)]
pub struct ResultFilter {
    pub q: Option<String>,
    pub claim_id: Option<String>,
    pub kind: Option<ResultKind>,
    pub year: Option<i32>,
}

fn results_filtered(f: &ResultFilter) -> Select<original_result::Entity> {
    use original_result::Column as C;
    let mut q = original_result::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(crate::like::contains(C::Title, t));
    }
    if let Some(c) = &f.claim_id {
        q = q.filter(C::ClaimId.eq(c.clone()));
    }
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(y) = f.year {
        let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
        let to = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX);
        q = q
            .filter(C::AchievedOn.gte(from))
            .filter(C::AchievedOn.lte(to));
    }
    q.order_by_desc(C::AchievedOn).order_by_asc(C::Id)
}

pub async fn list_results(
    db: &Db,
    f: &ResultFilter,
    p: PageReq,
) -> StoreResult<Page<original_result::Model>> {
    let q = results_filtered(f);
    crate::page::fetch(db, q, p).await
}

pub async fn list_all_results(
    db: &Db,
    f: &ResultFilter,
    cap: u64,
) -> StoreResult<Vec<original_result::Model>> {
    Ok(results_filtered(f).limit(cap).all(db).await?)
}

pub async fn get_result<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> StoreResult<original_result::Model> {
    original_result::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

fn check_result(claim: &project_claim::Model, i: &ResultInput) -> StoreResult<()> {
    result_fits(claim.claimed_on, i)
}

/// A result of a claim made on `claimed_on`: achieved on or after that
/// day and not after today (an import checks its rows with this too).
pub fn result_fits(claimed_on: NaiveDate, i: &ResultInput) -> StoreResult<()> {
    if i.achieved_on < claimed_on {
        return Err(StoreError::rule(
            ErrorCode::ResultBeforeClaim,
            format!(
                "成果取得日期不能早于揭榜日期（{}年{}月{}日）",
                claimed_on.year(),
                claimed_on.month(),
                claimed_on.day()
            ),
        ));
    }
    if i.achieved_on > today() {
        return Err(StoreError::rule(
            ErrorCode::AchievedInFuture,
            "成果取得日期不能晚于今天",
        ));
    }
    Ok(())
}

/// Record an original result of a claim.
pub async fn add_result(
    db: &Db,
    actor: &str,
    claim_id: &str,
    i: ResultInput,
) -> StoreResult<original_result::Model> {
    let tx = crate::db::begin_write(db).await?;
    let claim = get(&tx, claim_id).await?;
    check_result(&claim, &i)?;
    let m = record::insert(
        &tx,
        actor,
        original_result::ActiveModel {
            claim_id: Set(Some(claim_id.into())),
            title: Set(i.title),
            kind: Set(i.kind.as_str().into()),
            achieved_on: Set(i.achieved_on),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update_result(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: ResultInput,
) -> StoreResult<original_result::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = get_result(&tx, id).await?;
    if let Some(c) = &before.claim_id {
        check_result(&get(&tx, c).await?, &i)?;
    }
    let m = record::update(&tx, actor, "update", before, version, |am| {
        am.title = Set(i.title);
        am.kind = Set(i.kind.as_str().into());
        am.achieved_on = Set(i.achieved_on);
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// The years with claims, newest first.
pub async fn claim_years(db: &Db) -> StoreResult<Vec<i32>> {
    let dates: Vec<NaiveDate> = project_claim::Entity::find()
        .select_only()
        .column(project_claim::Column::ClaimedOn)
        .into_tuple()
        .all(db)
        .await?;
    let mut v: Vec<i32> = dates.iter().map(|d| d.year()).collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    v.dedup();
    Ok(v)
}

/// Register a ledger's claims, each with its original results, all or
/// nothing. Err carries the index of the claim.
pub async fn import(
    db: &Db,
    actor: &str,
    rows: Vec<(ClaimInput, Vec<ResultInput>)>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::imports::begin(db, "project_claims").await?;
    let n = rows.len();
    for (k, (claim, results)) in rows.into_iter().enumerate() {
        let at = |e: StoreError| (k, e);
        check(&tx, &claim).await.map_err(at)?;
        let claimed_on = claim.claimed_on;
        let mut am = project_claim::ActiveModel::default();
        apply(&mut am, claim);
        let c = record::insert(&tx, actor, am).await.map_err(at)?;
        let same = project_claim::Entity::find()
            .filter(project_claim::Column::Title.eq(c.title.clone()))
            .count(&tx)
            .await
            .map_err(|e| at(e.into()))?;
        crate::imports::only_one(same, || format!("揭榜项目“{}”", c.title)).map_err(at)?;
        for r in results {
            result_fits(claimed_on, &r).map_err(at)?;
            let am = original_result::ActiveModel {
                claim_id: Set(Some(c.id.clone())),
                title: Set(r.title),
                kind: Set(r.kind.as_str().into()),
                achieved_on: Set(r.achieved_on),
                ..Default::default()
            };
            record::insert(&tx, actor, am).await.map_err(at)?;
        }
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

/// The original results of these claims, by claim, oldest first.
pub async fn results_of(db: &Db, claim_ids: &[String]) -> StoreResult<Vec<original_result::Model>> {
    let mut out = vec![];
    for chunk in claim_ids.chunks(500) {
        out.extend(
            original_result::Entity::find()
                .filter(original_result::Column::ClaimId.is_in(chunk.to_vec()))
                .order_by_asc(original_result::Column::AchievedOn)
                .order_by_asc(original_result::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_city_and_above() {
        assert_eq!(ClaimLevel::parse("市级"), Some(ClaimLevel::City));
        assert_eq!(ClaimLevel::parse("national"), Some(ClaimLevel::National));
        assert_eq!(ClaimLevel::parse("省部级"), Some(ClaimLevel::Province));
        assert_eq!(ClaimLevel::parse("区级"), None);
        assert_eq!(ClaimLevel::parse("district"), None);
    }
}
