//! Alliances and associations (联盟 · 协会), PRODUCT.md A5: their members
//! over time. A membership is a period (`joined_on`, `left_on`): a member
//! leaves with a date and may rejoin later as a new row, and two periods of
//! one organisation in one alliance never overlap. Members and counts by
//! sector (政产学研金介) are given at any date. A member list is imported
//! all or nothing. Membership writes lock the alliance row, so concurrent
//! joins of one organisation cannot both pass the overlap check.

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use chrono::NaiveDate;
use kechuang_domain::events::{date_zh, AllianceKind, Membership, Sector};
use kechuang_domain::org::OrgKind;
use kechuang_domain::uscc::Uscc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::entities::{alliance, alliance_member, chain, org};
use crate::{record, Db, Page, PageReq, StoreError, StoreResult};

/// An alliance as written by forms and the API (name up to 100 characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllianceInput {
    pub name: String,
    pub kind: AllianceKind,
    pub founded_on: Option<NaiveDate>,
    /// The organisation running the secretariat (秘书处单位).
    pub secretariat_org_id: Option<String>,
    pub chain_id: Option<String>,
    pub description: String,
}

/// List filters; every field narrows the list.
#[derive(Clone, Debug, Default)]
pub struct AllianceFilter {
    /// Substring of the name or description.
    pub q: Option<String>,
    pub kind: Option<AllianceKind>,
    pub chain_id: Option<String>,
}

/// An alliance with its number of members on a date.
#[derive(Clone, Debug)]
pub struct AllianceRow {
    pub alliance: alliance::Model,
    pub members: u64,
}

/// A membership with the organisation's name and credit code.
#[derive(Clone, Debug)]
pub struct MemberRow {
    pub member: alliance_member::Model,
    pub org_name: String,
    pub org_uscc: Option<String>,
}

/// Members on a date: in total and by sector.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberCounts {
    pub on: Option<NaiveDate>,
    pub total: u64,
    /// Every sector, in 政产学研金介 order.
    pub by_sector: Vec<(Sector, u64)>,
}

/// An organisation joining.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinInput {
    pub org_id: String,
    /// None: from the organisation's kind (企业 → 产 …), required otherwise.
    pub sector: Option<Sector>,
    pub joined_on: NaiveDate,
}

/// How an imported row names its organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrgRef {
    Id(String),
    Uscc(Uscc),
}

/// One validated row of a member list import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberImportRow {
    pub org: OrgRef,
    /// None: from the organisation's kind, required otherwise.
    pub sector: Option<Sector>,
    pub joined_on: NaiveDate,
    /// A past membership (None: still a member).
    pub left_on: Option<NaiveDate>,
}

fn dup_name(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateAllianceName,
            message: "同名联盟或协会已存在，请换一个名称".into(),
        },
        other => other,
    }
}

/// Members on `on` (joined by then, not yet left).
fn member_on(on: NaiveDate) -> Condition {
    use alliance_member::Column as C;
    Condition::all().add(C::JoinedOn.lte(on)).add(
        Condition::any()
            .add(C::LeftOn.is_null())
            .add(C::LeftOn.gt(on)),
    )
}

fn filtered(f: &AllianceFilter) -> Select<alliance::Entity> {
    use alliance::Column as C;
    let mut q = alliance::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Name, t))
                .add(crate::like::contains(C::Description, t)),
        );
    }
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(c) = &f.chain_id {
        q = q.filter(C::ChainId.eq(c.clone()));
    }
    q.order_by_asc(C::Name).order_by_asc(C::Id)
}

async fn rows<C: ConnectionTrait>(
    db: &C,
    items: Vec<alliance::Model>,
    on: NaiveDate,
) -> StoreResult<Vec<AllianceRow>> {
    let ids: Vec<String> = items.iter().map(|a| a.id.clone()).collect();
    let mut counts: HashMap<String, i64> = HashMap::new();
    for chunk in ids.chunks(500) {
        let c: Vec<(String, i64)> = alliance_member::Entity::find()
            .select_only()
            .column(alliance_member::Column::AllianceId)
            .column_as(alliance_member::Column::Id.count(), "n")
            .filter(alliance_member::Column::AllianceId.is_in(chunk.to_vec()))
            .filter(member_on(on))
            .group_by(alliance_member::Column::AllianceId)
            .into_tuple()
            .all(db)
            .await?;
        counts.extend(c);
    }
    Ok(items
        .into_iter()
        .map(|a| AllianceRow {
            members: counts.get(&a.id).copied().unwrap_or(0) as u64,
            alliance: a,
        })
        .collect())
}

