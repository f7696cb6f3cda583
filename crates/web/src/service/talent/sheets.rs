//! The talent register in Excel: the export of a filtered list and the
//! all-or-nothing import, with the same columns, so a full export (numbers
//! revealed) imports again. The import finds the employer by its credit
//! code (else by its exact name), the tier by name or code and the talent
//! specialist by name, and checks every row with the form's rules.

use kechuang_domain::auth::Permission;
use kechuang_store::party::staff::{self, StaffRole};
use kechuang_store::talent::talents;
use kechuang_store::{Principal, StoreError};
use std::collections::HashMap;

use super::register::{reveal, tiers, views, TalentDraft, TalentListQuery};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell, ImportFailure, ImportProblem, Table};
use crate::extract::opt_bool;
use crate::AppState;

/// The columns of the register's export, template and import.
pub const TALENT_COLUMNS: [&str; 15] = [
    "姓名",
    "外文姓名",
    "国籍",
    "国际人才",
    "人才层次",
    "领域",
    "工作单位",
    "工作单位统一社会信用代码",
    "到岗日期",
    "人才服务专员",
    "护照号",
    "身份证号",
    "手机号",
    "电子邮箱",
    "备注",
];

/// The register as filtered, as an .xlsx (numbers masked unless revealed, audited).
pub async fn talents_export(
    s: &AppState,
    p: &Principal,
    q: &TalentListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::TalentRead)?;
    let show = opt_bool("reveal", &q.reveal)?.unwrap_or(false);
    let rows = talents::list_all(&s.db, &q.filter()?, excel::MAX_EXPORT_ROWS).await?;
    if show {
        let ids: Vec<String> = rows.iter().map(|t| t.id.clone()).collect();
        reveal(s, p, "export", &ids).await?;
    }
    let codes = usccs(s, rows.iter().map(|t| t.employer_org_id.clone())).await?;
    let vs = views(s, rows, show).await?;
    excel::workbook(
        "人才名册",
        &TALENT_COLUMNS,
        vs.into_iter().map(|v| {
            let t = v.talent;
            vec![
                Cell::Text(t.name),
                Cell::Text(t.name_latin),
                Cell::Text(t.nationality),
                Cell::Text(if t.international { "是" } else { "否" }.into()),
                Cell::Text(v.tier_name),
                Cell::Text(t.field),
                Cell::Text(v.employer_name),
                Cell::Text(codes.get(&t.employer_org_id).cloned().unwrap_or_default()),
                Cell::from(t.arrived_on),
                Cell::Text(v.specialist_name),
                Cell::Text(t.passport_no),
                Cell::Text(t.id_number),
                Cell::Text(t.phone),
                Cell::Text(t.email),
                Cell::Text(t.note),
            ]
        }),
    )
}

/// Credit codes of organisations by id.
async fn usccs(
    s: &AppState,
    ids: impl Iterator<Item = String>,
) -> ApiResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    for id in ids {
        if out.contains_key(&id) {
            continue;
        }
        let o = kechuang_store::orgs::get(&s.db, &kechuang_store::Scope::All, &id).await?;
        out.insert(id, o.uscc.unwrap_or_default());
    }
    Ok(out)
}

/// The import template: the export's columns and one example row.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let example = [
        "",
        "Anna Schmidt",
        "德国",
        "是",
        "领军人才",
        "新材料",
        "重庆示例科技有限公司",
        "",
        "2026-03-01",
        "",
        "C01X00T47",
        "",
        "13800001234",
        "anna@example.com",
        "",
    ];
    excel::workbook(
        "人才名册",
        &TALENT_COLUMNS,
        [example.into_iter().map(|v| Cell::Text(v.into())).collect()],
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "name" => "姓名",
        "name_latin" => "外文姓名",
        "nationality" => "国籍",
        "international" => "国际人才",
        "tier_id" => "人才层次",
        "field" => "领域",
        "employer_org_id" => "工作单位",
        "arrived_on" => "到岗日期",
        "specialist_id" => "人才服务专员",
        "passport_no" => "护照号",
        "id_number" => "身份证号",
        "phone" => "手机号",
        "email" => "电子邮箱",
        _ => "备注",
    }
}

/// What a row's names refer to: tiers (by name or code), talent
/// specialists (by name) and organisations (by code or name), looked up once.
struct Refs {
    tiers: Vec<(String, String, String)>,
    specialists: HashMap<String, Vec<String>>,
    orgs: HashMap<String, Result<String, String>>,
}

impl Refs {
    fn tier(&self, v: &str) -> Result<String, String> {
        let found: Vec<&String> = self
            .tiers
            .iter()
            .filter(|(_, code, name)| name == v || code == v)
            .map(|(id, _, _)| id)
            .collect();
        match found.as_slice() {
            [id] => Ok((*id).clone()),
            [] => Err(format!("人才层次“{v}”不存在，请填写“服务目录”中的层次名称")),
            _ => Err(format!("有多个名为“{v}”的人才层次，请填写层次代码")),
        }
    }

