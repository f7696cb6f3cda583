//! /api/v1/chains: industrial chains, nodes, members and output values
//! (adapters over `service::chains`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::forms::alliances::ChainSettledDraft;
use crate::forms::ChainDraft;
use crate::service::chains::{
    self as service, ChainDetailView, ChainSettledCount, ChainSettledFirm, ChainView, NodeView,
    SettledQuery,
};
use crate::AppState;

/// 产业链列表（含节点数、链上单位数、最新年度产值与同比）
#[utoipa::path(get, path = "/api/v1/chains", tag = "chains",
    responses((status = 200, body = [ChainView]), (status = 401, body = ErrorBody)))]
pub async fn list_chains(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<ChainView>>> {
    Ok(Json(
        service::list(&s, &p)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// 新增产业链
#[utoipa::path(post, path = "/api/v1/chains", tag = "chains", request_body = ChainDraft,
    responses((status = 201, body = ChainView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_chain(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ChainDraft>,
) -> ApiResult<(StatusCode, Json<ChainView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s, &p, &d).await?),
    ))
}

/// 产业链详情：节点、链上单位、年度产值与全链同比增长
#[utoipa::path(get, path = "/api/v1/chains/{id}", tag = "chains", params(("id" = String, Path)),
    responses((status = 200, body = ChainDetailView), (status = 404, body = ErrorBody)))]
pub async fn get_chain(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ChainDetailView>> {
    Ok(Json(service::detail(&s, &p, &id).await?.into()))
}

/// 产业链图谱：链节点、各节点上的企业及企业中的党组织（标出与链上党委联结的）；无党建查看权限时不含党组织
#[utoipa::path(get, path = "/api/v1/chains/{id}/map", tag = "chains", params(("id" = String, Path)),
    responses((status = 200, body = service::ChainMap), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn chain_map(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<service::ChainMap>> {
    Ok(Json(service::map(&s, &p, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ChainUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub chain: ChainDraft,
}

/// 修改产业链名称或说明
#[utoipa::path(put, path = "/api/v1/chains/{id}", tag = "chains", params(("id" = String, Path)), request_body = ChainUpdate,
    responses((status = 200, body = ChainView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_chain(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<ChainUpdate>,
) -> ApiResult<Json<ChainView>> {
    Ok(Json(
        service::update(&s, &p, &id, u.version, &u.chain).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NodeBody {
    pub name: String,
    /// 上级节点 id（空为一级节点）
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub sort_order: i32,
}

/// 新增链节点（如 整车 / 关键零部件 / 充电基础设施）
#[utoipa::path(post, path = "/api/v1/chains/{id}/nodes", tag = "chains", params(("id" = String, Path)), request_body = NodeBody,
    responses((status = 201, body = NodeView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_node(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<NodeBody>,
) -> ApiResult<(StatusCode, Json<NodeView>)> {
    let parent = b.parent_id.filter(|s| !s.trim().is_empty());
    let n = service::add_node(&s, &p, &id, parent, &b.name, b.sort_order).await?;
    Ok((StatusCode::CREATED, Json(n)))
}

/// 删除链节点（须无子节点和挂接单位）
#[utoipa::path(delete, path = "/api/v1/chains/{id}/nodes/{node_id}", tag = "chains", params(("id" = String, Path), ("node_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_node(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, node_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    service::delete_node(&s, &p, &id, &node_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct MemberBody {
    /// upstream / midstream / downstream
    pub position: String,
    #[serde(default)]
    pub node_id: Option<String>,
}

/// 把单位挂接到产业链，或调整其位置（上/中/下游）和节点
#[utoipa::path(put, path = "/api/v1/chains/{id}/members/{org_id}", tag = "chains", params(("id" = String, Path), ("org_id" = String, Path)), request_body = MemberBody,
    responses((status = 200, description = "已挂接"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, org_id)): ApiPath<(String, String)>,
    ApiJson(b): ApiJson<MemberBody>,
) -> ApiResult<StatusCode> {
    let node = b.node_id.filter(|s| !s.trim().is_empty());
    service::set_member(&s, &p, &id, &org_id, node, &b.position).await?;
    Ok(StatusCode::OK)
}

/// 把单位移出产业链（连同其产值记录）
#[utoipa::path(delete, operation_id = "remove_chain_member", path = "/api/v1/chains/{id}/members/{org_id}", tag = "chains", params(("id" = String, Path), ("org_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, org_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    service::remove_member(&s, &p, &id, &org_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct OutputBody {
    /// 年产值（分），不能为负
    pub output_fen: i64,
}

/// 登记单位在该产业链上的年度产值（分）
#[utoipa::path(put, path = "/api/v1/chains/{id}/members/{org_id}/outputs/{year}", tag = "chains",
    params(("id" = String, Path), ("org_id" = String, Path), ("year" = i32, Path)), request_body = OutputBody,
    responses((status = 200, description = "已保存"), (status = 404, body = ErrorBody), (status = 422, description = "负数、年份越界或未挂接", body = ErrorBody)))]
pub async fn set_output(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, org_id, year)): ApiPath<(String, String, i32)>,
    ApiJson(b): ApiJson<OutputBody>,
) -> ApiResult<StatusCode> {
    service::set_output(&s, &p, &id, &org_id, year, b.output_fen).await?;
    Ok(StatusCode::OK)
}

/// 各产业链在某期间落户的企业数（from、to 均可空；都空为累计）
#[utoipa::path(get, path = "/api/v1/chains/settled", tag = "chains", params(SettledQuery),
    responses((status = 200, body = [ChainSettledCount]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn settled_counts(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<SettledQuery>,
) -> ApiResult<Json<Vec<ChainSettledCount>>> {
    Ok(Json(service::settled_counts(&s, &p, &q).await?))
}

/// 某期间落户该产业链的企业（落户数背后的名单，按落户日期）
#[utoipa::path(get, path = "/api/v1/chains/{id}/settled", tag = "chains", params(("id" = String, Path), SettledQuery),
    responses((status = 200, body = [ChainSettledFirm]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn settled_firms(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<SettledQuery>,
) -> ApiResult<Json<Vec<ChainSettledFirm>>> {
    Ok(Json(service::settled_firms(&s, &p, &id, &q).await?))
}

/// 登记（或清除）链上企业的落户日期
#[utoipa::path(put, path = "/api/v1/chains/{id}/members/{org_id}/settled", tag = "chains",
    params(("id" = String, Path), ("org_id" = String, Path)), request_body = ChainSettledDraft,
    responses((status = 200, description = "已保存"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "日期有误或单位未挂接该链（not_on_chain）", body = ErrorBody)))]
pub async fn set_settled(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, org_id)): ApiPath<(String, String)>,
    ApiJson(d): ApiJson<ChainSettledDraft>,
) -> ApiResult<StatusCode> {
    service::set_settled(&s, &p, &id, &org_id, &d).await?;
    Ok(StatusCode::OK)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_chains, create_chain))
        .routes(routes!(get_chain, update_chain))
        .routes(routes!(chain_map))
        .routes(routes!(add_node))
        .routes(routes!(delete_node))
        .routes(routes!(set_member, remove_member))
        .routes(routes!(set_output))
        .routes(routes!(settled_counts))
        .routes(routes!(settled_firms))
        .routes(routes!(set_settled))
}