/// One page of alliances, each with its members on `on`.
pub async fn list(
    db: &Db,
    f: &AllianceFilter,
    on: NaiveDate,
    p: PageReq,
) -> StoreResult<Page<AllianceRow>> {
    let q = filtered(f);
    let total = q.clone().count(db).await?;
    let items = q.offset(p.offset()).limit(p.per_page()).all(db).await?;
    Ok(Page {
        items: rows(db, items, on).await?,
        total,
        page: p.page(),
        per_page: p.per_page(),
    })
}

/// Every alliance of the filtered list (export), at most `cap`, with members on `on`.
pub async fn list_all(
    db: &Db,
    f: &AllianceFilter,
    on: NaiveDate,
    cap: u64,
) -> StoreResult<Vec<AllianceRow>> {
    let items = filtered(f).limit(cap).all(db).await?;
    rows(db, items, on).await
}

/// One alliance (404 when missing).
pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<alliance::Model> {
    alliance::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The alliance row, locked until the transaction ends (PostgreSQL, MySQL;
/// SQLite writers are queued anyway). Take it as the transaction's first
/// read: on MySQL, under REPEATABLE READ, the reads after it then see what
/// the previous writer committed.
async fn lock<C: ConnectionTrait>(tx: &C, id: &str) -> StoreResult<alliance::Model> {
    alliance::Entity::find_by_id(id.to_string())
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound)
}

async fn check_refs<C: ConnectionTrait>(tx: &C, i: &AllianceInput) -> StoreResult<()> {
    if i.name.trim().is_empty() {
        return Err(StoreError::field(
            ErrorCode::NameRequired,
            "name",
            "请填写名称",
        ));
    }
    if let Some(o) = &i.secretariat_org_id {
        crate::orgs::require_org(tx, o, "秘书处单位").await?;
    }
    if let Some(c) = &i.chain_id {
        if chain::Entity::find_by_id(c.clone())
            .one(tx)
            .await?
            .is_none()
        {
            return Err(StoreError::field(
                ErrorCode::UnknownChain,
                "chain_id",
                "产业链不存在，请从产业链中选择",
            ));
        }
    }
    Ok(())
}

fn apply(am: &mut alliance::ActiveModel, i: AllianceInput) {
    am.name = Set(i.name.trim().to_string());
    am.kind = Set(i.kind.as_str().into());
    am.founded_on = Set(i.founded_on);
    am.secretariat_org_id = Set(i.secretariat_org_id);
    am.chain_id = Set(i.chain_id);
    am.description = Set(i.description);
}

/// Create an alliance or association (409 `duplicate_alliance_name`).
pub async fn create(db: &Db, actor: &str, i: AllianceInput) -> StoreResult<alliance::Model> {
    let tx = crate::db::begin_write(db).await?;
    check_refs(&tx, &i).await?;
    let mut am = alliance::ActiveModel::default();
    apply(&mut am, i);
    let m = record::insert(&tx, actor, am).await.map_err(dup_name)?;
    tx.commit().await?;
    Ok(m)
}

/// Change an alliance read at `version`. A founding date after a member
/// joined is refused.
pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: AllianceInput,
) -> StoreResult<alliance::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = lock(&tx, id).await?;
    check_refs(&tx, &i).await?;
    if let Some(f) = i.founded_on {
        let earlier = alliance_member::Entity::find()
            .filter(alliance_member::Column::AllianceId.eq(id))
            .filter(alliance_member::Column::JoinedOn.lt(f))
            .count(&tx)
            .await?;
        if earlier > 0 {
            return Err(StoreError::field(
                ErrorCode::FoundedAfterMembers,
                "founded_on",
                format!(
                    "已有{earlier}个成员在{}之前加入，成立日期不能晚于最早的加入日期",
                    date_zh(f)
                ),
            ));
        }
    }
    let m = record::update(&tx, actor, "update", before, version, |am| apply(am, i))
        .await
        .map_err(dup_name)?;
    tx.commit().await?;
    Ok(m)
}

