//! Alliances and associations (联盟 · 协会), PRODUCT.md A5: their records,
//! members over time (joins, exits, rejoins), counts by sector (政产学研金介)
//! at any date, history, the member list at a date exported to Excel and
//! imported from it (all or nothing). The API (`api::alliances`) and the
//! pages (`pages::alliances`) both call it.

use std::collections::HashMap;

use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_domain::events::{AllianceKind, Sector};
use kechuang_domain::ErrorCode;
use kechuang_store::alliances::{self as store, AllianceFilter, AllianceRow, MemberRow};
use kechuang_store::entities::{alliance, alliance_member};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell, ImportFailure, ImportProblem};
use crate::extract::non_empty;
use crate::forms::alliances::{
    AllianceDraft, AllianceExitDraft, AllianceJoinDraft, MemberRowDraft,
};
use crate::forms::parse_date;
use crate::AppState;

/// An alliance with its names and its members on a date.
#[derive(Serialize, ToSchema)]
pub struct AllianceView {
    #[serde(flatten)]
    pub alliance: alliance::Model,
    /// 联盟 / 协会
    pub kind_label: String,
    /// 秘书处单位名称
    pub secretariat_org_name: String,
    /// 所属产业链名称
    pub chain_name: String,
    /// 在 `on` 当日的成员数
    pub member_count: u64,
}

/// Members of one sector on a date.
#[derive(Serialize, ToSchema)]
pub struct AllianceSectorCount {
    /// gov / industry / academia / research / finance / intermediary
    pub sector: String,
    /// 政府部门、企业……
    pub label: String,
    /// 政、产、学、研、金、介
    pub short: String,
    pub count: u64,
}

/// Members on a date, in total and by sector.
#[derive(Serialize, ToSchema)]
pub struct AllianceCountsView {
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    pub total: u64,
    /// 按政产学研金介顺序，每类一项
    pub by_sector: Vec<AllianceSectorCount>,
}

#[derive(Serialize, ToSchema)]
pub struct AllianceDetailView {
    pub alliance: AllianceView,
    pub counts: AllianceCountsView,
}

/// A membership period with its organisation.
#[derive(Serialize, ToSchema)]
pub struct AllianceMemberView {
    #[serde(flatten)]
    pub member: alliance_member::Model,
    pub org_name: String,
    /// 统一社会信用代码
    pub org_uscc: Option<String>,
    /// 类别（政府部门、企业……）
    pub sector_label: String,
}

/// An alliance an organisation belongs to.
#[derive(Serialize, ToSchema)]
pub struct OrgAllianceView {
    pub alliance_id: String,
    pub alliance_name: String,
    pub kind_label: String,
    pub sector_label: String,
    #[schema(value_type = String, format = Date)]
    pub joined_on: NaiveDate,
}

fn kind_label(k: &str) -> String {
    AllianceKind::parse(k)
        .map(|k| k.label_zh().to_string())
        .unwrap_or_default()
}

fn sector_label(s: &str) -> String {
    Sector::parse(s)
        .map(|s| s.label_zh().to_string())
        .unwrap_or_default()
}

fn member_view(r: MemberRow) -> AllianceMemberView {
    AllianceMemberView {
        sector_label: sector_label(&r.member.sector),
        member: r.member,
        org_name: r.org_name,
        org_uscc: r.org_uscc,
    }
}

async fn views(s: &AppState, rows: Vec<AllianceRow>) -> ApiResult<Vec<AllianceView>> {
    let chains = kechuang_store::names::all(&s.db, "chains").await?;
    let ids = rows
        .iter()
        .filter_map(|r| r.alliance.secretariat_org_id.clone());
    let orgs = kechuang_store::names::of(&s.db, "orgs", ids).await?;
    let name = |m: &HashMap<String, String>, id: &Option<String>| {
        id.as_ref()
            .and_then(|i| m.get(i))
            .cloned()
            .unwrap_or_default()
    };
    Ok(rows
        .into_iter()
        .map(|r| AllianceView {
            kind_label: kind_label(&r.alliance.kind),
            secretariat_org_name: name(&orgs, &r.alliance.secretariat_org_id),
            chain_name: name(&chains, &r.alliance.chain_id),
            member_count: r.members,
            alliance: r.alliance,
        })
        .collect())
}

