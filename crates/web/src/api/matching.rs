//! /api/v1/matching: matchmaking (技术撮合) — offers and needs with their
//! review, ranked and explained matches, leads to signed cooperation
//! projects, figures, Excel (adapters over `service::matching`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiJson, ApiMultipart, ApiPath, ApiQuery, ListPage, Paging, VersionParam};
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::excel::{self, upload, Imported};
use crate::forms::matching::{
    LeadDraft, ListingMoveDraft, NeedDraft, NextStepDraft, OfferDraft, SignDraft, StageDraft,
    SuperviseDraft,
};
use crate::service::matching::leads::{
    self, CooperationProjectView, LeadListQuery, LeadView, MatchingFiguresView, ProjectListQuery,
    SignedView,
};
use crate::service::matching::listings::{
    self, NeedListQuery, NeedView, OfferListQuery, OfferView,
};
use crate::service::matching::sheets;
use crate::service::matching::suggest::{self, MatchQuery, NeedMatchView, OfferMatchView};
use crate::service::matching::terms::{self, TermDraft, TermListQuery, TermView};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct OfferPost {
    #[serde(flatten)]
    pub offer: OfferDraft,
    /// 直接提交审核（默认 true；false 存为草稿）
    #[serde(default)]
    pub submit: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
pub struct NeedPost {
    #[serde(flatten)]
    pub need: NeedDraft,
    #[serde(default)]
    pub submit: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
pub struct OfferUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub offer: OfferDraft,
}

#[derive(Deserialize, ToSchema)]
pub struct NeedUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub need: NeedDraft,
}

/// A period for the figures.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// 起始日期 YYYY-MM-DD
    pub from: Option<String>,
    /// 截止日期 YYYY-MM-DD
    pub to: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct TermUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub term: TermDraft,
}

#[derive(Serialize, ToSchema)]
pub struct Reindexed {
    /// 索引中的供给与需求数
    pub documents: usize,
}

