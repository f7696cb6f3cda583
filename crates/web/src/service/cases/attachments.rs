//! Attachments on a case: their view and the upload.

use chrono::{DateTime, Utc};
use kechuang_domain::auth::Permission;
use kechuang_domain::ErrorCode;
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

/// A file from a multipart form's field `file`: its name, type and bytes.
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Read the field `file` of a multipart form (400 `invalid_upload` without it).
pub async fn read_upload(mut mp: axum::extract::Multipart) -> ApiResult<Upload> {
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request(ErrorCode::InvalidUpload, format!("上传失败：{e}")))?
    {
        if field.name() == Some("file") {
            let filename = field.file_name().unwrap_or("附件").to_string();
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            let bytes = field.bytes().await.map_err(|e| {
                ApiError::bad_request(ErrorCode::InvalidUpload, format!("上传失败：{e}"))
            })?;
            return Ok(Upload {
                filename,
                content_type,
                bytes: bytes.to_vec(),
            });
        }
    }
    Err(ApiError::bad_request(
        ErrorCode::InvalidUpload,
        "请选择要上传的文件（表单字段名 file）",
    ))
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
    let u = read_upload(mp).await?;
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
