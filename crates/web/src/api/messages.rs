//! /api/v1/messages: in-app messages (站内消息), adapters over
//! `service::messages` (which tells how a department's read state is shared).

use axum::extract::State;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiPath, ApiQuery, ListPage};
use crate::api::Paging;
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::service::messages::{self as service, MessageQuery, MessageView, ReadAllView};
use crate::AppState;

/// 我的站内消息（本人及本部门），新的在前
#[utoipa::path(get, path = "/api/v1/messages", tag = "cases", params(MessageQuery, Paging),
    responses((status = 200, body = ListPage<MessageView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_messages(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<MessageQuery>,
) -> ApiResult<Json<ListPage<MessageView>>> {
    let pg = service::page(&s, &p, &q).await?;
    Ok(Json(ListPage::of(pg, MessageView::from)))
}

/// 标为已读（只能标记发给本人或本部门的消息，其他返回404）。部门消息由部门共享，一人已读即全部门已读
#[utoipa::path(post, path = "/api/v1/messages/{id}/read", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = MessageView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read_message(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<MessageView>> {
    Ok(Json(service::mark_read(&s, &p, &id).await?))
}

/// 全部标为已读（本人及本部门的未读消息）
#[utoipa::path(post, path = "/api/v1/messages/read-all", tag = "cases",
    responses((status = 200, body = ReadAllView), (status = 401, body = ErrorBody)))]
pub async fn read_all_messages(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<ReadAllView>> {
    let marked = service::mark_all_read(&s, &p).await?;
    Ok(Json(ReadAllView { marked }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_messages))
        .routes(routes!(read_all_messages))
        .routes(routes!(read_message))
}
