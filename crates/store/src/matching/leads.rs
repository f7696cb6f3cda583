//! Leads (撮合线索): a broker turns a match into a lead (need + offer +
//! broker) and moves it 初步接洽 → 需求确认 → 方案洽谈 → 签约, or closes it
//! with a reason, by the rules of `domain::matching::stage_move`. Each lead
//! has its next step with a due date; overdue leads are listed and may be
//! supervised. One open lead per need-offer pair: creating one locks the
//! need's row first and looks for an open lead of the pair under that
//! lock, so two brokers cannot both open one (SQLite writers are queued).
//! Signing, in one transaction, sets the lead signed, records the
//! cooperation project and links an existing technology contract by its
//! `lead_id`.
//!
//! The lead's own broker moves it (an administrator may too); reviewers
//! (the bureau, brokers) supervise. The first time a lead reaches a stage
//! where the parties have met (`domain::matching::parties_met`), `met_at`
//! is set: from then on the offer's holder sees a hidden need's name.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use kechuang_domain::auth::{Permission, Role};
use kechuang_domain::matching::{
    check_amount, is_overdue, parties_met, stage_move, CoopMode, LeadStage, ListingStatus,
    StageError, HIDDEN_NAME,
};
use kechuang_domain::ErrorCode;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::projects::{self, ProjectInput};
use super::{amount_error, check_len, met_holder_needs, org_shown, Actor};
use crate::entities::{cooperation_project, match_lead, need, offer, tech_contract, user};
use crate::{now, record, Db, Page, PageReq, StoreError, StoreResult};

/// A new lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeadInput {
    pub need_id: String,
    pub offer_id: String,
    /// The broker who works it (None: the actor, who must be a broker).
    pub broker_user_id: Option<String>,
    /// The next step (up to 300 characters) and when it is due.
    pub next_step: String,
    pub next_due_on: Option<NaiveDate>,
}

/// Signing a lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInput {
    pub signed_on: NaiveDate,
    /// In fen; None: the linked contract's amount.
    pub amount_fen: Option<i64>,
    /// An existing technology contract to link (its `lead_id` is set).
    pub contract_id: Option<String>,
    /// The cooperation project's title (None: the need's title).
    pub title: Option<String>,
    pub mode: Option<CoopMode>,
    pub note: String,
}

/// List filters; every field narrows the list.
#[derive(Clone, Debug, Default)]
pub struct LeadFilter {
    pub broker_user_id: Option<String>,
    pub stage: Option<LeadStage>,
    /// Open (contact, confirmed, negotiating) or not.
    pub open: Option<bool>,
    pub need_id: Option<String>,
    pub offer_id: Option<String>,
    /// Open and with the next step due before this day.
    pub overdue_on: Option<NaiveDate>,
    /// Supervised at least once, or never.
    pub supervised: Option<bool>,
}

/// A lead with its need and offer as the reader may see them.
#[derive(Clone, Debug)]
pub struct LeadRow {
    pub lead: match_lead::Model,
    pub need_title: String,
    /// None when the need's organisation is hidden from the reader.
    pub need_org_id: Option<String>,
    /// `domain::matching::HIDDEN_NAME` when hidden from the reader.
    pub need_org_name: String,
    pub offer_title: String,
    pub holder_org_id: String,
    pub holder_name: String,
    /// Open with its next step due before today (Beijing).
    pub overdue: bool,
}

/// A signed lead with what signing made.
#[derive(Clone, Debug)]
pub struct Signed {
    pub lead: match_lead::Model,
    pub project: cooperation_project::Model,
    pub contract: Option<tech_contract::Model>,
}

/// The lead's stage (a stored code the domain does not know reads as closed).
pub fn stage_of(l: &match_lead::Model) -> LeadStage {
    LeadStage::parse(&l.stage).unwrap_or(LeadStage::Closed)
}

fn open_codes() -> Vec<&'static str> {
    LeadStage::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.as_str())
        .collect()
}

/// The leads an actor sees: all for those who work the matchmaking and the
/// scope `All`; an organisation those on its needs and its offers; others none.
fn visible(actor: &Actor) -> Condition {
    use match_lead::Column as C;
    if actor.works_matching() || actor.scope.sees_all() {
        return Condition::all();
    }
    let Some(o) = actor.org() else {
        return Condition::all().add(Expr::val(1).eq(0));
    };
    Condition::any()
        .add(
            C::NeedId.in_subquery(
                Query::select()
                    .column(need::Column::Id)
                    .from(need::Entity)
                    .and_where(need::Column::OrgId.eq(o))
                    .to_owned(),
            ),
        )
        .add(
            C::OfferId.in_subquery(
                Query::select()
                    .column(offer::Column::Id)
                    .from(offer::Entity)
                    .and_where(offer::Column::HolderOrgId.eq(o))
                    .to_owned(),
            ),
        )
}

