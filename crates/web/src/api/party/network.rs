//! Party organisations, chain committees, members (masked personal data)
//! and cross-appointments.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_store::entities::{cross_appointment, party_org};
use kechuang_store::party::network::{NetworkFigures, PartyOrgSummary, Recruitment};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ListPage;
use crate::api::{opt_bool, ApiJson, ApiMultipart, ApiPath, ApiQuery, Paging};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::party::network::{AppointmentDraft, MemberDraft, PartyOrgDraft};
use crate::service::party::network::{
    self as service, MemberListQuery, PartyMemberView, PartyOrgDetail,
};
use crate::service::party::{member_sheets, org_sheets};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct PartyOrgUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub org: PartyOrgDraft,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevealQuery {
    /// true：显示完整手机号与身份证号（须有权限，记入审计日志）
    pub reveal: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct MemberUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub member: MemberDraft,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 年度，默认今年
    pub year: Option<i32>,
}

/// 党组织网络（树形顺序，含党员数、所在单位、产业链党委关联的党组织）
#[utoipa::path(get, operation_id = "list_party_orgs", path = "/api/v1/party/orgs", tag = "party",
    responses((status = 200, body = [PartyOrgSummary]), (status = 403, body = ErrorBody)))]
pub async fn list_orgs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<PartyOrgSummary>>> {
    Ok(Json(service::tree(&s, &p).await?))
}

/// 新建党组织（联合党委、党总支、党支部、联合党支部、产业链党委）
#[utoipa::path(post, operation_id = "create_party_org", path = "/api/v1/party/orgs", tag = "party", request_body = PartyOrgDraft,
    responses((status = 201, body = party_org::Model), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<PartyOrgDraft>,
) -> ApiResult<(StatusCode, Json<party_org::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_org(&s, &p, &d).await?),
    ))
}

/// 党组织详情：所在单位、下级组织、关联党组织、交叉任职
#[utoipa::path(get, operation_id = "get_party_org", path = "/api/v1/party/orgs/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = PartyOrgDetail), (status = 404, body = ErrorBody)))]
pub async fn get_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<PartyOrgDetail>> {
    Ok(Json(service::org_detail(&s, &p, &id).await?))
}

/// 修改党组织（改上级时整棵子树随之移动）
#[utoipa::path(put, operation_id = "update_party_org", path = "/api/v1/party/orgs/{id}", tag = "party", params(("id" = String, Path)), request_body = PartyOrgUpdate,
    responses((status = 200, body = party_org::Model), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<PartyOrgUpdate>,
) -> ApiResult<Json<party_org::Model>> {
    Ok(Json(
        service::update_org(&s, &p, &id, u.version, &u.org).await?,
    ))
}

/// 登记党组织所在单位（联合党支部可在多个单位）
#[utoipa::path(put, path = "/api/v1/party/orgs/{id}/units/{org_id}", tag = "party", params(("id" = String, Path), ("org_id" = String, Path)),
    responses((status = 201, description = "已登记"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_unit(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, org_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    service::add_unit(&s, &p, &id, &org_id).await?;
    Ok(StatusCode::CREATED)
}

/// 取消党组织所在单位
#[utoipa::path(delete, path = "/api/v1/party/orgs/{id}/units/{org_id}", tag = "party", params(("id" = String, Path), ("org_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_unit(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, org_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    service::remove_unit(&s, &p, &id, &org_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 把企业党组织关联到产业链党委
#[utoipa::path(put, path = "/api/v1/party/orgs/{id}/links/{party_org_id}", tag = "party", params(("id" = String, Path), ("party_org_id" = String, Path)),
    responses((status = 201, description = "已关联"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "not_chain_committee、self_link", body = ErrorBody)))]
pub async fn link(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, other)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    service::link_to_chain(&s, &p, &id, &other).await?;
    Ok(StatusCode::CREATED)
}

/// 取消与产业链党委的关联
#[utoipa::path(delete, path = "/api/v1/party/orgs/{id}/links/{party_org_id}", tag = "party", params(("id" = String, Path), ("party_org_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn unlink(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, other)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    service::unlink_from_chain(&s, &p, &id, &other).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 组织网络指标：党组织数（按类型）、科研单位中的党组织、阵地数、党员数、各产业链党委关联的党组织数
#[utoipa::path(get, operation_id = "party_figures", path = "/api/v1/party/figures", tag = "party", responses((status = 200, body = NetworkFigures)))]
pub async fn figures(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<NetworkFigures>> {
    Ok(Json(service::figures(&s, &p).await?))
}

/// 党员与发展对象列表（手机号、身份证号默认脱敏）
#[utoipa::path(get, path = "/api/v1/party/members", tag = "party", params(MemberListQuery, Paging),
    responses((status = 200, body = ListPage<PartyMemberView>), (status = 403, description = "reveal=true 而无查看权限", body = ErrorBody)))]
