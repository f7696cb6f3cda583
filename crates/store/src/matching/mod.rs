//! Matchmaking (技术撮合 · 资源共享 · 信息互通), PRODUCT.md A4: technology
//! offers ([`offers`]) and needs ([`needs`]) with their publication, the
//! daily closing of expired needs ([`sweep`]), the change feed the web
//! layer's matching index reads ([`changes`]), leads worked by brokers
//! ([`leads`]) and the cooperation projects they produce ([`projects`]),
//! match messages sent once per pair ([`notices`]), the administrators'
//! vocabulary ([`terms`]), the figures ([`figures`]) and the all-or-nothing
//! import ([`import`]). The rules are in `kechuang_domain::matching`; the
//! ranking is `kechuang-matching`'s, run by the web layer.
//!
//! Who sees what:
//! - those who work the matchmaking (an actor holding `matching_review` or
//!   `matching_broker`: brokers, the bureau, administrators) see every
//!   listing and every lead;
//! - an organisation's account sees published listings and its own
//!   organisation's in any state, and the leads on its needs and offers;
//! - every other reader sees published listings only, and the leads of
//!   none (the scope `All` excepted, which reads every lead).
//!
//! A need whose enterprise hides its name shows its organisation (name,
//! id, contacts, poster) only as [`org_shown`] says: to those who work the
//! matchmaking, to the organisation itself, and to the holder of an offer
//! in a lead on the need whose parties have met.
//!
//! Every write of an offer, a need or a vocabulary entry appends to the
//! change feed in its own transaction ([`changes::append`]).

pub mod changes;
pub mod figures;
pub mod import;
pub mod leads;
pub mod needs;
pub mod notices;
pub mod offers;
pub mod projects;
pub mod sweep;
pub mod terms;

#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use kechuang_domain::auth::{Permission, Role};
use kechuang_domain::matching::{need_name_shown, ListingAction, ListingStatus, NameReader};
use kechuang_domain::ErrorCode;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{chain, chain_node, match_lead, need, offer, org, transfer_project};
use crate::{Principal, Scope, StoreError, StoreResult};

/// Who reads or writes matchmaking records: the name written to the audit
/// log, the account (poster, broker, supervisor), the role (who works the
/// matchmaking) and the data scope (an organisation's own records).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub username: String,
    pub user_id: String,
    pub role: Role,
    pub scope: Scope,
}

impl Actor {
    /// The signed-in caller as an actor.
    pub fn of(p: &Principal) -> Actor {
        Actor {
            username: p.username.clone(),
            user_id: p.user_id.clone(),
            role: p.role,
            scope: p.scope.clone(),
        }
    }

    /// Timed work (the expiry sweep): audited as `system`.
    pub fn system() -> Actor {
        Actor {
            username: "system".into(),
            user_id: "system".into(),
            role: Role::Admin,
            scope: Scope::All,
        }
    }

    /// Reviews listings (publish, return) and supervises leads.
    pub fn reviews(&self) -> bool {
        self.role.can(Permission::MatchingReview)
    }

    /// Works leads as a broker.
    pub fn brokers(&self) -> bool {
        self.role.can(Permission::MatchingBroker)
    }

    /// Works the matchmaking (reviewer or broker): sees every listing and
    /// lead and hidden names, and posts for any organisation.
    pub fn works_matching(&self) -> bool {
        self.reviews() || self.brokers()
    }

    /// The organisation an organisation's account acts for.
    pub fn org(&self) -> Option<&str> {
        match &self.scope {
            Scope::Org(Some(o)) => Some(o.as_str()),
            _ => None,
        }
    }
}

/// A period of days, both ends included (None: open).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Period {
    /// Whether `d` lies in the period.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }

    /// 422 `invalid_period` when it ends before it starts.
    pub fn check(&self) -> StoreResult<()> {
        match (self.from, self.to) {
            (Some(f), Some(t)) if t < f => Err(StoreError::field(
                ErrorCode::InvalidPeriod,
                "to",
                "结束日期不能早于开始日期",
            )),
            _ => Ok(()),
        }
    }
}

/// The listings (offers or needs) an actor sees, on the table's status and
/// owner columns: every one for those who work the matchmaking; otherwise
/// the published ones and, for an organisation, its own.
pub(crate) fn listing_visible<C: ColumnTrait>(actor: &Actor, status: C, owner: C) -> Condition {
    if actor.works_matching() {
        return Condition::all();
    }
    let mut c = Condition::any().add(status.eq(ListingStatus::Published.as_str()));
    if let Some(o) = actor.org() {
        c = c.add(owner.eq(o));
    }
    c
}

