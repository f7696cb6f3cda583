//! Robot webhooks (WeCom 企业微信, DingTalk 钉钉, Feishu 飞书) and the
//! outbox that delivers to them. A message is written to the outbox in the
//! same transaction as the change that caused it; delivery happens later,
//! with retries and backoff, so a failing webhook never blocks a case.
//! Rows are claimed with a lease, so one replica sends each message.

use chrono::{DateTime, Duration, Utc};
use kechuang_domain::ErrorCode;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{outbox, webhook};
use crate::{new_id, now, record, Db, StoreError, StoreResult};

/// After this many failed attempts a message is given up (status `failed`).
pub const MAX_ATTEMPTS: i32 = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookInput {
    pub name: String,
    /// wecom | dingtalk | feishu
    pub kind: String,
    pub url: String,
    pub department_id: Option<String>,
    pub active: bool,
}

pub const KINDS: [(&str, &str); 3] = [
    ("wecom", "企业微信群机器人"),
    ("dingtalk", "钉钉群机器人"),
    ("feishu", "飞书群机器人"),
];

fn check(i: &WebhookInput) -> StoreResult<()> {
    if !KINDS.iter().any(|(k, _)| *k == i.kind) {
        return Err(StoreError::rule(
            ErrorCode::InvalidKind,
            "机器人类型只能是企业微信、钉钉或飞书",
        ));
    }
    if !(i.url.starts_with("https://") || i.url.starts_with("http://")) || i.url.len() > 500 {
        return Err(StoreError::rule(
            ErrorCode::InvalidUrl,
            "请填写机器人的 Webhook 地址（http:// 或 https:// 开头）",
        ));
    }
    if i.name.trim().is_empty() {
        return Err(StoreError::rule(ErrorCode::InvalidName, "请填写名称"));
    }
    Ok(())
}

fn apply(am: &mut webhook::ActiveModel, i: WebhookInput) {
    am.name = Set(i.name);
    am.kind = Set(i.kind);
    am.url = Set(i.url);
    am.department_id = Set(i.department_id);
    am.active = Set(i.active);
}

pub async fn webhooks(db: &Db) -> StoreResult<Vec<webhook::Model>> {
    Ok(webhook::Entity::find()
        .order_by_asc(webhook::Column::Name)
        .all(db)
        .await?)
}

pub async fn create_webhook(db: &Db, actor: &str, i: WebhookInput) -> StoreResult<webhook::Model> {
    check(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let mut am = webhook::ActiveModel {
        ..Default::default()
    };
    apply(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update_webhook(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: WebhookInput,
) -> StoreResult<webhook::Model> {
    check(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = webhook::Entity::find_by_id(id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let m = record::update(&tx, actor, "update", before, version, |am| apply(am, i)).await?;
    tx.commit().await?;
    Ok(m)
}

/// The robots that are switched on (each message goes to those of its
/// department and to those without one).
pub async fn active_webhooks<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<webhook::Model>> {
    Ok(webhook::Entity::find()
        .filter(webhook::Column::Active.eq(true))
        .all(db)
        .await?)
}

/// One message for one robot, due now.
pub fn message(
    hook: &webhook::Model,
    title: &str,
    body: &str,
    link: &str,
    t: DateTime<Utc>,
) -> outbox::ActiveModel {
    outbox::ActiveModel {
        id: Set(new_id()),
        webhook_id: Set(hook.id.clone()),
        title: Set(title.chars().take(200).collect()),
        body: Set(body.into()),
        link: Set(link.chars().take(300).collect()),
        status: Set("pending".into()),
        attempts: Set(0),
        next_attempt_at: Set(t),
        lease_until: Set(None),
        leased_by: Set(String::new()),
        last_error: Set(None),
        created_at: Set(t),
        sent_at: Set(None),
    }
}

/// Claim up to `limit` due messages for this replica (a 60-second lease).
pub async fn claim(
    db: &Db,
    replica: &str,
    limit: u64,
) -> StoreResult<Vec<(outbox::Model, webhook::Model)>> {
    let t = now();
    let free = || {
        Condition::any()
            .add(outbox::Column::LeaseUntil.is_null())
            .add(outbox::Column::LeaseUntil.lt(t))
    };
    let due = outbox::Entity::find()
        .filter(outbox::Column::Status.eq("pending"))
        .filter(outbox::Column::NextAttemptAt.lte(t))
        .filter(free())
        .order_by_asc(outbox::Column::NextAttemptAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut out = vec![];
    for m in due {
        let taken = outbox::Entity::update_many()
            .col_expr(
                outbox::Column::LeaseUntil,
                Expr::value(t + Duration::seconds(60)),
            )
            .col_expr(outbox::Column::LeasedBy, Expr::value(replica))
            .filter(outbox::Column::Id.eq(m.id.clone()))
            .filter(outbox::Column::Status.eq("pending"))
            .filter(free())
            .exec(db)
            .await?;
        if taken.rows_affected == 1 {
            if let Some(h) = webhook::Entity::find_by_id(m.webhook_id.clone())
                .one(db)
                .await?
            {
                out.push((m, h));
            }
        }
    }
    Ok(out)
}

pub async fn mark_sent(db: &Db, id: &str) -> StoreResult<()> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value("sent"))
        .col_expr(outbox::Column::SentAt, Expr::value(now()))
        .col_expr(
            outbox::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Record a failed attempt: retry later with exponential backoff (30 s,
/// 1 min, 2 min … capped at 1 h), or give up after [`MAX_ATTEMPTS`].
pub async fn mark_failed(db: &Db, m: &outbox::Model, error: &str) -> StoreResult<()> {
    let attempts = m.attempts + 1;
    let wait = Duration::seconds((30i64 << (attempts - 1).clamp(0, 7)).min(3600));
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Attempts, Expr::value(attempts))
        .col_expr(
            outbox::Column::Status,
            Expr::value(if attempts >= MAX_ATTEMPTS {
                "failed"
            } else {
                "pending"
            }),
        )
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(now() + wait))
        .col_expr(
            outbox::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            outbox::Column::LastError,
            Expr::value(error.chars().take(1000).collect::<String>()),
        )
        .filter(outbox::Column::Id.eq(m.id.clone()))
        .exec(db)
        .await?;
    Ok(())
}

/// The newest deliveries (for the administrator's page).
pub async fn recent(db: &Db, limit: u64) -> StoreResult<Vec<outbox::Model>> {
    deliveries(db, None, None, limit).await
}

/// The newest deliveries of one robot and / or in one status
/// (`pending`, `sent`, `failed`), at most `limit`.
pub async fn deliveries(
    db: &Db,
    webhook_id: Option<&str>,
    status: Option<&str>,
    limit: u64,
) -> StoreResult<Vec<outbox::Model>> {
    let mut q = outbox::Entity::find();
    if let Some(w) = webhook_id {
        q = q.filter(outbox::Column::WebhookId.eq(w));
    }
    if let Some(s) = status {
        q = q.filter(outbox::Column::Status.eq(s));
    }
    Ok(q.order_by_desc(outbox::Column::CreatedAt)
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
