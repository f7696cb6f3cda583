//! Public commitments (承诺践诺): a member pledges concrete items with due
//! dates, reports progress with evidence, and the secretary verifies
//! fulfilment. The cycle's rules are `kechuang_domain::party::after_report`
//! and `after_verdict`; overdue is computed, never stored.

use kechuang_domain::ErrorCode;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use kechuang_domain::party::{
    after_report, after_verdict, commitment_overdue, share_permille, CommitmentStatus,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::Serialize;

use crate::clock::today;
use crate::entities::{commitment, commitment_report, party_member, party_org};
use crate::{record, Db, Page, PageReq, StoreError, StoreResult};

#[derive(Clone, Debug, PartialEq)]
pub struct PledgeInput {
    pub member_id: String,
    pub title: String,
    pub detail: String,
    pub pledged_on: NaiveDate,
    pub due_on: NaiveDate,
}

#[derive(Clone, Debug, Default)]
pub struct CommitmentFilter {
    pub q: Option<String>,
    /// This party organisation and the ones below it.
    pub party_org_id: Option<String>,
    pub member_id: Option<String>,
    pub status: Option<CommitmentStatus>,
    /// Open and past due today.
    pub overdue: bool,
    /// Due in this year.
    pub year: Option<i32>,
}

async fn filtered<C: ConnectionTrait>(
    db: &C,
    f: &CommitmentFilter,
) -> StoreResult<Select<commitment::Entity>> {
    use commitment::Column as C;
    let mut q = commitment::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Title, t))
                .add(
                    C::MemberId.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(party_member::Column::Id)
                            .from(party_member::Entity)
                            .and_where(crate::like::contains(party_member::Column::Name, t))
                            .to_owned(),
                    ),
                ),
        );
    }
    if let Some(p) = &f.party_org_id {
        match super::network::get(db, p).await {
            Ok(root) => {
                q = q.filter(
                    C::PartyOrgId.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(party_org::Column::Id)
                            .from(party_org::Entity)
                            .and_where(party_org::Column::Path.starts_with(root.path.as_str()))
                            .to_owned(),
                    ),
                );
            }
            // An unknown organisation: a filter nothing passes (an empty
            // list, as for any other filter), not a missing record.
            Err(StoreError::NotFound) => q = q.filter(C::PartyOrgId.is_in(Vec::<String>::new())),
            Err(e) => return Err(e),
        }
    }
    if let Some(m) = &f.member_id {
        q = q.filter(C::MemberId.eq(m.clone()));
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    if f.overdue {
        q = q
            .filter(C::Status.is_in([
                CommitmentStatus::Pledged.as_str(),
                CommitmentStatus::Rejected.as_str(),
            ]))
            .filter(C::DueOn.lt(today()));
    }
    if let Some(y) = f.year {
        let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
        let to = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default();
        q = q.filter(C::DueOn.between(from, to));
    }
    Ok(q.order_by_asc(C::DueOn).order_by_asc(C::Id))
}

pub async fn list(
    db: &Db,
    f: &CommitmentFilter,
    p: PageReq,
) -> StoreResult<Page<commitment::Model>> {
    let q = filtered(db, f).await?;
    crate::page::fetch(db, q, p).await
}