/// The sector of a member: given, or from the organisation's kind.
fn sector_for(o: &org::Model, given: Option<Sector>) -> StoreResult<Sector> {
    given
        .or_else(|| OrgKind::parse(&o.kind).and_then(Sector::of_org_kind))
        .ok_or_else(|| {
            StoreError::field(
                ErrorCode::SectorRequired,
                "sector",
                format!("请为“{}”选择类别（政、产、学、研、金、介）", o.name),
            )
        })
}

/// The period fits: leaves after it joins, not before the founding, and
/// overlaps none of the organisation's other periods in `taken`.
fn check_period(
    a: &alliance::Model,
    o: &org::Model,
    p: Membership,
    taken: &[Membership],
) -> StoreResult<()> {
    p.check()
        .map_err(|e| StoreError::field(ErrorCode::InvalidPeriod, e.field, e.message))?;
    if let Some(f) = a.founded_on {
        if p.joined_on < f {
            return Err(StoreError::field(
                ErrorCode::JoinedBeforeFounding,
                "joined_on",
                format!("{}成立于{}，加入日期不能早于成立日期", a.name, date_zh(f)),
            ));
        }
    }
    if let Some(t) = taken.iter().find(|t| t.overlaps(&p)) {
        let message = match t.left_on {
            None => format!(
                "“{}”自{}起已是{}成员，不能重复加入",
                o.name,
                date_zh(t.joined_on),
                a.name
            ),
            Some(l) => format!(
                "“{}”在{}至{}期间已是{}成员，新的会籍不能与之重叠",
                o.name,
                date_zh(t.joined_on),
                date_zh(l),
                a.name
            ),
        };
        return Err(StoreError::Conflict {
            code: ErrorCode::AlreadyMember,
            message,
        });
    }
    Ok(())
}

/// The membership periods of an organisation in an alliance.
async fn periods<C: ConnectionTrait>(
    tx: &C,
    alliance_id: &str,
    org_id: &str,
) -> StoreResult<Vec<alliance_member::Model>> {
    Ok(alliance_member::Entity::find()
        .filter(alliance_member::Column::AllianceId.eq(alliance_id))
        .filter(alliance_member::Column::OrgId.eq(org_id))
        .order_by_asc(alliance_member::Column::JoinedOn)
        .all(tx)
        .await?)
}

fn period_of(m: &alliance_member::Model) -> Membership {
    Membership {
        joined_on: m.joined_on,
        left_on: m.left_on,
    }
}

