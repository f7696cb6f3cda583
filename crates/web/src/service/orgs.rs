//! The organisations register: views, the list query, the rules of creating,
//! changing and deleting an organisation, the Excel export, template and import.
//! The JSON API (`api::orgs`) and the pages (`pages::orgs`) both call it.

use kechuang_domain::ErrorCode;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use kechuang_domain::auth::Permission;
use kechuang_domain::org::OrgKind;
use kechuang_store::entities::org;
use kechuang_store::orgs::{self, OrgFilter, OrgInput, OrgSort};
use kechuang_store::{departments, Page, PageReq, Principal, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell, ImportFailure, ImportProblem};
use crate::extract::{non_empty, opt_bool};
use crate::forms::{parse_flag, OrgDraft};
use crate::AppState;

/// An organisation as the API returns it.
#[derive(Serialize, ToSchema)]
pub struct OrgView {
    pub id: String,
    pub name: String,
    /// 类型代码
    pub kind: String,
    /// 类型中文
    pub kind_label: String,
    pub uscc: Option<String>,
    pub legal_person: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub address: String,
    pub tags: Vec<String>,
    /// 高新技术企业
    pub is_high_tech: bool,
    /// 科技型中小企业
    pub is_tech_sme: bool,
    /// 专精特新
    pub is_specialized: bool,
    pub department_id: Option<String>,
    pub founded_on: Option<NaiveDate>,
    pub description: String,
    /// 版本号：修改、删除时须带上
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn kind_label(code: &str) -> String {
    OrgKind::parse(code)
        .map(|k| k.label_zh().to_string())
        .unwrap_or_else(|| code.to_string())
}

pub fn tags_of(m: &org::Model) -> Vec<String> {
    m.tags
        .split(',')
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

impl From<org::Model> for OrgView {
    fn from(m: org::Model) -> Self {
        OrgView {
            kind_label: kind_label(&m.kind),
            tags: tags_of(&m),
            id: m.id,
            name: m.name,
            kind: m.kind,
            uscc: m.uscc,
            legal_person: m.legal_person,
            contact_name: m.contact_name,
            contact_phone: m.contact_phone,
            contact_email: m.contact_email,
            address: m.address,
            is_high_tech: m.is_high_tech,
            is_tech_sme: m.is_tech_sme,
            is_specialized: m.is_specialized,
            department_id: m.department_id,
            founded_on: m.founded_on,
            description: m.description,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrgPage {
    pub items: Vec<OrgView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// Filters, sorting and paging of the organisation list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgListQuery {
    /// 关键词：名称、信用代码、地址或标签中包含
    pub q: Option<String>,
    /// 单位类型代码
    pub kind: Option<String>,
    /// 高新技术企业：true / false
    pub high_tech: Option<String>,
    /// 专精特新：true / false
    pub specialized: Option<String>,
    pub department_id: Option<String>,
    /// 只看挂接在该产业链上的单位
    pub chain_id: Option<String>,
    pub tag: Option<String>,
    /// 排序字段：name, kind, created_at, updated_at
    pub sort: Option<String>,
    /// asc 或 desc
    pub dir: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl OrgListQuery {
    pub fn filter(&self) -> ApiResult<OrgFilter> {
        let kind =
            match non_empty(&self.kind) {
                None => None,
                Some(k) => Some(OrgKind::parse(&k).ok_or_else(|| {
                    ApiError::bad_request(ErrorCode::InvalidQuery, "未知的单位类型")
                })?),
            };
        let sort = match non_empty(&self.sort) {
            None => OrgSort::default(),
            Some(s) => OrgSort::parse(&s).ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "排序字段只能是 name、kind、created_at、updated_at",
                )
            })?,
        };
        Ok(OrgFilter {
            q: non_empty(&self.q).map(|s| s.chars().take(100).collect()),
            kind,
            high_tech: opt_bool("high_tech", &self.high_tech)?,
            specialized: opt_bool("specialized", &self.specialized)?,
            department_id: non_empty(&self.department_id),
            chain_id: non_empty(&self.chain_id),
            tag: non_empty(&self.tag),
            sort,
            desc: self.dir.as_deref() == Some("desc"),
        })
    }
    pub fn page(&self) -> Result<PageReq, kechuang_store::PageError> {
        PageReq::new(self.page, self.per_page)
    }
}

/// Check the department named by a draft exists.
async fn check_department(s: &AppState, i: &OrgInput) -> ApiResult<()> {
    if let Some(d) = &i.department_id {
        if departments::get(&s.db, &Scope::All, d).await.is_err() {
            return Err(ApiError::invalid(
                ErrorCode::InvalidInput,
                &[("department_id", "主管部门不存在".into())],
            ));
        }
    }
    Ok(())
}

/// Whether the caller may write this organisation: enterprise users only their own.
fn may_create(p: &Principal) -> ApiResult<()> {
    require(p, Permission::OrgsWrite)?;
    if matches!(p.scope, Scope::Org(_) | Scope::User(_)) {
        return Err(ApiError::forbidden());
    }
    Ok(())
}

/// One page of the organisations in the caller's scope, filtered and sorted.
pub async fn list(s: &AppState, p: &Principal, q: &OrgListQuery) -> ApiResult<Page<org::Model>> {
    require(p, Permission::OrgsRead)?;
    Ok(orgs::list(&s.db, &p.scope, &q.filter()?, q.page()?).await?)
}

/// One organisation in the caller's scope (404 outside it).
pub async fn get(s: &AppState, p: &Principal, id: &str) -> ApiResult<org::Model> {
    require(p, Permission::OrgsRead)?;
    Ok(orgs::get(&s.db, &p.scope, id).await?)
}

/// Register an organisation (committee staff only; enterprise users may not).
pub async fn create(s: &AppState, p: &Principal, d: &OrgDraft) -> ApiResult<OrgView> {
    may_create(p)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    check_department(s, &input).await?;
    Ok(orgs::create(&s.db, &p.username, input).await?.into())
}

/// Change an organisation in the caller's scope, at the version that was read.
pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &OrgDraft,
) -> ApiResult<OrgView> {
    require(p, Permission::OrgsWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    check_department(s, &input).await?;
    Ok(
        orgs::update(&s.db, &p.scope, &p.username, id, version, input)
            .await?
            .into(),
    )
}

/// Delete an organisation (committee staff only), at the version that was read.
pub async fn delete(s: &AppState, p: &Principal, id: &str, version: i32) -> ApiResult<()> {
    may_create(p)?;
    orgs::delete(&s.db, &p.scope, &p.username, id, version).await?;
    Ok(())
}

/// Column layout of the export and of the import template.
pub const COLUMNS: [&str; 15] = [
    "单位名称",
    "单位类型",
    "统一社会信用代码",
    "法定代表人",
    "联系人",
    "联系电话",
    "电子邮箱",
    "地址",
    "标签",
    "高新技术企业",
    "科技型中小企业",
    "专精特新",
    "主管部门",
    "成立日期",
    "简介",
];

fn yes_no(b: bool) -> Cell {
    Cell::Text(if b { "是" } else { "否" }.into())
}

/// The filtered list as an .xlsx workbook.
pub async fn export_bytes(s: &AppState, p: &Principal, q: &OrgListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::OrgsRead)?;
    let rows = orgs::list_all(&s.db, &p.scope, &q.filter()?, 200_000).await?;
    let deps: HashMap<String, String> = departments::list(&s.db, &Scope::All)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    excel::workbook(
        "单位名录",
        &COLUMNS,
        rows.into_iter().map(|m| {
            vec![
                Cell::Text(m.name.clone()),
                Cell::Text(kind_label(&m.kind)),
                Cell::from(m.uscc.clone()),
                Cell::Text(m.legal_person.clone()),
                Cell::Text(m.contact_name.clone()),
                Cell::Text(m.contact_phone.clone()),
                Cell::Text(m.contact_email.clone()),
                Cell::Text(m.address.clone()),
                Cell::Text(m.tags.replace(',', "、")),
                yes_no(m.is_high_tech),
                yes_no(m.is_tech_sme),
                yes_no(m.is_specialized),
                Cell::from(m.department_id.as_ref().and_then(|d| deps.get(d)).cloned()),
                Cell::from(m.founded_on),
                Cell::Text(m.description.clone()),
            ]
        }),
    )
}

/// The import template: the columns and one example row.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let example = vec![
        "重庆示例科技有限公司",
        "企业",
        "91500000MA5U000000",
        "张三",
        "李四",
        "023-68881234",
        "contact@example.cn",
        "重庆市沙坪坝区大学城中路",
        "新能源、汽车电子",
        "是",
        "否",
        "否",
        "科技创新局",
        "2020-03-15",
        "示例行，导入前请删除",
    ];
    let bytes = excel::workbook(
        "单位导入",
        &COLUMNS,
        [example.into_iter().map(Cell::from).collect()],
    )?;
    Ok(bytes)
}

