//! /api/v1/orgs: the organisations register.

use std::collections::{HashMap, HashSet};

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use kechuang_domain::auth::Permission;
use kechuang_domain::org::OrgKind;
use kechuang_store::entities::org;
use kechuang_store::orgs::{self, OrgFilter, OrgSort};
use kechuang_store::{departments, Page, PageReq, Principal, Scope};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{invalid, non_empty, opt_bool, ApiJson, ApiMultipart, ApiPath, ApiQuery, VersionParam};
use crate::api::Paging;
use crate::auth::{require, ApiUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::excel::{self, Cell};
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
        let kind = match non_empty(&self.kind) {
            None => None,
            Some(k) => Some(
                OrgKind::parse(&k)
                    .ok_or_else(|| ApiError::bad_request("invalid_query", "未知的单位类型"))?,
            ),
        };
        let sort = match non_empty(&self.sort) {
            None => OrgSort::default(),
            Some(s) => OrgSort::parse(&s).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_query",
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

/// 单位列表（仅返回调用者数据范围内的单位），支持关键词、类型、资质、部门、产业链筛选与排序分页
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", params(OrgListQuery, Paging),
    responses((status = 200, body = OrgPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_orgs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<OrgListQuery>,
) -> ApiResult<Json<OrgPage>> {
    require(&p, Permission::OrgsRead)?;
    let page: Page<org::Model> = orgs::list(&s.db, &p.scope, &q.filter()?, q.page()?).await?;
    Ok(Json(OrgPage {
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        items: page.items.into_iter().map(OrgView::from).collect(),
    }))
}

/// Check the department named by a draft exists.
async fn check_department(s: &AppState, i: &kechuang_store::orgs::OrgInput) -> ApiResult<()> {
    if let Some(d) = &i.department_id {
        if departments::get(&s.db, &Scope::All, d).await.is_err() {
            return Err(ApiError::invalid(
                "invalid_input",
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

/// 登记单位（统一社会信用代码按 GB 32100-2015 校验）
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgDraft,
    responses((status = 201, body = OrgView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "统一社会信用代码重复（duplicate_uscc）", body = ErrorBody),
        (status = 422, description = "字段校验失败（invalid_uscc / invalid_input）", body = ErrorBody)))]
pub async fn create_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<OrgDraft>,
) -> ApiResult<(StatusCode, Json<OrgView>)> {
    may_create(&p)?;
    let input = d.validate().map_err(invalid)?;
    check_department(&s, &input).await?;
    let m = orgs::create(&s.db, &p.username, input).await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// 单位详情（不在数据范围内时返回 404）
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = String, Path)),
    responses((status = 200, body = OrgView), (status = 404, body = ErrorBody)))]
pub async fn get_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<OrgView>> {
    require(&p, Permission::OrgsRead)?;
    Ok(Json(orgs::get(&s.db, &p.scope, &id).await?.into()))
}

/// Changes to an organisation, with the version that was read.
#[derive(Deserialize, ToSchema)]
pub struct OrgUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub org: OrgDraft,
}

/// 修改单位（须带读取时的 version，过期返回 409）
#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = String, Path)), request_body = OrgUpdate,
    responses((status = 200, body = OrgView), (status = 404, body = ErrorBody),
        (status = 409, description = "版本过期（stale_version）或信用代码重复", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<OrgUpdate>,
) -> ApiResult<Json<OrgView>> {
    require(&p, Permission::OrgsWrite)?;
    let input = u.org.validate().map_err(invalid)?;
    check_department(&s, &input).await?;
    Ok(Json(
        orgs::update(&s.db, &p.scope, &p.username, &id, u.version, input)
            .await?
            .into(),
    ))
}

/// 删除单位（须带 version）
#[utoipa::path(delete, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = String, Path), VersionParam),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "仍被引用（org_in_use）", body = ErrorBody)))]
pub async fn delete_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(v): ApiQuery<VersionParam>,
) -> ApiResult<StatusCode> {
    may_create(&p)?;
    orgs::delete(&s.db, &p.scope, &p.username, &id, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
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

/// 按筛选条件导出单位名录（Excel）
#[utoipa::path(get, path = "/api/v1/orgs/export", tag = "orgs", params(OrgListQuery),
    responses((status = 200, description = "xlsx 文件", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody)))]
pub async fn export_orgs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<OrgListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "单位名录.xlsx",
        export_bytes(&s, &p, &q).await?,
    ))
}

