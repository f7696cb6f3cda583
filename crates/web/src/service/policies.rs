//! Policies (政策) open to the organisations of the zone (#17): the
//! departments keep them (draft, change, publish, stop, import and export
//! to Excel); an organisation sees the published policies open to it, each
//! with where its application window stands, and applies for one through a
//! 政策兑现 case, so the closed loop handles the application. The API
//! (`api::policies`) and the pages (`pages::policies`) both call it.

use std::collections::{HashMap, HashSet};

use kechuang_domain::auth::Permission;
use kechuang_domain::events::WindowState;
use kechuang_domain::org::OrgKind;
use kechuang_domain::policies::{kinds_of, kinds_zh, PolicyStatus};
use kechuang_domain::ErrorCode;
use kechuang_store::entities::policy;
use kechuang_store::policies::{self as store, status_of, window_of, PolicyFilter, PolicySort};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell, ImportFailure, ImportProblem, Table};
use crate::extract::{non_empty, opt_bool};
use crate::forms::policies::PolicyDraft;
use crate::service::departments::DepartmentIndex;
use crate::AppState;

/// A policy with its names and where its application window stands today.
#[derive(Serialize, ToSchema)]
pub struct PolicyView {
    #[serde(flatten)]
    pub policy: policy::Model,
    /// 草稿 / 已发布 / 已停止
    pub status_label: String,
    /// 牵头部门名称
    pub department_name: String,
    /// 适用产业链名称（空：不限）
    pub chain_name: String,
    /// 适用单位类型，如“企业、科研机构”或“不限”
    pub org_kinds_label: String,
    /// 申报时间，如“申报中，2026年5月31日截止”“常年申报”
    pub window_note: String,
    /// 已发布且今天在申报时间内
    pub applying: bool,
    /// 当前用户可以修改、发布或停止该政策
    pub may_manage: bool,
}

