//! /api/v1/cases: closed-loop case handling (诉求闭环办理), adapters over
//! `service::cases`. One POST per transition; illegal transitions get 422
//! with a stable code, stale writes 409.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_domain::auth::Permission;
use kechuang_domain::cases::TaskAction;
use kechuang_domain::ErrorCode;
use kechuang_store::cases;
use kechuang_store::{PageReq, Principal};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiJson, ApiPath, ApiQuery};
use crate::api::Paging;
use crate::auth::{require, ApiUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::excel;
use crate::service::cases::*;
use crate::AppState;

async fn case_json(
    s: &AppState,
    p: &Principal,
    id: &str,
    cmd: Command,
) -> ApiResult<Json<CaseView>> {
    match run(s, p, id, cmd).await? {
        Outcome::Case(c) => Ok(Json(views(s, p, vec![*c]).await?.remove(0))),
        _ => Err(ApiError::internal("unexpected outcome")),
    }
}

/// 诉求列表（数据范围内），支持筛选、排序、分页
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseListQuery, Paging),
    responses((status = 200, body = CasePage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_cases(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<CaseListQuery>,
) -> ApiResult<Json<CasePage>> {
    require(&p, Permission::CasesRead)?;
    let filter = q.filter()?;
    let page = cases::list(&s.db, &p.scope, &filter, PageReq::new(q.page, q.per_page)?).await?;
    Ok(Json(CasePage {
        total_capped: cases::total_is_capped(&filter, page.total),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        items: views(&s, &p, page.items).await?,
    }))
}

/// 受理诉求：生成编号、按分类匹配主办部门、按产业链匹配专班、按工作日计算办结期限
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = CaseDraft,
    responses((status = 201, body = CaseView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "字段有误（invalid_input / received_in_future / invalid_category）", body = ErrorBody)))]
pub async fn create_case(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<CaseDraft>,
) -> ApiResult<(StatusCode, Json<CaseView>)> {
    require(&p, Permission::CasesCreate)?;
    let input = validate_draft(&p, d)?;
    let c = s.intake.intake(&actor(&p), input).await?;
    let mut v = views(&s, &p, vec![c]).await?;
    Ok((StatusCode::CREATED, Json(v.remove(0))))
}

/// 诉求详情：部门任务、时间线、督办记录、可能重复的诉求（不在数据范围内返回 404）
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = CaseDetailView), (status = 404, body = ErrorBody)))]
pub async fn get_case(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<CaseDetailView>> {
    Ok(Json(detail(&s, &p, &id).await?))
}

/// 分办：确认主办部门、专班，增加协办部门；各部门生成各自时限的任务
#[utoipa::path(post, path = "/api/v1/cases/{id}/dispatch", tag = "cases", params(("id" = String, Path)), request_body = DispatchBody,
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "illegal_transition；invalid_task_limit：某部门办理时限超出1至分类办结时限", body = ErrorBody)))]
pub async fn dispatch(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<DispatchBody>,
) -> ApiResult<Json<CaseView>> {
    case_json(&s, &p, &id, Command::Dispatch(b)).await
}

/// 不予受理（原因企业可见）
#[utoipa::path(post, path = "/api/v1/cases/{id}/decline", tag = "cases", params(("id" = String, Path)), request_body = ReasonBody,
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decline(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Json<CaseView>> {
    case_json(&s, &p, &id, Command::Decline(b)).await
}

/// 合并重复诉求（被合并的诉求随目标诉求办理）
#[utoipa::path(post, path = "/api/v1/cases/{id}/merge", tag = "cases", params(("id" = String, Path)), request_body = MergeBody,
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn merge(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<MergeBody>,
) -> ApiResult<Json<CaseView>> {
    case_json(&s, &p, &id, Command::Merge(b)).await
}

/// 挂起（等待企业补充材料，计时暂停；主办部门或受理分办人员）
#[utoipa::path(post, path = "/api/v1/cases/{id}/suspend", tag = "cases", params(("id" = String, Path)), request_body = ReasonBody,
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn suspend(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Json<CaseView>> {
    case_json(&s, &p, &id, Command::Suspend(b)).await
}

/// 恢复办理（挂起的工作日顺延办结期限；主办部门或受理分办人员）
#[utoipa::path(post, path = "/api/v1/cases/{id}/resume", tag = "cases", params(("id" = String, Path)), request_body = VersionBody,
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resume(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<VersionBody>,
) -> ApiResult<Json<CaseView>> {
    case_json(&s, &p, &id, Command::Resume(b)).await
}

/// 答复企业（主办部门，须全部协办任务办结后会签答复）
#[utoipa::path(post, path = "/api/v1/cases/{id}/reply", tag = "cases", params(("id" = String, Path)), request_body = ReplyBody,
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "tasks_open：仍有任务未办结", body = ErrorBody)))]
pub async fn reply(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<ReplyBody>,
) -> ApiResult<Json<CaseView>> {
    case_json(&s, &p, &id, Command::Reply(b)).await
}

