//! Vanguard teams, horse races with their leaderboards, commendations.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_store::entities::{honor, race, race_score, team};
use kechuang_store::party::races::Leaderboard;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::party::races::{HonorDraft, RaceDraft, ScoreEntryDraft, TeamDraft};
use crate::service::party::races::{self as service, TeamView};
use crate::service::party::team_sheets as sheets;
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct TeamUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub team: TeamDraft,
}

/// 导出先锋队台账（Excel）
#[utoipa::path(get, path = "/api/v1/party/teams/export", tag = "party",
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_teams(State(s): State<AppState>, ApiUser(p): ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "先锋队.xlsx",
        sheets::export_bytes(&s, &p).await?,
    ))
}

/// 下载先锋队导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/party/teams/import/template", tag = "party",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn teams_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "先锋队导入模板.xlsx",
        sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入先锋队台账：先校验全部行，有错则整体不导入（所在部门按名称或编码；队员按党员姓名，以“、”分隔，重名写成“姓名（所在党组织）”）
#[utoipa::path(post, path = "/api/v1/party/teams/import", tag = "party",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_teams(
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
pub struct CloseBody {
    pub version: i32,
}

/// 先锋队及队员
#[utoipa::path(get, path = "/api/v1/party/teams", tag = "party", responses((status = 200, body = [TeamView])))]
pub async fn list_teams(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<TeamView>>> {
    Ok(Json(service::team_views(&s, &p).await?))
}

/// 组建先锋队（如 先投后股先锋队、与企同行先锋队、人才服务先锋队）
#[utoipa::path(post, path = "/api/v1/party/teams", tag = "party", request_body = TeamDraft,
    responses((status = 201, body = team::Model), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_team(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<TeamDraft>,
) -> ApiResult<(StatusCode, Json<team::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_team(&s, &p, &d).await?),
    ))
}

/// 修改先锋队
#[utoipa::path(put, path = "/api/v1/party/teams/{id}", tag = "party", params(("id" = String, Path)), request_body = TeamUpdate,
    responses((status = 200, body = team::Model), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_team(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<TeamUpdate>,
) -> ApiResult<Json<team::Model>> {
    Ok(Json(
        service::update_team(&s, &p, &id, u.version, &u.team).await?,
    ))
}

/// 党员加入先锋队
#[utoipa::path(put, operation_id = "add_team_member", path = "/api/v1/party/teams/{id}/members/{member_id}", tag = "party", params(("id" = String, Path), ("member_id" = String, Path)),
    responses((status = 201, description = "已加入"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn add_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, member)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    service::add_team_member(&s, &p, &id, &member).await?;
    Ok(StatusCode::CREATED)
}

/// 党员退出先锋队
#[utoipa::path(delete, operation_id = "remove_team_member", path = "/api/v1/party/teams/{id}/members/{member_id}", tag = "party", params(("id" = String, Path), ("member_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, member)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    service::remove_team_member(&s, &p, &id, &member).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 赛马比拼列表（新到旧）
#[utoipa::path(get, path = "/api/v1/party/races", tag = "party", responses((status = 200, body = [race::Model])))]
pub async fn list_races(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<race::Model>>> {
    Ok(Json(service::list_races(&s, &p).await?))
}

/// 发起赛马：周期、维度（名称、权重、来源：manual 评分或按记录计算的 on_time_rate、satisfaction_rate、cases_solved、commitments_fulfilled）
#[utoipa::path(post, path = "/api/v1/party/races", tag = "party", request_body = RaceDraft,
    responses((status = 201, body = race::Model), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_race(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<RaceDraft>,
) -> ApiResult<(StatusCode, Json<race::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_race(&s, &p, &d).await?),
    ))
}

/// 排行榜：名次、总分、各维度得分与其依据、较上期名次变化
#[utoipa::path(get, path = "/api/v1/party/races/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = Leaderboard), (status = 404, body = ErrorBody)))]
pub async fn leaderboard(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Leaderboard>> {
    Ok(Json(service::board(&s, &p, &id).await?))
}

/// 评分（仅“评分”类维度；须附依据；再次评分覆盖原分）
#[utoipa::path(post, path = "/api/v1/party/races/scores", tag = "party", request_body = ScoreEntryDraft,
    responses((status = 200, body = race_score::Model), (status = 404, body = ErrorBody), (status = 422, description = "computed_dimension、race_closed、evidence_required", body = ErrorBody)))]
pub async fn score(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ScoreEntryDraft>,
) -> ApiResult<Json<race_score::Model>> {
    Ok(Json(service::score(&s, &p, &d).await?))
}

/// 结束赛马（之后不能再评分，排行榜仍可查看）
#[utoipa::path(post, path = "/api/v1/party/races/{id}/close", tag = "party", params(("id" = String, Path)), request_body = CloseBody,
    responses((status = 200, body = race::Model), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn close(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<CloseBody>,
) -> ApiResult<Json<race::Model>> {
    Ok(Json(service::close_race(&s, &p, &id, b.version).await?))
}

/// 表彰记录
#[utoipa::path(get, path = "/api/v1/party/honors", tag = "party", responses((status = 200, body = [honor::Model])))]
pub async fn list_honors(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<honor::Model>>> {
    Ok(Json(service::list_honors(&s, &p).await?))
}

/// 登记表彰（个人或先锋队）
#[utoipa::path(post, path = "/api/v1/party/honors", tag = "party", request_body = HonorDraft,
    responses((status = 201, body = honor::Model), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_honor(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<HonorDraft>,
) -> ApiResult<(StatusCode, Json<honor::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::honor_action(&s, &p, &d).await?),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_teams, create_team))
        .routes(routes!(update_team))
        .routes(routes!(export_teams))
        .routes(routes!(teams_template))
        .routes(routes!(import_teams))
        .routes(routes!(add_member, remove_member))
        .routes(routes!(list_races, create_race))
        .routes(routes!(score))
        .routes(routes!(leaderboard))
        .routes(routes!(close))
        .routes(routes!(list_honors, add_honor))
}
