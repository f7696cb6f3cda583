//! Joint and monthly coordination meetings, their decisions as the annual key-item list (年度重点事项) with milestones, and agendas that pick up overdue or at-risk items.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ListPage;
use crate::api::{ApiJson, ApiPath, ApiQuery, Paging};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::party::meetings::{
    DoneDraft, KeyItemDraft, MeetingDraft, MilestoneDraft, ProgressDraft,
};
use crate::service::party::key_item_sheets as sheets;
use crate::service::party::meetings::{
    self as service, KeyItemDetailView, KeyItemListQuery, KeyItemView, MeetingDetailView,
    MeetingListQuery, MeetingView,
};
use crate::AppState;

/// 下载年度重点事项清单导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/party/key-items/import/template", tag = "party",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn key_items_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "年度重点事项导入模板.xlsx",
        sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入年度重点事项清单（可含标题行）：先校验全部行，有错则整体不导入。节点安排每行一个“标题（2026年6月30日）”，已完成的写“标题（2026年6月30日，2026年6月28日完成）”；工作进度“60%”或“60%，说明”；完成情况“已完成（2026年5月20日）”记为已完成；责任单位按部门名称或编码；来源会议按会议名称，重名写“名称（会议日期）”
#[utoipa::path(post, path = "/api/v1/party/key-items/import", tag = "party",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_key_items(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    upload: crate::api::ApiMultipart,
) -> ApiResult<Json<excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::PartyWrite)?;
    crate::api::imported(upload, |bytes| async move {
        sheets::import_bytes(&s, &p, &bytes).await
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub struct MeetingUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub meeting: MeetingDraft,
}

#[derive(Deserialize, ToSchema)]
pub struct KeyItemUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub item: KeyItemDraft,
}

