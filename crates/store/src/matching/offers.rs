//! Technology offers (技术供给): results, patents, equipment and facilities
//! to share, expert services, of a registered enterprise, university or
//! institute. Posted by the holder's own account or by staff on its
//! behalf, as a draft or straight for review; a reviewer (a broker or the
//! bureau) publishes or returns it with a reason; the holder or a reviewer
//! withdraws or closes it. Every change is audited and appended to the
//! change feed in its transaction; status changes lock the row and check
//! the version read.

use std::collections::BTreeSet;

use kechuang_domain::matching::{
    check_price, check_trl, join_keywords, listing_move, status_after_edit, ChangeKind, CloseCause,
    CoopMode, CoopModes, ListingAction, ListingStatus, OfferKind,
};
use kechuang_domain::org::OrgKind;
use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use super::{
    amount_error, changes, check_common, check_len, check_title, listing_visible, place_names,
    require_poster, trl_error, Actor, Refs,
};
use crate::entities::offer;
use crate::{now, record, Db, Page, PageReq, StoreError, StoreResult};

/// An offer as written by forms, the API and the import (validated drafts;
/// the store checks the rules and references again).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferInput {
    pub kind: OfferKind,
    /// Up to 200 characters.
    pub title: String,
    pub description: String,
    /// Together up to 300 characters (joined by 、).
    pub keywords: Vec<String>,
    /// The field (技术领域), up to 100 characters.
    pub field: String,
    pub chain_id: Option<String>,
    /// The node; its chain is taken when `chain_id` is left out.
    pub chain_node_id: Option<String>,
    /// 1–9.
    pub trl: Option<i32>,
    pub modes: CoopModes,
    /// Asking price in fen, lowest and highest (both None: 面议).
    pub price_min_fen: Option<i64>,
    pub price_max_fen: Option<i64>,
    pub region: String,
    /// A registered enterprise, university or institute; an organisation's
    /// account may name only its own.
    pub holder_org_id: String,
    pub transfer_project_id: Option<String>,
    pub contact_name: String,
    pub contact_phone: String,
}

/// Order of the list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OfferSort {
    /// Latest posted first.
    #[default]
    Newest,
    /// Latest published first (the public list).
    Published,
}

/// List filters; every field narrows the list.
#[derive(Clone, Debug, Default)]
pub struct OfferFilter {
    /// Substring of title, description, keywords or field.
    pub q: Option<String>,
    pub kind: Option<OfferKind>,
    pub status: Option<ListingStatus>,
    pub holder_org_id: Option<String>,
    pub chain_id: Option<String>,
    pub chain_node_id: Option<String>,
    /// Accepts this cooperation mode.
    pub mode: Option<CoopMode>,
    pub transfer_project_id: Option<String>,
    /// Posted by this account.
    pub posted_by: Option<String>,
    pub sort: OfferSort,
}

/// An offer with the names of its holder, chain and node.
#[derive(Clone, Debug)]
pub struct OfferRow {
    pub offer: offer::Model,
    pub holder_name: String,
    pub chain_name: Option<String>,
    pub chain_node_name: Option<String>,
}

/// The offer's status (a stored code the domain does not know reads as a draft).
pub fn status_of(o: &offer::Model) -> ListingStatus {
    ListingStatus::parse(&o.status).unwrap_or(ListingStatus::Draft)
}

/// The offer's cooperation modes.
pub fn modes_of(o: &offer::Model) -> CoopModes {
    CoopModes::from_codes(&o.modes)
}

fn visible(actor: &Actor) -> Condition {
    listing_visible(actor, offer::Column::Status, offer::Column::HolderOrgId)
}

