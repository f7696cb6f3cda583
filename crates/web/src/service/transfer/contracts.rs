//! Technology contracts (技术合同登记): register, list, export, import from
//! Excel (all or nothing), turnover by year with growth.

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use kechuang_domain::auth::Permission;
use kechuang_domain::org::format_growth;
use kechuang_domain::transfer::ContractKind;
use kechuang_store::entities::tech_contract;
use kechuang_store::transfer::contracts::{self, ContractFilter, ContractSort};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{name_of, non_empty};
// The import's failure types are shared with the organisations' import,
// which defines them in api/orgs.rs.
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell};
use crate::excel::{ImportFailure, ImportProblem};
use crate::forms::transfer::ContractDraft;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct ContractView {
    #[serde(flatten)]
    pub contract: tech_contract::Model,
    pub kind_label: String,
    pub project_title: String,
    pub chain_name: String,
}

pub async fn views(s: &AppState, items: Vec<tech_contract::Model>) -> ApiResult<Vec<ContractView>> {
    let chains: HashMap<String, String> = kechuang_store::names::all(&s.db, "chains").await?;
    let ids = items.iter().filter_map(|c| c.project_id.clone()).collect();
    let titles = kechuang_store::transfer::projects::titles(&s.db, ids).await?;
    Ok(items
        .into_iter()
        .map(|c| ContractView {
            kind_label: ContractKind::parse(&c.kind)
                .map(|k| k.label_zh())
                .unwrap_or("")
                .into(),
            project_title: name_of(&titles, &c.project_id),
            chain_name: name_of(&chains, &c.chain_id),
            contract: c,
        })
        .collect())
}

pub async fn view(s: &AppState, c: tech_contract::Model) -> ApiResult<ContractView> {
    Ok(views(s, vec![c]).await?.remove(0))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContractListQuery {
    /// 关键词：登记编号、合同名称、买方、卖方
    pub q: Option<String>,
    /// development / transfer / licence / consulting / service
    pub kind: Option<String>,
    /// 登记年度
    pub year: Option<String>,
    pub project_id: Option<String>,
    pub chain_id: Option<String>,
    /// 排序：registered（登记日期新→旧，默认）/ amount（金额大→小）/ contract_no
    pub sort: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl ContractListQuery {
    pub fn filter(&self) -> ApiResult<ContractFilter> {
        let kind =
            match non_empty(&self.kind) {
                None => None,
                Some(k) => Some(ContractKind::parse(&k).ok_or_else(|| {
                    ApiError::bad_request(ErrorCode::InvalidQuery, "未知的合同类型")
                })?),
            };
        let sort = match non_empty(&self.sort).as_deref() {
            None | Some("registered") => ContractSort::RegisteredDesc,
            Some("amount") => ContractSort::AmountDesc,
            Some("contract_no") => ContractSort::ContractNo,
            Some(_) => {
                return Err(ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "排序只能是 registered、amount 或 contract_no",
                ))
            }
        };
        let year = match non_empty(&self.year) {
            None => None,
            Some(y) => Some(y.parse::<i32>().map_err(|_| {
                ApiError::bad_request(ErrorCode::InvalidQuery, "登记年度须为四位数字年份")
            })?),
        };
        Ok(ContractFilter {
            q: non_empty(&self.q),
            kind,
            year,
            project_id: non_empty(&self.project_id),
            chain_id: non_empty(&self.chain_id),
            sort,
        })
    }
}

/// One page of the list for the query, with labels and names.
pub async fn list(
    s: &AppState,
    p: &Principal,
    q: &ContractListQuery,
) -> ApiResult<Page<ContractView>> {
    require(p, Permission::TransferRead)?;
    let page = contracts::list(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

/// Columns of the export, which is also the import template.
pub const COLUMNS: [&str; 10] = [
    "登记编号",
    "合同名称",
    "合同类型",
    "卖方",
    "买方",
    "合同成交额（元）",
    "技术交易额（元）",
    "签订日期",
    "登记日期",
    "产业链",
];

pub async fn export_bytes(
    s: &AppState,
    p: &Principal,
    q: &ContractListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::TransferRead)?;
    let rows = views(s, contracts::list_all(&s.db, &q.filter()?, 200_000).await?).await?;
    excel::workbook(
        "技术合同",
        &COLUMNS,
        rows.into_iter().map(|v| {
            let c = v.contract;
            vec![
                Cell::Text(c.contract_no),
                Cell::Text(c.title),
                Cell::Text(v.kind_label),
                Cell::Text(c.seller_name),
                Cell::Text(c.buyer_name),
                Cell::Money(c.amount_fen),
                Cell::Money(c.tech_amount_fen),
                Cell::Date(c.signed_on),
                Cell::Date(c.registered_on),
                Cell::Text(v.chain_name),
            ]
        }),
    )
}

/// The import template: the columns and one sample row.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let example = [
        "2026500001000001",
        "车规级功率芯片测试方法技术开发",
        "技术开发",
        "重庆大学",
        "重庆示例科技有限公司",
        "1200000.00",
        "1000000.00",
        "2026-03-01",
        "2026-03-15",
        // A chain of the demo dataset, so the sample row imports as it is.
        "智能网联新能源汽车",
    ];
    excel::workbook(
        "技术合同",
        &COLUMNS,
        [example.iter().map(|s| Cell::Text(s.to_string())).collect()],
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "contract_no" => "登记编号",
        "title" => "合同名称",
        "kind" => "合同类型",
        "seller_name" => "卖方",
        "buyer_name" => "买方",
        "amount_yuan" => "合同成交额（元）",
        "tech_amount_yuan" => "技术交易额（元）",
        "signed_on" => "签订日期",
        "registered_on" => "登记日期",
        _ => "产业链",
    }
}

