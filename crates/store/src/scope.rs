//! Who is asking, and which rows they may see (data scope). Scope is turned
//! into query conditions by each area's queries, never applied after loading.

use kechuang_domain::auth::{Permission, Role, ScopeKind};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::{department, match_lead, need, offer, service_staff, staff_assignment, user};
use crate::StoreResult;

/// The rows a principal may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    /// These departments (own department, and its subtree where the role says so).
    Departments(Vec<String>),
    /// One organisation (None: the account is linked to none, so nothing).
    Org(Option<String>),
    /// Only records of this user.
    User(String),
    /// Every record, but only the cases of the firms this user serves
    /// (assigned firms of its service-staff records, an assistant's
    /// officer's too; the firms of its matchmaking leads) and those it
    /// submitted: chief service officers, assistants, instructors, brokers.
    Served(String),
}

impl Scope {
    /// Every record of the areas other than cases (see [`Scope::Served`]).
    pub fn sees_all(&self) -> bool {
        matches!(self, Scope::All | Scope::Served(_))
    }
}

/// The signed-in user (or token holder) as every handler sees them.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<String>,
    pub org_id: Option<String>,
    pub scope: Scope,
    /// Signed in through a browser session (CSRF applies) rather than a token.
    pub via_session: bool,
    pub csrf: String,
    /// The user's department runs the funding programmes (资金业务), or the
    /// user is an administrator: only then does `FundingWrite` apply.
    pub funding: bool,
}

impl Principal {
    /// The role holds the permission; funding writes also need a funding
    /// department (the science bureau, or whichever the administrators name).
    pub fn can(&self, p: Permission) -> bool {
        self.role.can(p) && (p != Permission::FundingWrite || self.funding)
    }
}

/// Work out a user's scope from their role and place in the department tree;
/// with it the user's department where the scope needed it (one lookup serves
/// both the scope and the department's own settings).
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    u: &user::Model,
    role: Role,
) -> StoreResult<(Scope, Option<department::Model>)> {
    let own = match (&u.department_id, role.scope()) {
        (Some(d), ScopeKind::Department | ScopeKind::DepartmentTree) => {
            department::Entity::find_by_id(d.clone()).one(db).await?
        }
        _ => None,
    };
    let scope = match role.scope() {
        ScopeKind::All => Scope::All,
        ScopeKind::OwnOrg => Scope::Org(u.org_id.clone()),
        ScopeKind::SelfOnly => Scope::User(u.id.clone()),
        ScopeKind::Served => Scope::Served(u.id.clone()),
        ScopeKind::Department => Scope::Departments(u.department_id.iter().cloned().collect()),
        ScopeKind::DepartmentTree => match &own {
            None => Scope::Departments(vec![]),
            Some(dep) => Scope::Departments(
                department::Entity::find()
                    .filter(department::Column::Path.starts_with(dep.path.as_str()))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|d| d.id)
                    .collect(),
            ),
        },
    };
    Ok((scope, own))
}

/// "`org` is a firm this user serves", as a query condition (any of):
/// assigned today to one of the user's service-staff records or, for an
/// assistant, to the officer it assists; or a party to one of the user's
/// matchmaking leads (the need's firm or the offer's holder).
pub fn served<C: ColumnTrait>(uid: &str, org: C) -> Condition {
    use staff_assignment::Column as A;
    let staff_of_user = |col: service_staff::Column| {
        Query::select()
            .column(col)
            .from(service_staff::Entity)
            .and_where(service_staff::Column::UserId.eq(uid))
            .and_where(col.is_not_null())
            .to_owned()
    };
    let assigned = Query::select()
        .column(A::OrgId)
        .from(staff_assignment::Entity)
        .cond_where(
            Condition::any()
                .add(A::StaffId.in_subquery(staff_of_user(service_staff::Column::Id)))
                .add(A::StaffId.in_subquery(staff_of_user(service_staff::Column::AssistantOf))),
        )
        .and_where(A::FromOn.lte(crate::clock::today()))
        .cond_where(
            Condition::any()
                .add(A::ToOn.is_null())
                .add(A::ToOn.gte(crate::clock::today())),
        )
        .to_owned();
    let leads = |col: match_lead::Column| {
        Query::select()
            .column(col)
            .from(match_lead::Entity)
            .and_where(match_lead::Column::BrokerUserId.eq(uid))
            .to_owned()
    };
    let needs = Query::select()
        .column(need::Column::OrgId)
        .from(need::Entity)
        .and_where(need::Column::Id.in_subquery(leads(match_lead::Column::NeedId)))
        .to_owned();
    let offers = Query::select()
        .column(offer::Column::HolderOrgId)
        .from(offer::Entity)
        .and_where(offer::Column::Id.in_subquery(leads(match_lead::Column::OfferId)))
        .to_owned();
    Condition::any()
        .add(org.in_subquery(assigned))
        .add(org.in_subquery(needs))
        .add(org.in_subquery(offers))
}