fn filtered(actor: &Actor, f: &OfferFilter) -> Select<offer::Entity> {
    use offer::Column as C;
    let mut q = offer::Entity::find().filter(visible(actor));
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Title, t))
                .add(crate::like::contains(C::Description, t))
                .add(crate::like::contains(C::Keywords, t))
                .add(crate::like::contains(C::Field, t)),
        );
    }
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    if let Some(o) = &f.holder_org_id {
        q = q.filter(C::HolderOrgId.eq(o.clone()));
    }
    if let Some(c) = &f.chain_id {
        q = q.filter(C::ChainId.eq(c.clone()));
    }
    if let Some(n) = &f.chain_node_id {
        q = q.filter(C::ChainNodeId.eq(n.clone()));
    }
    if let Some(m) = f.mode {
        // No mode's code is part of another's.
        q = q.filter(crate::like::contains(C::Modes, m.as_str()));
    }
    if let Some(p) = &f.transfer_project_id {
        q = q.filter(C::TransferProjectId.eq(p.clone()));
    }
    if let Some(u) = &f.posted_by {
        q = q.filter(C::PostedBy.eq(u.clone()));
    }
    match f.sort {
        OfferSort::Newest => q.order_by_desc(C::CreatedAt),
        OfferSort::Published => q.order_by_desc(C::PublishedAt),
    }
    .order_by_desc(C::Id)
}

pub(crate) async fn rows<C: ConnectionTrait>(
    db: &C,
    items: Vec<offer::Model>,
) -> StoreResult<Vec<OfferRow>> {
    let orgs: BTreeSet<String> = items.iter().map(|o| o.holder_org_id.clone()).collect();
    let chains: BTreeSet<String> = items.iter().filter_map(|o| o.chain_id.clone()).collect();
    let nodes: BTreeSet<String> = items
        .iter()
        .filter_map(|o| o.chain_node_id.clone())
        .collect();
    let names = place_names(db, orgs, chains, nodes).await?;
    Ok(items
        .into_iter()
        .map(|o| OfferRow {
            holder_name: names
                .orgs
                .get(&o.holder_org_id)
                .cloned()
                .unwrap_or_default(),
            chain_name: o
                .chain_id
                .as_ref()
                .and_then(|c| names.chains.get(c).cloned()),
            chain_node_name: o
                .chain_node_id
                .as_ref()
                .and_then(|n| names.nodes.get(n).cloned()),
            offer: o,
        })
        .collect())
}