/// 企业评价（不满意则提级督办、重新办理）
#[utoipa::path(post, path = "/api/v1/cases/{id}/rate", tag = "cases", params(("id" = String, Path)), request_body = RateBody,
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rate(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<RateBody>,
) -> ApiResult<Json<CaseView>> {
    case_json(&s, &p, &id, Command::Rate(b)).await
}

/// 督办（领导手动发起，督办级别加一）
#[utoipa::path(post, path = "/api/v1/cases/{id}/supervise", tag = "cases", params(("id" = String, Path)), request_body = ReasonBody,
    responses((status = 200, body = SupervisionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn supervise(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Json<SupervisionView>> {
    match run(&s, &p, &id, Command::Supervise(b)).await? {
        Outcome::Supervision(x) => Ok(Json(x.into())),
        _ => Err(ApiError::internal("unexpected outcome")),
    }
}

/// 回访记录（写入时间线）
#[utoipa::path(post, path = "/api/v1/cases/{id}/follow-up", tag = "cases", params(("id" = String, Path)), request_body = NoteBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn follow_up(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<NoteBody>,
) -> ApiResult<StatusCode> {
    run(&s, &p, &id, Command::FollowUp(b)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 部门任务操作：accept（签收）、progress（记录进展）、complete（办结）、return（一个工作日内退回）
#[utoipa::path(post, path = "/api/v1/cases/{id}/tasks/{task_id}/{action}", tag = "cases",
    params(("id" = String, Path), ("task_id" = String, Path), ("action" = String, Path, description = "accept, progress, complete, return")),
    request_body = TaskBody,
    responses((status = 200, body = TaskView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "illegal_transition / return_window_passed / note_required / case_not_in_handling", body = ErrorBody)))]
pub async fn task_action(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, task_id, action)): ApiPath<(String, String, String)>,
    ApiJson(body): ApiJson<TaskBody>,
) -> ApiResult<Json<TaskView>> {
    let action = TaskAction::parse(&action).ok_or_else(|| {
        ApiError::bad_request(
            ErrorCode::InvalidPath,
            "操作只能是 accept、progress、complete、return",
        )
    })?;
    match run(
        &s,
        &p,
        &id,
        Command::Task {
            task_id,
            action,
            body,
        },
    )
    .await?
    {
        Outcome::Task(t) => Ok(Json(TaskView::new(t, &Names::load(&s, []).await?))),
        _ => Err(ApiError::internal("unexpected outcome")),
    }
}

/// 诉求统计：受理、办结、按时办结率、平均与90分位办理周期、满意率、重新办理数，按部门/专班/分类/产业链/月份分组并排名
#[utoipa::path(get, path = "/api/v1/cases/statistics", tag = "cases", params(CaseListQuery),
    responses((status = 200, body = StatsView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_statistics(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<CaseListQuery>,
) -> ApiResult<Json<StatsView>> {
    Ok(Json(statistics(&s, &p, &q).await?))
}

/// 按筛选条件导出诉求清单（Excel）
#[utoipa::path(get, path = "/api/v1/cases/export", tag = "cases", params(CaseListQuery),
    responses((status = 200, description = "xlsx 文件", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody)))]
pub async fn export_cases(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<CaseListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "诉求清单.xlsx",
        export_bytes(&s, &p, &q).await?,
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_cases, create_case))
        .routes(routes!(get_statistics))
        .routes(routes!(export_cases))
        .routes(routes!(get_case))
        .routes(routes!(dispatch))
        .routes(routes!(decline))
        .routes(routes!(merge))
        .routes(routes!(suspend))
        .routes(routes!(resume))
        .routes(routes!(reply))
        .routes(routes!(rate))
        .routes(routes!(supervise))
        .routes(routes!(follow_up))
        .routes(routes!(task_action))
}

/// 诉求分类字典（含路由规则与时限）
#[utoipa::path(get, path = "/api/v1/case-categories", tag = "cases",
    responses((status = 200, body = [CategoryView]), (status = 401, body = ErrorBody)))]
