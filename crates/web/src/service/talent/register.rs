//! The tiers, the service catalogue and the talent register.

use kechuang_domain::auth::Permission;
use kechuang_domain::party::{mask_id, mask_phone};
use kechuang_domain::talent::{mask_passport, Origin};
use kechuang_domain::ErrorCode;
use kechuang_store::entities::{talent, talent_service, talent_tier};
use kechuang_store::talent::catalogue::{self, Item, ServiceInput};
use kechuang_store::talent::talents::{self, TalentFilter, TalentInput};
use kechuang_store::talent::tiers::{self, TierInput};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::extract::{non_empty, opt_bool};
use crate::AppState;

// ---------------------------------------------------------------- tiers

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TalentTierDraft {
    /// 层次代码：小写字母、数字、下划线，如 leading（修改时忽略：代码不可改）
    pub code: String,
    /// 层次名称，如 领军人才
    pub name: String,
    pub name_en: String,
    pub sort_order: i32,
}

pub async fn tiers(s: &AppState, p: &Principal) -> ApiResult<Vec<talent_tier::Model>> {
    if !(p.can(Permission::TalentRead) || p.can(Permission::TalentRequest)) {
        return Err(ApiError::forbidden());
    }
    Ok(tiers::list(&s.db).await?)
}

impl TalentTierDraft {
    fn input(self) -> TierInput {
        TierInput {
            code: self.code,
            name: self.name,
            name_en: self.name_en,
            sort_order: self.sort_order,
        }
    }
}

pub async fn create_tier(
    s: &AppState,
    p: &Principal,
    d: TalentTierDraft,
) -> ApiResult<talent_tier::Model> {
    require(p, Permission::TalentWrite)?;
    Ok(tiers::create(&s.db, &p.username, d.input()).await?)
}

/// A tier renamed or reordered (its code stays).
pub async fn update_tier(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: TalentTierDraft,
) -> ApiResult<talent_tier::Model> {
    require(p, Permission::TalentWrite)?;
    Ok(tiers::update(&s.db, &p.username, id, version, d.input()).await?)
}

// ---------------------------------------------------------------- catalogue

/// A catalogue item with its routing (the case category's name,
/// department and time limit).
#[derive(Clone, Serialize, ToSchema)]
pub struct TalentServiceView {
    #[serde(flatten)]
    pub service: talent_service::Model,
    /// 事项名称（即诉求分类名称）
    pub name: String,
    pub department_id: Option<String>,
    pub department_name: String,
    /// 办理时限（工作日）
    pub time_limit_days: i32,
    pub origin_label: String,
    /// 适用层次（中文），空为全部
    pub tier_names: Vec<String>,
}

fn service_view(
    it: Item,
    departments: &HashMap<String, String>,
    tiers: &[talent_tier::Model],
) -> TalentServiceView {
    let tier_names = it
        .service
        .tier_codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| {
            tiers
                .iter()
                .find(|t| t.code == c)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| c.to_string())
        })
        .collect();
    TalentServiceView {
        name: it.category.name.clone(),
        department_name: it
            .category
            .lead_department_id
            .as_ref()
            .and_then(|d| departments.get(d))
            .cloned()
            .unwrap_or_default(),
        department_id: it.category.lead_department_id.clone(),
        time_limit_days: it.category.time_limit_days,
        origin_label: Origin::parse(&it.service.origin)
            .map(|o| o.label_zh().to_string())
            .unwrap_or_default(),
        tier_names,
        service: it.service,
    }
}