fn field_column(field: &str) -> &'static str {
    match field {
        "name" => "单位名称",
        "kind" => "单位类型",
        "uscc" => "统一社会信用代码",
        "legal_person" => "法定代表人",
        "contact_name" => "联系人",
        "contact_phone" => "联系电话",
        "contact_email" => "电子邮箱",
        "address" => "地址",
        "tags" => "标签",
        "department_id" => "主管部门",
        "founded_on" => "成立日期",
        _ => "简介",
    }
}

/// Validate every row of an import file, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::OrgsImport)?;
    let table = excel::Table::read(bytes, &["单位名称", "单位类型"])?;
    let deps = departments::list(&s.db, &Scope::All).await?;
    let mut problems = vec![];
    let mut inputs = vec![];
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row_no, row) in table.rows() {
        let dep_text = table.get(row, "主管部门");
        let department_id = match dep_text.trim() {
            "" => String::new(),
            t => match deps.iter().find(|d| d.name == t || d.code == t) {
                Some(d) => d.id.clone(),
                None => {
                    problems.push(ImportProblem {
                        row: row_no,
                        column: "主管部门".into(),
                        reason: format!("找不到部门“{t}”（填部门名称或编码）"),
                    });
                    String::new()
                }
            },
        };
        let draft = OrgDraft {
            name: table.get(row, "单位名称"),
            kind: table.get(row, "单位类型"),
            uscc: table.get(row, "统一社会信用代码"),
            legal_person: table.get(row, "法定代表人"),
            contact_name: table.get(row, "联系人"),
            contact_phone: table.get(row, "联系电话"),
            contact_email: table.get(row, "电子邮箱"),
            address: table.get(row, "地址"),
            tags: table.get(row, "标签"),
            is_high_tech: parse_flag(&table.get(row, "高新技术企业")),
            is_tech_sme: parse_flag(&table.get(row, "科技型中小企业")),
            is_specialized: parse_flag(&table.get(row, "专精特新")),
            department_id,
            founded_on: table.get(row, "成立日期"),
            description: table.get(row, "简介"),
        };
        match draft.validate() {
            Ok(input) => {
                if let Some(u) = &input.uscc {
                    if let Some(first) = seen.insert(u.as_str().to_string(), row_no) {
                        problems.push(ImportProblem {
                            row: row_no,
                            column: "统一社会信用代码".into(),
                            reason: format!("与第{first}行重复"),
                        });
                    }
                }
                inputs.push((row_no, input));
            }
            Err((_, fields)) => {
                problems.extend(fields.into_iter().map(|(f, reason)| ImportProblem {
                    row: row_no,
                    column: field_column(f).into(),
                    reason,
                }))
            }
        }
    }
    let codes: Vec<String> = seen.keys().cloned().collect();
    let taken: HashSet<String> = orgs::existing_usccs(&s.db, &codes)
        .await?
        .into_iter()
        .collect();
    for (row_no, input) in &inputs {
        if input
            .uscc
            .as_ref()
            .is_some_and(|u| taken.contains(u.as_str()))
        {
            problems.push(ImportProblem {
                row: *row_no,
                column: "统一社会信用代码".into(),
                reason: "该代码已登记在单位名录中".into(),
            });
        }
    }
    if inputs.is_empty() && problems.is_empty() {
        return Err(ApiError::bad_request(ErrorCode::EmptyFile, "文件中没有数据行").into());
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Err(ImportFailure::Invalid(problems));
    }
    Ok(orgs::import(
        &s.db,
        &p.username,
        inputs.into_iter().map(|(_, i)| i).collect(),
    )
    .await?)
}