async fn views(
    s: &AppState,
    p: &Principal,
    rows: Vec<policy::Model>,
) -> ApiResult<Vec<PolicyView>> {
    let depts = kechuang_store::names::of(
        &s.db,
        "departments",
        rows.iter().map(|r| r.department_id.clone()),
    )
    .await?;
    let chains = kechuang_store::names::of(
        &s.db,
        "chains",
        rows.iter().filter_map(|r| r.chain_id.clone()),
    )
    .await?;
    let today = kechuang_store::clock::today();
    let may_write = p.can(Permission::PoliciesWrite);
    Ok(rows
        .into_iter()
        .map(|r| {
            let status = status_of(&r);
            let window = window_of(&r);
            PolicyView {
                status_label: status.label_zh().into(),
                department_name: depts.get(&r.department_id).cloned().unwrap_or_default(),
                chain_name: r
                    .chain_id
                    .as_ref()
                    .and_then(|c| chains.get(c))
                    .cloned()
                    .unwrap_or_default(),
                org_kinds_label: kinds_zh(&kinds_of(&r.org_kinds)),
                window_note: window.note(today),
                applying: status == PolicyStatus::Published
                    && window.state(today) == WindowState::Open,
                may_manage: may_write && store::manages(&p.scope, &r.department_id),
                policy: r,
            }
        })
        .collect())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PolicyListQuery {
    /// 关键词：名称、文号、支持内容、申报条件
    pub q: Option<String>,
    /// draft（草稿）/ published（已发布）/ stopped（已停止）
    pub status: Option<String>,
    /// 牵头部门 id
    pub department_id: Option<String>,
    /// 适用产业链 id
    pub chain_id: Option<String>,
    /// 适用于该类单位（含不限类型的政策）：enterprise / university / institute …
    pub org_kind: Option<String>,
    /// true：只看今天可申报的（已发布且在申报时间内）
    pub applying: Option<String>,
    /// newest（默认，新建的在前）/ closes_asc（申报截止近的在前）/ title（按名称）
    pub sort: Option<String>,
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl PolicyListQuery {
    pub fn filter(&self) -> ApiResult<PolicyFilter> {
        let bad = |m: &str| ApiError::bad_request(ErrorCode::InvalidQuery, m);
        let status = match non_empty(&self.status) {
            None => None,
            Some(s) => Some(
                PolicyStatus::parse(&s)
                    .ok_or_else(|| bad("状态只能是 draft、published 或 stopped"))?,
            ),
        };
        let org_kind = match non_empty(&self.org_kind) {
            None => None,
            Some(k) => Some(
                OrgKind::parse(&k)
                    .ok_or_else(|| bad("单位类型只能是 enterprise、university、institute、government、finance、intermediary、association 或 other"))?,
            ),
        };
        let sort = match non_empty(&self.sort).as_deref() {
            None | Some("newest") => PolicySort::Newest,
            Some("closes_asc") => PolicySort::ClosesAsc,
            Some("title") => PolicySort::Title,
            Some(_) => return Err(bad("排序只能是 newest、closes_asc 或 title")),
        };
        Ok(PolicyFilter {
            q: non_empty(&self.q),
            status,
            department_id: non_empty(&self.department_id),
            chain_id: non_empty(&self.chain_id),
            org_kind,
            applying_on: opt_bool("applying", &self.applying)?
                .filter(|a| *a)
                .map(|_| kechuang_store::clock::today()),
            sort,
        })
    }
}

/// A page of the policies the caller sees (an organisation: those open to it).
pub async fn list(s: &AppState, p: &Principal, q: &PolicyListQuery) -> ApiResult<Page<PolicyView>> {
    require(p, Permission::PoliciesRead)?;
    let page = store::list(
        &s.db,
        &p.scope,
        &q.filter()?,
        PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, p, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

/// The policies an organisation may apply for today, the soonest deadline
/// first (the enterprise home).
pub async fn applying_now(s: &AppState, p: &Principal, n: u64) -> ApiResult<Page<PolicyView>> {
    let q = PolicyListQuery {
        applying: Some("true".into()),
        sort: Some("closes_asc".into()),
        per_page: Some(n),
        ..Default::default()
    };
    list(s, p, &q).await
}

pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<PolicyView> {
    require(p, Permission::PoliciesRead)?;
    let m = store::get(&s.db, &p.scope, id).await?;
    Ok(views(s, p, vec![m]).await?.remove(0))
}

pub async fn create(s: &AppState, p: &Principal, d: &PolicyDraft) -> ApiResult<PolicyView> {
    require(p, Permission::PoliciesWrite)?;
    let input = d
        .validate(p.department_id.as_deref())
        .map_err(ApiError::from_fields)?;
    let m = store::create(&s.db, &p.username, &p.scope, input).await?;
    Ok(views(s, p, vec![m]).await?.remove(0))
}

pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &PolicyDraft,
) -> ApiResult<PolicyView> {
    require(p, Permission::PoliciesWrite)?;
    let input = d
        .validate(p.department_id.as_deref())
        .map_err(ApiError::from_fields)?;
    let m = store::update(&s.db, &p.username, &p.scope, id, version, input).await?;
    Ok(views(s, p, vec![m]).await?.remove(0))
}

/// Publish (a draft or a stopped policy) or stop (a published one).
pub async fn set_status(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    to: PolicyStatus,
) -> ApiResult<PolicyView> {
    require(p, Permission::PoliciesWrite)?;
    let m = store::set_status(&s.db, &p.username, &p.scope, id, version, to).await?;
    Ok(views(s, p, vec![m]).await?.remove(0))
}

/// What a 政策兑现 case about a policy starts with: its title, description
/// and category (None when the category is not in the dictionary).
pub struct PolicyCase {
    pub title: String,
    pub description: String,
    pub category_id: Option<String>,
}

/// The case an organisation writes to apply for a policy's support (422
/// unless the policy is published and its window open today).
pub async fn case_for(s: &AppState, p: &Principal, id: &str) -> ApiResult<PolicyCase> {
    let v = detail(s, p, id).await?;
    if !v.applying {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::PolicyNotOpen,
            format!("“{}”现在不能申请：{}", v.policy.title, v.window_note),
        ));
    }
    let category_id = kechuang_store::cases::categories(&s.db)
        .await?
        .into_iter()
        .find(|c| c.code == "policy" && c.active)
        .map(|c| c.id);
    let doc = match v.policy.doc_number.as_str() {
        "" => String::new(),
        n => format!("（{n}）"),
    };
    Ok(PolicyCase {
        // At most 108 characters: a case title may have 200.
        title: format!("申请政策兑现：{}", v.policy.title),
        description: format!(
            "申请政策：{}{doc}\n支持内容：{}\n本单位情况及申请内容：",
            v.policy.title, v.policy.support
        ),
        category_id,
    })
}

/// The columns of the export, the template and the import.
pub const COLUMNS: [&str; 10] = [
    "政策名称",
    "文号",
    "牵头部门",
    "适用单位类型",
    "适用产业链",
    "支持内容",
    "申报条件",
    "申报开始日期",
    "申报截止日期",
    "状态",
];

/// The filtered list (not its page) as a workbook; it imports back as it is.
pub async fn export_bytes(s: &AppState, p: &Principal, q: &PolicyListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::PoliciesRead)?;
    let rows = store::list_all(&s.db, &p.scope, &q.filter()?, excel::MAX_EXPORT_ROWS).await?;
    let depts = DepartmentIndex::load(s).await?;
    let views = views(s, p, rows).await?;
    excel::workbook(
        "政策",
        &COLUMNS,
        views.into_iter().map(|v| {
            vec![
                Cell::Text(v.policy.title),
                Cell::Text(v.policy.doc_number),
                Cell::Text(depts.key_of(Some(&v.policy.department_id))),
                Cell::Text(v.org_kinds_label),
                Cell::Text(v.chain_name),
                Cell::Text(v.policy.support),
                Cell::Text(v.policy.conditions),
                Cell::from(v.policy.opens_on),
                Cell::from(v.policy.closes_on),
                Cell::Text(v.status_label),
            ]
        }),
    )
}

