//! Threads between party-building assistants and instructors (工作沟通).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ListPage;
use crate::api::{ApiJson, ApiPath, ApiQuery, Paging};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::party::threads::{PostDraft, ThreadDraft};
use crate::service::party::threads::{
    self as service, ThreadDetailView, ThreadListQuery, ThreadView,
};
use crate::AppState;

/// 工作沟通列表（党建助手、党建指导员默认只看本人的沟通；含未读数）
#[utoipa::path(get, path = "/api/v1/party/threads", tag = "party", params(ThreadListQuery, Paging),
    responses((status = 200, body = ListPage<ThreadView>), (status = 403, body = ErrorBody)))]
pub async fn list_threads(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ThreadListQuery>,
) -> ApiResult<Json<ListPage<ThreadView>>> {
    Ok(Json(ListPage::of(
        service::list(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出工作沟通（Excel）
#[utoipa::path(get, path = "/api/v1/party/threads/export", tag = "party", params(ThreadListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_threads(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ThreadListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "工作沟通.xlsx",
        service::export_bytes(&s, &p, &q).await?,
    ))
}

/// 发起工作沟通（党建助手或党建指导员本人，附第一条留言）
#[utoipa::path(post, path = "/api/v1/party/threads", tag = "party", request_body = ThreadDraft,
    responses((status = 201, body = ThreadDetailView), (status = 403, description = "未关联党建助手或党建指导员档案（not_in_thread）", body = ErrorBody),
        (status = 422, description = "输入有误；双方须为一名党建助手和一名党建指导员（thread_roles）", body = ErrorBody)))]
pub async fn create_thread(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ThreadDraft>,
) -> ApiResult<(StatusCode, Json<ThreadDetailView>)> {
    let t = service::create(&s, &p, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::detail(&s, &p, &t.id).await?),
    ))
}

/// 工作沟通及全部留言（读取即标为本人已读）
#[utoipa::path(get, path = "/api/v1/party/threads/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = ThreadDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_thread(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ThreadDetailView>> {
    Ok(Json(service::detail(&s, &p, &id).await?))
}

/// 在工作沟通中留言（仅沟通双方）
#[utoipa::path(post, path = "/api/v1/party/threads/{id}/posts", tag = "party", params(("id" = String, Path)), request_body = PostDraft,
    responses((status = 201, body = ThreadDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "输入有误；不是沟通一方（not_in_thread）", body = ErrorBody)))]
pub async fn post_in_thread(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<PostDraft>,
) -> ApiResult<(StatusCode, Json<ThreadDetailView>)> {
    service::post(&s, &p, &id, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::detail(&s, &p, &id).await?),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_threads, create_thread))
        .routes(routes!(export_threads))
        .routes(routes!(get_thread))
        .routes(routes!(post_in_thread))
}