/// Whether the actor sees the organisation of `need` (its name, id,
/// contacts and poster): the one place of the hidden-name rule.
/// `met_holder`: the actor's organisation holds an offer in a lead on this
/// need whose parties have met (see [`met_holder_needs`]).
pub fn org_shown(actor: &Actor, need: &need::Model, met_holder: bool) -> bool {
    need_name_shown(
        need.name_public,
        NameReader {
            broker: actor.works_matching(),
            own_org: actor.org() == Some(need.org_id.as_str()),
            met_holder,
        },
    )
}

/// Of the given needs, those on which the actor's organisation holds an
/// offer in a lead whose parties have met (`met_at` set).
pub(crate) async fn met_holder_needs<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    need_ids: &[String],
) -> StoreResult<HashSet<String>> {
    let Some(o) = actor.org() else {
        return Ok(HashSet::new());
    };
    let mut out = HashSet::new();
    for chunk in need_ids.chunks(500) {
        let ids: Vec<String> = match_lead::Entity::find()
            .select_only()
            .column(match_lead::Column::NeedId)
            .filter(match_lead::Column::NeedId.is_in(chunk.to_vec()))
            .filter(match_lead::Column::MetAt.is_not_null())
            .filter(
                match_lead::Column::OfferId.in_subquery(
                    Query::select()
                        .column(offer::Column::Id)
                        .from(offer::Entity)
                        .and_where(offer::Column::HolderOrgId.eq(o))
                        .to_owned(),
                ),
            )
            .into_tuple()
            .all(db)
            .await?;
        out.extend(ids);
    }
    Ok(out)
}

/// 403 unless the actor may post or change listings of `org_id`: those who
/// work the matchmaking for any organisation, an organisation's account
/// for its own.
pub(crate) fn require_poster(actor: &Actor, org_id: &str) -> StoreResult<()> {
    if actor.works_matching() || actor.org() == Some(org_id) {
        return Ok(());
    }
    Err(StoreError::Forbidden {
        code: ErrorCode::NotListingOwner,
        message: "只能发布或修改本单位的技术供给和需求".into(),
    })
}

/// 403 unless the actor may take a publication step that needs a
/// reviewer; 422 when a return has no reason.
pub(crate) fn check_step(actor: &Actor, action: ListingAction, reason: &str) -> StoreResult<()> {
    if action.needs_reviewer() && !actor.reviews() {
        return Err(StoreError::Forbidden {
            code: ErrorCode::Forbidden,
            message: "只有科创经纪人或科技主管部门可以审核发布技术供给和需求".into(),
        });
    }
    if action.needs_reason() && reason.is_empty() {
        return Err(StoreError::field(
            ErrorCode::ReasonRequired,
            "reason",
            "请填写退回原因，发布者会看到这一说明",
        ));
    }
    check_len("reason", reason, 500, "原因")
}

/// 422 `illegal_transition`: the step does not apply to the listing's status.
pub(crate) fn step_refused(title: &str, from: ListingStatus, action: ListingAction) -> StoreError {
    StoreError::rule(
        ErrorCode::IllegalTransition,
        format!(
            "“{title}”当前为“{}”，不能{}",
            from.label_zh(),
            action.label_zh()
        ),
    )
}

/// A text fits its column (characters).
pub(crate) fn check_len(field: &str, value: &str, max: usize, what: &str) -> StoreResult<()> {
    if value.chars().count() > max {
        return Err(StoreError::field(
            ErrorCode::InvalidInput,
            field,
            format!("{what}最多 {max} 个字"),
        ));
    }
    Ok(())
}

/// The title is given and fits.
pub(crate) fn check_title(title: &str) -> StoreResult<()> {
    if title.trim().is_empty() {
        return Err(StoreError::field(
            ErrorCode::NameRequired,
            "title",
            "请填写标题",
        ));
    }
    check_len("title", title.trim(), 200, "标题")
}

