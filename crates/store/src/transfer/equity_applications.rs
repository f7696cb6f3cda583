//! A firm's online application for grant-to-equity support (先投后股申请):
//! numbered on receipt (XTHG-2026-003), waiting on the funding departments'
//! desk with the documents the firm attaches, decided (通过 / 不予通过 with
//! its reason, told to the firm in its messages), and closed by the
//! agreement signed from it ([`super::equity::create`] with the
//! application's id), which the firm then sees among its agreements.

use chrono::NaiveDate;
use kechuang_domain::money::Money;
use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use crate::entities::{grant_equity_application as app, grant_equity_document as doc, org};
use crate::orgs::require_org;
use crate::{record, Db, Page, PageReq, StoreError, StoreResult};

/// Application states.
pub const STATUSES: [(&str, &str); 4] = [
    ("applied", "待审批"),
    ("approved", "已通过，待签协议"),
    ("rejected", "未通过"),
    ("signed", "已签协议"),
];

pub fn status_label(s: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(c, _)| *c == s)
        .map(|(_, l)| *l)
        .unwrap_or("未知")
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApplicationInput {
    pub org_id: String,
    /// The firm's own account.
    pub applied_by: String,
    pub project_name: String,
    pub summary: String,
    pub requested_fen: i64,
    pub use_of_funds: String,
    pub applied_on: NaiveDate,
}

#[derive(Clone, Debug, Default)]
pub struct ApplicationFilter {
    /// 申请编号、项目名称或企业名称
    pub q: Option<String>,
    pub status: Option<String>,
    /// One firm's applications.
    pub org_id: Option<String>,
}

fn filtered(f: &ApplicationFilter) -> Select<app::Entity> {
    use app::Column as C;
    let mut q = app::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::ApplicationNo, t))
                .add(crate::like::contains(C::ProjectName, t))
                .add(
                    C::OrgId.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(org::Column::Id)
                            .from(org::Entity)
                            .and_where(crate::like::contains(org::Column::Name, t))
                            .to_owned(),
                    ),
                ),
        );
    }
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(C::Status.eq(s));
    }
    if let Some(o) = &f.org_id {
        q = q.filter(C::OrgId.eq(o.clone()));
    }
    q.order_by_desc(C::AppliedOn)
        .order_by_desc(C::ApplicationNo)
}

pub async fn list(db: &Db, f: &ApplicationFilter, p: PageReq) -> StoreResult<Page<app::Model>> {
    crate::page::fetch(db, filtered(f), p).await
}

