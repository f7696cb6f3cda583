//! One error type for every handler: JSON `{"code","message","details"}`
//! for the API, a friendly page for browsers (see `pages::PageError`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kechuang_domain::ErrorCode;
use kechuang_store::StoreError;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

/// Whether a path is answered in JSON (API, Open311) rather than a page.
pub fn is_machine_path(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/open311/")
}

/// The error body of every API error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. `invalid_uscc`, `stale_version`.
    pub code: String,
    /// What went wrong and what to do, in Chinese.
    pub message: String,
    /// Extra facts, e.g. field errors `{"fields": {"uscc": "..."}}`.
    #[schema(value_type = Object)]
    pub details: Value,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub details: Value,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: json!({}),
        }
    }
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "请先登录，或在请求头中提供有效的 API 令牌（Authorization: Bearer …）",
        )
    }
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "您的角色无权执行此操作，如需权限请联系平台管理员",
        )
    }
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "记录不存在，或您无权查看",
        )
    }
    /// Field errors from validation (HTTP 422). The code of the first field
    /// error is used when given, e.g. `invalid_uscc`.
    pub fn invalid(code: ErrorCode, fields: &[(&'static str, String)]) -> Self {
        let map: serde_json::Map<String, Value> = fields
            .iter()
            .map(|(k, v)| ((*k).to_string(), Value::String(v.clone())))
            .collect();
        let message = fields
            .first()
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| "输入有误".into());
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
            .with_details(json!({ "fields": map }))
    }
    /// A draft's validation failure (`validate()`'s `(code, fields)`) as a
    /// 422 with field errors; what the API and the pages both answer.
    pub fn from_fields((code, fields): (ErrorCode, Vec<(&'static str, String)>)) -> Self {
        Self::invalid(code, &fields)
    }
    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "服务器内部错误，请稍后重试；如持续出现请联系管理员",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Conflict { code, message } => {
                ApiError::new(StatusCode::CONFLICT, code, message)
            }
            StoreError::Forbidden { code, message } => {
                ApiError::new(StatusCode::FORBIDDEN, code, message)
            }
            StoreError::Rule { code, message } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
            }
            StoreError::Field {
                code,
                field,
                message,
            } => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message.clone())
                .with_details(json!({ "fields": { field: message } })),
            StoreError::Db(e) => ApiError::internal(e),
        }
    }
}

impl From<kechuang_store::PageError> for ApiError {
    fn from(e: kechuang_store::PageError) -> Self {
        ApiError::bad_request(ErrorCode::InvalidPage, e.0)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.as_str().into(),
            message: self.message,
            details: self.details,
        };
        (self.status, Json(body)).into_response()
    }
}
