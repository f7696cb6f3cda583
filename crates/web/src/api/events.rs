//! /api/v1/events: the event calendar, series, registrations and tickets,
//! check-in and walk-ins, outcomes and reach (tag `events`). Thin adapters
//! over `service::events`, which the pages call too.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery, ListPage, Paging, VersionParam};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::events::{
    CheckinDraft, EventDraft, OutcomeDraft, ReasonDraft, RegistrationDraft, SeriesDraft,
};
use crate::service::event_sheets as sheets;
use crate::service::events::{
    self as service, CalendarEventView, CancelledRegistrationView, CheckinView, EventDetailView,
    EventFeedsView, EventListQuery, EventOutcomeView, ReachAttendanceView, ReachEventsView,
    ReachQuery, ReachView, RegistrationListQuery, RegistrationView, SeriesDetailView, SeriesView,
    TicketView,
};
use crate::AppState;

/// An event's new content, with the version the editor saw.
#[derive(Deserialize, ToSchema)]
pub struct EventUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub event: EventDraft,
}

/// 活动列表：按关键词、类型、状态、系列、日期、主办筛选；草稿仅主办方可见
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(EventListQuery, Paging),
    responses((status = 200, body = ListPage<CalendarEventView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_events(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<EventListQuery>,
) -> ApiResult<Json<ListPage<CalendarEventView>>> {
    Ok(Json(ListPage::of(
        service::list_events(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出活动台账（Excel；可原样导入：已确认、候补、待审核、已签到由报名统计，导入时不读）
#[utoipa::path(get, path = "/api/v1/events/export", tag = "events", params(EventListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_events(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<EventListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "活动.xlsx",
        sheets::export_bytes(&s, &p, &q).await?,
    ))
}

/// 下载活动台账导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/events/import/template", tag = "events",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn events_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "活动导入模板.xlsx",
        sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入活动台账：先校验全部行，有错则整体不导入（类型、状态按中文名；系列、所属联盟按名称；主办、协办为部门名称或编码、单位全称或统一社会信用代码，以“、”分隔；时间写“09:00～17:00”或“09:00起”，全天留空；已取消的写取消原因）
#[utoipa::path(post, path = "/api/v1/events/import", tag = "events",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_events(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    upload: crate::api::ApiMultipart,
) -> ApiResult<Json<excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::EventsWrite)?;
    crate::api::imported(upload, |bytes| async move {
        sheets::import_bytes(&s, &p, &bytes).await
    })
    .await
}

/// 新建活动（草稿）；发布前须有主办方
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventDraft,
    responses((status = 201, body = EventDetailView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_event(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<EventDraft>,
) -> ApiResult<(StatusCode, Json<EventDetailView>)> {
    let m = service::create_event(&s, &p, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::event_detail(&s, &p, &m.id).await?),
    ))
}

/// 活动详情：主办协办、报名人数、成效
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", params(("id" = String, Path)),
    responses((status = 200, body = EventDetailView), (status = 404, body = ErrorBody)))]
