//! /api/v1/transfer technology contracts (技术合同登记): adapters over
//! `crate::service::transfer::contracts`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_domain::auth::Permission;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::orgs::{upload, Imported};
use crate::api::ListPage;
use crate::api::Paging;
use crate::api::{non_empty, ApiJson, ApiMultipart, ApiPath, ApiQuery};
use crate::auth::{require, ApiUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::excel;
use crate::forms::transfer::ContractDraft;
use crate::service::transfer::contracts::{
    self as service, ContractListQuery, ContractView, TurnoverView,
};
use crate::AppState;

/// 技术合同列表
#[utoipa::path(get, path = "/api/v1/transfer/contracts", tag = "transfer", params(ContractListQuery, Paging),
    responses((status = 200, body = ListPage<ContractView>), (status = 400, body = ErrorBody)))]
pub async fn list_contracts(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ContractListQuery>,
) -> ApiResult<Json<ListPage<ContractView>>> {
    Ok(Json(ListPage::of(service::list(&s, &p, &q).await?, |v| v)))
}

/// 导出技术合同（Excel，格式同导入模板）
#[utoipa::path(get, path = "/api/v1/transfer/contracts/export", tag = "transfer", params(ContractListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_contracts(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ContractListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "技术合同.xlsx",
        service::export_bytes(&s, &p, &q).await?,
    ))
}

/// 下载技术合同导入模板（Excel）
#[utoipa::path(get, path = "/api/v1/transfer/contracts/import/template", tag = "transfer",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn contract_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "技术合同导入模板.xlsx",
        service::template_bytes()?,
    ))
}

/// 从 Excel 导入技术合同：先校验全部行，有错则整体不导入
#[utoipa::path(post, path = "/api/v1/transfer/contracts/import", tag = "transfer",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导入模板"),
    responses((status = 200, body = Imported), (status = 400, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid；含控制字符的单元格亦列入），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_contracts(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<Json<Imported>> {
    require(&p, Permission::TransferWrite)?;
    let bytes = upload(mp).await?;
    Ok(Json(Imported {
        imported: service::import_bytes(&s, &p, &bytes)
            .await
            .map_err(ApiError::from)?,
    }))
}

/// 登记技术合同
#[utoipa::path(post, path = "/api/v1/transfer/contracts", tag = "transfer", request_body = ContractDraft,
    responses((status = 201, body = ContractView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_contract(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ContractDraft>,
) -> ApiResult<(StatusCode, Json<ContractView>)> {
    let m = service::create(&s, &p, &d).await?;
    Ok((StatusCode::CREATED, Json(service::view(&s, m).await?)))
}

/// 技术合同详情
#[utoipa::path(get, path = "/api/v1/transfer/contracts/{id}", tag = "transfer", params(("id" = String, Path)),
    responses((status = 200, body = ContractView), (status = 404, body = ErrorBody)))]
pub async fn get_contract(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ContractView>> {
    Ok(Json(service::get(&s, &p, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ContractUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub contract: ContractDraft,
}

/// 修改技术合同
#[utoipa::path(put, path = "/api/v1/transfer/contracts/{id}", tag = "transfer", params(("id" = String, Path)), request_body = ContractUpdate,
    responses((status = 200, body = ContractView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_contract(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<ContractUpdate>,
) -> ApiResult<Json<ContractView>> {
    let m = service::update(&s, &p, &id, u.version, &u.contract).await?;
    Ok(Json(service::view(&s, m).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TurnoverQuery {
    pub chain_id: Option<String>,
}

/// 技术合同成交额：按登记年度汇总，含同比增长和连续增长年数
#[utoipa::path(get, path = "/api/v1/transfer/contracts/turnover", tag = "transfer", params(TurnoverQuery),
    responses((status = 200, body = [TurnoverView])))]
pub async fn turnover(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<TurnoverQuery>,
) -> ApiResult<Json<Vec<TurnoverView>>> {
    Ok(Json(
        service::turnover_rows(&s, &p, non_empty(&q.chain_id).as_deref()).await?,
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_contracts, create_contract))
        .routes(routes!(export_contracts))
        .routes(routes!(contract_template))
        .routes(routes!(import_contracts))
        .routes(routes!(turnover))
        .routes(routes!(get_contract, update_contract))
}
