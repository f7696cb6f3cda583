//! Attachments on a case: their view and the upload.

use chrono::{DateTime, Utc};
use kechuang_domain::auth::Permission;
use kechuang_store::cases;
use kechuang_store::Principal;
use serde::Serialize;
use utoipa::ToSchema;

use super::actor;
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    /// 字节数
    pub size: i64,
    /// SHA-256（十六进制）
    pub sha256: String,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
    /// 下载地址
    pub url: String,
}

impl From<kechuang_store::entities::attachment::Model> for AttachmentView {
    fn from(a: kechuang_store::entities::attachment::Model) -> Self {
        AttachmentView {
            url: format!("/api/v1/cases/{}/attachments/{}", a.case_id, a.id),
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            uploaded_by: a.uploaded_by,
            created_at: a.created_at,
        }
    }
}

/// Store an uploaded file on a case, for anyone who works on or raised it.
pub async fn upload_attachment(
    s: &AppState,
    p: &Principal,
    id: &str,
    mp: axum::extract::Multipart,
) -> ApiResult<kechuang_store::entities::attachment::Model> {
    require(p, Permission::CasesRead)?;
    if !(p.can(Permission::CasesCreate)
        || p.can(Permission::CasesHandle)
        || p.can(Permission::CasesTriage))
    {
        return Err(ApiError::forbidden());
    }
    let u = crate::files::read_upload(mp, crate::files::MISSING_FILE).await?;
    Ok(cases::attach(
        &s.db,
        &p.scope,
        &actor(p),
        id,
        &u.filename,
        &u.content_type,
        &u.bytes,
    )
    .await?)
}