pub async fn list_all(
    db: &Db,
    f: &CommitmentFilter,
    cap: u64,
) -> StoreResult<Vec<commitment::Model>> {
    Ok(filtered(db, f).await?.limit(cap).all(db).await?)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<commitment::Model> {
    commitment::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn reports<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> StoreResult<Vec<commitment_report::Model>> {
    Ok(commitment_report::Entity::find()
        .filter(commitment_report::Column::CommitmentId.eq(id))
        .order_by_asc(commitment_report::Column::ReportedOn)
        .order_by_asc(commitment_report::Column::Id)
        .all(db)
        .await?)
}

/// A member's pledge; it belongs to the member's party organisation.
pub async fn pledge(db: &Db, actor: &str, i: PledgeInput) -> StoreResult<commitment::Model> {
    let tx = crate::db::begin_write(db).await?;
    let c = insert(&tx, actor, i, Recorded::default()).await?;
    tx.commit().await?;
    Ok(c)
}

/// Where an imported commitment stands: its state, and the verification
/// of a verified or rejected one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recorded {
    pub status: Option<CommitmentStatus>,
    pub verified_on: Option<NaiveDate>,
    pub verdict: String,
}

/// A pledge with the rules of `pledge`, and (for an import) where it
/// already stands: a verified or rejected one has its day of verification
/// (not before the pledge, not after today) and a rejected one its reason.
async fn insert<C: ConnectionTrait>(
    db: &C,
    actor: &str,
    i: PledgeInput,
    r: Recorded,
) -> StoreResult<commitment::Model> {
    if i.title.trim().is_empty() {
        return Err(StoreError::rule(ErrorCode::TitleRequired, "请填写承诺事项"));
    }
    if i.due_on < i.pledged_on {
        return Err(StoreError::rule(
            ErrorCode::DueBeforePledge,
            "完成时限不能早于承诺日期",
        ));
    }
    recorded_fits(i.pledged_on, &r)?;
    let status = r.status.unwrap_or(CommitmentStatus::Pledged);
    let judged = matches!(
        status,
        CommitmentStatus::Verified | CommitmentStatus::Rejected
    );
    let m = super::network::member(db, &i.member_id)
        .await
        .map_err(|_| {
            StoreError::rule(ErrorCode::UnknownMember, "承诺人不存在，请从党员名册中选择")
        })?;
    record::insert(
        db,
        actor,
        commitment::ActiveModel {
            member_id: Set(m.id),
            party_org_id: Set(m.party_org_id),
            title: Set(i.title.trim().into()),
            detail: Set(i.detail),
            pledged_on: Set(i.pledged_on),
            due_on: Set(i.due_on),
            status: Set(status.as_str().into()),
            verified_on: Set(r.verified_on),
            verified_by: Set(if judged { actor.into() } else { String::new() }),
            verdict: Set(r.verdict.trim().into()),
            ..Default::default()
        },
    )
    .await
}

/// Where an imported commitment stands, against its pledge date: a
/// verified or rejected one has its day of verification; a verification
/// (also an earlier one of a commitment reported again since) lies between
/// the pledge and today; a rejection says why. (No database needed: an
/// import checks each row with it before writing.)
pub fn recorded_fits(pledged_on: NaiveDate, r: &Recorded) -> StoreResult<()> {
    let status = r.status.unwrap_or(CommitmentStatus::Pledged);
    let judged = matches!(
        status,
        CommitmentStatus::Verified | CommitmentStatus::Rejected
    );
    match r.verified_on {
        None if judged => Err(StoreError::rule(
            ErrorCode::CommitmentState,
            "已践诺或未兑现的承诺须填写核实日期",
        )),
        Some(on) => verified_on_fits(pledged_on, on),
        None => Ok(()),
    }?;
    verdict_fits(status != CommitmentStatus::Rejected, &r.verdict)
}

/// A verification is made between the pledge and today.
fn verified_on_fits(pledged_on: NaiveDate, on: NaiveDate) -> StoreResult<()> {
    if on < pledged_on || on > crate::clock::today() {
        return Err(StoreError::rule(
            ErrorCode::CommitmentState,
            "核实日期应在承诺日期与今天之间",
        ));
    }
    Ok(())
}

/// A finding of 未兑现 says why.
fn verdict_fits(fulfilled: bool, verdict: &str) -> StoreResult<()> {
    if !fulfilled && verdict.trim().is_empty() {
        return Err(StoreError::rule(
            ErrorCode::VerdictRequired,
            "认定未兑现时请说明理由",
        ));
    }
    Ok(())
}

/// Register a ledger's commitments, each where it stands, all or nothing.
/// Err carries the index of the row.
pub async fn import(
    db: &Db,
    actor: &str,
    rows: Vec<(PledgeInput, Recorded)>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::imports::begin(db, "commitments").await?;
    let n = rows.len();
    for (k, (i, r)) in rows.into_iter().enumerate() {
        let c = insert(&tx, actor, i, r).await.map_err(|e| (k, e))?;
        let same = commitment::Entity::find()
            .filter(commitment::Column::MemberId.eq(c.member_id.clone()))
            .filter(commitment::Column::Title.eq(c.title.clone()))
            .filter(commitment::Column::PledgedOn.eq(c.pledged_on))
            .count(&tx)
            .await
            .map_err(|e| (k, e.into()))?;
        crate::imports::only_one(same, || format!("同一党员同日的承诺“{}”", c.title))
            .map_err(|e| (k, e))?;
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

fn status_of(c: &commitment::Model) -> CommitmentStatus {
    CommitmentStatus::parse(&c.status).unwrap_or(CommitmentStatus::Pledged)
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReportInput {
    pub reported_on: NaiveDate,
    pub progress: String,
    pub evidence: String,
    pub percent: u32,
}

/// Report progress with evidence; 100 % asks the secretary to verify.
pub async fn report(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: ReportInput,
) -> StoreResult<commitment::Model> {
    if i.progress.trim().is_empty() {
        return Err(StoreError::rule(
            ErrorCode::ProgressRequired,
            "请填写践诺进展",
        ));
    }
    if i.percent >= 100 && i.evidence.trim().is_empty() {
        return Err(StoreError::rule(
            ErrorCode::EvidenceRequired,
            "报告已完成时请附佐证材料说明",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let c = get(&tx, id).await?;
    if i.reported_on < c.pledged_on {
        return Err(StoreError::rule(
            ErrorCode::ReportBeforePledge,
            "报告日期不能早于承诺日期",
        ));
    }
    let next = after_report(status_of(&c), i.percent)
        .map_err(|m| StoreError::rule(ErrorCode::CommitmentState, m))?;
    record::insert(
        &tx,
        actor,
        commitment_report::ActiveModel {
            commitment_id: Set(id.into()),
            reported_on: Set(i.reported_on),
            progress: Set(i.progress.trim().into()),
            evidence: Set(i.evidence.trim().into()),
            percent: Set(i.percent.min(100) as i32),
            ..Default::default()
        },
    )
    .await?;
    let m = record::update(&tx, actor, "report", c, version, |am| {
        am.status = Set(next.as_str().into())
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// The secretary's verdict on a reported commitment.
pub async fn verify(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    fulfilled: bool,
    verdict: String,
    on: NaiveDate,
) -> StoreResult<commitment::Model> {
    verdict_fits(fulfilled, &verdict)?;
    let tx = crate::db::begin_write(db).await?;
    let c = get(&tx, id).await?;
    verified_on_fits(c.pledged_on, on)?;
    let next = after_verdict(status_of(&c), fulfilled)
        .map_err(|m| StoreError::rule(ErrorCode::CommitmentState, m))?;
    let m = record::update(
        &tx,
        actor,
        if fulfilled { "verify" } else { "reject" },
        c,
        version,
        |am| {
            am.status = Set(next.as_str().into());
            am.verified_on = Set(Some(on));
            am.verified_by = Set(actor.into());
            am.verdict = Set(verdict.trim().into());
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Commitments of one party organisation (and below) by state.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct CommitmentFigures {
    pub total: u64,
    pub pledged: u64,
    pub reported: u64,
    pub verified: u64,
    pub rejected: u64,
    /// Open and past due.
    pub overdue: u64,
    /// Verified among those due by today, ‰.
    pub fulfilment_permille: Option<u64>,
}

fn add(f: &mut CommitmentFigures, c: &commitment::Model, today: NaiveDate) {
    f.total += 1;
    let s = status_of(c);
    match s {
        CommitmentStatus::Pledged => f.pledged += 1,
        CommitmentStatus::Reported => f.reported += 1,
        CommitmentStatus::Verified => f.verified += 1,
        CommitmentStatus::Rejected => f.rejected += 1,
    }
    if commitment_overdue(s, c.due_on, today) {
        f.overdue += 1;
    }
}

/// Figures for the filtered commitments, and per party organisation they belong to.
pub async fn figures(
    db: &Db,
    f: &CommitmentFilter,
) -> StoreResult<(CommitmentFigures, BTreeMap<String, CommitmentFigures>)> {
    let rows = list_all(db, f, 1_000_000).await?;
    let today = today();
    let mut all = CommitmentFigures::default();
    let mut by: BTreeMap<String, CommitmentFigures> = BTreeMap::new();
    let mut due = (0u64, 0u64);
    let mut due_by: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for c in &rows {
        add(&mut all, c, today);
        add(by.entry(c.party_org_id.clone()).or_default(), c, today);
        if c.due_on <= today {
            let v = u64::from(c.status == CommitmentStatus::Verified.as_str());
            due.0 += 1;
            due.1 += v;
            let e = due_by.entry(c.party_org_id.clone()).or_default();
            e.0 += 1;
            e.1 += v;
        }
    }
    all.fulfilment_permille = share_permille(due.1, due.0);
    for (k, f) in by.iter_mut() {
        let (n, v) = due_by.get(k).copied().unwrap_or_default();
        f.fulfilment_permille = share_permille(v, n);
    }
    Ok((all, by))
}

/// Verified commitments among those of `member_ids` due in [from, to], and
/// how many were due: the race dimension 承诺践诺率.
pub async fn fulfilled_between(
    db: &Db,
    member_ids: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<(u64, u64)> {
    let rows: Vec<String> = commitment::Entity::find()
        .select_only()
        .column(commitment::Column::Status)
        .filter(commitment::Column::MemberId.is_in(member_ids.to_vec()))
        .filter(commitment::Column::DueOn.between(from, to))
        .into_tuple()
        .all(db)
        .await?;
    let verified = rows
        .iter()
        .filter(|s| *s == CommitmentStatus::Verified.as_str())
        .count() as u64;
    Ok((verified, rows.len() as u64))
}
