//! Technology needs (技术需求): an organisation's problem, posted by its own
//! account or by staff on its behalf, with field, chain node, budget,
//! deadline and the cooperation modes it expects. Publication as for
//! offers (draft → pending → published, returned with a reason,
//! withdrawn, closed); a need whose deadline has passed is closed by the
//! sweep. The organisation chooses whether its name is public; a hidden
//! name is shown only as `super::org_shown` says, and views for other
//! readers carry no organisation id, contact or poster either.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use kechuang_domain::events::date_zh;
use kechuang_domain::matching::{
    check_amount, check_trl_range, join_keywords, listing_move, status_after_edit, ChangeKind,
    CloseCause, CoopMode, CoopModes, ListingAction, ListingStatus, HIDDEN_NAME,
};
use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use super::{
    amount_error, changes, check_common, check_len, check_title, listing_visible, met_holder_needs,
    org_shown, place_names, require_poster, trl_error, Actor, Refs,
};
use crate::entities::need;
use crate::{now, record, Db, Page, PageReq, StoreError, StoreResult};

/// A need as written by forms, the API and the import (validated drafts;
/// the store checks the rules and references again).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeedInput {
    /// Up to 200 characters.
    pub title: String,
    /// The problem to solve.
    pub description: String,
    pub keywords: Vec<String>,
    pub field: String,
    pub chain_id: Option<String>,
    pub chain_node_id: Option<String>,
    /// The TRLs the organisation can take on (1–9, lowest first).
    pub trl_min: Option<i32>,
    pub trl_max: Option<i32>,
    /// Expected cooperation modes.
    pub modes: CoopModes,
    /// In fen.
    pub budget_fen: Option<i64>,
    /// The need closes by itself after this day; not before today.
    pub deadline: Option<NaiveDate>,
    pub region: String,
    /// A registered organisation; an organisation's account may name only its own.
    pub org_id: String,
    /// The organisation lets every reader see its name.
    pub name_public: bool,
    pub contact_name: String,
    pub contact_phone: String,
}

/// Order of the list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NeedSort {
    /// Latest posted first.
    #[default]
    Newest,
    /// Earliest deadline first (needs without one last).
    Deadline,
}

/// List filters; every field narrows the list.
#[derive(Clone, Debug, Default)]
pub struct NeedFilter {
    /// Substring of title, description, keywords or field.
    pub q: Option<String>,
    pub status: Option<ListingStatus>,
    /// Of this organisation (for readers who may not see hidden names:
    /// only its needs with a public name, unless it is their own).
    pub org_id: Option<String>,
    pub chain_id: Option<String>,
    pub chain_node_id: Option<String>,
    pub mode: Option<CoopMode>,
    /// Still open on this day: no deadline, or a deadline on or after it.
    pub open_on: Option<NaiveDate>,
    pub posted_by: Option<String>,
    pub sort: NeedSort,
}

/// A need as the reader may see it, with names. When the organisation is
/// hidden from the reader, `need.org_id`, `need.contact_name`,
/// `need.contact_phone` and `need.posted_by` are empty and `org_name` is
/// `domain::matching::HIDDEN_NAME`.
#[derive(Clone, Debug)]
pub struct NeedRow {
    pub need: need::Model,
    pub org_name: String,
    /// The reader sees the organisation.
    pub org_shown: bool,
    pub chain_name: Option<String>,
    pub chain_node_name: Option<String>,
}

/// The need's status (a stored code the domain does not know reads as a draft).
pub fn status_of(n: &need::Model) -> ListingStatus {
    ListingStatus::parse(&n.status).unwrap_or(ListingStatus::Draft)
}

/// The need's expected cooperation modes.
pub fn modes_of(n: &need::Model) -> CoopModes {
    CoopModes::from_codes(&n.modes)
}

fn visible(actor: &Actor) -> Condition {
    listing_visible(actor, need::Column::Status, need::Column::OrgId)
}