/// The import template: the columns and one sample row.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let example = [
        "2026年度企业研发投入后补助",
        "渝高新发〔2026〕12号",
        "科技局",
        "企业、科研机构",
        "",
        "按上年度研发投入增量的10%给予补助，最高200万元",
        "在本区注册、上年度研发投入不低于500万元",
        "2026-03-01",
        "2026-05-31",
        "已发布",
    ];
    excel::workbook(
        "政策",
        &COLUMNS,
        [example.into_iter().map(|t| Cell::Text(t.into())).collect()],
    )
}

fn column_of(field: Option<&str>) -> &'static str {
    match field {
        Some("doc_number") => "文号",
        Some("department_id") => "牵头部门",
        Some("org_kinds") => "适用单位类型",
        Some("chain_id") => "适用产业链",
        Some("support") => "支持内容",
        Some("conditions") => "申报条件",
        Some("opens_on") => "申报开始日期",
        Some("closes_on") => "申报截止日期",
        _ => "政策名称",
    }
}

/// Validate every row with the form's rules, then import all or nothing.
/// A title already registered, or repeated in the file, is refused.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::PoliciesWrite)?;
    let table = Table::read(bytes, &["政策名称", "牵头部门", "支持内容"])?;
    let depts = DepartmentIndex::load(s).await?;
    let mut chains: HashMap<String, Vec<String>> = HashMap::new();
    for (id, name) in kechuang_store::names::all(&s.db, "chains").await? {
        chains.entry(name).or_default().push(id);
    }
    let registered: HashSet<String> = store::titles(&s.db).await?.into_iter().collect();
    let mut seen = HashMap::new();
    let (mut rows, mut rows_of, mut problems) = (vec![], vec![], vec![]);
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let mut bad = |column: &str, reason: String| {
            problems.push(ImportProblem {
                row: row_no,
                column: column.into(),
                reason,
            })
        };
        let (department_id, department_known) = match depts.find(&cell("牵头部门")) {
            Ok(Some(d)) if !store::manages(&p.scope, &d) => {
                bad(
                    "牵头部门",
                    format!(
                        "只能导入本部门（及下级部门）牵头的政策，“{}”不在其中",
                        cell("牵头部门")
                    ),
                );
                (None, false)
            }
            Ok(d) => (d, true),
            Err(e) => {
                bad("牵头部门", e);
                (None, false)
            }
        };
        let chain_id = excel::one_of(&chains, &cell("适用产业链"), "产业链", "产业链页面")
            .unwrap_or_else(|e| {
                bad("适用产业链", e);
                None
            });
        let status_text = cell("状态");
        let status = match status_text.as_str() {
            "" => PolicyStatus::Draft,
            t => PolicyStatus::ALL
                .iter()
                .copied()
                .find(|x| x.label_zh() == t || x.as_str() == t)
                .unwrap_or_else(|| {
                    bad("状态", format!("“{t}”请写草稿、已发布或已停止"));
                    PolicyStatus::Draft
                }),
        };
        let draft = PolicyDraft {
            title: cell("政策名称"),
            doc_number: cell("文号"),
            department_id: department_id.unwrap_or_default(),
            org_kinds: cell("适用单位类型"),
            chain_id: chain_id.unwrap_or_default(),
            support: cell("支持内容"),
            conditions: cell("申报条件"),
            opens_on: cell("申报开始日期"),
            closes_on: cell("申报截止日期"),
        };
        match draft.validate(None) {
            Ok(input) => {
                if let Err(e) =
                    excel::new_key(&registered, &mut seen, input.title.clone(), row_no, |t| {
                        format!("已有名为“{t}”的政策")
                    })
                {
                    bad("政策名称", e);
                }
                rows.push((input, status));
                rows_of.push(row_no);
            }
            Err((_, fields)) => {
                for (f, reason) in fields {
                    // A department the index could not find is named already.
                    if f != "department_id" || department_known {
                        bad(column_of(Some(f)), reason);
                    }
                }
            }
        }
    }
    excel::finish_import_by_field(rows, rows_of, problems, column_of, |rows| {
        store::import(&s.db, &p.username, &p.scope, rows)
    })
    .await
}
