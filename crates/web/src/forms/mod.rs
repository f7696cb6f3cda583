//! Input drafts and their validation, shared by pages (forms), the JSON API
//! and Excel import, so a field is checked the same way everywhere.

pub mod alliances;
pub mod events;
pub mod fields;
pub mod matching;
pub mod party;
pub mod policies;
pub mod transfer;

use chrono::{NaiveDate, Utc};
use kechuang_domain::org::OrgKind;
use kechuang_domain::uscc::Uscc;
use kechuang_domain::ErrorCode;
use kechuang_store::chains::ChainInput;
use kechuang_store::departments::DepartmentInput;
use kechuang_store::orgs::OrgInput;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

/// Field errors: (field name, Chinese message).
pub type FieldErrors = Vec<(&'static str, String)>;

/// The field errors an API error carries, named as the form's `fields`
/// (anything else, or an error without fields, goes to `_form`: the
/// message shown above the form).
pub fn fields_of(e: &crate::error::ApiError, fields: &[&'static str]) -> FieldErrors {
    match e.details.get("fields").and_then(|f| f.as_object()) {
        Some(m) if !m.is_empty() => m
            .iter()
            .map(|(k, v)| {
                let name = fields.iter().copied().find(|f| f == k).unwrap_or("_form");
                (name, v.as_str().unwrap_or_default().to_string())
            })
            .collect(),
        _ => vec![("_form", e.message.clone())],
    }
}

/// Look up the message for one field (templates show it in place).
pub fn field_error(errors: &FieldErrors, field: &str) -> String {
    errors
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, m)| m.clone())
        .unwrap_or_default()
}

/// A checkbox in a form ("on"), or a boolean / "true" / "1" / "是" in JSON and Excel.
pub fn de_flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        B(bool),
        S(String),
        N(i64),
    }
    Ok(match Flag::deserialize(d)? {
        Flag::B(b) => b,
        Flag::N(n) => n != 0,
        Flag::S(s) => parse_flag(&s),
    })
}

pub fn parse_flag(s: &str) -> bool {
    matches!(
        s.trim().to_lowercase().as_str(),
        "on" | "true" | "1" | "yes" | "是" | "y" | "√"
    )
}

/// Dates as "2026-03-01", "2026/3/1" or "2026年3月1日"; a time after the
/// day ("2026-03-01 14:00", as a spreadsheet's date cell may hold) is left out.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    // A moment's day (a spreadsheet's date cell holding a time of day).
    let s = match s.trim().split_once(' ') {
        Some((day, time))
            if chrono::NaiveTime::parse_from_str(time.trim(), "%H:%M:%S").is_ok()
                || chrono::NaiveTime::parse_from_str(time.trim(), "%H:%M").is_ok() =>
        {
            day
        }
        _ => s,
    };
    let t = s
        .trim()
        .replace(['年', '月', '/', '.'], "-")
        .replace('日', "");
    parse_iso_date(&t)
}

/// A date written exactly as "2026-03-01" (the API's query strings and
/// paths). Four-digit years only: chrono reads signed years of any width,
/// whose dates no backend stores (and whose arithmetic overflows).
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1000..=9999).contains(&chrono::Datelike::year(d)))
}

/// Tags separated by commas (either width), 、, semicolons or spaces.
pub fn split_tags(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s
        .split([',', '，', '、', ';', '；', ' ', '\u{3000}'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(20).collect())
        .collect();
    v.dedup();
    v
}

pub(crate) fn too_long(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
) {
    if value.chars().count() > max {
        errors.push((field, format!("{label}不能超过{max}个字")));
    }
}

/// An organisation as typed by a person (all text), before validation.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OrgDraft {
    /// 单位名称
    pub name: String,
    /// 单位类型代码：enterprise, university, institute, government, finance, intermediary, association, other（导入时也可填中文）
    pub kind: String,
    /// 统一社会信用代码（18位，企业必填）
    pub uscc: String,
    pub legal_person: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub address: String,
    /// 标签，逗号或顿号分隔
    pub tags: String,
    #[serde(deserialize_with = "de_flag")]
    pub is_high_tech: bool,
    #[serde(deserialize_with = "de_flag")]
    pub is_tech_sme: bool,
    #[serde(deserialize_with = "de_flag")]
    pub is_specialized: bool,
    /// 主管部门 id
    pub department_id: String,
    /// 成立日期 YYYY-MM-DD
    pub founded_on: String,
    pub description: String,
}

