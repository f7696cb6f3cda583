//! Who is asking, and which rows they may see (data scope). Scope is turned
//! into query conditions by each area's queries, never applied after loading.

use kechuang_domain::auth::{Permission, Role, ScopeKind};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::{department, user};
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
