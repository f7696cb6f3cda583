//! Receiving cases: checks, numbering from the yearly sequence, routing, and
//! the group commit that writes concurrent intakes in one transaction.

use kechuang_domain::ErrorCode;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kechuang_domain::cases::{self as rules, CaseStatus, Channel};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QuerySelect, Statement,
};
use tokio::sync::{mpsc, oneshot};

use super::{beijing_date, event_row, notify_many, Actor, Note};
use crate::entities::{case, case_category, case_department, case_seq, chain, org, talent_service};
use crate::{calendar, now, record, Db, StoreError, StoreResult};

/// A case as received.
#[derive(Clone, Debug)]
pub struct CaseInput {
    pub title: String,
    pub description: String,
    pub category_id: String,
    pub org_id: String,
    pub chain_id: Option<String>,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    pub contact_name: String,
    pub contact_phone: String,
    /// Where the case is about; empty for most channels.
    pub location: CaseLocation,
}

/// Where a case is about, as Open311 carries it (checked by its caller).
#[derive(Clone, Debug, Default)]
pub struct CaseLocation {
    pub address: Option<String>,
    /// Latitude and longitude in degrees, the decimal text as given.
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub media_url: Option<String>,
}

/// Make sure the year's sequence row exists (outside any transaction, so
/// concurrent first intakes of a year do not collide on inserting it).
async fn ensure_seq_row(db: &Db, year: i32) -> StoreResult<()> {
    // Rows are never deleted: once seen, a year is remembered.
    static KNOWN: OnceLock<Mutex<HashSet<(String, i32)>>> = OnceLock::new();
    let known = KNOWN.get_or_init(Default::default);
    let key = (crate::db::identity(db), year);
    if known
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains(&key)
    {
        return Ok(());
    }
    if case_seq::Entity::find_by_id(year).one(db).await?.is_some() {
        known.lock().unwrap_or_else(|e| e.into_inner()).insert(key);
        return Ok(());
    }
    let row = case_seq::ActiveModel {
        year: Set(year),
        last: Set(0),
    };
    match case_seq::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map_err(StoreError::from)
    {
        // Another intake created it first: fine.
        Ok(_) | Err(StoreError::Conflict { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Take `n` numbers of a year's sequence in the caller's transaction and
/// return the last one (the numbers are `last - n + 1 ..= last`). One
/// statement where the database can return the updated value.
async fn take_seqs<C: ConnectionTrait>(tx: &C, year: i32, n: i64) -> StoreResult<i64> {
    let backend = tx.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            Some("UPDATE case_seqs SET last = last + $1 WHERE year = $2 RETURNING last")
        }
        DatabaseBackend::Sqlite => {
            Some("UPDATE case_seqs SET last = last + ? WHERE year = ? RETURNING last")
        }
        DatabaseBackend::MySql => None,
    };
    if let Some(sql) = sql {
        let row = tx
            .query_one(Statement::from_sql_and_values(
                backend,
                sql,
                [n.into(), year.into()],
            ))
            .await?
            .ok_or(StoreError::NotFound)?;
        return Ok(row.try_get::<i64>("", "last")?);
    }
    case_seq::Entity::update_many()
        .col_expr(
            case_seq::Column::Last,
            Expr::col(case_seq::Column::Last).add(n),
        )
        .filter(case_seq::Column::Year.eq(year))
        .exec(tx)
        .await?;
    Ok(case_seq::Entity::find_by_id(year)
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound)?
        .last)
}

/// Receive a case: number it, route it (category → lead department,
/// industry → task force), set its time limit, and tell the task force.
pub async fn intake(db: &Db, actor: &Actor, i: CaseInput) -> StoreResult<case::Model> {
    intake_many(db, vec![(actor.clone(), i)])
        .await
        .pop()
        .unwrap_or(Err(StoreError::NotFound))
}

/// Receive several cases in one transaction (group commit): one sequence
/// bump per year and one multi-row insert per table. Each case gets its own
/// result: a case refused by a rule does not hold up the others, and if the
/// shared write fails they are written again one by one.
pub async fn intake_many(db: &Db, items: Vec<(Actor, CaseInput)>) -> Vec<StoreResult<case::Model>> {
    let n = items.len();
    match write_intakes(db, &items).await {
        Ok(results) => results,
        Err(e) if n == 1 => vec![Err(e)],
        Err(_) => {
            let mut results = Vec::with_capacity(n);
            for item in &items {
                results.push(match write_intakes(db, std::slice::from_ref(item)).await {
                    Ok(mut r) => r.pop().unwrap_or(Err(StoreError::NotFound)),
                    Err(e) => Err(e),
                });
            }
            results
        }
    }
}

/// An intake that passed the checks, with its routing.
struct Routed<'a> {
    at: usize,
    actor: &'a Actor,
    input: &'a CaseInput,
    category: &'a case_category::Model,
    task_force: Option<String>,
    received_on: NaiveDate,
}

