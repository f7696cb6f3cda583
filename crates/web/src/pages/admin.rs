//! Administration pages: accounts and the audit log with chain verification.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use kechuang_domain::auth::{Permission, Role};
use kechuang_store::entities::audit_entry;
use kechuang_store::{accounts, audit, departments, Scope};
use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
use serde::Deserialize;

use super::{error_page, fmt_time, render, PageCtx};
use crate::auth::{require, PageUser};
use crate::error::ApiError;
use crate::AppState;

pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub scope: String,
    pub department: String,
    pub active: bool,
    pub created: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: PageCtx,
    rows: Vec<UserRow>,
}

pub async fn users(State(st): State<AppState>, PageUser(p): PageUser) -> Response {
    let r = async {
        require(&p, Permission::UsersAdmin)?;
        let deps: std::collections::HashMap<String, String> =
            departments::list(&st.db, &Scope::All)
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect();
        let rows = accounts::list_users(&st.db)
            .await?
            .into_iter()
            .map(|u| {
                let role = Role::parse(&u.role);
                UserRow {
                    role: role
                        .map(|r| r.label_zh().to_string())
                        .unwrap_or(u.role.clone()),
                    scope: role
                        .map(|r| r.scope().label_zh().to_string())
                        .unwrap_or_default(),
                    department: u
                        .department_id
                        .as_ref()
                        .and_then(|d| deps.get(d))
                        .cloned()
                        .unwrap_or_default(),
                    active: u.active,
                    created: fmt_time(u.created_at),
                    username: u.username,
                    display_name: u.display_name,
                }
            })
            .collect();
        Ok::<_, ApiError>(rows)
    }
    .await;
    match r {
        Ok(rows) => render(&UsersPage {
            page: PageCtx::new(&st, &p, "用户账号", "/admin/users", &[("用户账号", "")]),
            rows,
        }),
        Err(e) => error_page(&st, Some(&p), e),
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: PageCtx,
    entries: Vec<audit_entry::Model>,
    verified: Option<audit::VerifyReport>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    verify: Option<String>,
}

pub async fn audit(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    let r = async {
        require(&p, Permission::AuditRead)?;
        let entries = audit_entry::Entity::find()
            .order_by_desc(audit_entry::Column::At)
            .order_by_desc(audit_entry::Column::Id)
            .limit(100)
            .all(&st.db)
            .await
            .map_err(kechuang_store::StoreError::from)?;
        let verified = match q.verify {
            Some(_) => Some(audit::verify(&st.db).await?),
            None => None,
        };
        Ok::<_, ApiError>((entries, verified))
    }
    .await;
    match r {
        Ok((entries, verified)) => render(&AuditPage {
            page: PageCtx::new(&st, &p, "审计日志", "/admin/audit", &[("审计日志", "")]),
            entries,
            verified,
        }),
        Err(e) => error_page(&st, Some(&p), e),
    }
}
