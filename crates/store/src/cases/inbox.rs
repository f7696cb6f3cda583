//! The in-app inbox: notifications to departments and users (with their
//! robots' outbox messages), reading them and marking them read.

use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entities::{notification, webhook};
use crate::{new_id, now, Db, Page, PageReq, StoreError, StoreResult};

/// A message for a department's (or a user's) inbox.
pub struct Note {
    pub department_id: Option<String>,
    pub user_id: Option<String>,
    pub title: String,
    pub body: String,
    pub link: String,
}

/// Put a message in a department's (or a user's) inbox.
pub async fn notify<C: ConnectionTrait>(
    tx: &C,
    department_id: Option<String>,
    user_id: Option<String>,
    title: String,
    body: String,
    link: String,
) -> StoreResult<()> {
    let hooks = crate::outbox::active_webhooks(tx).await?;
    let note = Note {
        department_id,
        user_id,
        title,
        body,
        link,
    };
    notify_many(tx, &hooks, vec![note]).await
}

/// Put messages in inboxes, and in the outbox of each active robot of the
/// message's department (or of every department), in two multi-row inserts.
pub async fn notify_many<C: ConnectionTrait>(
    tx: &C,
    hooks: &[webhook::Model],
    notes: Vec<Note>,
) -> StoreResult<()> {
    if notes.is_empty() {
        return Ok(());
    }
    let t = now();
    let mut sends = vec![];
    for n in &notes {
        if let Some(d) = n.department_id.as_deref() {
            for h in hooks
                .iter()
                .filter(|h| h.department_id.as_deref().is_none_or(|hd| hd == d))
            {
                sends.push(crate::outbox::message(h, &n.title, &n.body, &n.link, t));
            }
        }
    }
    let inbox = notes.into_iter().map(|n| notification::ActiveModel {
        id: Set(new_id()),
        user_id: Set(n.user_id),
        department_id: Set(n.department_id),
        title: Set(n.title.chars().take(200).collect()),
        body: Set(n.body),
        link: Set(n.link),
        created_at: Set(t),
        read_at: Set(None),
    });
    crate::bulk::insert_rows(tx, inbox).await?;
    crate::bulk::insert_rows(tx, sends).await
}

/// Messages for a user: their own and their department's, newest first.
pub async fn inbox(
    db: &Db,
    user_id: &str,
    department_id: Option<&str>,
    limit: u64,
) -> StoreResult<Vec<notification::Model>> {
    let mut cond = Condition::any().add(notification::Column::UserId.eq(user_id));
    if let Some(d) = department_id {
        cond = cond.add(notification::Column::DepartmentId.eq(d));
    }
    Ok(notification::Entity::find()
        .filter(cond)
        .order_by_desc(notification::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?)
}

/// Whose messages a user reads: their own and their department's.
fn addressed_to(user_id: &str, department_id: Option<&str>) -> Condition {
    let mut cond = Condition::any().add(notification::Column::UserId.eq(user_id));
    if let Some(d) = department_id {
        cond = cond.add(notification::Column::DepartmentId.eq(d));
    }
    cond
}

/// One page of a user's messages (their own and their department's),
/// newest first; only unread ones when `unread_only`.
pub async fn messages(
    db: &Db,
    user_id: &str,
    department_id: Option<&str>,
    unread_only: bool,
    p: PageReq,
) -> StoreResult<Page<notification::Model>> {
    let mut q = notification::Entity::find().filter(addressed_to(user_id, department_id));
    if unread_only {
        q = q.filter(notification::Column::ReadAt.is_null());
    }
    let q = q
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id);
    crate::page::fetch(db, q, p).await
}

/// Unread messages of a user (one COUNT query, for the navigation badge).
pub async fn unread_count(db: &Db, user_id: &str, department_id: Option<&str>) -> StoreResult<u64> {
    Ok(notification::Entity::find()
        .filter(addressed_to(user_id, department_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Mark one message read. Only a message addressed to the user or their
/// department can be marked; any other id is `NotFound`.
///
/// Read state is kept per message (`read_at`), not per reader: a department's
/// message read by one of its clerks counts as read for the whole department.
/// That is deliberate (the department handles it once) and keeps the table
/// simple; a per-reader table would be needed to track each clerk.
/// Notifications are not business records (no version), so this is a plain
/// conditional update, not an audited one.
pub async fn mark_read(
    db: &Db,
    user_id: &str,
    department_id: Option<&str>,
    id: &str,
) -> StoreResult<notification::Model> {
    let m = notification::Entity::find_by_id(id.to_string())
        .filter(addressed_to(user_id, department_id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    if m.read_at.is_some() {
        return Ok(m);
    }
    let t = now();
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(t))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(notification::Model {
        read_at: Some(t),
        ..m
    })
}

/// Mark every unread message of a user (and their department) read; returns how many.
pub async fn mark_all_read(
    db: &Db,
    user_id: &str,
    department_id: Option<&str>,
) -> StoreResult<u64> {
    let r = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now()))
        .filter(addressed_to(user_id, department_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

/// Mark read every unread message of a user (and their department) that
/// links to `link` (a case's page, `/cases/{id}`): opening or acting on the
/// case deals with them. Returns how many were marked.
pub async fn mark_read_linking(
    db: &Db,
    user_id: &str,
    department_id: Option<&str>,
    link: &str,
) -> StoreResult<u64> {
    let r = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now()))
        .filter(addressed_to(user_id, department_id))
        .filter(notification::Column::Link.eq(link))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}