fn filtered(actor: &Actor, f: &LeadFilter) -> Select<match_lead::Entity> {
    use match_lead::Column as C;
    let mut q = match_lead::Entity::find().filter(visible(actor));
    if let Some(b) = &f.broker_user_id {
        q = q.filter(C::BrokerUserId.eq(b.clone()));
    }
    if let Some(s) = f.stage {
        q = q.filter(C::Stage.eq(s.as_str()));
    }
    match f.open {
        Some(true) => q = q.filter(C::Stage.is_in(open_codes())),
        Some(false) => q = q.filter(C::Stage.is_not_in(open_codes())),
        None => {}
    }
    if let Some(n) = &f.need_id {
        q = q.filter(C::NeedId.eq(n.clone()));
    }
    if let Some(o) = &f.offer_id {
        q = q.filter(C::OfferId.eq(o.clone()));
    }
    match f.supervised {
        Some(true) => q = q.filter(C::SupervisedAt.is_not_null()),
        Some(false) => q = q.filter(C::SupervisedAt.is_null()),
        None => {}
    }
    if let Some(d) = f.overdue_on {
        q.filter(C::Stage.is_in(open_codes()))
            .filter(C::NextDueOn.lt(d))
            .order_by_asc(C::NextDueOn)
            .order_by_asc(C::Id)
    } else {
        q.order_by_desc(C::CreatedAt).order_by_desc(C::Id)
    }
}