/// A date typed in a query: empty is today, anything else must be a date.
pub fn date_param(field: &'static str, v: &Option<String>) -> ApiResult<NaiveDate> {
    match non_empty(v) {
        None => Ok(kechuang_store::clock::today()),
        // A query parameter: a bad one is a 400 like every other query's.
        Some(t) => parse_date(&t).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                format!("{field} 请填写日期，如 2026-03-01"),
            )
        }),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AllianceListQuery {
    /// 关键词：名称、简介
    pub q: Option<String>,
    /// alliance（联盟）/ association（协会）
    pub kind: Option<String>,
    /// 所属产业链 id
    pub chain_id: Option<String>,
    /// 成员数的统计日期（默认今天），如 2025-12-31
    pub on: Option<String>,
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl AllianceListQuery {
    pub fn filter(&self) -> ApiResult<AllianceFilter> {
        let kind = match non_empty(&self.kind) {
            None => None,
            Some(k) => Some(AllianceKind::parse(&k).ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "类型只能是 alliance（联盟）或 association（协会）",
                )
            })?),
        };
        Ok(AllianceFilter {
            q: non_empty(&self.q),
            kind,
            chain_id: non_empty(&self.chain_id),
        })
    }
}

/// A page of alliances with their members on the query's date.
pub async fn list(
    s: &AppState,
    p: &Principal,
    q: &AllianceListQuery,
) -> ApiResult<Page<AllianceView>> {
    require(p, Permission::AlliancesRead)?;
    let on = date_param("on", &q.on)?;
    let page = store::list(&s.db, &q.filter()?, on, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

pub const LIST_COLUMNS: [&str; 7] = [
    "名称",
    "类型",
    "成立日期",
    "秘书处单位",
    "所属产业链",
    "成员数",
    "简介",
];

/// The filtered list (not its page) as a workbook.
pub async fn export_bytes(
    s: &AppState,
    p: &Principal,
    q: &AllianceListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::AlliancesRead)?;
    let on = date_param("on", &q.on)?;
    let rows = store::list_all(&s.db, &q.filter()?, on, excel::MAX_EXPORT_ROWS).await?;
    excel::workbook(
        "联盟协会",
        &LIST_COLUMNS,
        views(s, rows).await?.into_iter().map(|v| {
            vec![
                Cell::Text(v.alliance.name),
                Cell::Text(v.kind_label),
                Cell::from(v.alliance.founded_on),
                Cell::Text(v.secretariat_org_name),
                Cell::Text(v.chain_name),
                Cell::Number(v.member_count as f64),
                Cell::Text(v.alliance.description),
            ]
        }),
    )
}

/// An alliance with its members on `on`, in total and by sector.
pub async fn detail(
    s: &AppState,
    p: &Principal,
    id: &str,
    on: NaiveDate,
) -> ApiResult<AllianceDetailView> {
    require(p, Permission::AlliancesRead)?;
    detail_view(s, id, on).await
}

pub async fn detail_view(s: &AppState, id: &str, on: NaiveDate) -> ApiResult<AllianceDetailView> {
    let a = store::get(&s.db, id).await?;
    let c = store::member_counts(&s.db, id, on).await?;
    let row = AllianceRow {
        alliance: a,
        members: c.total,
    };
    Ok(AllianceDetailView {
        alliance: views(s, vec![row]).await?.remove(0),
        counts: AllianceCountsView {
            on,
            total: c.total,
            by_sector: c
                .by_sector
                .into_iter()
                .map(|(x, n)| AllianceSectorCount {
                    sector: x.as_str().into(),
                    label: x.label_zh().into(),
                    short: x.short_zh().into(),
                    count: n,
                })
                .collect(),
        },
    })
}

pub async fn create(s: &AppState, p: &Principal, d: &AllianceDraft) -> ApiResult<alliance::Model> {
    require(p, Permission::AlliancesWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::create(&s.db, &p.username, input).await?)
}

pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &AllianceDraft,
) -> ApiResult<alliance::Model> {
    require(p, Permission::AlliancesWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::update(&s.db, &p.username, id, version, input).await?)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    /// 日期（默认今天）：列出当日的成员
    pub on: Option<String>,
    /// 只列出该类别：gov/industry/academia/research/finance/intermediary
    pub sector: Option<String>,
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl MemberQuery {
    fn sector(&self) -> ApiResult<Option<Sector>> {
        match non_empty(&self.sector) {
            None => Ok(None),
            Some(t) => Sector::parse_any(&t).map(Some).ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "类别只能是政、产、学、研、金、介之一",
                )
            }),
        }
    }
}

