//! Shared extractors and query helpers of the API, Open311 and the services:
//! JSON, query, path and multipart extractors whose rejections use the API
//! error format (400 `invalid_json`, `invalid_query`, `invalid_path`,
//! `invalid_upload`; 413 for an oversized body), and the readers of optional
//! text and true/false parameters.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use kechuang_domain::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};

/// JSON body whose rejections use the API error format (400 `invalid_json`).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(json_rejection(e)),
        }
    }
}

fn json_rejection(e: JsonRejection) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return crate::input::too_large();
    }
    match e {
        JsonRejection::MissingJsonContentType(_) => ApiError::bad_request(
            ErrorCode::InvalidJson,
            "请求体须为 JSON（Content-Type: application/json）",
        ),
        other => ApiError::bad_request(
            ErrorCode::InvalidJson,
            format!(
                "请求体不是有效的 JSON 或字段类型不符：{}",
                other.body_text()
            ),
        ),
    }
}

/// Query parameters whose rejections use the API error format (400 `invalid_query`).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(query_rejection(e)),
        }
    }
}

fn query_rejection(e: QueryRejection) -> ApiError {
    ApiError::bad_request(
        ErrorCode::InvalidQuery,
        format!("查询参数有误：{}", e.body_text()),
    )
}

/// Path parameters whose rejections use the API error format (400 `invalid_path`).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(e) => Err(ApiError::bad_request(
                ErrorCode::InvalidPath,
                format!("路径参数有误：{}", e.body_text()),
            )),
        }
    }
}

/// A multipart upload whose rejections use the API error format (400 `invalid_upload`).
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(ApiMultipart)
            .map_err(|e| {
                ApiError::bad_request(
                    ErrorCode::InvalidUpload,
                    format!("请以 multipart/form-data 上传文件：{}", e.body_text()),
                )
            })
    }
}

/// A query parameter with surrounding blanks removed; empty counts as absent.
pub fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// A true/false (or 1/0) query parameter; anything else is 400 `invalid_query`.
pub fn opt_bool(name: &str, v: &Option<String>) -> ApiResult<Option<bool>> {
    match non_empty(v).as_deref() {
        None => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(_) => Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("参数 {name} 只能是 true 或 false"),
        )),
    }
}