/// The contact and the shared text fields fit their columns.
pub(crate) fn check_common(
    keywords: &[String],
    field: &str,
    region: &str,
    contact_name: &str,
    contact_phone: &str,
) -> StoreResult<()> {
    check_len(
        "keywords",
        &kechuang_domain::matching::join_keywords(keywords),
        300,
        "关键词合计",
    )?;
    check_len("field", field, 100, "技术领域")?;
    check_len("region", region, 100, "所在地区")?;
    check_len("contact_name", contact_name, 50, "联系人")?;
    check_len("contact_phone", contact_phone, 30, "联系电话")
}

pub(crate) fn trl_error(field: &str, message: String) -> StoreError {
    StoreError::field(ErrorCode::InvalidTrl, field, message)
}

pub(crate) fn amount_error(field: &str, message: String) -> StoreError {
    StoreError::field(ErrorCode::InvalidAmount, field, message)
}

/// References read while checking inputs, kept for the rows of one import.
#[derive(Default)]
pub(crate) struct Refs {
    orgs: HashMap<String, org::Model>,
    nodes: HashMap<String, chain_node::Model>,
    chains: HashSet<String>,
    projects: HashSet<String>,
}

impl Refs {
    /// A registered organisation (422 `unknown_org` otherwise).
    pub(crate) async fn org<C: ConnectionTrait>(
        &mut self,
        tx: &C,
        id: &str,
        what: &str,
    ) -> StoreResult<org::Model> {
        if let Some(o) = self.orgs.get(id) {
            return Ok(o.clone());
        }
        let o = crate::orgs::require_org(tx, id, what).await?;
        self.orgs.insert(id.to_string(), o.clone());
        Ok(o)
    }

    /// The chain and node of a listing: the node's chain when a node is
    /// given (it must belong to the chain, if one is given too).
    pub(crate) async fn place<C: ConnectionTrait>(
        &mut self,
        tx: &C,
        chain_id: Option<&str>,
        node_id: Option<&str>,
    ) -> StoreResult<(Option<String>, Option<String>)> {
        if let Some(n) = node_id {
            let node = match self.nodes.get(n) {
                Some(node) => node.clone(),
                None => {
                    let node = chain_node::Entity::find_by_id(n.to_string())
                        .one(tx)
                        .await?
                        .ok_or_else(|| {
                            StoreError::field(
                                ErrorCode::InvalidNode,
                                "chain_node_id",
                                "链节点不存在，请从产业链图谱中选择",
                            )
                        })?;
                    self.nodes.insert(n.to_string(), node.clone());
                    node
                }
            };
            if chain_id.is_some_and(|c| c != node.chain_id) {
                return Err(StoreError::field(
                    ErrorCode::InvalidNode,
                    "chain_node_id",
                    "链节点不属于所选产业链，请重新选择",
                ));
            }
            return Ok((Some(node.chain_id), Some(node.id)));
        }
        if let Some(c) = chain_id {
            if !self.chains.contains(c) {
                if chain::Entity::find_by_id(c.to_string())
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
                self.chains.insert(c.to_string());
            }
            return Ok((Some(c.to_string()), None));
        }
        Ok((None, None))
    }

    /// A transfer project exists (422 `unknown_project`).
    pub(crate) async fn project<C: ConnectionTrait>(
        &mut self,
        tx: &C,
        id: &str,
    ) -> StoreResult<()> {
        if self.projects.contains(id) {
            return Ok(());
        }
        if transfer_project::Entity::find_by_id(id.to_string())
            .one(tx)
            .await?
            .is_none()
        {
            return Err(StoreError::field(
                ErrorCode::UnknownProject,
                "transfer_project_id",
                "关联的成果转化项目不存在，请从转化项目中选择",
            ));
        }
        self.projects.insert(id.to_string());
        Ok(())
    }
}

/// The names of the organisations, chains and chain nodes of some rows.
pub(crate) struct PlaceNames {
    pub orgs: HashMap<String, String>,
    pub chains: HashMap<String, String>,
    pub nodes: HashMap<String, String>,
}

pub(crate) async fn place_names<C: ConnectionTrait>(
    db: &C,
    orgs: BTreeSet<String>,
    chains: BTreeSet<String>,
    nodes: BTreeSet<String>,
) -> StoreResult<PlaceNames> {
    Ok(PlaceNames {
        orgs: crate::names::of(db, "orgs", orgs).await?,
        chains: crate::names::of(db, "chains", chains).await?,
        nodes: crate::names::of(db, "chain_nodes", nodes).await?,
    })
}