pub async fn list_all(db: &Db, f: &ApplicationFilter, cap: u64) -> StoreResult<Vec<app::Model>> {
    Ok(filtered(f).limit(cap).all(db).await?)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<app::Model> {
    app::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

fn expect_status(a: &app::Model, s: &str, what: &str) -> StoreResult<()> {
    if a.status != s {
        return Err(StoreError::rule(
            ErrorCode::ApplicationState,
            format!("申请当前为“{}”，不能{what}", status_label(&a.status)),
        ));
    }
    Ok(())
}

/// The next number of the year an application was made in: XTHG-2026-003.
async fn next_no<C: ConnectionTrait>(tx: &C, on: NaiveDate) -> StoreResult<String> {
    use chrono::Datelike;
    let prefix = format!("XTHG-{}-", on.year());
    let taken: Vec<String> = app::Entity::find()
        .select_only()
        .column(app::Column::ApplicationNo)
        .filter(app::Column::ApplicationNo.starts_with(prefix.as_str()))
        .into_tuple()
        .all(tx)
        .await?;
    Ok(super::next_number(&prefix, &taken))
}

/// Receive an application; the funding departments get a message with a link.
pub async fn apply(db: &Db, actor: &str, i: ApplicationInput) -> StoreResult<app::Model> {
    if i.requested_fen <= 0 || i.project_name.trim().is_empty() {
        return Err(StoreError::rule(
            ErrorCode::InvalidAmount,
            "请填写项目名称和大于 0 的申请金额",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let firm = require_org(&tx, &i.org_id, "申请企业").await?;
    let m = record::insert(
        &tx,
        actor,
        app::ActiveModel {
            application_no: Set(next_no(&tx, i.applied_on).await?),
            org_id: Set(i.org_id),
            applied_by: Set(i.applied_by),
            project_name: Set(i.project_name.trim().into()),
            summary: Set(i.summary.trim().into()),
            requested_fen: Set(i.requested_fen),
            use_of_funds: Set(i.use_of_funds.trim().into()),
            status: Set("applied".into()),
            applied_on: Set(i.applied_on),
            decided_on: Set(None),
            decision_note: Set(String::new()),
            agreement_id: Set(None),
            ..Default::default()
        },
    )
    .await?;
    let notes = crate::departments::funding_ids(&tx)
        .await?
        .into_iter()
        .map(|d| crate::cases::Note {
            department_id: Some(d),
            user_id: None,
            title: format!("企业在线申请先投后股：{}", firm.name),
            body: format!(
                "{}（{}）申请资助 {} 元，请审批。",
                m.project_name,
                firm.name,
                Money::from_fen(m.requested_fen)
            ),
            link: format!("/transfer/grant-equity-applications/{}", m.id),
        })
        .collect();
    let hooks = crate::outbox::active_webhooks(&tx).await?;
    crate::cases::notify_many(&tx, &hooks, notes).await?;
    tx.commit().await?;
    Ok(m)
}

/// Approve (the agreement is signed afterwards) or reject with a reason;
/// the firm's account is told either way.
pub async fn decide(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    approve: bool,
    note: String,
    on: NaiveDate,
) -> StoreResult<app::Model> {
    let note = note.trim().to_string();
    if !approve && note.is_empty() {
        return Err(StoreError::rule(
            ErrorCode::ReasonRequired,
            "不予通过时请填写理由",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let a = get(&tx, id).await?;
    expect_status(&a, "applied", "审批")?;
    if on < a.applied_on {
        return Err(StoreError::rule(
            ErrorCode::InvalidPeriod,
            "审批日期不能早于申请日期",
        ));
    }
    let m = record::update(
        &tx,
        actor,
        if approve { "approve" } else { "reject" },
        a,
        version,
        |am: &mut app::ActiveModel| {
            am.status = Set(if approve { "approved" } else { "rejected" }.into());
            am.decided_on = Set(Some(on));
            am.decision_note = Set(note.clone());
        },
    )
    .await?;
    let (title, body) = if approve {
        (
            format!("先投后股申请 {} 已审批通过", m.application_no),
            match note.as_str() {
                "" => "请等待签订先投后股协议。".to_string(),
                n => format!("审批意见：{n}。请等待签订先投后股协议。"),
            },
        )
    } else {
        (
            format!("先投后股申请 {} 未通过", m.application_no),
            format!("理由：{note}"),
        )
    };
    crate::cases::notify(
        &tx,
        None,
        Some(m.applied_by.clone()),
        title,
        body,
        format!("/firm/equity/{}", m.id),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Close an approved application with the agreement signed from it (called
/// inside the agreement's own write): the firm must be the agreement's.
pub(super) async fn sign<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    id: &str,
    agreement: &crate::entities::grant_equity::Model,
) -> StoreResult<()> {
    let a = get(tx, id).await.map_err(|e| match e {
        StoreError::NotFound => {
            StoreError::rule(ErrorCode::ApplicationState, "关联的先投后股申请不存在")
        }
        other => other,
    })?;
    expect_status(&a, "approved", "签订协议")?;
    if a.org_id != agreement.org_id {
        return Err(StoreError::rule(
            ErrorCode::ApplicationState,
            "协议的受资助企业与申请企业不一致",
        ));
    }
    let version = a.version;
    let m = record::update(
        tx,
        actor,
        "sign",
        a,
        version,
        |am: &mut app::ActiveModel| {
            am.status = Set("signed".into());
            am.agreement_id = Set(Some(agreement.id.clone()));
        },
    )
    .await?;
    crate::cases::notify(
        tx,
        None,
        Some(m.applied_by.clone()),
        format!("先投后股申请 {} 已签订协议", m.application_no),
        format!(
            "协议编号 {}，资助 {} 元。",
            agreement.agreement_no,
            Money::from_fen(agreement.grant_fen)
        ),
        format!("/firm/equity/{}", m.id),
    )
    .await
}

// ---- documents ----

/// Attach a document (business plan, patents, financial statements…).
pub async fn attach(
    db: &Db,
    actor: &str,
    application_id: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> StoreResult<doc::Model> {
    let file = crate::files::check(filename, content_type, bytes)?;
    let tx = crate::db::begin_write(db).await?;
    let a = get(&tx, application_id).await?;
    let m = super::documents::attach::<doc::Entity, _>(
        &tx,
        a.id,
        actor,
        file,
        bytes,
        "每份申请最多20份材料",
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// An application's documents, oldest first.
pub async fn documents<C: ConnectionTrait>(
    db: &C,
    application_id: &str,
) -> StoreResult<Vec<doc::Model>> {
    super::documents::list::<doc::Entity, _>(db, application_id).await
}

/// A document of an application and its bytes.
pub async fn document(
    db: &Db,
    application_id: &str,
    id: &str,
) -> StoreResult<(doc::Model, Vec<u8>)> {
    super::documents::read::<doc::Entity>(db, application_id, id).await
}