impl OrgDraft {
    /// Validate every field; all problems are reported at once. The error
    /// code is `invalid_uscc` when the credit code is among the problems.
    pub fn validate(&self) -> Result<OrgInput, (ErrorCode, FieldErrors)> {
        let mut e: FieldErrors = vec![];
        let name = self.name.trim().to_string();
        if name.is_empty() {
            e.push(("name", "请填写单位名称".into()));
        }
        too_long(&mut e, "name", "单位名称", &name, 200);
        let kind = OrgKind::parse_label(&self.kind);
        if kind.is_none() {
            e.push((
                "kind",
                "请选择单位类型（企业、高校、科研机构、职能部门、金融机构、中介机构、协会、其他）"
                    .into(),
            ));
        }
        let uscc = match self.uscc.trim() {
            "" => {
                if kind == Some(OrgKind::Enterprise) {
                    e.push(("uscc", "企业须填写统一社会信用代码".into()));
                }
                None
            }
            s => match Uscc::parse(s) {
                Ok(u) => Some(u),
                Err(err) => {
                    e.push(("uscc", err.to_string()));
                    None
                }
            },
        };
        let phone = crate::forms::fields::phone(&mut e, "contact_phone", &self.contact_phone);
        let email = self.contact_email.trim().to_string();
        if !email.is_empty() && (!email.contains('@') || email.len() > 100 || email.contains(' ')) {
            e.push(("contact_email", "电子邮箱格式不正确".into()));
        }
        let founded_on = match self.founded_on.trim() {
            "" => None,
            s => match parse_date(s) {
                Some(d) if d > Utc::now().date_naive() => {
                    e.push(("founded_on", "成立日期不能晚于今天".into()));
                    None
                }
                Some(d) => Some(d),
                None => {
                    e.push(("founded_on", "成立日期格式应为 2020-03-15".into()));
                    None
                }
            },
        };
        too_long(
            &mut e,
            "legal_person",
            "法定代表人",
            self.legal_person.trim(),
            50,
        );
        too_long(
            &mut e,
            "contact_name",
            "联系人",
            self.contact_name.trim(),
            50,
        );
        too_long(&mut e, "address", "地址", self.address.trim(), 300);
        too_long(&mut e, "tags", "标签", self.tags.trim(), 300);
        too_long(&mut e, "description", "简介", self.description.trim(), 5000);
        if !e.is_empty() {
            let code = if e.iter().any(|(f, _)| *f == "uscc") {
                ErrorCode::InvalidUscc
            } else {
                ErrorCode::InvalidInput
            };
            return Err((code, e));
        }
        Ok(OrgInput {
            name,
            kind: kind.unwrap_or(OrgKind::Other),
            uscc,
            legal_person: self.legal_person.trim().into(),
            contact_name: self.contact_name.trim().into(),
            contact_phone: phone,
            contact_email: email,
            address: self.address.trim().into(),
            tags: split_tags(&self.tags),
            is_high_tech: self.is_high_tech,
            is_tech_sme: self.is_tech_sme,
            is_specialized: self.is_specialized,
            department_id: Some(self.department_id.trim().to_string()).filter(|s| !s.is_empty()),
            founded_on,
            description: self.description.trim().into(),
        })
    }