/// The register's organisations by credit code and by full name, for the
/// imports that name an organisation (a ledger written by hand names it by
/// name; two organisations of one name need the code).
pub struct OrgIndex {
    by_code: HashMap<String, String>,
    by_name: HashMap<String, Vec<String>>,
    /// id → (name, credit code)
    of_id: HashMap<String, (String, String)>,
    /// id → `OrgKind` code
    kinds: HashMap<String, String>,
}

impl OrgIndex {
    pub async fn load(s: &AppState) -> ApiResult<OrgIndex> {
        let mut ix = OrgIndex {
            by_code: HashMap::new(),
            by_name: HashMap::new(),
            of_id: HashMap::new(),
            kinds: HashMap::new(),
        };
        for o in orgs::list_all(&s.db, &Scope::All, &Default::default(), 1_000_000).await? {
            let code = o.uscc.unwrap_or_default();
            if !code.is_empty() {
                ix.by_code.insert(code.clone(), o.id.clone());
            }
            ix.by_name
                .entry(o.name.clone())
                .or_default()
                .push(o.id.clone());
            ix.kinds.insert(o.id.clone(), o.kind);
            ix.of_id.insert(o.id, (o.name, code));
        }
        Ok(ix)
    }

    /// The organisation of a credit code (upper or lower case).
    pub fn by_code(&self, code: &str) -> Option<&String> {
        self.by_code.get(&code.trim().to_uppercase())
    }