async fn rows<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    items: Vec<match_lead::Model>,
) -> StoreResult<Vec<LeadRow>> {
    let need_ids: Vec<String> = items
        .iter()
        .map(|l| l.need_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let offer_ids: Vec<String> = items
        .iter()
        .map(|l| l.offer_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut needs: HashMap<String, need::Model> = HashMap::new();
    for chunk in need_ids.chunks(500) {
        for n in need::Entity::find()
            .filter(need::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            needs.insert(n.id.clone(), n);
        }
    }
    let mut offers: HashMap<String, (String, String)> = HashMap::new();
    for chunk in offer_ids.chunks(500) {
        let found: Vec<(String, String, String)> = offer::Entity::find()
            .select_only()
            .column(offer::Column::Id)
            .column(offer::Column::Title)
            .column(offer::Column::HolderOrgId)
            .filter(offer::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        offers.extend(found.into_iter().map(|(id, t, h)| (id, (t, h))));
    }
    let met = met_holder_needs(db, actor, &need_ids).await?;
    let shown: HashMap<&str, bool> = needs
        .values()
        .map(|n| (n.id.as_str(), org_shown(actor, n, met.contains(&n.id))))
        .collect();
    let mut org_ids: BTreeSet<String> = offers.values().map(|(_, h)| h.clone()).collect();
    org_ids.extend(
        needs
            .values()
            .filter(|n| shown.get(n.id.as_str()).copied().unwrap_or(false))
            .map(|n| n.org_id.clone()),
    );
    let org_names = crate::names::of(db, "orgs", org_ids).await?;
    let today = crate::clock::today();
    Ok(items
        .into_iter()
        .map(|l| {
            let n = needs.get(&l.need_id);
            let is_shown = shown.get(l.need_id.as_str()).copied().unwrap_or(false);
            let (offer_title, holder) = offers.get(&l.offer_id).cloned().unwrap_or_default();
            LeadRow {
                need_title: n.map(|n| n.title.clone()).unwrap_or_default(),
                need_org_id: n.filter(|_| is_shown).map(|n| n.org_id.clone()),
                need_org_name: match n {
                    Some(n) if is_shown => org_names.get(&n.org_id).cloned().unwrap_or_default(),
                    _ => HIDDEN_NAME.to_string(),
                },
                holder_name: org_names.get(&holder).cloned().unwrap_or_default(),
                offer_title,
                holder_org_id: holder,
                overdue: is_overdue(stage_of(&l), l.next_due_on, today),
                lead: l,
            }
        })
        .collect())
}

/// One page of the leads the actor sees: newest first, or, with
/// `overdue_on`, the longest overdue first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    f: &LeadFilter,
    p: PageReq,
) -> StoreResult<Page<LeadRow>> {
    let page = crate::page::fetch(db, filtered(actor, f), p).await?;
    Ok(Page {
        items: rows(db, actor, page.items).await?,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every lead of the filtered list (export), at most `cap`.
pub async fn list_all(
    db: &Db,
    actor: &Actor,
    f: &LeadFilter,
    cap: u64,
) -> StoreResult<Vec<LeadRow>> {
    let items = filtered(actor, f).limit(cap).all(db).await?;
    rows(db, actor, items).await
}

/// One page of the open leads whose next step was due before `today`,
/// the longest overdue first (督办).
pub async fn overdue(
    db: &Db,
    actor: &Actor,
    today: NaiveDate,
    p: PageReq,
) -> StoreResult<Page<LeadRow>> {
    let f = LeadFilter {
        overdue_on: Some(today),
        ..Default::default()
    };
    list(db, actor, &f, p).await
}

/// One lead the actor sees (404 otherwise).
pub async fn get<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
) -> StoreResult<match_lead::Model> {
    match_lead::Entity::find_by_id(id.to_string())
        .filter(visible(actor))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// One lead the actor sees, with its need and offer as it may see them.
pub async fn detail(db: &Db, actor: &Actor, id: &str) -> StoreResult<LeadRow> {
    let l = get(db, actor, id).await?;
    Ok(rows(db, actor, vec![l]).await?.remove(0))
}

/// The lead row, locked until the transaction ends, as the transaction's first read.
async fn lock<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    id: &str,
) -> StoreResult<match_lead::Model> {
    match_lead::Entity::find_by_id(id.to_string())
        .filter(visible(actor))
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound)
}

/// 403 unless the actor works this lead: its broker, or an administrator.
fn require_worker(actor: &Actor, l: &match_lead::Model) -> StoreResult<()> {
    if actor.user_id == l.broker_user_id || actor.role == Role::Admin {
        return Ok(());
    }
    Err(StoreError::Forbidden {
        code: ErrorCode::NotLeadBroker,
        message: "只有负责该线索的科创经纪人可以推进线索".into(),
    })
}

fn not_open(l: &match_lead::Model) -> StoreError {
    StoreError::rule(
        ErrorCode::IllegalTransition,
        format!("线索已{}，不能再进行此操作", stage_of(l).label_zh()),
    )
}

fn stage_error(e: StageError) -> StoreError {
    match e {
        StageError::ReasonRequired => {
            StoreError::field(ErrorCode::ReasonRequired, "reason", e.to_string())
        }
        StageError::Same(_) => StoreError::rule(ErrorCode::SameStage, e.to_string()),
        StageError::Final(_) | StageError::NotNext { .. } => {
            StoreError::rule(ErrorCode::IllegalTransition, e.to_string())
        }
    }
}

/// Open a lead on a published need and a published offer, worked by a
/// broker. 409 `lead_open` while the pair has an open lead.
pub async fn create(db: &Db, actor: &Actor, i: LeadInput) -> StoreResult<match_lead::Model> {
    if !actor.brokers() {
        return Err(StoreError::Forbidden {
            code: ErrorCode::Forbidden,
            message: "只有科创经纪人可以建立撮合线索".into(),
        });
    }
    check_len("next_step", i.next_step.trim(), 300, "下一步工作")?;
    let broker_id = i
        .broker_user_id
        .clone()
        .unwrap_or_else(|| actor.user_id.clone());
    let tx = crate::db::begin_write(db).await?;
    // The need's row lock serialises the leads of its pairs.
    let n = need::Entity::find_by_id(i.need_id.clone())
        .lock_exclusive()
        .one(&tx)
        .await?
        .ok_or_else(|| {
            StoreError::field(
                ErrorCode::UnknownNeed,
                "need_id",
                "技术需求不存在，请重新选择",
            )
        })?;
    let o = offer::Entity::find_by_id(i.offer_id.clone())
        .one(&tx)
        .await?
        .ok_or_else(|| {
            StoreError::field(
                ErrorCode::UnknownOffer,
                "offer_id",
                "技术供给不存在，请重新选择",
            )
        })?;
    for (status, what, title) in [(&n.status, "需求", &n.title), (&o.status, "供给", &o.title)]
    {
        if status != ListingStatus::Published.as_str() {
            return Err(StoreError::rule(
                ErrorCode::ListingNotPublished,
                format!("{what}“{title}”尚未发布（或已撤回、关闭），不能建立撮合线索"),
            ));
        }
    }
    let broker = user::Entity::find_by_id(broker_id.clone()).one(&tx).await?;
    let is_broker = broker.as_ref().is_some_and(|u| {
        u.active && Role::parse(&u.role).is_some_and(|r| r.can(Permission::MatchingBroker))
    });
    if !is_broker {
        return Err(StoreError::field(
            ErrorCode::NotABroker,
            "broker_user_id",
            "所选账号不是在用的科创经纪人，请重新选择",
        ));
    }
    let open = match_lead::Entity::find()
        .filter(match_lead::Column::NeedId.eq(n.id.clone()))
        .filter(match_lead::Column::OfferId.eq(o.id.clone()))
        .filter(match_lead::Column::Stage.is_in(open_codes()))
        .count(&tx)
        .await?;
    if open > 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::LeadOpen,
            message: format!(
                "“{}”与“{}”已有进行中的撮合线索，请在原线索上推进",
                n.title, o.title
            ),
        });
    }
    let m = record::insert(
        &tx,
        &actor.username,
        match_lead::ActiveModel {
            need_id: Set(n.id),
            offer_id: Set(o.id),
            broker_user_id: Set(broker_id),
            created_by: Set(actor.user_id.clone()),
            stage: Set(LeadStage::Contact.as_str().into()),
            stage_at: Set(now()),
            met_at: Set(None),
            close_reason: Set(String::new()),
            closed_at: Set(None),
            next_step: Set(i.next_step.trim().to_string()),
            next_due_on: Set(i.next_due_on),
            supervised_at: Set(None),
            supervised_by: Set(None),
            supervision_note: Set(String::new()),
            contract_id: Set(None),
            cooperation_project_id: Set(None),
            signed_on: Set(None),
            amount_fen: Set(None),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Move a lead read at `version` one stage forward, or close it with the
/// reason (`domain::matching::stage_move`). Signing goes through [`sign`].
pub async fn advance(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    to: LeadStage,
    reason: &str,
) -> StoreResult<match_lead::Model> {
    let reason = reason.trim();
    check_len("reason", reason, 500, "关闭原因")?;
    let tx = crate::db::begin_write(db).await?;
    let before = lock(&tx, actor, id).await?;
    require_worker(actor, &before)?;
    let from = stage_of(&before);
    if to == LeadStage::Signed && from.is_open() {
        return Err(StoreError::rule(
            ErrorCode::IllegalTransition,
            "签约请办理签约登记（签约日期、金额和技术合同）",
        ));
    }
    let to = stage_move(from, to, reason).map_err(stage_error)?;
    let t = now();
    let action = if to == LeadStage::Closed {
        "close"
    } else {
        "advance"
    };
    let m = record::update(
        &tx,
        &actor.username,
        action,
        before,
        version,
        |am: &mut match_lead::ActiveModel| {
            am.stage = Set(to.as_str().into());
            am.stage_at = Set(t);
            if parties_met(to) && am.met_at.as_ref().is_none() {
                am.met_at = Set(Some(t));
            }
            if to == LeadStage::Closed {
                am.close_reason = Set(reason.to_string());
                am.closed_at = Set(Some(t));
            }
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Set the next step of an open lead read at `version` and when it is due
/// (None: no date, never overdue).
pub async fn set_next_step(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    next_step: &str,
    due_on: Option<NaiveDate>,
) -> StoreResult<match_lead::Model> {
    let next_step = next_step.trim();
    check_len("next_step", next_step, 300, "下一步工作")?;
    let tx = crate::db::begin_write(db).await?;
    let before = lock(&tx, actor, id).await?;
    require_worker(actor, &before)?;
    if !stage_of(&before).is_open() {
        return Err(not_open(&before));
    }
    let m = record::update(
        &tx,
        &actor.username,
        "next_step",
        before,
        version,
        |am: &mut match_lead::ActiveModel| {
            am.next_step = Set(next_step.to_string());
            am.next_due_on = Set(due_on);
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Supervise (督办) an open lead read at `version`, with a note: a reviewer
/// (the bureau, a broker) or an administrator.
pub async fn supervise(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    note: &str,
) -> StoreResult<match_lead::Model> {
    let note = note.trim();
    if !actor.reviews() {
        return Err(StoreError::Forbidden {
            code: ErrorCode::Forbidden,
            message: "只有科技主管部门或科创经纪人可以督办线索".into(),
        });
    }
    if note.is_empty() {
        return Err(StoreError::field(
            ErrorCode::NoteRequired,
            "note",
            "请填写督办意见",
        ));
    }
    check_len("note", note, 500, "督办意见")?;
    let tx = crate::db::begin_write(db).await?;
    let before = lock(&tx, actor, id).await?;
    if !stage_of(&before).is_open() {
        return Err(not_open(&before));
    }
    let m = record::update(
        &tx,
        &actor.username,
        "supervise",
        before,
        version,
        |am: &mut match_lead::ActiveModel| {
            am.supervised_at = Set(Some(now()));
            am.supervised_by = Set(Some(actor.user_id.clone()));
            am.supervision_note = Set(note.to_string());
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Sign a lead read at `version` (from 方案洽谈), in one transaction: the
/// lead becomes signed with its date and amount, a cooperation project is
/// recorded, and the technology contract named, if any, gets this lead as
/// its `lead_id` (409 `contract_linked` when it names another lead).
pub async fn sign(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    i: SignInput,
) -> StoreResult<Signed> {
    if i.signed_on > crate::clock::today() {
        return Err(StoreError::field(
            ErrorCode::FutureDate,
            "signed_on",
            "签约日期不能晚于今天",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let before = lock(&tx, actor, id).await?;
    require_worker(actor, &before)?;
    stage_move(stage_of(&before), LeadStage::Signed, "").map_err(stage_error)?;
    let contract = match &i.contract_id {
        None => None,
        Some(c) => {
            let c = tech_contract::Entity::find_by_id(c.clone())
                .one(&tx)
                .await?
                .ok_or_else(|| {
                    StoreError::field(
                        ErrorCode::UnknownContract,
                        "contract_id",
                        "技术合同不存在，请先登记技术合同",
                    )
                })?;
            if c.lead_id.as_deref().is_some_and(|l| l != before.id) {
                return Err(StoreError::Conflict {
                    code: ErrorCode::ContractLinked,
                    message: format!("技术合同“{}”已关联其他撮合线索", c.contract_no),
                });
            }
            Some(c)
        }
    };
    let amount = i
        .amount_fen
        .or(contract.as_ref().map(|c| c.amount_fen))
        .ok_or_else(|| amount_error("amount_fen", "请填写签约金额".into()))?;
    check_amount(amount).map_err(|m| amount_error("amount_fen", m))?;
    let n = need::Entity::find_by_id(before.need_id.clone())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let o = offer::Entity::find_by_id(before.offer_id.clone())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let project = projects::insert(
        &tx,
        actor,
        ProjectInput {
            title: i.title.unwrap_or_else(|| n.title.clone()),
            need_id: Some(n.id.clone()),
            offer_id: Some(o.id.clone()),
            enterprise_org_id: n.org_id.clone(),
            partner_org_id: Some(o.holder_org_id.clone()),
            chain_id: n.chain_id.clone().or(o.chain_id.clone()),
            mode: i.mode,
            signed_on: i.signed_on,
            amount_fen: amount,
            contract_id: contract.as_ref().map(|c| c.id.clone()),
            note: i.note,
        },
        Some(before.id.clone()),
    )
    .await?;
    let contract = match contract {
        Some(c) if c.lead_id.is_none() => {
            let v = c.version;
            let lead_id = before.id.clone();
            Some(
                record::update(
                    &tx,
                    &actor.username,
                    "link_lead",
                    c,
                    v,
                    |am: &mut tech_contract::ActiveModel| am.lead_id = Set(Some(lead_id)),
                )
                .await?,
            )
        }
        other => other,
    };
    let t = now();
    let project_id = project.id.clone();
    let contract_id = contract.as_ref().map(|c| c.id.clone());
    let lead = record::update(
        &tx,
        &actor.username,
        "sign",
        before,
        version,
        |am: &mut match_lead::ActiveModel| {
            am.stage = Set(LeadStage::Signed.as_str().into());
            am.stage_at = Set(t);
            if am.met_at.as_ref().is_none() {
                am.met_at = Set(Some(t));
            }
            am.signed_on = Set(Some(i.signed_on));
            am.amount_fen = Set(Some(amount));
            am.contract_id = Set(contract_id);
            am.cooperation_project_id = Set(Some(project_id));
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Signed {
        lead,
        project,
        contract,
    })
}