fn filtered(actor: &Actor, f: &NeedFilter) -> Select<need::Entity> {
    use need::Column as C;
    let mut q = need::Entity::find().filter(visible(actor));
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Title, t))
                .add(crate::like::contains(C::Description, t))
                .add(crate::like::contains(C::Keywords, t))
                .add(crate::like::contains(C::Field, t)),
        );
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    if let Some(o) = &f.org_id {
        q = q.filter(C::OrgId.eq(o.clone()));
        if !actor.works_matching() && actor.org() != Some(o.as_str()) {
            // Asking by organisation must not tell whose the hidden needs are.
            q = q.filter(C::NamePublic.eq(true));
        }
    }
    if let Some(c) = &f.chain_id {
        q = q.filter(C::ChainId.eq(c.clone()));
    }
    if let Some(n) = &f.chain_node_id {
        q = q.filter(C::ChainNodeId.eq(n.clone()));
    }
    if let Some(m) = f.mode {
        q = q.filter(crate::like::contains(C::Modes, m.as_str()));
    }
    if let Some(d) = f.open_on {
        q = q.filter(
            Condition::any()
                .add(C::Deadline.is_null())
                .add(C::Deadline.gte(d)),
        );
    }
    if let Some(u) = &f.posted_by {
        q = q.filter(C::PostedBy.eq(u.clone()));
    }
    match f.sort {
        NeedSort::Newest => q.order_by_desc(C::CreatedAt),
        // NULLs sort first in SQLite and MySQL, last in PostgreSQL: put them last everywhere.
        NeedSort::Deadline => q
            .order_by_asc(sea_orm::sea_query::Expr::col(C::Deadline).is_null())
            .order_by_asc(C::Deadline),
    }
    .order_by_desc(C::Id)
}

/// The need with its organisation hidden (see [`NeedRow`]).
fn masked(mut n: need::Model) -> need::Model {
    n.org_id = String::new();
    n.contact_name = String::new();
    n.contact_phone = String::new();
    n.posted_by = String::new();
    n
}

/// The rows as `actor` may see them.
pub(crate) async fn rows<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    items: Vec<need::Model>,
) -> StoreResult<Vec<NeedRow>> {
    let hidden_ids: Vec<String> = items
        .iter()
        .filter(|n| !org_shown(actor, n, false))
        .map(|n| n.id.clone())
        .collect();
    let met = met_holder_needs(db, actor, &hidden_ids).await?;
    let shown: Vec<bool> = items
        .iter()
        .map(|n| org_shown(actor, n, met.contains(&n.id)))
        .collect();
    let orgs: BTreeSet<String> = items
        .iter()
        .zip(&shown)
        .filter(|(_, s)| **s)
        .map(|(n, _)| n.org_id.clone())
        .collect();
    let chains: BTreeSet<String> = items.iter().filter_map(|n| n.chain_id.clone()).collect();
    let nodes: BTreeSet<String> = items
        .iter()
        .filter_map(|n| n.chain_node_id.clone())
        .collect();
    let names = place_names(db, orgs, chains, nodes).await?;
    Ok(items
        .into_iter()
        .zip(shown)
        .map(|(n, shown)| NeedRow {
            org_name: if shown {
                names.orgs.get(&n.org_id).cloned().unwrap_or_default()
            } else {
                HIDDEN_NAME.to_string()
            },
            org_shown: shown,
            chain_name: n
                .chain_id
                .as_ref()
                .and_then(|c| names.chains.get(c).cloned()),
            chain_node_name: n
                .chain_node_id
                .as_ref()
                .and_then(|c| names.nodes.get(c).cloned()),
            need: if shown { n } else { masked(n) },
        })
        .collect())
}