pub async fn list_members(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<MemberListQuery>,
) -> ApiResult<Json<ListPage<PartyMemberView>>> {
    Ok(Json(ListPage::of(
        service::list_members(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出党员名册（Excel；reveal=true 导出完整个人信息，须有权限并记入审计日志）
#[utoipa::path(get, path = "/api/v1/party/members/export", tag = "party", params(MemberListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_members(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<MemberListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "党员名册.xlsx",
        member_sheets::export_bytes(&s, &p, &q).await?,
    ))
}

/// 导出党组织（Excel，按组织树顺序）
#[utoipa::path(get, path = "/api/v1/party/orgs/export", tag = "party",
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_orgs(State(s): State<AppState>, ApiUser(p): ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "党组织.xlsx",
        org_sheets::export_bytes(&s, &p).await?,
    ))
}

/// 下载党组织导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/party/orgs/import/template", tag = "party",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn org_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "党组织导入模板.xlsx",
        org_sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入党组织：先校验全部行，有错则整体不导入（上级党组织按全称，可为已有组织或文件中上面的行；产业链按名称）
#[utoipa::path(post, path = "/api/v1/party/orgs/import", tag = "party",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_orgs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<Json<excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::PartyWrite)?;
    let bytes = excel::upload(mp).await?;
    Ok(Json(excel::Imported {
        imported: org_sheets::import_bytes(&s, &p, &bytes)
            .await
            .map_err(crate::error::ApiError::from)?,
    }))
}

/// 下载党员名册导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/party/members/import/template", tag = "party",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn member_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "党员名册导入模板.xlsx",
        member_sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入党员：先校验全部行，有错则整体不导入（党组织按全称识别；手机号、身份证号须完整；发展阶段按日期计算）
#[utoipa::path(post, path = "/api/v1/party/members/import", tag = "party",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_members(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<Json<excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::PartyWrite)?;
    let bytes = excel::upload(mp).await?;
    Ok(Json(excel::Imported {
        imported: member_sheets::import_bytes(&s, &p, &bytes)
            .await
            .map_err(crate::error::ApiError::from)?,
    }))
}

/// 登记党员或入党申请人（按发展阶段日期确定当前阶段）
#[utoipa::path(post, path = "/api/v1/party/members", tag = "party", request_body = MemberDraft,
    responses((status = 201, body = PartyMemberView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<MemberDraft>,
) -> ApiResult<(StatusCode, Json<PartyMemberView>)> {
    let m = service::create_member(&s, &p, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::member_views(&s, vec![m], false).await?.remove(0)),
    ))
}

/// 党员详情（手机号、身份证号默认脱敏）
#[utoipa::path(get, path = "/api/v1/party/members/{id}", tag = "party", params(("id" = String, Path), RevealQuery),
    responses((status = 200, body = PartyMemberView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<RevealQuery>,
) -> ApiResult<Json<PartyMemberView>> {
    let r = opt_bool("reveal", &q.reveal)?.unwrap_or(false);
    Ok(Json(service::member_view(&s, &p, &id, r).await?))
}

/// 修改党员信息（须能查看完整个人信息；发展阶段按日期重新确定）
#[utoipa::path(put, path = "/api/v1/party/members/{id}", tag = "party", params(("id" = String, Path)), request_body = MemberUpdate,
    responses((status = 200, body = PartyMemberView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<MemberUpdate>,
) -> ApiResult<Json<PartyMemberView>> {
    let m = service::update_member(&s, &p, &id, u.version, &u.member).await?;
    Ok(Json(
        service::member_views(&s, vec![m], false).await?.remove(0),
    ))
}

/// 党员发展：当年新发展党员（接收为预备党员）及其中科技领域的占比，各发展阶段人数
#[utoipa::path(get, path = "/api/v1/party/recruitment", tag = "party", params(YearQuery), responses((status = 200, body = Recruitment)))]
pub async fn recruitment(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<Recruitment>> {
    Ok(Json(service::recruitment_of(&s, &p, q.year).await?))
}

// ---- cross-appointments ----

/// 交叉任职（双向进入、交叉任职）列表
#[utoipa::path(get, path = "/api/v1/party/appointments", tag = "party", responses((status = 200, body = [cross_appointment::Model])))]
pub async fn list_appointments(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<cross_appointment::Model>>> {
    Ok(Json(service::appointments(&s, &p).await?))
}

/// 登记交叉任职
#[utoipa::path(post, path = "/api/v1/party/appointments", tag = "party", request_body = AppointmentDraft,
    responses((status = 201, body = cross_appointment::Model), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_appointment(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<AppointmentDraft>,
) -> ApiResult<(StatusCode, Json<cross_appointment::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::add_appointment(&s, &p, &d).await?),
    ))
}

/// 删除交叉任职记录
#[utoipa::path(delete, path = "/api/v1/party/appointments/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_appointment(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    service::remove_appointment(&s, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, update_org))
        .routes(routes!(add_unit, remove_unit))
        .routes(routes!(link, unlink))
        .routes(routes!(figures))
        .routes(routes!(list_members, create_member))
        .routes(routes!(export_members))
        .routes(routes!(member_template))
        .routes(routes!(export_orgs))
        .routes(routes!(org_template))
        .routes(routes!(import_orgs))
        .routes(routes!(import_members))
        .routes(routes!(get_member, update_member))
        .routes(routes!(recruitment))
        .routes(routes!(list_appointments, add_appointment))
        .routes(routes!(remove_appointment))
}