/// Validate every row, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::TransferWrite)?;
    let table = excel::Table::read(bytes, &COLUMNS[..9])?;
    let chains = kechuang_store::names::all_ordered(&s.db, "chains").await?;
    let mut problems = vec![];
    let mut inputs = vec![];
    let mut rows_of = vec![];
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row_no, row) in table.rows() {
        let chain_text = table.get(row, "产业链");
        let chain_id = match chain_text.trim() {
            "" => String::new(),
            t => match chains.iter().find(|(_, n)| n == t) {
                Some((id, _)) => id.clone(),
                None => {
                    problems.push(ImportProblem {
                        row: row_no,
                        column: "产业链".into(),
                        reason: format!("找不到产业链“{t}”"),
                    });
                    String::new()
                }
            },
        };
        let draft = ContractDraft {
            contract_no: table.get(row, "登记编号"),
            title: table.get(row, "合同名称"),
            kind: table.get(row, "合同类型"),
            seller_name: table.get(row, "卖方"),
            buyer_name: table.get(row, "买方"),
            amount_yuan: table.get(row, "合同成交额（元）"),
            tech_amount_yuan: table.get(row, "技术交易额（元）"),
            signed_on: table.get(row, "签订日期"),
            registered_on: table.get(row, "登记日期"),
            chain_id,
            ..Default::default()
        };
        match draft.validate() {
            Ok(input) => {
                if let Some(first) = seen.insert(input.contract_no.clone(), row_no) {
                    problems.push(ImportProblem {
                        row: row_no,
                        column: "登记编号".into(),
                        reason: format!("与第{first}行的登记编号重复"),
                    });
                }
                inputs.push(input);
                rows_of.push(row_no);
            }
            Err((_, fields)) => {
                problems.extend(fields.into_iter().map(|(f, reason)| ImportProblem {
                    row: row_no,
                    column: column_of(f).into(),
                    reason,
                }))
            }
        }
    }
    if !problems.is_empty() {
        return Err(ImportFailure::Invalid(problems));
    }
    match contracts::import(&s.db, &p.username, inputs).await {
        Ok(n) => Ok(n),
        Err((k, e)) if k > 0 => {
            let api: ApiError = e.into();
            Err(ImportFailure::Invalid(vec![ImportProblem {
                row: rows_of[k - 1],
                column: if api.code.as_str().starts_with("duplicate") {
                    "登记编号"
                } else {
                    "合同成交额（元）"
                }
                .into(),
                reason: api.message,
            }]))
        }
        Err((_, e)) => Err(e.into()),
    }
}

pub async fn create(
    s: &AppState,
    p: &Principal,
    d: &ContractDraft,
) -> ApiResult<tech_contract::Model> {
    require(p, Permission::TransferWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(contracts::create(&s.db, &p.username, input).await?)
}

pub async fn get(s: &AppState, p: &Principal, id: &str) -> ApiResult<ContractView> {
    require(p, Permission::TransferRead)?;
    let c = contracts::get(&s.db, id).await?;
    view(s, c).await
}

pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &ContractDraft,
) -> ApiResult<tech_contract::Model> {
    require(p, Permission::TransferWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(contracts::update(&s.db, &p.username, id, version, input).await?)
}

/// One year of contract turnover.
#[derive(Serialize, ToSchema)]
pub struct TurnoverView {
    pub year: i32,
    pub contracts: u64,
    /// 合同成交额（分）
    pub amount_fen: i64,
    /// 技术交易额（分）
    pub tech_amount_fen: i64,
    /// 同比增长（‰）
    pub growth_permille: Option<i64>,
    /// 如 "+23.5%"
    pub growth: String,
    /// 截至该年连续增长的年数
    pub growth_streak: u32,
}

pub async fn turnover_rows(
    s: &AppState,
    p: &Principal,
    chain_id: Option<&str>,
) -> ApiResult<Vec<TurnoverView>> {
    require(p, Permission::TransferRead)?;
    let t = contracts::turnover(&s.db, chain_id).await?;
    Ok(t.years
        .into_iter()
        .zip(t.tech_fen)
        .map(|(y, tech)| TurnoverView {
            year: y.year,
            contracts: y.count,
            amount_fen: y.fen,
            tech_amount_fen: tech,
            growth: format_growth(y.growth_permille),
            growth_permille: y.growth_permille,
            growth_streak: y.growth_streak,
        })
        .collect())
}