/// One page of the needs the actor sees, as it may see them.
pub async fn list(
    db: &Db,
    actor: &Actor,
    f: &NeedFilter,
    p: PageReq,
) -> StoreResult<Page<NeedRow>> {
    let page = crate::page::fetch(db, filtered(actor, f), p).await?;
    Ok(Page {
        items: rows(db, actor, page.items).await?,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every need of the filtered list (export), at most `cap`.
pub async fn list_all(
    db: &Db,
    actor: &Actor,
    f: &NeedFilter,
    cap: u64,
) -> StoreResult<Vec<NeedRow>> {
    let items = filtered(actor, f).limit(cap).all(db).await?;
    rows(db, actor, items).await
}

/// One need the actor sees, unmasked (404 otherwise): for the store's own
/// checks and the web layer's decisions, never to show as it is.
pub async fn get<C: ConnectionTrait>(db: &C, actor: &Actor, id: &str) -> StoreResult<need::Model> {
    need::Entity::find_by_id(id.to_string())
        .filter(visible(actor))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// One need the actor sees, as it may see it.
pub async fn detail(db: &Db, actor: &Actor, id: &str) -> StoreResult<NeedRow> {
    let n = get(db, actor, id).await?;
    Ok(rows(db, actor, vec![n]).await?.remove(0))
}

/// Every published need (the matching index at start-up; unmasked: the
/// index never shows an organisation).
pub async fn published(db: &Db) -> StoreResult<Vec<need::Model>> {
    Ok(need::Entity::find()
        .filter(need::Column::Status.eq(ListingStatus::Published.as_str()))
        .order_by_asc(need::Column::Id)
        .all(db)
        .await?)
}

/// The published needs among `ids` (an id missing from the answer is to be
/// removed from the index).
pub async fn published_among(db: &Db, ids: &[String]) -> StoreResult<Vec<need::Model>> {
    let mut out = vec![];
    for chunk in ids.chunks(500) {
        out.extend(
            need::Entity::find()
                .filter(need::Column::Id.is_in(chunk.to_vec()))
                .filter(need::Column::Status.eq(ListingStatus::Published.as_str()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// The need row, locked until the transaction ends (PostgreSQL, MySQL;
/// SQLite writers are queued), as the transaction's first read. 404 when
/// missing or not visible to the actor.
pub(crate) async fn lock<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    id: &str,
) -> StoreResult<need::Model> {
    need::Entity::find_by_id(id.to_string())
        .filter(visible(actor))
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound)
}

fn deadline_passed(d: NaiveDate) -> StoreError {
    StoreError::field(
        ErrorCode::DeadlinePassed,
        "deadline",
        format!("截止日期{}已过，请改为今天或以后的日期", date_zh(d)),
    )
}

fn check_input(i: &NeedInput) -> StoreResult<()> {
    check_title(&i.title)?;
    check_common(
        &i.keywords,
        &i.field,
        &i.region,
        &i.contact_name,
        &i.contact_phone,
    )?;
    check_trl_range(i.trl_min, i.trl_max).map_err(|m| trl_error("trl_max", m))?;
    if let Some(b) = i.budget_fen {
        check_amount(b).map_err(|m| amount_error("budget_fen", m))?;
    }
    if let Some(d) = i.deadline {
        if d < crate::clock::today() {
            return Err(deadline_passed(d));
        }
    }
    check_len("description", &i.description, 20_000, "问题描述")
}

/// The organisation exists and the actor may post for it; the chain and
/// node exist. Returns the chain and node to store.
pub(crate) async fn check_refs<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    i: &NeedInput,
    refs: &mut Refs,
) -> StoreResult<(Option<String>, Option<String>)> {
    require_poster(actor, &i.org_id)?;
    refs.org(tx, &i.org_id, "需求单位").await?;
    refs.place(tx, i.chain_id.as_deref(), i.chain_node_id.as_deref())
        .await
}

fn apply(am: &mut need::ActiveModel, i: NeedInput, place: (Option<String>, Option<String>)) {
    am.title = Set(i.title.trim().to_string());
    am.description = Set(i.description);
    am.keywords = Set(join_keywords(&i.keywords));
    am.field = Set(i.field.trim().to_string());
    am.chain_id = Set(place.0);
    am.chain_node_id = Set(place.1);
    am.trl_min = Set(i.trl_min);
    am.trl_max = Set(i.trl_max);
    am.modes = Set(i.modes.to_codes());
    am.budget_fen = Set(i.budget_fen);
    am.deadline = Set(i.deadline);
    am.region = Set(i.region.trim().to_string());
    am.org_id = Set(i.org_id);
    am.name_public = Set(i.name_public);
    am.contact_name = Set(i.contact_name.trim().to_string());
    am.contact_phone = Set(i.contact_phone.trim().to_string());
}

/// A new need's row in `status` (draft, pending, or published by a reviewer).
pub(crate) fn new_model(
    actor: &Actor,
    i: NeedInput,
    place: (Option<String>, Option<String>),
    status: ListingStatus,
) -> need::ActiveModel {
    let t = now();
    let mut am = need::ActiveModel {
        status: Set(status.as_str().into()),
        status_reason: Set(String::new()),
        close_cause: Set(None),
        posted_by: Set(actor.user_id.clone()),
        submitted_at: Set((status != ListingStatus::Draft).then_some(t)),
        reviewed_by: Set((status == ListingStatus::Published).then(|| actor.user_id.clone())),
        reviewed_at: Set((status == ListingStatus::Published).then_some(t)),
        published_at: Set((status == ListingStatus::Published).then_some(t)),
        closed_at: Set(None),
        ..Default::default()
    };
    apply(&mut am, i, place);
    am
}

/// Check an input in full (rules and references) for a new need.
pub(crate) async fn checked<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    i: &NeedInput,
    refs: &mut Refs,
) -> StoreResult<(Option<String>, Option<String>)> {
    check_input(i)?;
    check_refs(tx, actor, i, refs).await
}

/// Create a need as a draft, or sent for review (`submit`).
pub async fn create(
    db: &Db,
    actor: &Actor,
    i: NeedInput,
    submit: bool,
) -> StoreResult<need::Model> {
    check_input(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let place = check_refs(&tx, actor, &i, &mut Refs::default()).await?;
    let status = if submit {
        ListingStatus::Pending
    } else {
        ListingStatus::Draft
    };
    let m = record::insert(&tx, &actor.username, new_model(actor, i, place, status)).await?;
    changes::append(&tx, &[(ChangeKind::Need, &m.id, "create")]).await?;
    tx.commit().await?;
    Ok(m)
}

/// Change a need read at `version`: its organisation's account (which
/// cannot hand it to another) or those who work the matchmaking. A
/// reviewer's change keeps the status; the organisation's change of a
/// published need sends it back to review. A closed need cannot change.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    i: NeedInput,
) -> StoreResult<need::Model> {
    check_input(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = lock(&tx, actor, id).await?;
    require_poster(actor, &before.org_id)?;
    let place = check_refs(&tx, actor, &i, &mut Refs::default()).await?;
    let status = status_after_edit(status_of(&before), actor.reviews())
        .map_err(|m| StoreError::rule(ErrorCode::IllegalTransition, m))?;
    let resubmitted = status != status_of(&before);
    let m = record::update(
        &tx,
        &actor.username,
        "update",
        before,
        version,
        |am: &mut need::ActiveModel| {
            apply(am, i, place);
            if resubmitted {
                am.status = Set(status.as_str().into());
                am.submitted_at = Set(Some(now()));
            }
        },
    )
    .await?;
    changes::append(&tx, &[(ChangeKind::Need, &m.id, "update")]).await?;
    tx.commit().await?;
    Ok(m)
}

/// Move a need read at `version` by a publication step (the rules of
/// `domain::matching::listing_move`). Publish and return take a reviewer;
/// the other steps the organisation or those who work the matchmaking. A
/// return needs the reason; `cause` is for closing (default: other). A need
/// whose deadline has passed cannot be submitted or published.
pub async fn transition(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    action: ListingAction,
    reason: &str,
    cause: Option<CloseCause>,
) -> StoreResult<need::Model> {
    let reason = reason.trim();
    super::check_step(actor, action, reason)?;
    let tx = crate::db::begin_write(db).await?;
    let before = lock(&tx, actor, id).await?;
    require_poster(actor, &before.org_id)?;
    let to = listing_move(status_of(&before), action)
        .map_err(|_| super::step_refused(&before.title, status_of(&before), action))?;
    if matches!(action, ListingAction::Submit | ListingAction::Publish) {
        if let Some(d) = before.deadline.filter(|d| *d < crate::clock::today()) {
            return Err(deadline_passed(d));
        }
    }
    let t = now();
    let m = record::update(
        &tx,
        &actor.username,
        action.audit_name(),
        before,
        version,
        |am: &mut need::ActiveModel| {
            am.status = Set(to.as_str().into());
            am.status_reason = Set(reason.to_string());
            match action {
                ListingAction::Submit => am.submitted_at = Set(Some(t)),
                ListingAction::Publish | ListingAction::Return => {
                    am.reviewed_by = Set(Some(actor.user_id.clone()));
                    am.reviewed_at = Set(Some(t));
                    if action == ListingAction::Publish {
                        am.published_at = Set(Some(t));
                    }
                }
                ListingAction::Close => {
                    am.closed_at = Set(Some(t));
                    am.close_cause = Set(Some(cause.unwrap_or(CloseCause::Other).as_str().into()));
                }
                ListingAction::Withdraw => {}
            }
        },
    )
    .await?;
    changes::append(&tx, &[(ChangeKind::Need, &m.id, "status")]).await?;
    tx.commit().await?;
    Ok(m)
}

/// Send a draft, returned or withdrawn need for review.
pub async fn submit(db: &Db, actor: &Actor, id: &str, version: i32) -> StoreResult<need::Model> {
    transition(db, actor, id, version, ListingAction::Submit, "", None).await
}

/// List a pending need (reviewer).
pub async fn publish(db: &Db, actor: &Actor, id: &str, version: i32) -> StoreResult<need::Model> {
    transition(db, actor, id, version, ListingAction::Publish, "", None).await
}

/// Send a pending need back to its organisation with the reason (reviewer).
pub async fn return_to_owner(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    reason: &str,
) -> StoreResult<need::Model> {
    transition(db, actor, id, version, ListingAction::Return, reason, None).await
}

/// Take a pending or published need down (organisation or reviewer), with an optional reason.
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    reason: &str,
) -> StoreResult<need::Model> {
    transition(
        db,
        actor,
        id,
        version,
        ListingAction::Withdraw,
        reason,
        None,
    )
    .await
}

/// Close a pending or published need for good (fulfilled, or another reason).
pub async fn close(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    cause: CloseCause,
    reason: &str,
) -> StoreResult<need::Model> {
    transition(
        db,
        actor,
        id,
        version,
        ListingAction::Close,
        reason,
        Some(cause),
    )
    .await
}

/// Delete a draft read at `version` (its organisation or staff).
pub async fn delete_draft(db: &Db, actor: &Actor, id: &str, version: i32) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let before = lock(&tx, actor, id).await?;
    require_poster(actor, &before.org_id)?;
    if status_of(&before) != ListingStatus::Draft {
        return Err(StoreError::rule(
            ErrorCode::IllegalTransition,
            "只能删除草稿；已提交或已发布的需求请撤回或关闭",
        ));
    }
    let id = before.id.clone();
    record::delete(&tx, &actor.username, before, version).await?;
    changes::append(&tx, &[(ChangeKind::Need, &id, "delete")]).await?;
    tx.commit().await?;
    Ok(())
}