/// 技术供给列表
#[utoipa::path(get, path = "/api/v1/matching/offers", tag = "matching", params(OfferListQuery, Paging),
    responses((status = 200, body = ListPage<OfferView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_offers(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<OfferListQuery>,
) -> ApiResult<Json<ListPage<OfferView>>> {
    Ok(Json(ListPage::of(
        listings::list_offers(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 发布技术供给（默认提交审核；单位账号只能为本单位发布）
#[utoipa::path(post, path = "/api/v1/matching/offers", tag = "matching", request_body = OfferPost,
    responses((status = 201, body = OfferView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_offer(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<OfferPost>,
) -> ApiResult<(StatusCode, Json<OfferView>)> {
    let o = listings::create_offer(&s, &p, &d.offer, d.submit.unwrap_or(true)).await?;
    Ok((
        StatusCode::CREATED,
        Json(listings::offer(&s, &p, &o.id).await?),
    ))
}

/// 导出技术供给（Excel，列与导入模板相同）
#[utoipa::path(get, path = "/api/v1/matching/offers/export", tag = "matching", params(OfferListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_offers(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<OfferListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "技术供给.xlsx",
        sheets::offers_export(&s, &p, &q).await?,
    ))
}

/// 下载技术供给导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/matching/offers/import/template", tag = "matching",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn offers_template(_user: ApiUser) -> ApiResult<axum::response::Response> {
    Ok(crate::excel::xlsx_response(
        "技术供给导入模板.xlsx",
        sheets::template(true)?,
    ))
}

/// 下载技术需求导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/matching/needs/import/template", tag = "matching",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn needs_template(_user: ApiUser) -> ApiResult<axum::response::Response> {
    Ok(crate::excel::xlsx_response(
        "技术需求导入模板.xlsx",
        sheets::template(false)?,
    ))
}

/// 导入技术供给（Excel，全部正确才导入；审核人导入即发布，其余待审核）
#[utoipa::path(post, path = "/api/v1/matching/offers/import", tag = "matching",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx，列同导出（持有单位按统一社会信用代码）"),
    responses((status = 200, body = Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_offers(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<Json<Imported>> {
    let bytes = upload(mp).await?;
    Ok(Json(Imported {
        imported: sheets::offers_import(&s, &p, &bytes)
            .await
            .map_err(ApiError::from)?,
    }))
}

/// 技术供给详情
#[utoipa::path(get, path = "/api/v1/matching/offers/{id}", tag = "matching", params(("id" = String, Path)),
    responses((status = 200, body = OfferView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_offer(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<OfferView>> {
    Ok(Json(listings::offer(&s, &p, &id).await?))
}

/// 修改技术供给（已发布的修改后重新待审核）
#[utoipa::path(put, path = "/api/v1/matching/offers/{id}", tag = "matching", params(("id" = String, Path)), request_body = OfferUpdate,
    responses((status = 200, body = OfferView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_offer(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<OfferUpdate>,
) -> ApiResult<Json<OfferView>> {
    listings::update_offer(&s, &p, &id, u.version, &u.offer).await?;
    Ok(Json(listings::offer(&s, &p, &id).await?))
}

/// 技术供给的审核与状态：submit（提交审核）/ publish（发布）/ return（退回，须原因）/ withdraw（撤回）/ close（关闭）
#[utoipa::path(post, path = "/api/v1/matching/offers/{id}/{action}", tag = "matching",
    params(("id" = String, Path), ("action" = String, Path, description = "submit / publish / return / withdraw / close")),
    request_body = ListingMoveDraft,
    responses((status = 200, body = OfferView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn move_offer(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, action)): ApiPath<(String, String)>,
    ApiJson(d): ApiJson<ListingMoveDraft>,
) -> ApiResult<Json<OfferView>> {
    listings::move_offer(&s, &p, &id, listings::listing_action(&action)?, &d).await?;
    Ok(Json(listings::offer(&s, &p, &id).await?))
}

/// 与该供给最匹配的已发布需求（含匹配依据：共享词、所在字段、各部分得分）
#[utoipa::path(get, path = "/api/v1/matching/offers/{id}/needs", tag = "matching", params(("id" = String, Path), MatchQuery),
    responses((status = 200, body = [NeedMatchView]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn needs_for_offer(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<MatchQuery>,
) -> ApiResult<Json<Vec<NeedMatchView>>> {
    Ok(Json(suggest::needs_for_offer(&s, &p, &id, &q).await?))
}

/// 技术需求列表（不公开名称的需求，单位名称仅经纪人、审核人可见）
#[utoipa::path(get, path = "/api/v1/matching/needs", tag = "matching", params(NeedListQuery, Paging),
    responses((status = 200, body = ListPage<NeedView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_needs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<NeedListQuery>,
) -> ApiResult<Json<ListPage<NeedView>>> {
    Ok(Json(ListPage::of(
        listings::list_needs(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 发布技术需求（企业账号为本单位发布，或工作人员代为发布）
#[utoipa::path(post, path = "/api/v1/matching/needs", tag = "matching", request_body = NeedPost,
    responses((status = 201, body = NeedView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_need(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<NeedPost>,
) -> ApiResult<(StatusCode, Json<NeedView>)> {
    let n = listings::create_need(&s, &p, &d.need, d.submit.unwrap_or(true)).await?;
    Ok((
        StatusCode::CREATED,
        Json(listings::need(&s, &p, &n.id).await?),
    ))
}

/// 导出技术需求（Excel）
#[utoipa::path(get, path = "/api/v1/matching/needs/export", tag = "matching", params(NeedListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_needs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<NeedListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "技术需求.xlsx",
        sheets::needs_export(&s, &p, &q).await?,
    ))
}

/// 导入技术需求（Excel，全部正确才导入）
#[utoipa::path(post, path = "/api/v1/matching/needs/import", tag = "matching",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx，列同导出（需求单位按统一社会信用代码）"),
    responses((status = 200, body = Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid）", body = ErrorBody)))]
pub async fn import_needs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<Json<Imported>> {
    let bytes = upload(mp).await?;
    Ok(Json(Imported {
        imported: sheets::needs_import(&s, &p, &bytes)
            .await
            .map_err(ApiError::from)?,
    }))
}

/// 技术需求详情
#[utoipa::path(get, path = "/api/v1/matching/needs/{id}", tag = "matching", params(("id" = String, Path)),
    responses((status = 200, body = NeedView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_need(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<NeedView>> {
    Ok(Json(listings::need(&s, &p, &id).await?))
}

/// 修改技术需求
#[utoipa::path(put, path = "/api/v1/matching/needs/{id}", tag = "matching", params(("id" = String, Path)), request_body = NeedUpdate,
    responses((status = 200, body = NeedView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_need(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<NeedUpdate>,
) -> ApiResult<Json<NeedView>> {
    listings::update_need(&s, &p, &id, u.version, &u.need).await?;
    Ok(Json(listings::need(&s, &p, &id).await?))
}

/// 技术需求的审核与状态：submit / publish / return（须原因）/ withdraw / close
#[utoipa::path(post, path = "/api/v1/matching/needs/{id}/{action}", tag = "matching",
    params(("id" = String, Path), ("action" = String, Path, description = "submit / publish / return / withdraw / close")),
    request_body = ListingMoveDraft,
    responses((status = 200, body = NeedView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn move_need(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, action)): ApiPath<(String, String)>,
    ApiJson(d): ApiJson<ListingMoveDraft>,
) -> ApiResult<Json<NeedView>> {
    listings::move_need(&s, &p, &id, listings::listing_action(&action)?, &d).await?;
    Ok(Json(listings::need(&s, &p, &id).await?))
}

/// 与该需求最匹配的已发布供给（含匹配依据）
#[utoipa::path(get, path = "/api/v1/matching/needs/{id}/offers", tag = "matching", params(("id" = String, Path), MatchQuery),
    responses((status = 200, body = [OfferMatchView]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn offers_for_need(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<MatchQuery>,
) -> ApiResult<Json<Vec<OfferMatchView>>> {
    Ok(Json(suggest::offers_for_need(&s, &p, &id, &q).await?))
}

/// 按文本查找已发布供给（q 为中文描述）
#[utoipa::path(get, path = "/api/v1/matching/search", tag = "matching", params(MatchQuery),
    responses((status = 200, body = [OfferMatchView]), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn search(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<MatchQuery>,
) -> ApiResult<Json<Vec<OfferMatchView>>> {
    Ok(Json(suggest::search_offers(&s, &p, &q).await?))
}

/// 重建匹配索引（审核人；本实例立即重建，其余实例在下一次匹配查询时重建）
#[utoipa::path(post, path = "/api/v1/matching/reindex", tag = "matching",
    responses((status = 200, body = Reindexed), (status = 403, body = ErrorBody)))]
pub async fn reindex(State(s): State<AppState>, ApiUser(p): ApiUser) -> ApiResult<Json<Reindexed>> {
    Ok(Json(Reindexed {
        documents: suggest::rebuild(&s, &p).await?,
    }))
}

/// 匹配词库：管理员补充的领域词和同义词组（在随产品提供的词典之外）
#[utoipa::path(get, path = "/api/v1/matching/terms", tag = "matching", params(TermListQuery),
    responses((status = 200, body = [TermView]), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_terms(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<TermListQuery>,
) -> ApiResult<Json<Vec<TermView>>> {
    Ok(Json(terms::list(&s, &p, &q).await?))
}

/// 添加领域词或同义词组（审核人；各实例的匹配索引随之更新）
#[utoipa::path(post, path = "/api/v1/matching/terms", tag = "matching", request_body = TermDraft,
    responses((status = 201, body = TermView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_term(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<TermDraft>,
) -> ApiResult<(StatusCode, Json<TermView>)> {
    Ok((StatusCode::CREATED, Json(terms::create(&s, &p, &d).await?)))
}

/// 修改词条
#[utoipa::path(put, path = "/api/v1/matching/terms/{id}", tag = "matching", params(("id" = String, Path)), request_body = TermUpdate,
    responses((status = 200, body = TermView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_term(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<TermUpdate>,
) -> ApiResult<Json<TermView>> {
    Ok(Json(terms::update(&s, &p, &id, u.version, &u.term).await?))
}

/// 删除词条
#[utoipa::path(delete, path = "/api/v1/matching/terms/{id}", tag = "matching", params(("id" = String, Path), VersionParam),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_term(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(v): ApiQuery<VersionParam>,
) -> ApiResult<StatusCode> {
    terms::delete(&s, &p, &id, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 撮合线索列表（overdue=true 为下一步已超期的）
#[utoipa::path(get, path = "/api/v1/matching/leads", tag = "matching", params(LeadListQuery, Paging),
    responses((status = 200, body = ListPage<LeadView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_leads(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<LeadListQuery>,
) -> ApiResult<Json<ListPage<LeadView>>> {
    Ok(Json(ListPage::of(
        leads::list_leads(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 由匹配结果建立撮合线索（经纪人；同一需求与供给只能有一条进行中的线索）
#[utoipa::path(post, path = "/api/v1/matching/leads", tag = "matching", request_body = LeadDraft,
    responses((status = 201, body = LeadView), (status = 403, body = ErrorBody),
        (status = 409, description = "已有进行中的线索（lead_open）", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_lead(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<LeadDraft>,
) -> ApiResult<(StatusCode, Json<LeadView>)> {
    Ok((
        StatusCode::CREATED,
        Json(leads::create_lead(&s, &p, &d).await?),
    ))
}

/// 撮合线索详情
#[utoipa::path(get, path = "/api/v1/matching/leads/{id}", tag = "matching", params(("id" = String, Path)),
    responses((status = 200, body = LeadView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_lead(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<LeadView>> {
    Ok(Json(leads::lead(&s, &p, &id).await?))
}

/// 推进线索阶段：confirmed（需求确认）/ negotiating（方案洽谈）/ closed（关闭，须原因）
#[utoipa::path(post, path = "/api/v1/matching/leads/{id}/stage", tag = "matching", params(("id" = String, Path)), request_body = StageDraft,
    responses((status = 200, body = LeadView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn advance_lead(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<StageDraft>,
) -> ApiResult<Json<LeadView>> {
    Ok(Json(leads::advance(&s, &p, &id, &d).await?))
}

/// 更新下一步工作与截止日期
#[utoipa::path(post, path = "/api/v1/matching/leads/{id}/next-step", tag = "matching", params(("id" = String, Path)), request_body = NextStepDraft,
    responses((status = 200, body = LeadView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn lead_next_step(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<NextStepDraft>,
) -> ApiResult<Json<LeadView>> {
    Ok(Json(leads::next_step(&s, &p, &id, &d).await?))
}

/// 督办线索（审核人；经纪人收到站内消息）
#[utoipa::path(post, path = "/api/v1/matching/leads/{id}/supervise", tag = "matching", params(("id" = String, Path)), request_body = SuperviseDraft,
    responses((status = 200, body = LeadView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn supervise_lead(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<SuperviseDraft>,
) -> ApiResult<Json<LeadView>> {
    Ok(Json(leads::supervise(&s, &p, &id, &d).await?))
}

/// 签约：生成合作项目，关联已登记的技术合同（合同的 lead_id 随之设置）
#[utoipa::path(post, path = "/api/v1/matching/leads/{id}/sign", tag = "matching", params(("id" = String, Path)), request_body = SignDraft,
    responses((status = 200, body = SignedView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn sign_lead(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<SignDraft>,
) -> ApiResult<Json<SignedView>> {
    Ok(Json(leads::sign(&s, &p, &id, &d).await?))
}

/// 合作项目（撮合签约与直接登记的）
#[utoipa::path(get, path = "/api/v1/matching/projects", tag = "matching", params(ProjectListQuery, Paging),
    responses((status = 200, body = ListPage<CooperationProjectView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "起始日期晚于截止日期", body = ErrorBody)))]
pub async fn list_projects(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ProjectListQuery>,
) -> ApiResult<Json<ListPage<CooperationProjectView>>> {
    Ok(Json(ListPage::of(
        leads::list_projects(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 撮合成效：各阶段线索、超期、签约与金额、合作项目、经纪人业绩
#[utoipa::path(get, path = "/api/v1/matching/figures", tag = "matching", params(PeriodQuery),
    responses((status = 200, body = MatchingFiguresView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "起始日期晚于截止日期", body = ErrorBody)))]
pub async fn figures(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<MatchingFiguresView>> {
    Ok(Json(leads::figures(&s, &p, &q.from, &q.to).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_offers, create_offer))
        .routes(routes!(export_offers))
        .routes(routes!(import_offers))
        .routes(routes!(offers_template))
        .routes(routes!(get_offer, update_offer))
        .routes(routes!(move_offer))
        .routes(routes!(needs_for_offer))
        .routes(routes!(list_needs, create_need))
        .routes(routes!(export_needs))
        .routes(routes!(import_needs))
        .routes(routes!(needs_template))
        .routes(routes!(get_need, update_need))
        .routes(routes!(move_need))
        .routes(routes!(offers_for_need))
        .routes(routes!(search))
        .routes(routes!(reindex))
        .routes(routes!(list_terms, create_term))
        .routes(routes!(update_term, delete_term))
        .routes(routes!(list_leads, create_lead))
        .routes(routes!(get_lead))
        .routes(routes!(advance_lead))
        .routes(routes!(lead_next_step))
        .routes(routes!(supervise_lead))
        .routes(routes!(sign_lead))
        .routes(routes!(list_projects))
        .routes(routes!(figures))
}
