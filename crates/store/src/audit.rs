//! The tamper-evident audit log and the change feed.
//!
//! Every change to a business record calls [`record`] inside the same
//! transaction. Entries are hash-chained *per record* (entity, id, seq), so
//! writers never contend on one global chain head. [`verify`] recomputes
//! every chain and also checks each record's newest entry against the
//! record's own `version`, so altering, deleting or truncating entries is
//! reported, as is a record whose entries are all gone.

use std::collections::HashMap;

use kechuang_domain::audit::{entry_hash, GENESIS};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::Value;

use crate::entities::{audit_entry, change_feed};
use crate::{new_id, now, StoreError, StoreResult};

/// Tables whose rows are audited business records (entity name = table name).
/// Each has `id` and `version`; a record's newest audit `seq` equals its version.
pub const AUDITED: &[&str] = &[
    "departments",
    "orgs",
    "users",
    "chains",
    "chain_nodes",
    "chain_orgs",
    "chain_outputs",
    "calendar_days",
    "case_categories",
    "cases",
    "case_tasks",
    "supervisions",
    "interviews",
    "webhooks",
    "transfer_projects",
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
    "party_orgs",
    "party_org_units",
    "party_chain_links",
    "party_members",
    "cross_appointments",
    "service_staff",
    "staff_assignments",
    "work_logs",
    "meetings",
    "key_items",
    "key_item_milestones",
    "zones",
    "zone_members",
    "zone_orgs",
    "commitments",
    "commitment_reports",
    "teams",
    "team_members",
    "races",
    "race_dimensions",
    "race_scores",
    "honors",
    "project_claims",
    "original_results",
    "event_series",
    "events",
    "event_organisers",
    "event_registrations",
    "event_outcomes",
    "accountabilities",
    "staff_threads",
    "staff_posts",
    "chain_programmes",
    "chain_actions",
    "chain_action_parties",
    "settings",
    "alliances",
    "alliance_members",
    "offers",
    "needs",
    "match_leads",
    "cooperation_projects",
    "matching_terms",
    "talent_tiers",
    "talent_services",
    "talents",
    "talent_requests",
    "reported_figures",
    "policies",
];

/// JSON snapshot of a record for the before/after columns.
pub fn snap<T: Serialize>(m: &T) -> Value {
    serde_json::to_value(m).unwrap_or(Value::Null)
}

/// Write the audit entry and change-feed row for one change. Call inside the
/// transaction that makes the change. `seq` continues the record's chain; a
/// concurrent writer of the same record loses on the unique (entity, id, seq)
/// key and gets a 409.
pub async fn record<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    entity: &str,
    entity_id: &str,
    action: &str,
    before: Value,
    after: Value,
) -> StoreResult<()> {
    let last = audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq(entity))
        .filter(audit_entry::Column::EntityId.eq(entity_id))
        .order_by_desc(audit_entry::Column::Seq)
        .one(tx)
        .await?;
    let (seq, prev) = match last {
        Some(e) => (e.seq + 1, e.hash),
        None => (1, GENESIS.to_string()),
    };
    let change = Change {
        seq,
        prev,
        actor,
        entity,
        entity_id: entity_id.to_string(),
        action,
        before,
        after,
    };
    append_many(tx, vec![change]).await
}

/// Audit the creation of a record whose id was just made (so no entry can
/// precede it): its chain starts here, without reading for a head.
pub async fn record_new<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    entity: &str,
    entity_id: &str,
    after: Value,
) -> StoreResult<()> {
    let first = Change::first(actor, entity, entity_id.to_string(), after);
    append_many(tx, vec![first]).await
}

/// [`record_new`] for many fresh records of one table, in two multi-row
/// inserts; `rows` are (actor, id, snapshot).
pub async fn record_new_many<C: ConnectionTrait>(
    tx: &C,
    entity: &str,
    rows: Vec<(&str, String, Value)>,
) -> StoreResult<()> {
    let changes = rows
        .into_iter()
        .map(|(actor, id, after)| Change::first(actor, entity, id, after))
        .collect();
    append_many(tx, changes).await
}