pub async fn get_event(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<EventDetailView>> {
    Ok(Json(service::event_detail(&s, &p, &id).await?))
}

/// 修改活动；已发布活动的报名人收到站内消息
#[utoipa::path(put, path = "/api/v1/events/{id}", tag = "events", params(("id" = String, Path)), request_body = EventUpdate,
    responses((status = 200, body = EventDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_event(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<EventUpdate>,
) -> ApiResult<Json<EventDetailView>> {
    service::update_event(&s, &p, &id, u.version, &u.event).await?;
    Ok(Json(service::event_detail(&s, &p, &id).await?))
}

/// 删除草稿（已发布的活动请取消）
#[utoipa::path(delete, path = "/api/v1/events/{id}", tag = "events", params(("id" = String, Path), VersionParam),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_event(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(v): ApiQuery<VersionParam>,
) -> ApiResult<StatusCode> {
    service::delete_event(&s, &p, &id, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 发布活动
#[utoipa::path(post, path = "/api/v1/events/{id}/publish", tag = "events", params(("id" = String, Path)), request_body = VersionParam,
    responses((status = 200, body = EventDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn publish_event(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(v): ApiJson<VersionParam>,
) -> ApiResult<Json<EventDetailView>> {
    service::publish_event(&s, &p, &id, v.version).await?;
    Ok(Json(service::event_detail(&s, &p, &id).await?))
}

/// 取消活动（须填原因）；报名人收到站内消息
#[utoipa::path(post, path = "/api/v1/events/{id}/cancel", tag = "events", params(("id" = String, Path)), request_body = ReasonDraft,
    responses((status = 200, body = EventDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn cancel_event(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ReasonDraft>,
) -> ApiResult<Json<EventDetailView>> {
    service::cancel_event(&s, &p, &id, &d).await?;
    Ok(Json(service::event_detail(&s, &p, &id).await?))
}

/// 报名：代表已登记单位（org_id）或未登记单位（名称和统一社会信用代码）；需审核时为待审核，满员时为候补；企业账号只能为本单位报名
#[utoipa::path(post, path = "/api/v1/events/{id}/registrations", tag = "events", params(("id" = String, Path)), request_body = RegistrationDraft,
    responses((status = 201, body = RegistrationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn register(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<RegistrationDraft>,
) -> ApiResult<(StatusCode, Json<RegistrationView>)> {
    let m = service::register(&s, &p, &id, &d).await?;
    Ok((StatusCode::CREATED, Json(service::registration_view(m))))
}

/// 签到：扫码或输入票码；重复签到返回首次签到时间，不作改动
#[utoipa::path(post, path = "/api/v1/events/{id}/checkin", tag = "events", params(("id" = String, Path)), request_body = CheckinDraft,
    responses((status = 200, body = CheckinView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn check_in(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<CheckinDraft>,
) -> ApiResult<Json<CheckinView>> {
    Ok(Json(service::check_in(&s, &p, &id, &d).await?))
}

/// 现场登记（未报名直接到场，登记即签到）
#[utoipa::path(post, path = "/api/v1/events/{id}/walk-ins", tag = "events", params(("id" = String, Path)), request_body = RegistrationDraft,
    responses((status = 201, body = RegistrationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn walk_in(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<RegistrationDraft>,
) -> ApiResult<(StatusCode, Json<RegistrationView>)> {
    let m = service::walk_in(&s, &p, &id, &d).await?;
    Ok((StatusCode::CREATED, Json(service::registration_view(m))))
}

/// 记录活动成效（签约项目、收集诉求、对接线索）
#[utoipa::path(post, path = "/api/v1/events/{id}/outcomes", tag = "events", params(("id" = String, Path)), request_body = OutcomeDraft,
    responses((status = 201, body = EventOutcomeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_outcome(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<OutcomeDraft>,
) -> ApiResult<(StatusCode, Json<EventOutcomeView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::add_outcome(&s, &p, &id, &d).await?),
    ))
}

/// 删除一条成效记录
#[utoipa::path(delete, path = "/api/v1/events/outcomes/{id}", tag = "events", params(("id" = String, Path), VersionParam),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_outcome(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(v): ApiQuery<VersionParam>,
) -> ApiResult<StatusCode> {
    service::delete_outcome(&s, &p, &id, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 报名列表：主办方看所管活动的报名，报名人看自己提交的，企业看本单位的
#[utoipa::path(get, path = "/api/v1/events/registrations", tag = "events", params(RegistrationListQuery, Paging),
    responses((status = 200, body = ListPage<RegistrationView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_registrations(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<RegistrationListQuery>,
) -> ApiResult<Json<ListPage<RegistrationView>>> {
    Ok(Json(ListPage::of(
        service::list_registrations(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出报名列表（Excel）
#[utoipa::path(get, path = "/api/v1/events/registrations/export", tag = "events", params(RegistrationListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_registrations(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<RegistrationListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "活动报名.xlsx",
        crate::service::registration_sheets::export_bytes(&s, &p, &q).await?,
    ))
}

/// 下载报名名单导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/events/registrations/import/template", tag = "events",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn registrations_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "报名导入模板.xlsx",
        crate::service::registration_sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入报名名单：先校验全部行，有错则整体不导入（活动按名称，同名活动写“名称（开始日期）”；单位为单位全称或统一社会信用代码，未登记单位写名称和信用代码；领域、状态按中文名，状态留空按报名规则排定；票码留空则新发；报名时间、签到时间为北京时间）
#[utoipa::path(post, path = "/api/v1/events/registrations/import", tag = "events",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_registrations(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    upload: crate::api::ApiMultipart,
) -> ApiResult<Json<excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::EventsWrite)?;
    crate::api::imported(upload, |bytes| async move {
        crate::service::registration_sheets::import_bytes(&s, &p, &bytes).await
    })
    .await
}

/// 电子票：票码和二维码（SVG）
#[utoipa::path(get, path = "/api/v1/events/registrations/{id}/ticket", tag = "events", params(("id" = String, Path)),
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody)))]
pub async fn ticket(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<TicketView>> {
    Ok(Json(service::ticket(&s, &p, &id).await?))
}

/// 审核通过（名额已满时转为候补）
#[utoipa::path(post, path = "/api/v1/events/registrations/{id}/approve", tag = "events", params(("id" = String, Path)), request_body = VersionParam,
    responses((status = 200, body = RegistrationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn approve_registration(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(v): ApiJson<VersionParam>,
) -> ApiResult<Json<RegistrationView>> {
    let m = service::approve_registration(&s, &p, &id, v.version).await?;
    Ok(Json(service::registration_view(m)))
}

/// 审核不通过（须填原因）
#[utoipa::path(post, path = "/api/v1/events/registrations/{id}/reject", tag = "events", params(("id" = String, Path)), request_body = ReasonDraft,
    responses((status = 200, body = RegistrationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reject_registration(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ReasonDraft>,
) -> ApiResult<Json<RegistrationView>> {
    let m = service::reject_registration(&s, &p, &id, &d).await?;
    Ok(Json(service::registration_view(m)))
}

/// 取消报名；空出的名额依次由候补转为确认
#[utoipa::path(post, path = "/api/v1/events/registrations/{id}/cancel", tag = "events", params(("id" = String, Path)), request_body = ReasonDraft,
    responses((status = 200, body = CancelledRegistrationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn cancel_registration(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ReasonDraft>,
) -> ApiResult<Json<CancelledRegistrationView>> {
    Ok(Json(service::cancel_registration(&s, &p, &id, &d).await?))
}

/// 活动系列（品牌），如两城汇
#[utoipa::path(get, path = "/api/v1/events/series", tag = "events",
    responses((status = 200, body = Vec<SeriesView>), (status = 403, body = ErrorBody)))]
pub async fn list_series(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<SeriesView>>> {
    Ok(Json(service::list_series(&s, &p).await?))
}

/// 新建活动系列
#[utoipa::path(post, path = "/api/v1/events/series", tag = "events", request_body = SeriesDraft,
    responses((status = 201, body = SeriesView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_series(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<SeriesDraft>,
) -> ApiResult<(StatusCode, Json<SeriesView>)> {
    let m = service::create_series(&s, &p, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(SeriesView {
            series: m,
            events: 0,
        }),
    ))
}

/// 活动系列详情：覆盖情况和活动
#[utoipa::path(get, path = "/api/v1/events/series/{id}", tag = "events", params(("id" = String, Path)),
    responses((status = 200, body = SeriesDetailView), (status = 404, body = ErrorBody)))]
pub async fn get_series(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<SeriesDetailView>> {
    Ok(Json(service::series_detail(&s, &p, &id).await?))
}

/// 活动成效：已举办场次、覆盖单位、参与人次，按类型、系列、领域（政产学研金介）、月份
#[utoipa::path(get, path = "/api/v1/events/reach", tag = "events", params(ReachQuery),
    responses((status = 200, body = ReachView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn reach(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ReachQuery>,
) -> ApiResult<Json<ReachView>> {
    Ok(Json(service::reach(&s, &p, &q).await?))
}

/// 场次明细：构成场次数的已举办活动
#[utoipa::path(get, path = "/api/v1/events/reach/events", tag = "events", params(ReachQuery),
    responses((status = 200, body = ReachEventsView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn reach_events(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ReachQuery>,
) -> ApiResult<Json<ReachEventsView>> {
    Ok(Json(service::reach_events(&s, &p, &q).await?))
}

/// 人次明细（counted=true 为单位明细，每个计入的单位一条）
#[utoipa::path(get, path = "/api/v1/events/reach/attendances", tag = "events", params(ReachQuery, Paging),
    responses((status = 200, body = ListPage<ReachAttendanceView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn reach_attendances(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ReachQuery>,
) -> ApiResult<Json<ListPage<ReachAttendanceView>>> {
    Ok(Json(ListPage::of(
        service::reach_attendances(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_events, create_event))
        .routes(routes!(export_events))
        .routes(routes!(events_template))
        .routes(routes!(import_events))
        .routes(routes!(get_event, update_event, delete_event))
        .routes(routes!(publish_event))
        .routes(routes!(cancel_event))
        .routes(routes!(register))
        .routes(routes!(check_in))
        .routes(routes!(walk_in))
        .routes(routes!(add_outcome))
        .routes(routes!(delete_outcome))
        .routes(routes!(list_registrations))
        .routes(routes!(export_registrations))
        .routes(routes!(registrations_template))
        .routes(routes!(import_registrations))
        .routes(routes!(ticket))
        .routes(routes!(approve_registration))
        .routes(routes!(reject_registration))
        .routes(routes!(cancel_registration))
        .routes(routes!(list_series, create_series))
        .routes(routes!(get_series))
        .routes(routes!(reach))
        .routes(routes!(reach_events))
        .routes(routes!(reach_attendances))
        .routes(routes!(feeds))
}

/// 日历订阅地址（iCalendar）：全部已发布活动、各系列、我报名的活动（含密钥）
#[utoipa::path(get, path = "/api/v1/events/feeds", tag = "events",
    responses((status = 200, body = EventFeedsView), (status = 403, body = ErrorBody)))]
pub async fn feeds(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    headers: axum::http::HeaderMap,
) -> ApiResult<Json<EventFeedsView>> {
    let base = service::base_url(&s, &headers);
    Ok(Json(service::feeds(&s, &p, &base).await?))
}
