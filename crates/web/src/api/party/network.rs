//! Party organisations, chain committees, members (masked personal data)
//! and cross-appointments.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_domain::auth::Permission;
use kechuang_domain::party::{mask_id, mask_phone, MemberStage, PartyOrgKind};
use kechuang_store::entities::{cross_appointment, party_member, party_org};
use kechuang_store::party::network::{
    self, MemberFilter, NetworkFigures, PartyOrgSummary, Recruitment,
};
use kechuang_store::{PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::transfer::ListPage;
use crate::api::Paging;
use crate::api::{invalid, non_empty, opt_bool, ApiJson, ApiPath, ApiQuery};
use crate::auth::{require, ApiUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::excel::{self, Cell};
use crate::forms::party::network::{AppointmentDraft, MemberDraft, PartyOrgDraft};
use crate::AppState;

pub fn kind_label(code: &str) -> String {
    PartyOrgKind::parse(code)
        .map(|k| k.label_zh().to_string())
        .unwrap_or_default()
}

/// 党组织网络（树形顺序，含党员数、所在单位、产业链党委关联的党组织）
#[utoipa::path(get, operation_id = "list_party_orgs", path = "/api/v1/party/orgs", tag = "party",
    responses((status = 200, body = [PartyOrgSummary]), (status = 403, body = ErrorBody)))]
pub async fn list_orgs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<PartyOrgSummary>>> {
    require(&p, Permission::PartyRead)?;
    Ok(Json(network::tree(&s.db).await?))
}

pub async fn create_org_action(
    s: &AppState,
    p: &Principal,
    d: &PartyOrgDraft,
) -> ApiResult<party_org::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(network::create(&s.db, &p.username, input).await?)
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
        Json(create_org_action(&s, &p, &d).await?),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct PartyOrgDetail {
    pub org: PartyOrgSummary,
    pub kind_label: String,
    /// 直属下级党组织
    pub children: Vec<PartyOrgSummary>,
    pub appointments: Vec<cross_appointment::Model>,
}