/// One audit entry to append to a record's chain.
struct Change<'a> {
    seq: i64,
    prev: String,
    actor: &'a str,
    entity: &'a str,
    entity_id: String,
    action: &'a str,
    before: Value,
    after: Value,
}

impl<'a> Change<'a> {
    fn first(actor: &'a str, entity: &'a str, entity_id: String, after: Value) -> Self {
        Change {
            seq: 1,
            prev: GENESIS.to_string(),
            actor,
            entity,
            entity_id,
            action: "create",
            before: Value::Null,
            after,
        }
    }
}

fn json_text(v: Value) -> String {
    if v.is_null() {
        String::new()
    } else {
        v.to_string()
    }
}

async fn append_many<C: ConnectionTrait>(tx: &C, changes: Vec<Change<'_>>) -> StoreResult<()> {
    let at = now();
    let at_text = at.to_rfc3339();
    let mut entries = Vec::with_capacity(changes.len());
    let mut feed = Vec::with_capacity(changes.len());
    for c in changes {
        let (before, after) = (json_text(c.before), json_text(c.after));
        let hash = entry_hash(
            &c.prev,
            c.seq,
            c.entity,
            &c.entity_id,
            c.action,
            c.actor,
            &at_text,
            &before,
            &after,
        );
        feed.push(change_feed::ActiveModel {
            entity: Set(c.entity.into()),
            entity_id: Set(c.entity_id.clone()),
            action: Set(c.action.into()),
            at: Set(at),
            ..Default::default()
        });
        entries.push(audit_entry::ActiveModel {
            id: Set(new_id()),
            entity: Set(c.entity.into()),
            entity_id: Set(c.entity_id),
            seq: Set(c.seq),
            action: Set(c.action.into()),
            actor: Set(c.actor.into()),
            at: Set(at_text.clone()),
            before_json: Set(before),
            after_json: Set(after),
            prev_hash: Set(c.prev),
            hash: Set(hash),
        });
    }
    crate::bulk::insert_rows(tx, entries)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => StoreError::stale(),
            other => other,
        })?;
    crate::bulk::insert_rows(tx, feed).await
}

/// Optimistic concurrency: move `table.id` from `expected` to the next
/// version, or fail with 409 (stale) / 404 (gone). On PostgreSQL and MySQL
/// the update also locks the row for the rest of the transaction.
pub async fn bump_version<C: ConnectionTrait>(
    tx: &C,
    table: &str,
    id: &str,
    expected: i32,
) -> StoreResult<()> {
    let stmt = Query::update()
        .table(Alias::new(table))
        .value(
            Alias::new("version"),
            Expr::col(Alias::new("version")).add(1),
        )
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(Expr::col(Alias::new("version")).eq(expected))
        .to_owned();
    let res = tx.execute(tx.get_database_backend().build(&stmt)).await?;
    if res.rows_affected() == 1 {
        return Ok(());
    }
    let exists = Query::select()
        .expr(Expr::col(Alias::new("id")))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    match tx
        .query_one(tx.get_database_backend().build(&exists))
        .await?
    {
        Some(_) => Err(StoreError::stale()),
        None => Err(StoreError::NotFound),
    }
}

/// Result of `kechuang audit verify`.
#[derive(Debug, Default, Serialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub records: u64,
    /// Human-readable problems, the first broken link first.
    pub problems: Vec<String>,
}

