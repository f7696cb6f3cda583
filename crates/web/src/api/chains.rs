//! /api/v1/chains: industrial chains, nodes, members and output values.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use kechuang_domain::auth::Permission;
use kechuang_domain::org::{format_growth, ChainPosition};
use kechuang_store::chains::{self, ChainDetail, ChainSummary, YearTotal};
use kechuang_store::entities::{chain, chain_node};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{invalid, ApiJson, ApiPath};
use crate::auth::{require, ApiUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::forms::ChainDraft;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct YearTotalView {
    pub year: i32,
    /// 产值（分）
    pub output_fen: i64,
    /// 同比增长（‰），无上年数据时为空
    pub growth_permille: Option<i64>,
    /// 如 "+58.6%"
    pub growth: String,
}

impl From<YearTotal> for YearTotalView {
    fn from(t: YearTotal) -> Self {
        YearTotalView {
            year: t.year,
            output_fen: t.output_fen,
            growth: format_growth(t.growth_permille),
            growth_permille: t.growth_permille,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChainView {
    pub id: String,
    pub name: String,
    pub description: String,
    /// 产业专班（部门 id）：该产业的诉求由其研判分办
    pub task_force_department_id: Option<String>,
    pub version: i32,
    pub nodes: u64,
    pub orgs: u64,
    pub latest: Option<YearTotalView>,
}

impl From<ChainSummary> for ChainView {
    fn from(s: ChainSummary) -> Self {
        ChainView {
            id: s.chain.id,
            name: s.chain.name,
            description: s.chain.description,
            task_force_department_id: s.chain.task_force_department_id,
            version: s.chain.version,
            nodes: s.nodes,
            orgs: s.orgs,
            latest: s.latest.map(Into::into),
        }
    }
}

fn plain(c: chain::Model) -> ChainView {
    ChainView {
        id: c.id,
        name: c.name,
        description: c.description,
        task_force_department_id: c.task_force_department_id,
        version: c.version,
        nodes: 0,
        orgs: 0,
        latest: None,
    }
}

#[derive(Serialize, ToSchema)]
pub struct NodeView {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub sort_order: i32,
}

impl From<chain_node::Model> for NodeView {
    fn from(n: chain_node::Model) -> Self {
        NodeView {
            id: n.id,
            parent_id: n.parent_id,
            name: n.name,
            sort_order: n.sort_order,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChainMemberView {
    pub org_id: String,
    pub org_name: String,
    pub node_id: Option<String>,
    pub node_name: Option<String>,
    /// upstream / midstream / downstream
    pub position: String,
    pub position_label: String,
    /// 年度产值（分），键为年份（如 "2025"）
    #[schema(value_type = BTreeMap<String, i64>)]
    pub outputs: BTreeMap<i32, i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ChainDetailView {
    pub chain: ChainView,
    pub nodes: Vec<NodeView>,
    pub members: Vec<ChainMemberView>,
    /// 全链年度产值与同比增长
    pub totals: Vec<YearTotalView>,
}

impl From<ChainDetail> for ChainDetailView {
    fn from(d: ChainDetail) -> Self {
        ChainDetailView {
            chain: ChainView {
                nodes: d.nodes.len() as u64,
                orgs: d.members.len() as u64,
                latest: d.totals.last().cloned().map(Into::into),
                ..plain(d.chain)
            },
            nodes: d.nodes.into_iter().map(Into::into).collect(),
            members: d
                .members
                .into_iter()
                .map(|m| ChainMemberView {
                    position_label: ChainPosition::parse(&m.link.position)
                        .map(|p| p.label_zh().to_string())
                        .unwrap_or_default(),
                    org_id: m.link.org_id,
                    org_name: m.org_name,
                    node_id: m.link.node_id,
                    node_name: m.node_name,
                    position: m.link.position,
                    outputs: m.outputs,
                })
                .collect(),
            totals: d.totals.into_iter().map(Into::into).collect(),
        }
    }
}

/// 产业链列表（含节点数、链上单位数、最新年度产值与同比）
#[utoipa::path(get, path = "/api/v1/chains", tag = "chains",
    responses((status = 200, body = [ChainView]), (status = 401, body = ErrorBody)))]
pub async fn list_chains(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<ChainView>>> {
    require(&p, Permission::ChainsRead)?;
    Ok(Json(
        chains::list(&s.db)
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
    require(&p, Permission::ChainsWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok((
        StatusCode::CREATED,
        Json(plain(chains::create(&s.db, &p.username, input).await?)),
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
    require(&p, Permission::ChainsRead)?;
    Ok(Json(chains::detail(&s.db, &id).await?.into()))
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
    require(&p, Permission::ChainsWrite)?;
    let input = u.chain.validate().map_err(invalid)?;
    Ok(Json(plain(
        chains::update(&s.db, &p.username, &id, u.version, input).await?,
    )))
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
    require(&p, Permission::ChainsWrite)?;
    let name = b.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid(
            "invalid_input",
            &[("name", "请填写节点名称（不超过100字）".into())],
        ));
    }
    let parent = b.parent_id.filter(|s| !s.trim().is_empty());
    let n = chains::add_node(&s.db, &p.username, &id, parent, name, b.sort_order).await?;
    Ok((StatusCode::CREATED, Json(n.into())))
}

/// 删除链节点（须无子节点和挂接单位）
#[utoipa::path(delete, path = "/api/v1/chains/{id}/nodes/{node_id}", tag = "chains", params(("id" = String, Path), ("node_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_node(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, node_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    require(&p, Permission::ChainsWrite)?;
    chains::delete_node(&s.db, &p.username, &id, &node_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct MemberBody {
    /// upstream / midstream / downstream
    pub position: String,
    #[serde(default)]
    pub node_id: Option<String>,
}

pub fn parse_position(s: &str) -> ApiResult<ChainPosition> {
    ChainPosition::parse_label(s).ok_or_else(|| {
        ApiError::invalid(
            "invalid_input",
            &[(
                "position",
                "位置只能是 upstream（上游）、midstream（中游）或 downstream（下游）".into(),
            )],
        )
    })
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
    require(&p, Permission::ChainsWrite)?;
    let position = parse_position(&b.position)?;
    let node = b.node_id.filter(|s| !s.trim().is_empty());
    chains::set_member(&s.db, &p.username, &id, &org_id, node, position).await?;
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
    require(&p, Permission::ChainsWrite)?;
    chains::remove_member(&s.db, &p.username, &id, &org_id).await?;
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
    require(&p, Permission::ChainsWrite)?;
    chains::set_output(&s.db, &p.username, &id, &org_id, year, b.output_fen).await?;
    Ok(StatusCode::OK)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_chains, create_chain))
        .routes(routes!(get_chain, update_chain))
        .routes(routes!(add_node))
        .routes(routes!(delete_node))
        .routes(routes!(set_member, remove_member))
        .routes(routes!(set_output))
}