    pub fn from_model(m: &kechuang_store::entities::org::Model) -> Self {
        OrgDraft {
            name: m.name.clone(),
            kind: m.kind.clone(),
            uscc: m.uscc.clone().unwrap_or_default(),
            legal_person: m.legal_person.clone(),
            contact_name: m.contact_name.clone(),
            contact_phone: m.contact_phone.clone(),
            contact_email: m.contact_email.clone(),
            address: m.address.clone(),
            tags: m.tags.replace(',', "，"),
            is_high_tech: m.is_high_tech,
            is_tech_sme: m.is_tech_sme,
            is_specialized: m.is_specialized,
            department_id: m.department_id.clone().unwrap_or_default(),
            founded_on: m.founded_on.map(|d| d.to_string()).unwrap_or_default(),
            description: m.description.clone(),
        }
    }
}

/// A department as typed by a person.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DepartmentDraft {
    pub name: String,
    /// 部门编码，唯一
    pub code: String,
    /// 上级部门 id（空为顶级）
    pub parent_id: String,
    pub sort_order: String,
    pub phone: String,
    /// 资金业务：本部门办理先投后股、科企梯度贷（审批、放款、还款、代偿）
    #[serde(deserialize_with = "de_flag")]
    pub funding: bool,
}

impl DepartmentDraft {
    pub fn validate(&self) -> Result<DepartmentInput, (ErrorCode, FieldErrors)> {
        let mut e: FieldErrors = vec![];
        let name = self.name.trim().to_string();
        if name.is_empty() {
            e.push(("name", "请填写部门名称".into()));
        }
        too_long(&mut e, "name", "部门名称", &name, 100);
        let code = self.code.trim().to_string();
        if code.is_empty()
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            e.push(("code", "部门编码为必填，只能含字母、数字、“-”和“_”".into()));
        }
        too_long(&mut e, "code", "部门编码", &code, 50);
        let sort_order = match self.sort_order.trim() {
            "" => 0,
            s => s.parse::<i32>().unwrap_or_else(|_| {
                e.push(("sort_order", "排序号应为整数".into()));
                0
            }),
        };
        too_long(&mut e, "phone", "电话", self.phone.trim(), 30);
        if !e.is_empty() {
            return Err((ErrorCode::InvalidInput, e));
        }
        Ok(DepartmentInput {
            name,
            code,
            parent_id: Some(self.parent_id.trim().to_string()).filter(|s| !s.is_empty()),
            sort_order,
            phone: self.phone.trim().into(),
            funding: self.funding,
        })
    }
}

/// An industrial chain as typed by a person.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ChainDraft {
    pub name: String,
    pub description: String,
    /// 产业专班（部门 id）：该产业的诉求由其研判分办
    pub task_force_department_id: String,
}

impl ChainDraft {
    pub fn validate(&self) -> Result<ChainInput, (ErrorCode, FieldErrors)> {
        let mut e: FieldErrors = vec![];
        let name = self.name.trim().to_string();
        if name.is_empty() {
            e.push(("name", "请填写产业链名称".into()));
        }
        too_long(&mut e, "name", "产业链名称", &name, 100);
        too_long(&mut e, "description", "说明", self.description.trim(), 5000);
        if !e.is_empty() {
            return Err((ErrorCode::InvalidInput, e));
        }
        Ok(ChainInput {
            name,
            description: self.description.trim().into(),
            task_force_department_id: Some(self.task_force_department_id.trim().to_string())
                .filter(|s| !s.is_empty()),
        })
    }
}

/// An account as an administrator types it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct UserDraft {
    /// 用户名（新建时必填，之后不可改）
    pub username: String,
    pub display_name: String,
    /// 角色代码：admin, leader, department, task_force, party_worker, instructor, service_officer, broker, enterprise, talent
    pub role: String,
    /// 所属部门 id（部门经办人、产业专班必填）
    pub department_id: String,
    /// 所属单位 id（企业用户必填）
    pub org_id: String,
    /// 初始密码（新建时必填）
    pub password: String,
    /// 联系电话（修改时省略则不变）
    pub phone: Option<String>,
    /// 启用（修改时有效）
    #[serde(deserialize_with = "de_flag")]
    pub active: bool,
}

/// A validated account draft.
pub struct UserInput {
    pub display_name: String,
    pub role: kechuang_domain::auth::Role,
    pub department_id: Option<String>,
    pub org_id: Option<String>,
    /// `None`: not given (an update keeps the account's number).
    pub phone: Option<String>,
}