/// 会议列表（联席会议、月度碰头会），新的在前
#[utoipa::path(get, path = "/api/v1/party/meetings", tag = "party", params(MeetingListQuery, Paging),
    responses((status = 200, body = ListPage<MeetingView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_meetings(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<MeetingListQuery>,
) -> ApiResult<Json<ListPage<MeetingView>>> {
    Ok(Json(ListPage::of(
        service::list_meetings(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出会议列表（Excel）
#[utoipa::path(get, path = "/api/v1/party/meetings/export", tag = "party", params(MeetingListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_meetings(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<MeetingListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "会议.xlsx",
        service::meetings_export_bytes(&s, &p, &q).await?,
    ))
}

/// 新建会议：自动把会议当日逾期或有逾期风险的未完成重点事项列入议程
#[utoipa::path(post, path = "/api/v1/party/meetings", tag = "party", request_body = MeetingDraft,
    responses((status = 201, body = MeetingDetailView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_meeting(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<MeetingDraft>,
) -> ApiResult<(StatusCode, Json<MeetingDetailView>)> {
    let m = service::create_meeting(&s, &p, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::meeting_detail_view(&s, &m.id).await?),
    ))
}

/// 会议详情：议程（逾期、有风险的重点事项）和本次会议形成的重点事项
#[utoipa::path(get, path = "/api/v1/party/meetings/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = MeetingDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_meeting(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<MeetingDetailView>> {
    Ok(Json(service::meeting_detail(&s, &p, &id).await?))
}

/// 修改会议记录（议程保持创建时的内容）
#[utoipa::path(put, path = "/api/v1/party/meetings/{id}", tag = "party", params(("id" = String, Path)), request_body = MeetingUpdate,
    responses((status = 200, body = MeetingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_meeting(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<MeetingUpdate>,
) -> ApiResult<Json<MeetingView>> {
    let m = service::update_meeting(&s, &p, &id, u.version, &u.meeting).await?;
    Ok(Json(service::meeting_view_by_id(&s, &m.id).await?))
}

/// 把会议决定列入年度重点事项清单（节点安排每行一个“标题 YYYY-MM-DD”）
#[utoipa::path(post, path = "/api/v1/party/meetings/{id}/key-items", tag = "party", params(("id" = String, Path)), request_body = KeyItemDraft,
    responses((status = 201, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide_key_item(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<KeyItemDraft>,
) -> ApiResult<(StatusCode, Json<KeyItemView>)> {
    let r = service::create_key_item(&s, &p, Some(&id), &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::key_item_view(&s, r).await?),
    ))
}

/// 年度重点事项清单：按年度（默认今年）、状态、责任单位、逾期/风险筛选，按完成时限排序
#[utoipa::path(get, path = "/api/v1/party/key-items", tag = "party", params(KeyItemListQuery, Paging),
    responses((status = 200, body = ListPage<KeyItemView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_key_items(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<KeyItemListQuery>,
) -> ApiResult<Json<ListPage<KeyItemView>>> {
    Ok(Json(ListPage::of(
        service::list_key_items(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出年度重点事项清单（Excel：标题行“YYYY年度重点事项清单”，列为序号、重点事项、责任单位、责任人、完成时限、节点安排、工作进度、完成情况、来源会议、会议决定、年度；可原样导入）
#[utoipa::path(get, path = "/api/v1/party/key-items/export", tag = "party", params(KeyItemListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_key_items(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<KeyItemListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "年度重点事项清单.xlsx",
        sheets::export_bytes(&s, &p, &q).await?,
    ))
}

/// 新增重点事项（可指定来源会议 meeting_id）
#[utoipa::path(post, path = "/api/v1/party/key-items", tag = "party", request_body = KeyItemDraft,
    responses((status = 201, body = KeyItemView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_key_item(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<KeyItemDraft>,
) -> ApiResult<(StatusCode, Json<KeyItemView>)> {
    let r = service::create_key_item(&s, &p, None, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::key_item_view(&s, r).await?),
    ))
}

/// 重点事项详情：节点、进度、今日状态，以及列入过哪些会议的议程
#[utoipa::path(get, path = "/api/v1/party/key-items/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = KeyItemDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_key_item(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<KeyItemDetailView>> {
    Ok(Json(service::key_item_detail(&s, &p, &id).await?))
}

/// 修改重点事项（名称、责任人、责任单位、会议决定、完成时限、年度；节点另行维护）
#[utoipa::path(put, path = "/api/v1/party/key-items/{id}", tag = "party", params(("id" = String, Path)), request_body = KeyItemUpdate,
    responses((status = 200, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_key_item(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<KeyItemUpdate>,
) -> ApiResult<Json<KeyItemView>> {
    service::update_key_item(&s, &p, &id, u.version, &u.item).await?;
    Ok(Json(service::view_of(&s, &id).await?))
}

/// 更新工作进度（0～100%）和进展情况；version 为事项的当前版本
#[utoipa::path(post, path = "/api/v1/party/key-items/{id}/progress", tag = "party", params(("id" = String, Path)), request_body = ProgressDraft,
    responses((status = 200, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "进度不在 0～100，或事项已完成（key_item_done）", body = ErrorBody)))]
pub async fn report_progress(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ProgressDraft>,
) -> ApiResult<Json<KeyItemView>> {
    service::progress(&s, &p, &id, &d).await?;
    Ok(Json(service::view_of(&s, &id).await?))
}

/// 标记重点事项完成（所有节点须已完成；进度记为 100%）
#[utoipa::path(post, path = "/api/v1/party/key-items/{id}/done", tag = "party", params(("id" = String, Path)), request_body = DoneDraft,
    responses((status = 200, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "还有未完成的节点（milestones_open）、已完成或日期在未来", body = ErrorBody)))]
pub async fn complete_key_item(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<DoneDraft>,
) -> ApiResult<Json<KeyItemView>> {
    service::complete(&s, &p, &id, &d).await?;
    Ok(Json(service::view_of(&s, &id).await?))
}

/// 给重点事项增加一个节点（不晚于完成时限）
#[utoipa::path(post, path = "/api/v1/party/key-items/{id}/milestones", tag = "party", params(("id" = String, Path)), request_body = MilestoneDraft,
    responses((status = 201, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_milestone(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<MilestoneDraft>,
) -> ApiResult<(StatusCode, Json<KeyItemView>)> {
    service::add_milestone(&s, &p, &id, &d).await?;
    Ok((StatusCode::CREATED, Json(service::view_of(&s, &id).await?)))
}

/// 标记节点完成；version 为节点的当前版本
#[utoipa::path(post, path = "/api/v1/party/key-items/{id}/milestones/{milestone_id}/done", tag = "party",
    params(("id" = String, Path), ("milestone_id" = String, Path)), request_body = DoneDraft,
    responses((status = 200, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn complete_milestone(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, milestone_id)): ApiPath<(String, String)>,
    ApiJson(d): ApiJson<DoneDraft>,
) -> ApiResult<Json<KeyItemView>> {
    service::milestone_done(&s, &p, &id, &milestone_id, &d).await?;
    Ok(Json(service::view_of(&s, &id).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_meetings, create_meeting))
        .routes(routes!(export_meetings))
        .routes(routes!(get_meeting, update_meeting))
        .routes(routes!(decide_key_item))
        .routes(routes!(list_key_items, create_key_item))
        .routes(routes!(export_key_items))
        .routes(routes!(key_items_template))
        .routes(routes!(import_key_items))
        .routes(routes!(get_key_item, update_key_item))
        .routes(routes!(report_progress))
        .routes(routes!(complete_key_item))
        .routes(routes!(add_milestone))
        .routes(routes!(complete_milestone))
}