async fn write_intakes(
    db: &Db,
    items: &[(Actor, CaseInput)],
) -> StoreResult<Vec<StoreResult<case::Model>>> {
    let cal = calendar::load(db).await?;
    // Reads first, outside the write transaction: on SQLite writers take
    // turns, so the turn holds only the writes.
    let wanted = |f: fn(&CaseInput) -> Option<&String>| -> Vec<String> {
        let set: std::collections::BTreeSet<String> =
            items.iter().filter_map(|(_, i)| f(i)).cloned().collect();
        set.into_iter().collect()
    };
    let categories: HashMap<String, case_category::Model> = case_category::Entity::find()
        .filter(case_category::Column::Id.is_in(wanted(|i| Some(&i.category_id))))
        .filter(case_category::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    // Categories of the talent catalogue take talents' requests only.
    let talent_only: HashSet<String> = if items.iter().all(|(_, i)| i.channel == Channel::Talent) {
        HashSet::new()
    } else {
        talent_service::Entity::find()
            .select_only()
            .column(talent_service::Column::CategoryId)
            .filter(talent_service::Column::CategoryId.is_in(wanted(|i| Some(&i.category_id))))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let chain_ids = wanted(|i| i.chain_id.as_ref());
    let chains: HashMap<String, Option<String>> = if chain_ids.is_empty() {
        HashMap::new()
    } else {
        chain::Entity::find()
            .filter(chain::Column::Id.is_in(chain_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.task_force_department_id))
            .collect()
    };
    let known_orgs: HashSet<String> = org::Entity::find()
        .select_only()
        .column(org::Column::Id)
        .filter(org::Column::Id.is_in(wanted(|i| Some(&i.org_id))))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut results: Vec<StoreResult<case::Model>> = Vec::with_capacity(items.len());
    let mut routed = Vec::with_capacity(items.len());
    let latest = now() + chrono::Duration::minutes(5);
    for (at, (actor, i)) in items.iter().enumerate() {
        results.push(Err(StoreError::NotFound));
        let checked = if i.received_at > latest {
            Err(StoreError::field(
                ErrorCode::ReceivedInFuture,
                "received_at",
                "受理时间不能晚于当前时间",
            ))
        } else if i.channel != Channel::Talent && talent_only.contains(&i.category_id) {
            Err(StoreError::field(
                ErrorCode::InvalidCategory,
                "category_id",
                "该分类是人才服务事项，由人才在“人才服务”中申请（或由人才服务专员代为申请）",
            ))
        } else if !known_orgs.contains(&i.org_id) {
            Err(StoreError::field(
                ErrorCode::InvalidOrg,
                "org_id",
                "单位不存在",
            ))
        } else if let Some(category) = categories.get(&i.category_id) {
            match &i.chain_id {
                Some(c) => chains.get(c).cloned().ok_or_else(|| {
                    StoreError::field(ErrorCode::InvalidChain, "chain_id", "产业链不存在")
                }),
                None => Ok(None),
            }
            .map(|task_force| Routed {
                at,
                actor,
                input: i,
                category,
                task_force,
                received_on: beijing_date(i.received_at),
            })
        } else {
            Err(StoreError::field(
                ErrorCode::InvalidCategory,
                "category_id",
                "诉求分类不存在或已停用",
            ))
        };
        match checked {
            Ok(r) => routed.push(r),
            Err(e) => results[at] = Err(e),
        }
    }
    if routed.is_empty() {
        return Ok(results);
    }
    let mut per_year: BTreeMap<i32, i64> = BTreeMap::new();
    for r in &routed {
        *per_year.entry(r.received_on.year()).or_default() += 1;
    }
    for year in per_year.keys() {
        ensure_seq_row(db, *year).await?;
    }
    let hooks = crate::outbox::active_webhooks(db).await?;

    let tx = crate::db::begin_write(db).await?;
    let mut next: HashMap<i32, i64> = HashMap::new();
    for (year, count) in &per_year {
        let last = take_seqs(&tx, *year, *count).await?;
        next.insert(*year, last - count + 1);
    }
    let mut rows = Vec::with_capacity(routed.len());
    for r in &routed {
        let year = r.received_on.year();
        let seq = next.get(&year).copied().unwrap_or(1);
        next.insert(year, seq + 1);
        let i = r.input.clone();
        let limit = r.category.time_limit_days.max(1);
        let am = case::ActiveModel {
            number: Set(rules::case_number(year, seq)),
            year: Set(year),
            seq: Set(seq),
            title: Set(i.title),
            description: Set(i.description),
            category_id: Set(r.category.id.clone()),
            org_id: Set(i.org_id),
            chain_id: Set(i.chain_id),
            channel: Set(i.channel.as_str().into()),
            status: Set(CaseStatus::Submitted.as_str().into()),
            received_at: Set(i.received_at),
            received_on: Set(r.received_on),
            limit_days: Set(limit),
            due_on: Set(rules::due_date(&cal, r.received_on, limit as u32, 0)),
            suspended_workdays: Set(0),
            suspended_since: Set(None),
            lead_department_id: Set(r.category.lead_department_id.clone()),
            task_force_department_id: Set(r.task_force.clone()),
            supervision_level: Set(0),
            reopened_count: Set(0),
            reply: Set(None),
            replied_at: Set(None),
            satisfaction: Set(None),
            rating_comment: Set(None),
            closed_at: Set(None),
            closed_on: Set(None),
            merged_into_id: Set(None),
            decline_reason: Set(None),
            submitted_by: Set(Some(r.actor.user_id.clone())),
            contact_name: Set(i.contact_name),
            contact_phone: Set(i.contact_phone),
            warned_on: Set(None),
            cycle_workdays: Set(None),
            address: Set(i.location.address),
            latitude: Set(i.location.latitude),
            longitude: Set(i.location.longitude),
            media_url: Set(i.location.media_url),
            ..Default::default()
        };
        rows.push((r.actor.username.as_str(), am));
    }
    let created = record::insert_many(&tx, rows).await?;
    let concerned: std::collections::BTreeSet<(String, String)> = created
        .iter()
        .flat_map(|m| {
            [&m.lead_department_id, &m.task_force_department_id]
                .into_iter()
                .flatten()
                .map(|d| (m.id.clone(), d.clone()))
        })
        .collect();
    let concerned = concerned
        .into_iter()
        .map(|(c, d)| case_department::ActiveModel {
            case_id: Set(c),
            department_id: Set(d),
        });
    crate::bulk::insert_rows(&tx, concerned).await?;
    crate::search::index(
        &tx,
        created.iter().map(|m| crate::search::CaseText {
            year: m.year,
            seq: m.seq,
            number: &m.number,
            title: &m.title,
            description: &m.description,
        }),
    )
    .await?;
    let mut events = Vec::with_capacity(created.len());
    let mut notes = Vec::with_capacity(created.len());
    for (r, m) in routed.iter().zip(&created) {
        events.push(event_row(
            &m.id,
            &r.actor.display_name,
            "intake",
            None,
            format!(
                "受理诉求（{}），办理时限{}个工作日，{}前办结",
                r.input.channel.label_zh(),
                m.limit_days,
                m.due_on
            ),
        ));
        if let Some(tf) = r
            .task_force
            .clone()
            .or(r.category.lead_department_id.clone())
        {
            notes.push(Note {
                department_id: Some(tf),
                user_id: None,
                title: format!("新诉求 {}：{}", m.number, m.title),
                body: "请及时研判分办".into(),
                link: format!("/cases/{}", m.id),
            });
        }
    }
    crate::bulk::insert_rows(&tx, events).await?;
    notify_many(&tx, &hooks, notes).await?;
    tx.commit().await?;
    for (r, m) in routed.iter().zip(created) {
        results[r.at] = Ok(m);
    }
    Ok(results)
}

/// Intakes waiting for the next group commit, each with its reply.
type Waiting = (Actor, CaseInput, oneshot::Sender<StoreResult<case::Model>>);

/// At most this many intakes share one transaction.
const MAX_BATCH: usize = 64;

/// Group commit for intake. Concurrent intakes of this replica queue here
/// and are written together by [`intake_many`]; each caller gets its own
/// case or its own error once the transaction holding it has committed.
/// One caller at a time is written alone, at once; under load a batch is
/// whatever arrived while the previous one was being written. Cheap to
/// clone; the writer task starts on first use and ends with the last clone.
#[derive(Clone)]
pub struct IntakeQueue {
    db: Db,
    sender: Arc<OnceLock<mpsc::Sender<Waiting>>>,
}

impl IntakeQueue {
    pub fn new(db: Db) -> Self {
        IntakeQueue {
            db,
            sender: Arc::new(OnceLock::new()),
        }
    }

    /// Receive a case (as [`intake`]), sharing the transaction with others.
    pub async fn intake(&self, actor: &Actor, i: CaseInput) -> StoreResult<case::Model> {
        let sender = self.sender.get_or_init(|| {
            let (sender, waiting) = mpsc::channel(4 * MAX_BATCH);
            tokio::spawn(write_batches(self.db.clone(), waiting));
            sender
        });
        let (reply, result) = oneshot::channel();
        if let Err(mpsc::error::SendError((actor, i, _))) =
            sender.send((actor.clone(), i, reply)).await
        {
            return intake(&self.db, &actor, i).await;
        }
        result.await.unwrap_or_else(|_| {
            Err(StoreError::Db(sea_orm::DbErr::Custom(
                "受理队列已停止".into(),
            )))
        })
    }
}

async fn write_batches(db: Db, mut waiting: mpsc::Receiver<Waiting>) {
    while let Some(first) = waiting.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match waiting.try_recv() {
                Ok(w) => batch.push(w),
                Err(_) => break,
            }
        }
        let (items, replies): (Vec<_>, Vec<_>) =
            batch.into_iter().map(|(a, i, r)| ((a, i), r)).unzip();
        for (result, reply) in intake_many(&db, items).await.into_iter().zip(replies) {
            let _ = reply.send(result);
        }
    }
}