    fn specialist(&self, v: &str) -> Result<Option<String>, String> {
        if v.is_empty() {
            return Ok(None);
        }
        match self.specialists.get(v).map(Vec::as_slice) {
            Some([id]) => Ok(Some(id.clone())),
            Some(ids) if ids.len() > 1 => Err(format!(
                "有 {} 位名为“{v}”的人才服务专员，请留空，导入后在人才档案中选择",
                ids.len()
            )),
            _ => Err(format!("“{v}”不是人才服务专员")),
        }
    }

    async fn org(
        &mut self,
        s: &AppState,
        code: &str,
        name: &str,
    ) -> ApiResult<Result<String, String>> {
        let code = code.trim().to_uppercase();
        let key = format!("{code}\u{1f}{name}");
        if let Some(v) = self.orgs.get(&key) {
            return Ok(v.clone());
        }
        let found = if !code.is_empty() {
            match kechuang_store::orgs::by_uscc(&s.db, &code).await? {
                Some(o) => Ok(o.id),
                None => Err(format!(
                    "统一社会信用代码 {code} 不在单位名录中，请先登记该单位"
                )),
            }
        } else if name.is_empty() {
            Err("请填写工作单位（或其统一社会信用代码）".to_string())
        } else {
            match kechuang_store::orgs::by_name(&s.db, name).await?.as_slice() {
                [o] => Ok(o.id.clone()),
                [] => Err(format!("单位“{name}”不在单位名录中，请先登记该单位")),
                _ => Err(format!("有多个名为“{name}”的单位，请填写统一社会信用代码")),
            }
        };
        self.orgs.insert(key, found.clone());
        Ok(found)
    }
}

/// Validate every row with the form's rules, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::TalentWrite)?;
    let table = Table::read(bytes, &["姓名", "外文姓名", "国籍", "人才层次", "工作单位"])?;
    let mut specialists: HashMap<String, Vec<String>> = HashMap::new();
    for m in staff::of_role(&s.db, StaffRole::TalentSpecialist).await? {
        specialists.entry(m.name).or_default().push(m.id);
    }
    let mut refs = Refs {
        tiers: tiers(s, p)
            .await?
            .into_iter()
            .map(|t| (t.id, t.code, t.name))
            .collect(),
        specialists,
        orgs: HashMap::new(),
    };
    let mut problems = vec![];
    let mut inputs = vec![];
    let mut rows_of = vec![];
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let before = problems.len();
        let mut bad = |field: &str, reason: String| {
            problems.push(ImportProblem {
                row: row_no,
                column: column_of(field).into(),
                reason,
            })
        };
        let international = match cell("国际人才").as_str() {
            "" => None,
            "是" => Some(true),
            "否" => Some(false),
            v => {
                bad(
                    "international",
                    format!("“{v}”无效：请填“是”或“否”，或留空按国籍判断"),
                );
                None
            }
        };
        let tier_id = refs.tier(&cell("人才层次")).unwrap_or_else(|e| {
            bad("tier_id", e);
            String::new()
        });
        let specialist_id = refs.specialist(&cell("人才服务专员")).unwrap_or_else(|e| {
            bad("specialist_id", e);
            None
        });
        let employer_org_id = refs
            .org(s, &cell("工作单位统一社会信用代码"), &cell("工作单位"))
            .await?
            .unwrap_or_else(|e| {
                bad("employer_org_id", e);
                String::new()
            });
        let reported: Vec<String> = problems[before..]
            .iter()
            .map(|p| p.column.clone())
            .collect();
        let draft = TalentDraft {
            name: cell("姓名"),
            name_latin: cell("外文姓名"),
            nationality: cell("国籍"),
            international,
            tier_id: if tier_id.is_empty() {
                "-".into()
            } else {
                tier_id
            },
            field: cell("领域"),
            employer_org_id: if employer_org_id.is_empty() {
                "-".into()
            } else {
                employer_org_id
            },
            arrived_on: cell("到岗日期"),
            specialist_id: specialist_id.unwrap_or_default(),
            user_id: String::new(),
            passport_no: cell("护照号"),
            id_number: cell("身份证号"),
            phone: cell("手机号"),
            email: cell("电子邮箱"),
            note: cell("备注"),
        };
        match draft.validate() {
            Ok(input) if problems.len() == before => {
                inputs.push(input);
                rows_of.push(row_no);
            }
            Ok(_) => {}
            Err(e) => {
                let fields = e
                    .details
                    .get("fields")
                    .and_then(|f| f.as_object())
                    .cloned()
                    .unwrap_or_default();
                for (f, reason) in fields {
                    let column = column_of(&f);
                    if !reported.iter().any(|c| c == column) {
                        problems.push(ImportProblem {
                            row: row_no,
                            column: column.into(),
                            reason: reason.as_str().unwrap_or_default().to_string(),
                        });
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(ImportFailure::Invalid(problems));
    }
    match talents::import(&s.db, &p.username, inputs).await {
        Ok(n) => Ok(n),
        Err((k, e)) => {
            let column = match &e {
                StoreError::Field { field, .. } => column_of(field),
                StoreError::Db(_) => return Err(e.into()),
                _ => "姓名",
            };
            let api: ApiError = e.into();
            Err(ImportFailure::Invalid(vec![ImportProblem {
                row: rows_of.get(k).copied().unwrap_or(2),
                column: column.into(),
                reason: api.message,
            }]))
        }
    }
}