impl UserDraft {
    /// Check the fields an administrator may set; department and org
    /// existence is checked by the caller against the store.
    pub fn validate(&self) -> Result<UserInput, (ErrorCode, FieldErrors)> {
        use kechuang_domain::auth::Role;
        let mut e: FieldErrors = vec![];
        let role = Role::parse(self.role.trim());
        if role.is_none() {
            e.push(("role", "请选择角色".into()));
        }
        let department_id = Some(self.department_id.trim().to_string()).filter(|s| !s.is_empty());
        let org_id = Some(self.org_id.trim().to_string()).filter(|s| !s.is_empty());
        if matches!(role, Some(Role::Department | Role::TaskForce)) && department_id.is_none() {
            e.push(("department_id", "部门经办人和产业专班须指定所属部门".into()));
        }
        if role == Some(Role::Enterprise) && org_id.is_none() {
            e.push(("org_id", "企业用户须指定所属单位".into()));
        }
        too_long(&mut e, "display_name", "姓名", self.display_name.trim(), 64);
        let phone = self
            .phone
            .as_deref()
            .map(|p| fields::phone(&mut e, "phone", p));
        if !e.is_empty() {
            return Err((ErrorCode::InvalidInput, e));
        }
        Ok(UserInput {
            display_name: self.display_name.trim().to_string(),
            role: role.unwrap_or(Role::Talent),
            department_id,
            org_id,
            phone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> OrgDraft {
        OrgDraft {
            name: "重庆金凤实验室".into(),
            kind: "institute".into(),
            uscc: kechuang_domain::uscc::complete("12500000MB1234567")
                .unwrap()
                .to_string(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_draft_passes() {
        let i = draft().validate().unwrap();
        assert_eq!(i.kind, OrgKind::Institute);
    }

    #[test]
    fn bad_check_char_is_invalid_uscc() {
        let mut d = draft();
        let mut code = d.uscc.clone();
        let last = code.pop().unwrap();
        code.push(if last == '0' { '1' } else { '0' });
        d.uscc = code;
        let (code, fields) = d.validate().unwrap_err();
        assert_eq!(code, ErrorCode::InvalidUscc);
        assert_eq!(fields[0].0, "uscc");
    }

    #[test]
    fn enterprise_needs_uscc_and_all_errors_are_reported() {
        let d = OrgDraft {
            kind: "企业".into(),
            contact_phone: "abc".into(),
            founded_on: "2999-01-01".into(),
            ..Default::default()
        };
        let (_, fields) = d.validate().unwrap_err();
        let names: Vec<_> = fields.iter().map(|(f, _)| *f).collect();
        assert_eq!(names, vec!["name", "uscc", "contact_phone", "founded_on"]);
    }

    #[test]
    fn dates_in_chinese_forms_parse() {
        assert_eq!(
            parse_date("2020年3月5日"),
            NaiveDate::from_ymd_opt(2020, 3, 5)
        );
        assert_eq!(
            parse_date("2020/03/05"),
            NaiveDate::from_ymd_opt(2020, 3, 5)
        );
        assert_eq!(parse_date("2020-13-05"), None);
        // A date cell holding a time of day gives its day; other text after it does not.
        assert_eq!(
            parse_date("2020-03-05 14:30:00"),
            NaiveDate::from_ymd_opt(2020, 3, 5)
        );
        assert_eq!(parse_date("2020-03-05 下午"), None);
        // chrono reads signed years of any width; no backend stores them.
        for far in [
            "+262142-12-31",
            "-262143-01-01",
            "0999-12-31",
            "10000-01-01",
        ] {
            assert_eq!(parse_date(far), None, "{far}");
        }
    }

    #[test]
    fn tags_split_on_chinese_separators() {
        assert_eq!(
            split_tags("新能源，汽车、 芯片;芯片"),
            vec!["新能源", "汽车", "芯片"]
        );
    }
}