/// One page of the offers the actor sees, with names.
pub async fn list(
    db: &Db,
    actor: &Actor,
    f: &OfferFilter,
    p: PageReq,
) -> StoreResult<Page<OfferRow>> {
    let page = crate::page::fetch(db, filtered(actor, f), p).await?;
    Ok(Page {
        items: rows(db, page.items).await?,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every offer of the filtered list (export), at most `cap`.
pub async fn list_all(
    db: &Db,
    actor: &Actor,
    f: &OfferFilter,
    cap: u64,
) -> StoreResult<Vec<OfferRow>> {
    let items = filtered(actor, f).limit(cap).all(db).await?;
    rows(db, items).await
}

/// One offer the actor sees (404 otherwise).
pub async fn get<C: ConnectionTrait>(db: &C, actor: &Actor, id: &str) -> StoreResult<offer::Model> {
    offer::Entity::find_by_id(id.to_string())
        .filter(visible(actor))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// One offer the actor sees, with names.
pub async fn detail(db: &Db, actor: &Actor, id: &str) -> StoreResult<OfferRow> {
    let o = get(db, actor, id).await?;
    Ok(rows(db, vec![o]).await?.remove(0))
}

/// Every published offer (the matching index at start-up).
pub async fn published(db: &Db) -> StoreResult<Vec<offer::Model>> {
    Ok(offer::Entity::find()
        .filter(offer::Column::Status.eq(ListingStatus::Published.as_str()))
        .order_by_asc(offer::Column::Id)
        .all(db)
        .await?)
}

/// The published offers among `ids` (refreshing the index after a change:
/// an id missing from the answer is to be removed).
pub async fn published_among(db: &Db, ids: &[String]) -> StoreResult<Vec<offer::Model>> {
    let mut out = vec![];
    for chunk in ids.chunks(500) {
        out.extend(
            offer::Entity::find()
                .filter(offer::Column::Id.is_in(chunk.to_vec()))
                .filter(offer::Column::Status.eq(ListingStatus::Published.as_str()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// The offer row, locked until the transaction ends (PostgreSQL, MySQL;
/// SQLite writers are queued), as the transaction's first read. 404 when
/// missing or not visible to the actor.
pub(crate) async fn lock<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    id: &str,
) -> StoreResult<offer::Model> {
    offer::Entity::find_by_id(id.to_string())
        .filter(visible(actor))
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound)
}

fn check_input(i: &OfferInput) -> StoreResult<()> {
    check_title(&i.title)?;
    check_common(
        &i.keywords,
        &i.field,
        &i.region,
        &i.contact_name,
        &i.contact_phone,
    )?;
    if let Some(t) = i.trl {
        check_trl(t).map_err(|m| trl_error("trl", m))?;
    }
    check_price(i.price_min_fen, i.price_max_fen).map_err(|m| amount_error("price_max_fen", m))?;
    check_len("description", &i.description, 20_000, "描述")
}

/// The holder is a registered enterprise, university or institute the
/// actor may post for; the chain, node and transfer project exist.
/// Returns the chain and node to store.
pub(crate) async fn check_refs<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    i: &OfferInput,
    refs: &mut Refs,
) -> StoreResult<(Option<String>, Option<String>)> {
    require_poster(actor, &i.holder_org_id)?;
    let holder = refs.org(tx, &i.holder_org_id, "持有单位").await?;
    if !matches!(
        OrgKind::parse(&holder.kind),
        Some(OrgKind::Enterprise | OrgKind::University | OrgKind::Institute)
    ) {
        return Err(StoreError::field(
            ErrorCode::InvalidHolder,
            "holder_org_id",
            format!(
                "“{}”不是企业、高校或科研院所，不能作为技术供给的持有单位",
                holder.name
            ),
        ));
    }
    if let Some(p) = &i.transfer_project_id {
        refs.project(tx, p).await?;
    }
    refs.place(tx, i.chain_id.as_deref(), i.chain_node_id.as_deref())
        .await
}

fn apply(am: &mut offer::ActiveModel, i: OfferInput, place: (Option<String>, Option<String>)) {
    am.kind = Set(i.kind.as_str().into());
    am.title = Set(i.title.trim().to_string());
    am.description = Set(i.description);
    am.keywords = Set(join_keywords(&i.keywords));
    am.field = Set(i.field.trim().to_string());
    am.chain_id = Set(place.0);
    am.chain_node_id = Set(place.1);
    am.trl = Set(i.trl);
    am.modes = Set(i.modes.to_codes());
    am.price_min_fen = Set(i.price_min_fen);
    am.price_max_fen = Set(i.price_max_fen);
    am.region = Set(i.region.trim().to_string());
    am.holder_org_id = Set(i.holder_org_id);
    am.transfer_project_id = Set(i.transfer_project_id);
    am.contact_name = Set(i.contact_name.trim().to_string());
    am.contact_phone = Set(i.contact_phone.trim().to_string());
}

/// A new offer's row in `status` (draft, pending, or published by a reviewer).
pub(crate) fn new_model(
    actor: &Actor,
    i: OfferInput,
    place: (Option<String>, Option<String>),
    status: ListingStatus,
) -> offer::ActiveModel {
    let t = now();
    let mut am = offer::ActiveModel {
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

/// Check an input in full (rules and references) for a new offer.
pub(crate) async fn checked<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    i: &OfferInput,
    refs: &mut Refs,
) -> StoreResult<(Option<String>, Option<String>)> {
    check_input(i)?;
    check_refs(tx, actor, i, refs).await
}

/// Create an offer as a draft, or sent for review (`submit`).
pub async fn create(
    db: &Db,
    actor: &Actor,
    i: OfferInput,
    submit: bool,
) -> StoreResult<offer::Model> {
    check_input(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let place = check_refs(&tx, actor, &i, &mut Refs::default()).await?;
    let status = if submit {
        ListingStatus::Pending
    } else {
        ListingStatus::Draft
    };
    let m = record::insert(&tx, &actor.username, new_model(actor, i, place, status)).await?;
    changes::append(&tx, &[(ChangeKind::Offer, &m.id, "create")]).await?;
    tx.commit().await?;
    Ok(m)
}

/// Change an offer read at `version`: its holder (an organisation's
/// account, which cannot hand it to another) or those who work the
/// matchmaking. A reviewer's change keeps the status; the holder's change
/// of a published offer sends it back to review. A closed offer cannot change.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    i: OfferInput,
) -> StoreResult<offer::Model> {
    check_input(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = lock(&tx, actor, id).await?;
    require_poster(actor, &before.holder_org_id)?;
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
        |am: &mut offer::ActiveModel| {
            apply(am, i, place);
            if resubmitted {
                am.status = Set(status.as_str().into());
                am.submitted_at = Set(Some(now()));
            }
        },
    )
    .await?;
    changes::append(&tx, &[(ChangeKind::Offer, &m.id, "update")]).await?;
    tx.commit().await?;
    Ok(m)
}

/// Move an offer read at `version` by a publication step (the rules of
/// `domain::matching::listing_move`). Publish and return take a reviewer;
/// the other steps the holder or those who work the matchmaking. A return
/// needs the reason; `cause` is for closing (default: other).
pub async fn transition(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    action: ListingAction,
    reason: &str,
    cause: Option<CloseCause>,
) -> StoreResult<offer::Model> {
    let reason = reason.trim();
    super::check_step(actor, action, reason)?;
    let tx = crate::db::begin_write(db).await?;
    let before = lock(&tx, actor, id).await?;
    require_poster(actor, &before.holder_org_id)?;
    let to = listing_move(status_of(&before), action)
        .map_err(|_| super::step_refused(&before.title, status_of(&before), action))?;
    let t = now();
    let m = record::update(
        &tx,
        &actor.username,
        action.audit_name(),
        before,
        version,
        |am: &mut offer::ActiveModel| {
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
    changes::append(&tx, &[(ChangeKind::Offer, &m.id, "status")]).await?;
    tx.commit().await?;
    Ok(m)
}

/// Send a draft, returned or withdrawn offer for review.
pub async fn submit(db: &Db, actor: &Actor, id: &str, version: i32) -> StoreResult<offer::Model> {
    transition(db, actor, id, version, ListingAction::Submit, "", None).await
}

/// List a pending offer (reviewer).
pub async fn publish(db: &Db, actor: &Actor, id: &str, version: i32) -> StoreResult<offer::Model> {
    transition(db, actor, id, version, ListingAction::Publish, "", None).await
}

/// Send a pending offer back to its holder with the reason (reviewer).
pub async fn return_to_owner(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    reason: &str,
) -> StoreResult<offer::Model> {
    transition(db, actor, id, version, ListingAction::Return, reason, None).await
}

/// Take a pending or published offer down (holder or reviewer), with an optional reason.
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    reason: &str,
) -> StoreResult<offer::Model> {
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

/// Close a pending or published offer for good (holder or staff).
pub async fn close(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    cause: CloseCause,
    reason: &str,
) -> StoreResult<offer::Model> {
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

/// Delete a draft read at `version` (its holder or staff).
pub async fn delete_draft(db: &Db, actor: &Actor, id: &str, version: i32) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let before = lock(&tx, actor, id).await?;
    require_poster(actor, &before.holder_org_id)?;
    if status_of(&before) != ListingStatus::Draft {
        return Err(StoreError::rule(
            ErrorCode::IllegalTransition,
            "只能删除草稿；已提交或已发布的供给请撤回或关闭",
        ));
    }
    let id = before.id.clone();
    record::delete(&tx, &actor.username, before, version).await?;
    changes::append(&tx, &[(ChangeKind::Offer, &id, "delete")]).await?;
    tx.commit().await?;
    Ok(())
}