/// An organisation joins on a date (a new membership row; rejoining after
/// an exit is allowed). 409 `already_member` when it is a member then.
pub async fn join(
    db: &Db,
    actor: &str,
    alliance_id: &str,
    i: JoinInput,
) -> StoreResult<alliance_member::Model> {
    let tx = crate::db::begin_write(db).await?;
    let a = lock(&tx, alliance_id).await?;
    let o = crate::orgs::require_org(&tx, &i.org_id, "成员单位").await?;
    let sector = sector_for(&o, i.sector)?;
    let taken: Vec<Membership> = periods(&tx, alliance_id, &o.id)
        .await?
        .iter()
        .map(period_of)
        .collect();
    let p = Membership {
        joined_on: i.joined_on,
        left_on: None,
    };
    check_period(&a, &o, p, &taken)?;
    let m = record::insert(
        &tx,
        actor,
        alliance_member::ActiveModel {
            alliance_id: Set(alliance_id.into()),
            org_id: Set(o.id),
            sector: Set(sector.as_str().into()),
            joined_on: Set(i.joined_on),
            left_on: Set(None),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// A current member leaves: not a member from `left_on` (after it joined).
pub async fn exit(
    db: &Db,
    actor: &str,
    alliance_id: &str,
    org_id: &str,
    left_on: NaiveDate,
) -> StoreResult<alliance_member::Model> {
    let tx = crate::db::begin_write(db).await?;
    let a = lock(&tx, alliance_id).await?;
    let current = periods(&tx, alliance_id, org_id)
        .await?
        .into_iter()
        .find(|m| m.left_on.is_none())
        .ok_or_else(|| {
            StoreError::rule(
                ErrorCode::NotAMember,
                format!("该单位目前不是{}成员，无需办理退出", a.name),
            )
        })?;
    let p = Membership {
        joined_on: current.joined_on,
        left_on: Some(left_on),
    };
    p.check()
        .map_err(|e| StoreError::field(ErrorCode::InvalidPeriod, e.field, e.message))?;
    let v = current.version;
    let m = record::update(
        &tx,
        actor,
        "exit",
        current,
        v,
        |am: &mut alliance_member::ActiveModel| am.left_on = Set(Some(left_on)),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Correct a membership row read at `version` (sector and dates); the
/// period must still fit among the organisation's other periods.
pub async fn correct_member(
    db: &Db,
    actor: &str,
    member_id: &str,
    version: i32,
    sector: Sector,
    period: Membership,
) -> StoreResult<alliance_member::Model> {
    // The alliance (which never changes) is read before the transaction, so
    // that the lock is its first read (see `lock`).
    let alliance_id: String = alliance_member::Entity::find_by_id(member_id.to_string())
        .select_only()
        .column(alliance_member::Column::AllianceId)
        .into_tuple()
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let tx = crate::db::begin_write(db).await?;
    let a = lock(&tx, &alliance_id).await?;
    let before = alliance_member::Entity::find_by_id(member_id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let o = crate::orgs::require_org(&tx, &before.org_id, "成员单位").await?;
    let others: Vec<Membership> = periods(&tx, &alliance_id, &o.id)
        .await?
        .iter()
        .filter(|m| m.id != member_id)
        .map(period_of)
        .collect();
    check_period(&a, &o, period, &others)?;
    let m = record::update(
        &tx,
        actor,
        "update",
        before,
        version,
        |am: &mut alliance_member::ActiveModel| {
            am.sector = Set(sector.as_str().into());
            am.joined_on = Set(period.joined_on);
            am.left_on = Set(period.left_on);
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

async fn with_orgs<C: ConnectionTrait>(
    db: &C,
    members: Vec<alliance_member::Model>,
) -> StoreResult<Vec<MemberRow>> {
    let ids: Vec<String> = members.iter().map(|m| m.org_id.clone()).collect();
    let mut orgs: HashMap<String, (String, Option<String>)> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String, Option<String>)> = org::Entity::find()
            .select_only()
            .column(org::Column::Id)
            .column(org::Column::Name)
            .column(org::Column::Uscc)
            .filter(org::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        orgs.extend(rows.into_iter().map(|(id, n, u)| (id, (n, u))));
    }
    Ok(members
        .into_iter()
        .map(|m| {
            let (org_name, org_uscc) = orgs.get(&m.org_id).cloned().unwrap_or_default();
            MemberRow {
                member: m,
                org_name,
                org_uscc,
            }
        })
        .collect())
}

/// One page of the members on `on` (of one sector, or all), by joining date.
pub async fn members_at(
    db: &Db,
    alliance_id: &str,
    on: NaiveDate,
    sector: Option<Sector>,
    p: PageReq,
) -> StoreResult<Page<MemberRow>> {
    let mut q = alliance_member::Entity::find()
        .filter(alliance_member::Column::AllianceId.eq(alliance_id))
        .filter(member_on(on));
    if let Some(s) = sector {
        q = q.filter(alliance_member::Column::Sector.eq(s.as_str()));
    }
    let q = q
        .order_by_asc(alliance_member::Column::JoinedOn)
        .order_by_asc(alliance_member::Column::Id);
    let page = crate::page::fetch(db, q, p).await?;
    Ok(Page {
        items: with_orgs(db, page.items).await?,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Members on `on`: in total and by sector (the list behind them is [`members_at`]).
pub async fn member_counts(db: &Db, alliance_id: &str, on: NaiveDate) -> StoreResult<MemberCounts> {
    let rows: Vec<(String, i64)> = alliance_member::Entity::find()
        .select_only()
        .column(alliance_member::Column::Sector)
        .column_as(alliance_member::Column::Id.count(), "n")
        .filter(alliance_member::Column::AllianceId.eq(alliance_id))
        .filter(member_on(on))
        .group_by(alliance_member::Column::Sector)
        .into_tuple()
        .all(db)
        .await?;
    let by: HashMap<String, i64> = rows.into_iter().collect();
    let by_sector: Vec<(Sector, u64)> = Sector::ALL
        .iter()
        .map(|s| (*s, by.get(s.as_str()).copied().unwrap_or(0) as u64))
        .collect();
    Ok(MemberCounts {
        on: Some(on),
        total: by.values().sum::<i64>() as u64,
        by_sector,
    })
}

/// Every membership row of an alliance (of one organisation, or all), past
/// and present, by joining date.
pub async fn history(
    db: &Db,
    alliance_id: &str,
    org_id: Option<&str>,
) -> StoreResult<Vec<MemberRow>> {
    let mut q =
        alliance_member::Entity::find().filter(alliance_member::Column::AllianceId.eq(alliance_id));
    if let Some(o) = org_id {
        q = q.filter(alliance_member::Column::OrgId.eq(o));
    }
    let members = q
        .order_by_asc(alliance_member::Column::JoinedOn)
        .order_by_asc(alliance_member::Column::Id)
        .all(db)
        .await?;
    with_orgs(db, members).await
}

/// The alliances an organisation belongs to on `on`, with its membership.
pub async fn of_org(
    db: &Db,
    org_id: &str,
    on: NaiveDate,
) -> StoreResult<Vec<(alliance::Model, alliance_member::Model)>> {
    let members = alliance_member::Entity::find()
        .filter(alliance_member::Column::OrgId.eq(org_id))
        .filter(member_on(on))
        .all(db)
        .await?;
    let ids: Vec<String> = members.iter().map(|m| m.alliance_id.clone()).collect();
    let alliances: HashMap<String, alliance::Model> = alliance::Entity::find()
        .filter(alliance::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let mut out: Vec<(alliance::Model, alliance_member::Model)> = members
        .into_iter()
        .filter_map(|m| Some((alliances.get(&m.alliance_id)?.clone(), m)))
        .collect();
    out.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    Ok(out)
}

/// Import a member list all or nothing: every row is checked (the
/// organisation exists, its sector is known, the period fits the founding
/// date, the organisation's existing periods and the file's earlier rows),
/// then all are inserted in one statement and audited. The first refused
/// row (1-based index into `rows`) rolls back the whole list.
pub async fn import_members(
    db: &Db,
    actor: &str,
    alliance_id: &str,
    rows: Vec<MemberImportRow>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::db::begin_write(db)
        .await
        .map_err(|e| (0, e.into()))?;
    let a = lock(&tx, alliance_id).await.map_err(|e| (0, e))?;
    let mut taken: HashMap<String, Vec<Membership>> = HashMap::new();
    let mut new = Vec::with_capacity(rows.len());
    for (k, r) in rows.into_iter().enumerate() {
        let at = |e: StoreError| (k + 1, e);
        let o = match &r.org {
            OrgRef::Id(id) => crate::orgs::require_org(&tx, id, "成员单位")
                .await
                .map_err(at)?,
            OrgRef::Uscc(u) => crate::orgs::by_uscc(&tx, u.as_str())
                .await
                .map_err(at)?
                .ok_or_else(|| {
                    at(StoreError::field(
                        ErrorCode::UnknownOrg,
                        "uscc",
                        format!(
                            "统一社会信用代码{}不在单位名录中，请先登记该单位",
                            u.as_str()
                        ),
                    ))
                })?,
        };
        let sector = sector_for(&o, r.sector).map_err(at)?;
        if !taken.contains_key(&o.id) {
            let existing = periods(&tx, alliance_id, &o.id)
                .await
                .map_err(at)?
                .iter()
                .map(period_of)
                .collect();
            taken.insert(o.id.clone(), existing);
        }
        let p = Membership {
            joined_on: r.joined_on,
            left_on: r.left_on,
        };
        let mine = taken.entry(o.id.clone()).or_default();
        check_period(&a, &o, p, mine).map_err(at)?;
        mine.push(p);
        new.push((
            actor,
            alliance_member::ActiveModel {
                alliance_id: Set(alliance_id.into()),
                org_id: Set(o.id),
                sector: Set(sector.as_str().into()),
                joined_on: Set(r.joined_on),
                left_on: Set(r.left_on),
                ..Default::default()
            },
        ));
    }
    let n = new.len();
    // `insert_many` writes in chunks within every backend's parameter limit.
    record::insert_many(&tx, new).await.map_err(|e| (0, e))?;
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use kechuang_domain::org::OrgKind;

    use super::*;
    use crate::testdb::{self, code};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ic_alliance(founded: &str) -> AllianceInput {
        AllianceInput {
            name: "集成电路人才联盟".into(),
            kind: AllianceKind::Alliance,
            founded_on: Some(d(founded)),
            secretariat_org_id: None,
            chain_id: None,
            description: String::new(),
        }
    }

    async fn counts(db: &Db, a: &str, on: &str) -> (u64, u64, u64) {
        let c = member_counts(db, a, d(on)).await.unwrap();
        let of = |s: Sector| c.by_sector.iter().find(|(x, _)| *x == s).unwrap().1;
        (c.total, of(Sector::Industry), of(Sector::Academia))
    }

    #[tokio::test]
    async fn members_by_sector_at_any_date() {
        let t = testdb::fresh().await;
        let db = &t.db;
        let firm = testdb::org(db, "芯海微电子", OrgKind::Enterprise, Some(1)).await;
        let uni = testdb::org(db, "山城大学", OrgKind::University, Some(2)).await;
        let assoc = testdb::org(db, "半导体协会", OrgKind::Association, Some(3)).await;
        let a = create(db, "admin", ic_alliance("2024-01-01"))
            .await
            .unwrap();
        let join_at = |org: &str, on: &str| JoinInput {
            org_id: org.into(),
            sector: None,
            joined_on: d(on),
        };
        join(db, "admin", &a.id, join_at(&firm, "2024-01-01"))
            .await
            .unwrap();
        join(db, "admin", &a.id, join_at(&uni, "2024-06-01"))
            .await
            .unwrap();
        // An association's sector must be chosen.
        let no_sector = join(db, "admin", &a.id, join_at(&assoc, "2024-06-01")).await;
        assert!(matches!(
            no_sector,
            Err(StoreError::Field {
                code: ErrorCode::SectorRequired,
                ..
            })
        ));
        // Not before the founding, not twice.
        let early = join(db, "admin", &a.id, join_at(&assoc, "2023-12-31")).await;
        assert!(matches!(early, Err(StoreError::Field { .. })));
        let twice = join(db, "admin", &a.id, join_at(&firm, "2024-03-01")).await;
        assert!(matches!(
            twice,
            Err(StoreError::Conflict {
                code: ErrorCode::AlreadyMember,
                ..
            })
        ));

        exit(db, "admin", &a.id, &firm, d("2025-01-01"))
            .await
            .unwrap();
        let not_member = exit(db, "admin", &a.id, &firm, d("2025-02-01")).await;
        assert!(matches!(
            not_member,
            Err(StoreError::Rule {
                code: ErrorCode::NotAMember,
                ..
            })
        ));
        // Rejoining before the exit date would overlap; after it is a new row.
        let overlap = join(db, "admin", &a.id, join_at(&firm, "2024-12-31")).await;
        assert!(matches!(
            overlap,
            Err(StoreError::Conflict {
                code: ErrorCode::AlreadyMember,
                ..
            })
        ));
        join(db, "admin", &a.id, join_at(&firm, "2025-06-01"))
            .await
            .unwrap();

        assert_eq!(counts(db, &a.id, "2023-12-31").await, (0, 0, 0));
        assert_eq!(counts(db, &a.id, "2024-07-01").await, (2, 1, 1));
        assert_eq!(counts(db, &a.id, "2024-12-31").await, (2, 1, 1));
        assert_eq!(counts(db, &a.id, "2025-01-01").await, (1, 0, 1));
        assert_eq!(counts(db, &a.id, "2025-07-01").await, (2, 1, 1));
        let at = members_at(db, &a.id, d("2025-03-01"), None, PageReq::first(50))
            .await
            .unwrap();
        assert_eq!(at.total, 1);
        assert_eq!(at.items[0].org_name, "山城大学");
        assert_eq!(history(db, &a.id, Some(&firm)).await.unwrap().len(), 2);
        let rows = list(
            db,
            &AllianceFilter::default(),
            d("2025-03-01"),
            PageReq::first(20),
        )
        .await
        .unwrap();
        assert_eq!(rows.items[0].members, 1);
        assert_eq!(of_org(db, &firm, d("2025-07-01")).await.unwrap().len(), 1);
        assert!(of_org(db, &firm, d("2025-03-01")).await.unwrap().is_empty());
        // The founding date cannot move after a member joined.
        let later = update(db, "admin", &a.id, a.version, ic_alliance("2024-02-01")).await;
        assert!(matches!(
            later,
            Err(StoreError::Field {
                code: ErrorCode::FoundedAfterMembers,
                ..
            })
        ));
        let report = crate::audit::verify(db).await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }

    #[tokio::test]
    async fn a_member_list_is_imported_all_or_nothing() {
        let t = testdb::fresh().await;
        let db = &t.db;
        let firm = testdb::org(db, "芯海微电子", OrgKind::Enterprise, Some(1)).await;
        testdb::org(db, "山城大学", OrgKind::University, Some(2)).await;
        let a = create(db, "admin", ic_alliance("2024-01-01"))
            .await
            .unwrap();
        let row = |org: OrgRef, joined: &str, left: Option<&str>| MemberImportRow {
            org,
            sector: None,
            joined_on: d(joined),
            left_on: left.map(d),
        };
        // Row 3 overlaps row 1 (the same firm): nothing is written.
        let bad = vec![
            row(OrgRef::Id(firm.clone()), "2024-01-01", Some("2024-12-31")),
            row(OrgRef::Uscc(code(2)), "2024-02-01", None),
            row(OrgRef::Uscc(code(1)), "2024-06-01", None),
        ];
        match import_members(db, "admin", &a.id, bad).await {
            Err((
                3,
                StoreError::Conflict {
                    code: ErrorCode::AlreadyMember,
                    ..
                },
            )) => {}
            other => panic!("{other:?}"),
        }
        let unknown = vec![
            row(OrgRef::Id(firm.clone()), "2024-01-01", None),
            row(OrgRef::Uscc(code(9)), "2024-02-01", None),
        ];
        match import_members(db, "admin", &a.id, unknown).await {
            Err((
                2,
                StoreError::Field {
                    code: ErrorCode::UnknownOrg,
                    ..
                },
            )) => {}
            other => panic!("{other:?}"),
        }
        assert!(history(db, &a.id, None).await.unwrap().is_empty());
        // A past membership and a rejoin in one file.
        let good = vec![
            row(OrgRef::Id(firm.clone()), "2024-01-01", Some("2024-12-31")),
            row(OrgRef::Uscc(code(2)), "2024-02-01", None),
            row(OrgRef::Uscc(code(1)), "2025-01-01", None),
        ];
        assert_eq!(import_members(db, "admin", &a.id, good).await.unwrap(), 3);
        assert_eq!(history(db, &a.id, None).await.unwrap().len(), 3);
        let c = member_counts(db, &a.id, d("2025-02-01")).await.unwrap();
        assert_eq!(c.total, 2);
        // The import cannot overlap what is already there.
        let again = vec![row(OrgRef::Id(firm), "2025-03-01", None)];
        assert!(import_members(db, "admin", &a.id, again).await.is_err());
        assert_eq!(history(db, &a.id, None).await.unwrap().len(), 3);
        let report = crate::audit::verify(db).await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }
}