/// 下载单位导入模板（Excel）
#[utoipa::path(get, path = "/api/v1/orgs/import/template", tag = "orgs",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn import_template(_user: ApiUser) -> ApiResult<Response> {
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
    Ok(excel::xlsx_response("单位导入模板.xlsx", bytes))
}

/// One bad cell of an import file.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
pub struct ImportProblem {
    /// Excel 行号（表头为第1行）
    pub row: usize,
    /// 列名
    pub column: String,
    pub reason: String,
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

/// Why an import was refused.
pub enum ImportFailure {
    /// Bad cells: nothing was imported.
    Invalid(Vec<ImportProblem>),
    Other(ApiError),
}

impl From<ApiError> for ImportFailure {
    fn from(e: ApiError) -> Self {
        ImportFailure::Other(e)
    }
}

impl From<kechuang_store::StoreError> for ImportFailure {
    fn from(e: kechuang_store::StoreError) -> Self {
        ImportFailure::Other(e.into())
    }
}

impl From<ImportFailure> for ApiError {
    /// Bad cells become a 422 `import_invalid` with `details.problems`.
    fn from(f: ImportFailure) -> Self {
        match f {
            ImportFailure::Other(e) => e,
            ImportFailure::Invalid(problems) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "import_invalid",
                format!(
                    "发现{}处错误，未导入任何数据，请修改后重新上传",
                    problems.len()
                ),
            )
            .with_details(json!({ "problems": problems })),
        }
    }
}

/// Validate every row of an import file, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::OrgsImport)?;
    let rows = excel::read_rows(bytes)?;
    let Some((header, data)) = rows.split_first() else {
        return Err(
            ApiError::bad_request("empty_file", "文件是空的：请使用导入模板填写后上传").into(),
        );
    };
    let mut col = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        col.insert(h.trim().to_string(), i);
    }
    let missing: Vec<&str> = ["单位名称", "单位类型"]
        .into_iter()
        .filter(|c| !col.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_template",
            format!("表头缺少列：{}。请下载导入模板", missing.join("、")),
        )
        .into());
    }
    if data.len() > 10_000 {
        return Err(
            ApiError::bad_request("too_many_rows", "单次最多导入10000行，请分批导入").into(),
        );
    }
    let deps = departments::list(&s.db, &Scope::All).await?;
    let get = |row: &Vec<String>, name: &str| {
        col.get(name)
            .and_then(|&i| row.get(i))
            .cloned()
            .unwrap_or_default()
    };
    let mut problems = vec![];
    let mut inputs = vec![];
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, row) in data.iter().enumerate() {
        let row_no = i + 2;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let dep_text = get(row, "主管部门");
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
            name: get(row, "单位名称"),
            kind: get(row, "单位类型"),
            uscc: get(row, "统一社会信用代码"),
            legal_person: get(row, "法定代表人"),
            contact_name: get(row, "联系人"),
            contact_phone: get(row, "联系电话"),
            contact_email: get(row, "电子邮箱"),
            address: get(row, "地址"),
            tags: get(row, "标签"),
            is_high_tech: parse_flag(&get(row, "高新技术企业")),
            is_tech_sme: parse_flag(&get(row, "科技型中小企业")),
            is_specialized: parse_flag(&get(row, "专精特新")),
            department_id,
            founded_on: get(row, "成立日期"),
            description: get(row, "简介"),
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
        return Err(ApiError::bad_request("empty_file", "文件中没有数据行").into());
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

/// Read the uploaded file field of a multipart form.
pub async fn upload(mut mp: Multipart) -> ApiResult<Vec<u8>> {
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request("invalid_upload", format!("上传失败：{e}")))?
    {
        if field.name() == Some("file") {
            let bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::bad_request("invalid_upload", format!("上传失败：{e}")))?;
            return Ok(bytes.to_vec());
        }
    }
    Err(ApiError::bad_request(
        "invalid_upload",
        "请选择要上传的 Excel 文件（表单字段名 file）",
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Imported {
    pub imported: usize,
}

/// 从 Excel 导入单位：先校验全部行，有错则整体不导入
#[utoipa::path(post, path = "/api/v1/orgs/import", tag = "orgs",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导入模板"),
    responses((status = 200, body = Imported), (status = 400, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid；含控制字符的单元格亦列入），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_orgs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<Json<Imported>> {
    require(&p, Permission::OrgsImport)?;
    let bytes = upload(mp).await?;
    Ok(Json(Imported {
        imported: import_bytes(&s, &p, &bytes).await.map_err(ApiError::from)?,
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(export_orgs))
        .routes(routes!(import_orgs))
        .routes(routes!(import_template))
        .routes(routes!(get_org, update_org, delete_org))
}