pub async fn org_detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<PartyOrgDetail> {
    require(p, Permission::PartyRead)?;
    let tree = network::tree(&s.db).await?;
    let org = tree
        .iter()
        .find(|o| o.org.id == id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    Ok(PartyOrgDetail {
        kind_label: kind_label(&org.org.kind),
        children: tree
            .into_iter()
            .filter(|o| o.org.parent_id.as_deref() == Some(id))
            .collect(),
        appointments: network::appointments(&s.db, Some(id)).await?,
        org,
    })
}

/// 党组织详情：所在单位、下级组织、关联党组织、交叉任职
#[utoipa::path(get, operation_id = "get_party_org", path = "/api/v1/party/orgs/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = PartyOrgDetail), (status = 404, body = ErrorBody)))]
pub async fn get_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<PartyOrgDetail>> {
    Ok(Json(org_detail(&s, &p, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct PartyOrgUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub org: PartyOrgDraft,
}

pub async fn update_org_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &PartyOrgDraft,
) -> ApiResult<party_org::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(network::update(&s.db, &p.username, id, version, input).await?)
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
        update_org_action(&s, &p, &id, u.version, &u.org).await?,
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
    require(&p, Permission::PartyWrite)?;
    network::add_unit(&s.db, &p.username, &id, &org_id).await?;
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
    require(&p, Permission::PartyWrite)?;
    network::remove_unit(&s.db, &p.username, &id, &org_id).await?;
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
    require(&p, Permission::PartyWrite)?;
    network::link_to_chain(&s.db, &p.username, &id, &other).await?;
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
    require(&p, Permission::PartyWrite)?;
    network::unlink_from_chain(&s.db, &p.username, &id, &other).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 组织网络指标：党组织数（按类型）、科研单位中的党组织、阵地数、党员数、各产业链党委关联的党组织数
#[utoipa::path(get, operation_id = "party_figures", path = "/api/v1/party/figures", tag = "party", responses((status = 200, body = NetworkFigures)))]
pub async fn figures(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<NetworkFigures>> {
    require(&p, Permission::PartyRead)?;
    Ok(Json(network::figures(&s.db).await?))
}

// ---- members ----

/// A member as the caller may see them: phone and ID number masked unless revealed.
#[derive(Serialize, ToSchema)]
pub struct PartyMemberView {
    #[serde(flatten)]
    pub member: party_member::Model,
    pub stage_label: String,
    pub party_org_name: String,
    /// 手机号与身份证号是否已脱敏
    pub masked: bool,
}

pub fn stage_label(code: &str) -> String {
    MemberStage::parse(code)
        .map(|s| s.label_zh().to_string())
        .unwrap_or_default()
}

/// Views of members; unmasked only when `reveal` (the caller holds PartyPii,
/// checked by the caller of this function, and the access is audited there).
pub async fn member_views(
    s: &AppState,
    items: Vec<party_member::Model>,
    reveal: bool,
) -> ApiResult<Vec<PartyMemberView>> {
    let names: HashMap<String, String> = network::all(&s.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(items
        .into_iter()
        .map(|mut m| {
            if !reveal {
                m.phone = mask_phone(&m.phone);
                m.id_number = mask_id(&m.id_number);
            }
            PartyMemberView {
                stage_label: stage_label(&m.stage),
                party_org_name: names.get(&m.party_org_id).cloned().unwrap_or_default(),
                masked: !reveal,
                member: m,
            }
        })
        .collect())
}

/// Check the caller may see members unmasked and audit the access.
pub async fn reveal(s: &AppState, p: &Principal, how: &str, ids: &[String]) -> ApiResult<()> {
    require(p, Permission::PartyPii)?;
    network::record_reveal(&s.db, &p.username, how, ids).await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberListQuery {
    /// 关键词：姓名、职务
    pub q: Option<String>,
    /// 党组织 id（含下级）
    pub party_org_id: Option<String>,
    /// applicant / activist / candidate / probationary / full
    pub stage: Option<String>,
    /// sci_tech / other
    pub field: Option<String>,
    /// true：显示完整手机号与身份证号（须有权限，每次查看记入审计日志）
    pub reveal: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl MemberListQuery {
    pub fn filter(&self) -> ApiResult<MemberFilter> {
        Ok(MemberFilter {
            q: non_empty(&self.q),
            party_org_id: non_empty(&self.party_org_id),
            stage: match non_empty(&self.stage) {
                None => None,
                Some(s) => Some(
                    MemberStage::parse(&s)
                        .ok_or_else(|| ApiError::bad_request("invalid_query", "未知的发展阶段"))?,
                ),
            },
            field: non_empty(&self.field),
        })
    }
    pub fn reveal(&self) -> ApiResult<bool> {
        Ok(opt_bool("reveal", &self.reveal)?.unwrap_or(false))
    }
}

/// 党员与发展对象列表（手机号、身份证号默认脱敏）
#[utoipa::path(get, path = "/api/v1/party/members", tag = "party", params(MemberListQuery, Paging),
    responses((status = 200, body = ListPage<PartyMemberView>), (status = 403, description = "reveal=true 而无查看权限", body = ErrorBody)))]
pub async fn list_members(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<MemberListQuery>,
) -> ApiResult<Json<ListPage<PartyMemberView>>> {
    require(&p, Permission::PartyRead)?;
    let page = network::members(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let reveal_now = q.reveal()?;
    if reveal_now {
        let ids: Vec<String> = page.items.iter().map(|m| m.id.clone()).collect();
        reveal(&s, &p, "reveal_list", &ids).await?;
    }
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Json(ListPage {
        items: member_views(&s, page.items, reveal_now).await?,
        total,
        page: pg,
        per_page: per,
    }))
}

pub async fn export_bytes(s: &AppState, p: &Principal, q: &MemberListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let rows = network::members_all(&s.db, &q.filter()?, 100_000).await?;
    let reveal_now = q.reveal()?;
    if reveal_now {
        let ids: Vec<String> = rows.iter().map(|m| m.id.clone()).collect();
        reveal(s, p, "reveal_export", &ids).await?;
    }
    let views = member_views(s, rows, reveal_now).await?;
    excel::workbook(
        "党员",
        &[
            "姓名",
            "性别",
            "党组织",
            "发展阶段",
            "领域",
            "职务",
            "手机号",
            "身份证号",
            "申请",
            "积极分子",
            "发展对象",
            "预备党员",
            "正式党员",
        ],
        views.into_iter().map(|v| {
            let m = v.member;
            vec![
                Cell::Text(m.name),
                Cell::Text(m.gender),
                Cell::Text(v.party_org_name),
                Cell::Text(v.stage_label),
                Cell::Text(
                    if m.field == "sci_tech" {
                        "科技领域"
                    } else {
                        "其他"
                    }
                    .into(),
                ),
                Cell::Text(m.post),
                Cell::Text(m.phone),
                Cell::Text(m.id_number),
                Cell::from(m.applied_on),
                Cell::from(m.activist_on),
                Cell::from(m.candidate_on),
                Cell::from(m.probationary_on),
                Cell::from(m.full_on),
            ]
        }),
    )
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
        export_bytes(&s, &p, &q).await?,
    ))
}

pub async fn create_member_action(
    s: &AppState,
    p: &Principal,
    d: &MemberDraft,
) -> ApiResult<party_member::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(network::create_member(&s.db, &p.username, input).await?)
}

/// 登记党员或入党申请人（按发展阶段日期确定当前阶段）
#[utoipa::path(post, path = "/api/v1/party/members", tag = "party", request_body = MemberDraft,
    responses((status = 201, body = PartyMemberView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<MemberDraft>,
) -> ApiResult<(StatusCode, Json<PartyMemberView>)> {
    let m = create_member_action(&s, &p, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(member_views(&s, vec![m], false).await?.remove(0)),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevealQuery {
    /// true：显示完整手机号与身份证号（须有权限，记入审计日志）
    pub reveal: Option<String>,
}

pub async fn member_view(
    s: &AppState,
    p: &Principal,
    id: &str,
    reveal_now: bool,
) -> ApiResult<PartyMemberView> {
    require(p, Permission::PartyRead)?;
    let m = network::member(&s.db, id).await?;
    if reveal_now {
        reveal(s, p, "reveal", std::slice::from_ref(&m.id)).await?;
    }
    Ok(member_views(s, vec![m], reveal_now).await?.remove(0))
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
    Ok(Json(member_view(&s, &p, &id, r).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct MemberUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub member: MemberDraft,
}

pub async fn update_member_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &MemberDraft,
) -> ApiResult<party_member::Model> {
    require(p, Permission::PartyWrite)?;
    require(p, Permission::PartyPii)?;
    let input = d.validate().map_err(invalid)?;
    Ok(network::update_member(&s.db, &p.username, id, version, input).await?)
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
    let m = update_member_action(&s, &p, &id, u.version, &u.member).await?;
    Ok(Json(member_views(&s, vec![m], false).await?.remove(0)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 年度，默认今年
    pub year: Option<i32>,
}

pub async fn recruitment_of(
    s: &AppState,
    p: &Principal,
    year: Option<i32>,
) -> ApiResult<Recruitment> {
    use chrono::Datelike;
    require(p, Permission::PartyRead)?;
    let year = year.unwrap_or_else(|| kechuang_store::cases::today().year());
    Ok(network::recruitment(&s.db, year).await?)
}

/// 党员发展：当年新发展党员（接收为预备党员）及其中科技领域的占比，各发展阶段人数
#[utoipa::path(get, path = "/api/v1/party/recruitment", tag = "party", params(YearQuery), responses((status = 200, body = Recruitment)))]
pub async fn recruitment(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<Recruitment>> {
    Ok(Json(recruitment_of(&s, &p, q.year).await?))
}

// ---- cross-appointments ----

/// 交叉任职（双向进入、交叉任职）列表
#[utoipa::path(get, path = "/api/v1/party/appointments", tag = "party", responses((status = 200, body = [cross_appointment::Model])))]
pub async fn list_appointments(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<cross_appointment::Model>>> {
    require(&p, Permission::PartyRead)?;
    Ok(Json(network::appointments(&s.db, None).await?))
}

pub async fn add_appointment_action(
    s: &AppState,
    p: &Principal,
    d: &AppointmentDraft,
) -> ApiResult<cross_appointment::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(network::add_appointment(&s.db, &p.username, input).await?)
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
        Json(add_appointment_action(&s, &p, &d).await?),
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
    require(&p, Permission::PartyWrite)?;
    network::remove_appointment(&s.db, &p.username, &id).await?;
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
        .routes(routes!(get_member, update_member))
        .routes(routes!(recruitment))
        .routes(routes!(list_appointments, add_appointment))
        .routes(routes!(remove_appointment))
}