pub async fn list_categories(
    State(s): State<AppState>,
    ApiUser(_p): ApiUser,
) -> ApiResult<Json<Vec<CategoryView>>> {
    Ok(Json(
        cases::categories(&s.db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// 新增诉求分类（仅管理员）
#[utoipa::path(post, path = "/api/v1/case-categories", tag = "cases", request_body = CategoryDraft,
    responses((status = 201, body = CategoryView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_category(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<CategoryDraft>,
) -> ApiResult<(StatusCode, Json<CategoryView>)> {
    require(&p, Permission::CasesAdmin)?;
    let i = d.validate()?;
    Ok((
        StatusCode::CREATED,
        Json(cases::create_category(&s.db, &p.username, i).await?.into()),
    ))
}

/// 修改诉求分类：名称、主办部门（路由）、各环节时限（仅管理员）
#[utoipa::path(put, path = "/api/v1/case-categories/{id}", tag = "cases", params(("id" = String, Path)), request_body = CategoryUpdate,
    responses((status = 200, body = CategoryView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_category(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<CategoryUpdate>,
) -> ApiResult<Json<CategoryView>> {
    require(&p, Permission::CasesAdmin)?;
    let i = u.category.validate()?;
    Ok(Json(
        cases::update_category(&s.db, &p.username, &id, u.version, i)
            .await?
            .into(),
    ))
}

pub fn categories_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_categories, create_category))
        .routes(routes!(update_category))
}

/// 记录约谈（问责约谈：对象、时间、事由、结果）
#[utoipa::path(post, path = "/api/v1/interviews", tag = "cases", request_body = InterviewDraft,
    responses((status = 201, body = InterviewView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_interview(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<InterviewDraft>,
) -> ApiResult<(StatusCode, Json<InterviewView>)> {
    let m = record_interview(&s, &p, d).await?;
    let mut v = interview_views(&s, vec![m]).await?;
    Ok((StatusCode::CREATED, Json(v.remove(0))))
}

/// 约谈记录
#[utoipa::path(get, path = "/api/v1/interviews", tag = "cases",
    responses((status = 200, body = [InterviewView]), (status = 403, body = ErrorBody)))]
pub async fn list_interviews(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<InterviewView>>> {
    require(&p, Permission::CasesSupervise)?;
    let list = cases::interviews(&s.db, 200).await?;
    Ok(Json(interview_views(&s, list).await?))
}

/// 建议约谈阈值：在办超期与超期办结合计达到该件数的部门（督办看板）和服务人员（人员督办约谈）建议约谈
#[utoipa::path(get, path = "/api/v1/interviews/threshold", tag = "cases",
    responses((status = 200, body = InterviewThreshold), (status = 403, body = ErrorBody)))]
pub async fn get_interview_threshold(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<InterviewThreshold>> {
    Ok(Json(interview_threshold(&s, &p).await?))
}

/// 设置建议约谈阈值（1～1000 件；带回读取时的 version，默认值时为 0）
#[utoipa::path(put, path = "/api/v1/interviews/threshold", tag = "cases", request_body = ThresholdDraft,
    responses((status = 200, body = InterviewThreshold), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_interview_threshold(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ThresholdDraft>,
) -> ApiResult<Json<InterviewThreshold>> {
    Ok(Json(set_interview_threshold(&s, &p, &d).await?))
}

pub fn interviews_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_interviews, create_interview))
        .routes(routes!(get_interview_threshold, put_interview_threshold))
}

/// 上传附件（multipart 字段 file，单个不超过10MB，每件诉求最多20个）
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", tag = "cases", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "字段 file：任意文件"),
    responses((status = 201, body = AttachmentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "file_too_large / too_many_attachments / empty_file", body = ErrorBody)))]
pub async fn create_attachment(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    super::ApiMultipart(mp): super::ApiMultipart,
) -> ApiResult<(StatusCode, Json<AttachmentView>)> {
    Ok((
        StatusCode::CREATED,
        Json(upload_attachment(&s, &p, &id, mp).await?.into()),
    ))
}

/// 下载附件
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments/{attachment_id}", tag = "cases", params(("id" = String, Path), ("attachment_id" = String, Path)),
    responses((status = 200, description = "文件内容（按上传时的类型）", content_type = "*/*"), (status = 404, body = ErrorBody)))]
pub async fn download_attachment(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, aid)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    require(&p, Permission::CasesRead)?;
    let (m, bytes) = cases::attachment(&s.db, &p.scope, &id, &aid).await?;
    Ok(crate::files::download(&m.filename, m.content_type, bytes))
}

pub fn attachments_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_attachment))
        .routes(routes!(download_attachment))
}
