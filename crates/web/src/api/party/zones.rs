//! Member responsibility zones (党员责任区): their members and the organisations they cover.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_domain::auth::Permission;
use kechuang_store::entities::{party_member, zone};
use kechuang_store::party::zones::{self as store, ZoneFilter, ZoneRow};
use kechuang_store::{PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::transfer::ListPage;
use crate::api::Paging;
use crate::api::{invalid, non_empty, ApiJson, ApiPath, ApiQuery};
use crate::auth::{require, ApiUser};
use crate::error::{ApiResult, ErrorBody};
use crate::excel::{self, Cell};
use crate::forms::party::zones::{ZoneDraft, ZoneMemberDraft, ZoneOrgDraft};
use crate::AppState;

/// A zone with its party organisation and counts.
#[derive(Serialize, ToSchema)]
pub struct ZoneView {
    #[serde(flatten)]
    pub zone: zone::Model,
    /// 所属党组织
    pub party_org_name: String,
    /// 责任区党员数
    pub member_count: u64,
    /// 覆盖单位数
    pub org_count: u64,
}

pub async fn views(s: &AppState, rows: Vec<ZoneRow>) -> ApiResult<Vec<ZoneView>> {
    let names = kechuang_store::party::network::names(&s.db).await?;
    Ok(rows
        .into_iter()
        .map(|r| ZoneView {
            party_org_name: names.get(&r.zone.party_org_id).cloned().unwrap_or_default(),
            member_count: r.members,
            org_count: r.orgs,
            zone: r.zone,
        })
        .collect())
}

/// A member of a zone (no personal data).
#[derive(Serialize, ToSchema)]
pub struct ZoneMemberView {
    /// 党员 id
    pub id: String,
    pub name: String,
    /// 岗位
    pub post: String,
    /// 所在党组织
    pub party_org_name: String,
}

/// An organisation a zone covers.
#[derive(Serialize, ToSchema)]
pub struct ZoneOrgView {
    /// 单位 id
    pub id: String,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
}

#[derive(Serialize, ToSchema)]
pub struct ZoneDetailView {
    pub zone: ZoneView,
    pub members: Vec<ZoneMemberView>,
    pub orgs: Vec<ZoneOrgView>,
}

pub fn member_view(
    names: &std::collections::HashMap<String, String>,
    m: party_member::Model,
) -> ZoneMemberView {
    ZoneMemberView {
        party_org_name: names.get(&m.party_org_id).cloned().unwrap_or_default(),
        id: m.id,
        name: m.name,
        post: m.post,
    }
}

pub async fn detail_view(s: &AppState, id: &str) -> ApiResult<ZoneDetailView> {
    let d = store::detail(&s.db, id).await?;
    let names = kechuang_store::party::network::names(&s.db).await?;
    Ok(ZoneDetailView {
        zone: views(s, vec![d.zone]).await?.remove(0),
        members: d
            .members
            .into_iter()
            .map(|m| member_view(&names, m))
            .collect(),
        orgs: d
            .orgs
            .into_iter()
            .map(|o| ZoneOrgView {
                kind_label: kechuang_domain::org::OrgKind::parse(&o.kind)
                    .map(|k| k.label_zh())
                    .unwrap_or("")
                    .into(),
                id: o.id,
                name: o.name,
                kind: o.kind,
            })
            .collect(),
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ZoneListQuery {
    /// 关键词：责任区名称、负责人、责任范围
    pub q: Option<String>,
    /// 所属党组织 id
    pub party_org_id: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl ZoneListQuery {
    pub fn filter(&self) -> ZoneFilter {
        ZoneFilter {
            q: non_empty(&self.q),
            party_org_id: non_empty(&self.party_org_id),
        }
    }
}

/// 党员责任区列表（含党员数、覆盖单位数）
#[utoipa::path(get, path = "/api/v1/party/zones", tag = "party", params(ZoneListQuery, Paging),
    responses((status = 200, body = ListPage<ZoneView>), (status = 403, body = ErrorBody)))]
pub async fn list_zones(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ZoneListQuery>,
) -> ApiResult<Json<ListPage<ZoneView>>> {
    require(&p, Permission::PartyRead)?;
    let page = store::list(&s.db, &q.filter(), PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Json(ListPage {
        items: views(&s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    }))
}

pub const COLUMNS: [&str; 6] = [
    "责任区",
    "所属党组织",
    "负责人",
    "责任范围",
    "党员数",
    "覆盖单位数",
];

pub async fn export_bytes(s: &AppState, p: &Principal, q: &ZoneListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let rows = views(s, store::list_all(&s.db, &q.filter(), 50_000).await?).await?;
    excel::workbook(
        "党员责任区",
        &COLUMNS,
        rows.into_iter().map(|v| {
            vec![
                Cell::Text(v.zone.name),
                Cell::Text(v.party_org_name),
                Cell::Text(v.zone.leader),
                Cell::Text(v.zone.area),
                Cell::Number(v.member_count as f64),
                Cell::Number(v.org_count as f64),
            ]
        }),
    )
}

/// 导出党员责任区（Excel）
#[utoipa::path(get, path = "/api/v1/party/zones/export", tag = "party", params(ZoneListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_zones(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ZoneListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "党员责任区.xlsx",
        export_bytes(&s, &p, &q).await?,
    ))
}

pub async fn create_action(s: &AppState, p: &Principal, d: &ZoneDraft) -> ApiResult<zone::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(store::create(&s.db, &p.username, input).await?)
}

