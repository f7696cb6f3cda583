//! Firms' online applications for grant-to-equity support (先投后股申请), as
//! the funding departments handle them: the list with filters and export,
//! an application with its documents, the decision, and the documents of
//! either side. The firm's own side (applying, following its application)
//! is `service::firm`; both call the same store functions.

use kechuang_domain::auth::Permission;
use kechuang_store::entities::{grant_equity_application as app, grant_equity_document};
use kechuang_store::transfer::equity_applications::{self as store, ApplicationFilter};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::documents::DocumentView;
use super::{name_of, non_empty};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell};
use crate::forms::transfer::EquityDecisionDraft;
use crate::AppState;

/// An application with its firm's name and the agreement signed from it.
#[derive(Serialize, ToSchema)]
pub struct ApplicationView {
    #[serde(flatten)]
    pub application: app::Model,
    pub status_label: String,
    pub org_name: String,
    /// 据此签订的协议编号（已签协议时）
    pub agreement_no: String,
}

pub async fn views(s: &AppState, items: Vec<app::Model>) -> ApiResult<Vec<ApplicationView>> {
    let names = kechuang_store::names::of(
        &s.db,
        "orgs",
        items.iter().map(|a| a.org_id.clone()).collect::<Vec<_>>(),
    )
    .await?;
    let numbers = kechuang_store::transfer::equity::numbers_of(
        &s.db,
        items
            .iter()
            .filter_map(|a| a.agreement_id.clone())
            .collect(),
    )
    .await?;
    Ok(items
        .into_iter()
        .map(|a| ApplicationView {
            status_label: store::status_label(&a.status).into(),
            org_name: name_of(&names, &Some(a.org_id.clone())),
            agreement_no: name_of(&numbers, &a.agreement_id),
            application: a,
        })
        .collect())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationListQuery {
    /// 关键词：申请编号、项目名称、企业名称
    pub q: Option<String>,
    /// applied / approved / rejected / signed
    pub status: Option<String>,
    /// 企业 id
    pub org_id: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl ApplicationListQuery {
    pub fn filter(&self) -> ApiResult<ApplicationFilter> {
        let status = non_empty(&self.status);
        if let Some(x) = &status {
            if !store::STATUSES.iter().any(|(c, _)| c == x) {
                return Err(ApiError::bad_request(
                    kechuang_domain::ErrorCode::InvalidQuery,
                    "参数 status 只能是 applied、approved、rejected 或 signed",
                ));
            }
        }
        Ok(ApplicationFilter {
            q: non_empty(&self.q),
            status,
            org_id: non_empty(&self.org_id),
        })
    }
}

pub async fn list(
    s: &AppState,
    p: &Principal,
    q: &ApplicationListQuery,
) -> ApiResult<Page<ApplicationView>> {
    require(p, Permission::TransferRead)?;
    let page = store::list(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

pub async fn export_bytes(
    s: &AppState,
    p: &Principal,
    q: &ApplicationListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::TransferRead)?;
    let rows = views(s, store::list_all(&s.db, &q.filter()?, 100_000).await?).await?;
    excel::workbook(
        "先投后股申请",
        &[
            "申请编号",
            "企业",
            "项目名称",
            "申请资助（元）",
            "资金用途",
            "状态",
            "申请日期",
            "审批日期",
            "审批意见",
            "协议编号",
        ],
        rows.into_iter().map(|v| {
            let a = v.application;
            vec![
                Cell::Text(a.application_no),
                Cell::Text(v.org_name),
                Cell::Text(a.project_name),
                Cell::Money(a.requested_fen),
                Cell::Text(a.use_of_funds),
                Cell::Text(v.status_label),
                Cell::Date(a.applied_on),
                Cell::from(a.decided_on),
                Cell::Text(a.decision_note),
                Cell::Text(v.agreement_no),
            ]
        }),
    )
}

/// An application with its documents.
#[derive(Serialize, ToSchema)]
pub struct ApplicationDetail {
    pub application: ApplicationView,
    pub documents: Vec<DocumentView>,
}

/// The application a caller may read: staff of the area any, a firm its
/// own (another firm's is a 404).
pub(crate) async fn readable(s: &AppState, p: &Principal, id: &str) -> ApiResult<app::Model> {
    let a = store::get(&s.db, id).await?;
    if p.can(Permission::TransferRead) {
        return Ok(a);
    }
    require(p, Permission::FundingApply)?;
    if p.org_id.as_deref() != Some(a.org_id.as_str()) {
        return Err(ApiError::not_found());
    }
    Ok(a)
}

pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<ApplicationDetail> {
    let a = readable(s, p, id).await?;
    Ok(ApplicationDetail {
        documents: store::documents(&s.db, id)
            .await?
            .into_iter()
            .map(DocumentView::from)
            .collect(),
        application: views(s, vec![a]).await?.remove(0),
    })
}

/// Approve or reject (with its reason) at the version read.
pub async fn decide(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &EquityDecisionDraft,
) -> ApiResult<ApplicationView> {
    require(p, Permission::FundingWrite)?;
    let (approve, note, on) = d.validate().map_err(ApiError::from_fields)?;
    let m = store::decide(&s.db, &p.username, id, d.version, approve, note, on).await?;
    Ok(views(s, vec![m]).await?.remove(0))
}

/// Add a document: the funding department at any time, the firm to its own
/// application while it waits for the decision.
pub async fn attach_document(
    s: &AppState,
    p: &Principal,
    id: &str,
    u: crate::files::Upload,
) -> ApiResult<DocumentView> {
    if !p.can(Permission::FundingWrite) {
        let a = readable(s, p, id).await?;
        if p.can(Permission::TransferRead) {
            return Err(ApiError::forbidden());
        }
        if a.status != "applied" {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                kechuang_domain::ErrorCode::ApplicationState,
                format!(
                    "申请已是“{}”，不能再补充材料；如需补充请联系审批部门",
                    store::status_label(&a.status)
                ),
            ));
        }
    }
    Ok(store::attach(
        &s.db,
        &p.username,
        id,
        &u.filename,
        &u.content_type,
        &u.bytes,
    )
    .await?
    .into())
}

/// A document and its bytes.
pub async fn document(
    s: &AppState,
    p: &Principal,
    id: &str,
    doc: &str,
) -> ApiResult<(grant_equity_document::Model, Vec<u8>)> {
    readable(s, p, id).await?;
    Ok(store::document(&s.db, id, doc).await?)
}