/// Recompute every record's chain and check it against the records.
pub async fn verify<C: ConnectionTrait>(db: &C) -> StoreResult<VerifyReport> {
    let mut report = VerifyReport::default();
    // newest (seq, action) per record, to compare with the tables afterwards
    let mut heads: HashMap<(String, String), (i64, String)> = HashMap::new();
    let mut pages = audit_entry::Entity::find()
        .order_by_asc(audit_entry::Column::Entity)
        .order_by_asc(audit_entry::Column::EntityId)
        .order_by_asc(audit_entry::Column::Seq)
        .paginate(db, 2000);
    let mut prev: Option<audit_entry::Model> = None;
    while let Some(batch) = pages.fetch_and_next().await? {
        for e in batch {
            report.entries += 1;
            let same_record = prev
                .as_ref()
                .is_some_and(|p| p.entity == e.entity && p.entity_id == e.entity_id);
            let (want_seq, want_prev) = match (&prev, same_record) {
                (Some(p), true) => (p.seq + 1, p.hash.clone()),
                _ => {
                    report.records += 1;
                    (1, GENESIS.to_string())
                }
            };
            let label = format!("{} {} 第{}条", e.entity, e.entity_id, e.seq);
            if e.seq != want_seq {
                report
                    .problems
                    .push(format!("{label}：序号应为{want_seq}，有审计记录被删除"));
            } else if e.prev_hash != want_prev {
                report
                    .problems
                    .push(format!("{label}：与上一条的哈希链接断开"));
            }
            let recomputed = entry_hash(
                &e.prev_hash,
                e.seq,
                &e.entity,
                &e.entity_id,
                &e.action,
                &e.actor,
                &e.at,
                &e.before_json,
                &e.after_json,
            );
            if recomputed != e.hash {
                report
                    .problems
                    .push(format!("{label}：内容与哈希不符，记录被篡改"));
            }
            heads.insert(
                (e.entity.clone(), e.entity_id.clone()),
                (e.seq, e.action.clone()),
            );
            prev = Some(e);
        }
    }
    // Each live record's version must equal its newest entry's seq.
    for table in AUDITED {
        let q = Query::select()
            .columns([Alias::new("id"), Alias::new("version")])
            .from(Alias::new(*table))
            .to_owned();
        let rows = db.query_all(db.get_database_backend().build(&q)).await?;
        for row in rows {
            let id: String = row.try_get("", "id")?;
            let version: i32 = row.try_get("", "version")?;
            match heads.remove(&(table.to_string(), id.clone())) {
                None => report
                    .problems
                    .push(format!("{table} {id}：没有任何审计记录（审计记录被删除）")),
                Some((seq, _)) if seq != i64::from(version) => report.problems.push(format!(
                    "{table} {id}：记录版本为{version}，最后一条审计记录序号为{seq}（末尾审计记录被删除或记录被绕过审计修改）"
                )),
                Some(_) => {}
            }
        }
    }
    // Records that no longer exist must end with a delete entry.
    for ((entity, id), (_, action)) in heads {
        if AUDITED.contains(&entity.as_str()) && action != "delete" {
            report.problems.push(format!(
                "{entity} {id}：记录已不存在，但审计链中没有删除记录"
            ));
        }
    }
    Ok(report)
}

/// Newest audit entries of one record (for detail pages).
pub async fn history<C: ConnectionTrait>(
    db: &C,
    entity: &str,
    entity_id: &str,
    limit: u64,
) -> StoreResult<Vec<audit_entry::Model>> {
    Ok(audit_entry::Entity::find()
        .filter(audit_entry::Column::Entity.eq(entity))
        .filter(audit_entry::Column::EntityId.eq(entity_id))
        .order_by_desc(audit_entry::Column::Seq)
        .limit(limit)
        .all(db)
        .await?)
}

/// Audit entries for an export, newest first, at most `limit`, with the
/// same filters as [`list`].
pub async fn list_all<C: ConnectionTrait>(
    db: &C,
    entity: Option<&str>,
    actor: Option<&str>,
    limit: u64,
) -> StoreResult<Vec<audit_entry::Model>> {
    let mut q = audit_entry::Entity::find();
    if let Some(e) = entity {
        q = q.filter(audit_entry::Column::Entity.eq(e));
    }
    if let Some(a) = actor {
        q = q.filter(audit_entry::Column::Actor.eq(a));
    }
    Ok(q.order_by_desc(audit_entry::Column::At)
        .order_by_desc(audit_entry::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Audit entries, newest first, optionally of one entity type or one actor.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    entity: Option<&str>,
    actor: Option<&str>,
    p: crate::PageReq,
) -> StoreResult<crate::Page<audit_entry::Model>> {
    let mut q = audit_entry::Entity::find();
    if let Some(e) = entity {
        q = q.filter(audit_entry::Column::Entity.eq(e));
    }
    if let Some(a) = actor {
        q = q.filter(audit_entry::Column::Actor.eq(a));
    }
    let q = q
        .order_by_desc(audit_entry::Column::At)
        .order_by_desc(audit_entry::Column::Id);
    crate::page::fetch(db, q, p).await
}