    /// The organisation of a full name, or why not (for the problem list).
    pub fn by_name(&self, name: &str) -> Result<String, String> {
        match self.by_name.get(name.trim()).map(Vec::as_slice) {
            Some([id]) => Ok(id.clone()),
            Some(ids) if ids.len() > 1 => Err(format!(
                "有 {} 个单位叫“{}”，请填写统一社会信用代码",
                ids.len(),
                name.trim()
            )),
            _ => Err(format!(
                "单位名录中没有“{}”，请填写全称或统一社会信用代码",
                name.trim()
            )),
        }
    }

    /// The organisation written as its credit code or its full name.
    pub fn find(&self, key: &str) -> Result<String, String> {
        match self.by_code(key) {
            Some(id) => Ok(id.clone()),
            None => self.by_name(key),
        }
    }

    /// An organisation's kind (`OrgKind` code).
    pub fn kind_of(&self, id: &str) -> Option<&str> {
        self.kinds.get(id).map(String::as_str)
    }

    /// An organisation's full name.
    pub fn name_of(&self, id: &str) -> String {
        self.of_id
            .get(id)
            .map(|(name, _)| name.clone())
            .unwrap_or_default()
    }

    /// An organisation's credit code, when it has one.
    pub fn code_of(&self, id: &str) -> Option<String> {
        self.of_id
            .get(id)
            .map(|(_, code)| code.clone())
            .filter(|c| !c.is_empty())
    }

    /// How an export writes an organisation so that `find` reads it back:
    /// its name, or its credit code where another has the same name or the
    /// name holds one of `separators` (a list cell would split it).
    pub fn key_of(&self, id: &str, separators: &[char]) -> String {
        let Some((name, code)) = self.of_id.get(id) else {
            return String::new();
        };
        let shared = self.by_name.get(name).is_some_and(|ids| ids.len() > 1);
        if (shared || name.contains(separators)) && !code.is_empty() {
            code.clone()
        } else {
            name.clone()
        }
    }
}