/// The catalogue: staff see every item; a talent the active items open to
/// its tier and origin.
pub async fn catalogue(s: &AppState, p: &Principal) -> ApiResult<Vec<TalentServiceView>> {
    let items = if p.can(Permission::TalentRead) {
        catalogue::list(&s.db, false).await?
    } else {
        let me = super::own_talent(s, p).await?;
        let tier = tiers::get(&s.db, &me.tier_id).await?;
        catalogue::list(&s.db, true)
            .await?
            .into_iter()
            .filter(|it| it.open_to(&tier.code, me.international))
            .collect()
    };
    let departments = kechuang_store::names::all(&s.db, "departments").await?;
    let tiers = tiers::list(&s.db).await?;
    Ok(items
        .into_iter()
        .map(|it| service_view(it, &departments, &tiers))
        .collect())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ServiceDraft {
    /// 诉求分类 id：事项的名称、责任部门和时限取自该分类
    pub category_id: String,
    pub name_en: String,
    pub description: String,
    pub description_en: String,
    /// 所需材料，一行一项
    pub documents: String,
    pub documents_en: String,
    /// 适用层次代码，逗号分隔；空为全部
    pub tier_codes: String,
    /// any（不限）/ international（国际人才）/ domestic（国内人才）
    pub origin: String,
    pub sort_order: i32,
    /// 默认启用
    pub active: Option<bool>,
}

impl ServiceDraft {
    fn input(self) -> ApiResult<ServiceInput> {
        let origin = match self.origin.trim() {
            "" => Origin::Any,
            o => Origin::parse(o).ok_or_else(|| {
                ApiError::invalid(
                    ErrorCode::InvalidInput,
                    &[("origin", "适用人才只能是不限、国际人才或国内人才".into())],
                )
            })?,
        };
        Ok(ServiceInput {
            category_id: self.category_id.trim().to_string(),
            name_en: self.name_en,
            description: self.description,
            description_en: self.description_en,
            documents: self.documents,
            documents_en: self.documents_en,
            tier_codes: self
                .tier_codes
                .split([',', '，', ' '])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect(),
            origin,
            sort_order: self.sort_order,
            active: self.active.unwrap_or(true),
        })
    }
}

/// The catalogue's view of one item.
async fn service_by_id(s: &AppState, p: &Principal, id: &str) -> ApiResult<TalentServiceView> {
    catalogue(s, p)
        .await?
        .into_iter()
        .find(|v| v.service.id == id)
        .ok_or_else(ApiError::not_found)
}

pub async fn create_service(
    s: &AppState,
    p: &Principal,
    d: ServiceDraft,
) -> ApiResult<TalentServiceView> {
    require(p, Permission::TalentWrite)?;
    let m = catalogue::create(&s.db, &p.username, d.input()?).await?;
    service_by_id(s, p, &m.id).await
}

/// An item changed: texts, tiers, origin, order, and `active` (false takes
/// it out of the talents' catalogue). Its category stays.
pub async fn update_service(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: ServiceDraft,
) -> ApiResult<TalentServiceView> {
    require(p, Permission::TalentWrite)?;
    let m = catalogue::update(&s.db, &p.username, id, version, d.input()?).await?;
    service_by_id(s, p, &m.id).await
}

// ---------------------------------------------------------------- talents

/// A talent with names; passport, ID and phone masked unless revealed.
#[derive(Clone, Serialize, ToSchema)]
pub struct TalentView {
    #[serde(flatten)]
    pub talent: talent::Model,
    pub tier_name: String,
    pub employer_name: String,
    pub specialist_name: String,
    /// 证件号与手机号是否已脱敏
    pub masked: bool,
}

pub(super) async fn views(
    s: &AppState,
    rows: Vec<talent::Model>,
    reveal: bool,
) -> ApiResult<Vec<TalentView>> {
    let tiers: HashMap<String, String> = tiers::list(&s.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let orgs = kechuang_store::names::of(
        &s.db,
        "orgs",
        rows.iter()
            .map(|t| t.employer_org_id.clone())
            .collect::<Vec<_>>(),
    )
    .await?;
    let staff = kechuang_store::names::of(
        &s.db,
        "service_staff",
        rows.iter()
            .filter_map(|t| t.specialist_id.clone())
            .collect::<Vec<_>>(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|mut t| {
            if !reveal {
                t.passport_no = mask_passport(&t.passport_no);
                t.id_number = mask_id(&t.id_number);
                t.phone = mask_phone(&t.phone);
            }
            TalentView {
                tier_name: tiers.get(&t.tier_id).cloned().unwrap_or_default(),
                employer_name: orgs.get(&t.employer_org_id).cloned().unwrap_or_default(),
                specialist_name: t
                    .specialist_id
                    .as_ref()
                    .and_then(|x| staff.get(x))
                    .cloned()
                    .unwrap_or_default(),
                masked: !reveal,
                talent: t,
            }
        })
        .collect())
}

/// Check the caller may see talents unmasked, and audit it.
pub(super) async fn reveal(
    s: &AppState,
    p: &Principal,
    how: &str,
    ids: &[String],
) -> ApiResult<()> {
    require(p, Permission::TalentPii)?;
    talents::record_access(&s.db, &p.username, how, ids).await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TalentListQuery {
    /// 关键词：姓名（中文或外文）、领域、国籍
    pub q: Option<String>,
    /// 人才层次 id
    pub tier_id: Option<String>,
    /// true：国际人才；false：国内人才
    pub international: Option<String>,
    /// 工作单位 id
    pub employer_org_id: Option<String>,
    /// true：显示完整证件号与手机号（须有权限，每次查看记入审计日志）
    pub reveal: Option<String>,
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl TalentListQuery {
    pub fn filter(&self) -> ApiResult<TalentFilter> {
        Ok(TalentFilter {
            q: non_empty(&self.q),
            tier_id: non_empty(&self.tier_id),
            international: opt_bool("international", &self.international)?,
            employer_org_id: non_empty(&self.employer_org_id),
            specialist_id: None,
        })
    }
}

pub async fn list_talents(
    s: &AppState,
    p: &Principal,
    q: &TalentListQuery,
) -> ApiResult<Page<TalentView>> {
    require(p, Permission::TalentRead)?;
    let show = opt_bool("reveal", &q.reveal)?.unwrap_or(false);
    let mut page = talents::list(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    if show {
        let ids: Vec<String> = page.items.iter().map(|t| t.id.clone()).collect();
        reveal(s, p, "view", &ids).await?;
    }
    let items = views(s, std::mem::take(&mut page.items), show).await?;
    Ok(page.with_items(items))
}

/// One talent: staff (masked unless revealed), or the talent itself (its
/// own numbers, unmasked).
pub async fn talent(s: &AppState, p: &Principal, id: &str, show: bool) -> ApiResult<TalentView> {
    if super::as_talent(p) {
        let me = super::own_talent(s, p).await?;
        if me.id != id {
            return Err(ApiError::not_found());
        }
        return Ok(views(s, vec![me], true).await?.remove(0));
    }
    require(p, Permission::TalentRead)?;
    let t = talents::get(&s.db, id).await?;
    if show {
        reveal(s, p, "view", std::slice::from_ref(&t.id)).await?;
    }
    Ok(views(s, vec![t], show).await?.remove(0))
}

/// A talent as submitted.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TalentDraft {
    /// 姓名（中文，或本人书写的姓名）
    pub name: String,
    /// 姓名（外文，护照拼写）
    pub name_latin: String,
    /// 国籍（如 中国、德国）
    pub nationality: String,
    /// 国际人才（true/false）
    pub international: Option<bool>,
    /// 人才层次 id
    pub tier_id: String,
    pub field: String,
    /// 工作单位 id
    pub employer_org_id: String,
    /// 到岗日期 YYYY-MM-DD
    pub arrived_on: String,
    /// 人才服务专员（服务队伍中的人员 id）
    pub specialist_id: String,
    /// 关联的人才账号 id
    pub user_id: String,
    pub passport_no: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub note: String,
}

impl TalentDraft {
    pub fn validate(self) -> ApiResult<TalentInput> {
        let mut e: Vec<(&'static str, String)> = vec![];
        let arrived_on = match self.arrived_on.trim() {
            "" => None,
            d => match crate::forms::parse_date(d) {
                Some(d) => Some(d),
                None => {
                    e.push(("arrived_on", "到岗日期请按 2026-03-01 的格式填写".into()));
                    None
                }
            },
        };
        for (f, label, v, max) in [
            ("name", "姓名", &self.name, 100),
            ("name_latin", "外文姓名", &self.name_latin, 100),
            ("nationality", "国籍", &self.nationality, 60),
            ("field", "领域", &self.field, 100),
            ("passport_no", "护照号", &self.passport_no, 30),
            ("id_number", "身份证号", &self.id_number, 30),
            ("phone", "手机号", &self.phone, 30),
            ("email", "电子邮箱", &self.email, 100),
            ("note", "备注", &self.note, 500),
        ] {
            if v.trim().chars().count() > max {
                e.push((f, format!("{label}最多 {max} 个字")));
            }
        }
        if self.name.trim().is_empty() && self.name_latin.trim().is_empty() {
            e.push(("name", "请填写姓名（中文或外文）".into()));
        }
        for (f, label, v) in [
            ("passport_no", "护照号", &self.passport_no),
            ("id_number", "身份证号", &self.id_number),
            ("phone", "手机号", &self.phone),
        ] {
            if v.contains('*') {
                e.push((f, format!("{label}含 *，是脱敏后的号码：请填写完整号码")));
            }
        }
        let email = self.email.trim();
        if !email.is_empty() && !email.contains('@') {
            e.push(("email", "电子邮箱格式不对".into()));
        }
        if self.tier_id.trim().is_empty() {
            e.push(("tier_id", "请选择人才层次".into()));
        }
        if self.employer_org_id.trim().is_empty() {
            e.push(("employer_org_id", "请从单位名录中选择工作单位".into()));
        }
        if !e.is_empty() {
            return Err(ApiError::invalid(ErrorCode::InvalidInput, &e));
        }
        let opt = |v: &str| Some(v.trim().to_string()).filter(|s| !s.is_empty());
        // The name lists show: the Latin one when no other is given.
        let name = if self.name.trim().is_empty() {
            self.name_latin.clone()
        } else {
            self.name
        };
        Ok(TalentInput {
            international: self
                .international
                .unwrap_or_else(|| !matches!(self.nationality.trim(), "" | "中国")),
            arrived_on,
            specialist_id: opt(&self.specialist_id),
            user_id: opt(&self.user_id),
            tier_id: self.tier_id.trim().to_string(),
            employer_org_id: self.employer_org_id.trim().to_string(),
            name,
            name_latin: self.name_latin,
            nationality: self.nationality,
            field: self.field,
            passport_no: self.passport_no,
            id_number: self.id_number,
            phone: self.phone,
            email: self.email,
            note: self.note,
        })
    }
}

pub async fn create_talent(s: &AppState, p: &Principal, d: TalentDraft) -> ApiResult<TalentView> {
    require(p, Permission::TalentWrite)?;
    let t = talents::create(&s.db, &p.username, d.validate()?).await?;
    Ok(views(s, vec![t], false).await?.remove(0))
}

pub async fn update_talent(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: TalentDraft,
) -> ApiResult<TalentView> {
    require(p, Permission::TalentWrite)?;
    let t = talents::update(&s.db, &p.username, id, version, d.validate()?).await?;
    Ok(views(s, vec![t], false).await?.remove(0))
}