/// The members on a date (one page), optionally of one sector.
pub async fn members(
    s: &AppState,
    p: &Principal,
    id: &str,
    q: &MemberQuery,
) -> ApiResult<Page<AllianceMemberView>> {
    require(p, Permission::AlliancesRead)?;
    let on = date_param("on", &q.on)?;
    let sector = q.sector()?;
    let req = PageReq::new(q.page, q.per_page)?;
    store::get(&s.db, id).await?;
    let page = store::members_at(&s.db, id, on, sector, req).await?;
    Ok(Page {
        items: page.items.into_iter().map(member_view).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every membership period, or one organisation's, by joining day.
pub async fn history(
    s: &AppState,
    p: &Principal,
    id: &str,
    org_id: Option<&str>,
) -> ApiResult<Vec<AllianceMemberView>> {
    require(p, Permission::AlliancesRead)?;
    store::get(&s.db, id).await?;
    Ok(store::history(&s.db, id, org_id)
        .await?
        .into_iter()
        .map(member_view)
        .collect())
}

pub async fn join(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &AllianceJoinDraft,
) -> ApiResult<alliance_member::Model> {
    require(p, Permission::AlliancesWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::join(&s.db, &p.username, id, input).await?)
}

pub async fn exit(
    s: &AppState,
    p: &Principal,
    id: &str,
    org_id: &str,
    d: &AllianceExitDraft,
) -> ApiResult<alliance_member::Model> {
    require(p, Permission::AlliancesWrite)?;
    let left_on = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::exit(&s.db, &p.username, id, org_id, left_on).await?)
}

/// The alliances an organisation belongs to today.
pub async fn of_org(s: &AppState, p: &Principal, org_id: &str) -> ApiResult<Vec<OrgAllianceView>> {
    require(p, Permission::AlliancesRead)?;
    Ok(store::of_org(&s.db, org_id, kechuang_store::clock::today())
        .await?
        .into_iter()
        .map(|(a, m)| OrgAllianceView {
            alliance_id: a.id,
            alliance_name: a.name,
            kind_label: kind_label(&a.kind),
            sector_label: sector_label(&m.sector),
            joined_on: m.joined_on,
        })
        .collect())
}

/// Columns of the member list export, which is also the import template.
pub const MEMBER_COLUMNS: [&str; 5] = [
    "单位名称",
    "统一社会信用代码",
    "类别",
    "加入日期",
    "退出日期",
];

/// The members on `on` as a workbook named after the alliance and the date.
pub async fn members_export(
    s: &AppState,
    p: &Principal,
    id: &str,
    on: NaiveDate,
) -> ApiResult<(String, Vec<u8>)> {
    require(p, Permission::AlliancesRead)?;
    let a = store::get(&s.db, id).await?;
    let mut rows = vec![];
    let mut page = 1;
    loop {
        let req = PageReq::new(Some(page), Some(200))?;
        let got = store::members_at(&s.db, id, on, None, req).await?;
        let n = got.items.len();
        rows.extend(got.items);
        if n < 200 || rows.len() as u64 >= excel::MAX_EXPORT_ROWS {
            break;
        }
        page += 1;
    }
    let bytes = excel::workbook(
        "成员名单",
        &MEMBER_COLUMNS,
        rows.into_iter().map(|r| {
            vec![
                Cell::Text(r.org_name),
                Cell::from(r.org_uscc),
                Cell::Text(
                    Sector::parse(&r.member.sector)
                        .map(|x| x.short_zh().to_string())
                        .unwrap_or_default(),
                ),
                Cell::Date(r.member.joined_on),
                Cell::from(r.member.left_on),
            ]
        }),
    )?;
    Ok((format!("{}成员名单（{on}）.xlsx", a.name), bytes))
}

/// The import template: the columns and one sample row.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let code = kechuang_domain::uscc::complete("91500000MA5U7AAA1")
        .map(|u| u.as_str().to_string())
        .unwrap_or_default();
    let example = [
        "重庆示例科技有限公司".to_string(),
        code,
        "产".into(),
        "2025-03-01".into(),
        String::new(),
    ];
    excel::workbook(
        "成员名单",
        &MEMBER_COLUMNS,
        [example.into_iter().map(Cell::Text).collect()],
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "uscc" | "org_id" => "统一社会信用代码",
        "sector" => "类别",
        "left_on" => "退出日期",
        _ => "加入日期",
    }
}

/// Validate every row with the same draft rules, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    id: &str,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::AlliancesWrite)?;
    store::get(&s.db, id).await?;
    let table = excel::Table::read(bytes, &["统一社会信用代码", "加入日期"])?;
    let mut problems = vec![];
    let mut inputs = vec![];
    let mut rows_of = vec![];
    for (row_no, row) in table.rows() {
        let draft = MemberRowDraft {
            uscc: table.get(row, "统一社会信用代码"),
            sector: table.get(row, "类别"),
            joined_on: table.get(row, "加入日期"),
            left_on: table.get(row, "退出日期"),
        };
        match draft.validate() {
            Ok(input) => {
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
    match store::import_members(&s.db, &p.username, id, inputs).await {
        Ok(n) => Ok(n),
        Err((k, e)) if k > 0 => {
            let field = match &e {
                kechuang_store::StoreError::Field { field, .. } => column_of(field),
                _ => column_of("joined_on"),
            };
            let api: ApiError = e.into();
            Err(ImportFailure::Invalid(vec![ImportProblem {
                row: rows_of[k - 1],
                column: field.into(),
                reason: api.message,
            }]))
        }
        Err((_, e)) => Err(e.into()),
    }
}