/// 新建党员责任区
#[utoipa::path(post, path = "/api/v1/party/zones", tag = "party", request_body = ZoneDraft,
    responses((status = 201, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_zone(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ZoneDraft>,
) -> ApiResult<(StatusCode, Json<ZoneDetailView>)> {
    let z = create_action(&s, &p, &d).await?;
    Ok((StatusCode::CREATED, Json(detail_view(&s, &z.id).await?)))
}

/// 责任区详情：党员和覆盖单位
#[utoipa::path(get, path = "/api/v1/party/zones/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_zone(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ZoneDetailView>> {
    require(&p, Permission::PartyRead)?;
    Ok(Json(detail_view(&s, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ZoneUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub zone: ZoneDraft,
}

pub async fn update_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &ZoneDraft,
) -> ApiResult<zone::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(store::update(&s.db, &p.username, id, version, input).await?)
}

/// 修改党员责任区
#[utoipa::path(put, path = "/api/v1/party/zones/{id}", tag = "party", params(("id" = String, Path)), request_body = ZoneUpdate,
    responses((status = 200, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_zone(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<ZoneUpdate>,
) -> ApiResult<Json<ZoneDetailView>> {
    update_action(&s, &p, &id, u.version, &u.zone).await?;
    Ok(Json(detail_view(&s, &id).await?))
}

pub async fn add_member_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ZoneMemberDraft,
) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    let member = d.validate().map_err(invalid)?;
    store::add_member(&s.db, &p.username, id, &member).await?;
    Ok(())
}

/// 党员加入责任区（须属于责任区所在党组织或其下级组织）
#[utoipa::path(post, operation_id = "add_zone_member", path = "/api/v1/party/zones/{id}/members", tag = "party", params(("id" = String, Path)), request_body = ZoneMemberDraft,
    responses((status = 201, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "已在本责任区（already_in_zone）", body = ErrorBody),
        (status = 422, description = "党员不存在或不属于本党组织（member_outside_org）", body = ErrorBody)))]
pub async fn add_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ZoneMemberDraft>,
) -> ApiResult<(StatusCode, Json<ZoneDetailView>)> {
    add_member_action(&s, &p, &id, &d).await?;
    Ok((StatusCode::CREATED, Json(detail_view(&s, &id).await?)))
}

pub async fn remove_member_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    member_id: &str,
) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    Ok(store::remove_member(&s.db, &p.username, id, member_id).await?)
}

/// 党员移出责任区
#[utoipa::path(delete, operation_id = "remove_zone_member", path = "/api/v1/party/zones/{id}/members/{member_id}", tag = "party",
    params(("id" = String, Path), ("member_id" = String, Path)),
    responses((status = 200, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, member_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<ZoneDetailView>> {
    remove_member_action(&s, &p, &id, &member_id).await?;
    Ok(Json(detail_view(&s, &id).await?))
}

pub async fn add_org_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ZoneOrgDraft,
) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    let org = d.validate().map_err(invalid)?;
    store::add_org(&s.db, &p.username, id, &org).await?;
    Ok(())
}

/// 责任区覆盖一个单位（单位名录中的单位）
#[utoipa::path(post, path = "/api/v1/party/zones/{id}/orgs", tag = "party", params(("id" = String, Path)), request_body = ZoneOrgDraft,
    responses((status = 201, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ZoneOrgDraft>,
) -> ApiResult<(StatusCode, Json<ZoneDetailView>)> {
    add_org_action(&s, &p, &id, &d).await?;
    Ok((StatusCode::CREATED, Json(detail_view(&s, &id).await?)))
}

pub async fn remove_org_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    org_id: &str,
) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    Ok(store::remove_org(&s.db, &p.username, id, org_id).await?)
}

/// 责任区不再覆盖该单位
#[utoipa::path(delete, path = "/api/v1/party/zones/{id}/orgs/{org_id}", tag = "party",
    params(("id" = String, Path), ("org_id" = String, Path)),
    responses((status = 200, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, org_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<ZoneDetailView>> {
    remove_org_action(&s, &p, &id, &org_id).await?;
    Ok(Json(detail_view(&s, &id).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_zones, create_zone))
        .routes(routes!(export_zones))
        .routes(routes!(get_zone, update_zone))
        .routes(routes!(add_member))
        .routes(routes!(remove_member))
        .routes(routes!(add_org))
        .routes(routes!(remove_org))
}
