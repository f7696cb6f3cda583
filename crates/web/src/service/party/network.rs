//! Party organisations, chain committees, members (masked personal data)
//! and cross-appointments.

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use kechuang_domain::auth::Permission;
use kechuang_domain::party::{mask_id, mask_phone, MemberStage, PartyOrgKind};
use kechuang_store::entities::{cross_appointment, party_member, party_org};
use kechuang_store::party::network::{
    self, MemberFilter, NetworkFigures, PartyOrgSummary, Recruitment,
};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{non_empty, opt_bool};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::forms::party::network::{AppointmentDraft, MemberDraft, PartyOrgDraft};
use crate::AppState;

pub fn kind_label(code: &str) -> String {
    PartyOrgKind::parse(code)
        .map(|k| k.label_zh().to_string())
        .unwrap_or_default()
}

pub async fn create_org(
    s: &AppState,
    p: &Principal,
    d: &PartyOrgDraft,
) -> ApiResult<party_org::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(network::create(&s.db, &p.username, input).await?)
}

#[derive(Serialize, ToSchema)]
pub struct PartyOrgDetail {
    pub org: PartyOrgSummary,
    pub kind_label: String,
    /// 直属下级党组织
    pub children: Vec<PartyOrgSummary>,
    pub appointments: Vec<cross_appointment::Model>,
}

pub async fn org_detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<PartyOrgDetail> {
    require(p, Permission::PartyRead)?;
    let tree = network::tree(&s.db).await?;
    let org = tree
        .iter()
        .find(|o| o.org.id == id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    Ok(PartyOrgDetail {
        kind_label: kind_label(&org.org.kind),
        children: tree
            .into_iter()
            .filter(|o| o.org.parent_id.as_deref() == Some(id))
            .collect(),
        appointments: network::appointments(&s.db, Some(id)).await?,
        org,
    })
}

pub async fn update_org(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &PartyOrgDraft,
) -> ApiResult<party_org::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(network::update(&s.db, &p.username, id, version, input).await?)
}

// ---- members ----

/// A member as the caller may see them: phone and ID number masked unless revealed.
#[derive(Serialize, ToSchema)]
pub struct PartyMemberView {
    #[serde(flatten)]
    pub member: party_member::Model,
    pub stage_label: String,
    pub party_org_name: String,
    /// 手机号与身份证号是否已脱敏
    pub masked: bool,
}

pub fn stage_label(code: &str) -> String {
    MemberStage::parse(code)
        .map(|s| s.label_zh().to_string())
        .unwrap_or_default()
}

/// Views of members; unmasked only when `reveal` (the caller holds PartyPii,
/// checked by the caller of this function, and the access is audited there).
pub async fn member_views(
    s: &AppState,
    items: Vec<party_member::Model>,
    reveal: bool,
) -> ApiResult<Vec<PartyMemberView>> {
    let names: HashMap<String, String> = network::all(&s.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(items
        .into_iter()
        .map(|mut m| {
            if !reveal {
                m.phone = mask_phone(&m.phone);
                m.id_number = mask_id(&m.id_number);
            }
            PartyMemberView {
                stage_label: stage_label(&m.stage),
                party_org_name: names.get(&m.party_org_id).cloned().unwrap_or_default(),
                masked: !reveal,
                member: m,
            }
        })
        .collect())
}

/// Check the caller may see members unmasked and audit the access.
pub async fn reveal(s: &AppState, p: &Principal, how: &str, ids: &[String]) -> ApiResult<()> {
    require(p, Permission::PartyPii)?;
    network::record_reveal(&s.db, &p.username, how, ids).await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberListQuery {
    /// 关键词：姓名、职务
    pub q: Option<String>,
    /// 党组织 id（含下级）
    pub party_org_id: Option<String>,
    /// applicant / activist / candidate / probationary / full
    pub stage: Option<String>,
    /// sci_tech / other
    pub field: Option<String>,
    /// true：显示完整手机号与身份证号（须有权限，每次查看记入审计日志）
    pub reveal: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl MemberListQuery {
    pub fn filter(&self) -> ApiResult<MemberFilter> {
        Ok(MemberFilter {
            q: non_empty(&self.q),
            party_org_id: non_empty(&self.party_org_id),
            stage: match non_empty(&self.stage) {
                None => None,
                Some(s) => Some(MemberStage::parse(&s).ok_or_else(|| {
                    ApiError::bad_request(ErrorCode::InvalidQuery, "未知的发展阶段")
                })?),
            },
            field: non_empty(&self.field),
        })
    }
    pub fn reveal(&self) -> ApiResult<bool> {
        Ok(opt_bool("reveal", &self.reveal)?.unwrap_or(false))
    }
}

pub async fn create_member(
    s: &AppState,
    p: &Principal,
    d: &MemberDraft,
) -> ApiResult<party_member::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(network::create_member(&s.db, &p.username, input).await?)
}

pub async fn member_view(
    s: &AppState,
    p: &Principal,
    id: &str,
    reveal_now: bool,
) -> ApiResult<PartyMemberView> {
    require(p, Permission::PartyRead)?;
    let m = network::member(&s.db, id).await?;
    if reveal_now {
        reveal(s, p, "reveal", std::slice::from_ref(&m.id)).await?;
    }
    Ok(member_views(s, vec![m], reveal_now).await?.remove(0))
}

pub async fn update_member(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &MemberDraft,
) -> ApiResult<party_member::Model> {
    require(p, Permission::PartyWrite)?;
    require(p, Permission::PartyPii)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(network::update_member(&s.db, &p.username, id, version, input).await?)
}

pub async fn recruitment_of(
    s: &AppState,
    p: &Principal,
    year: Option<i32>,
) -> ApiResult<Recruitment> {
    use chrono::Datelike;
    require(p, Permission::PartyRead)?;
    let year = year.unwrap_or_else(|| kechuang_store::clock::today().year());
    Ok(network::recruitment(&s.db, year).await?)
}

pub async fn add_appointment(
    s: &AppState,
    p: &Principal,
    d: &AppointmentDraft,
) -> ApiResult<cross_appointment::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(network::add_appointment(&s.db, &p.username, input).await?)
}

/// The party organisations in tree order.
pub async fn tree(s: &AppState, p: &Principal) -> ApiResult<Vec<PartyOrgSummary>> {
    require(p, Permission::PartyRead)?;
    Ok(network::tree(&s.db).await?)
}

/// Registers an organisation a party organisation sits in.
pub async fn add_unit(s: &AppState, p: &Principal, id: &str, org_id: &str) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    network::add_unit(&s.db, &p.username, id, org_id).await?;
    Ok(())
}

/// Takes back an organisation a party organisation sits in.
pub async fn remove_unit(s: &AppState, p: &Principal, id: &str, org_id: &str) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    network::remove_unit(&s.db, &p.username, id, org_id).await?;
    Ok(())
}

/// Links an enterprise party organisation to a chain committee.
pub async fn link_to_chain(s: &AppState, p: &Principal, id: &str, other: &str) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    network::link_to_chain(&s.db, &p.username, id, other).await?;
    Ok(())
}

/// Undoes a link to a chain committee.
pub async fn unlink_from_chain(
    s: &AppState,
    p: &Principal,
    id: &str,
    other: &str,
) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    network::unlink_from_chain(&s.db, &p.username, id, other).await?;
    Ok(())
}

/// The network's figures.
pub async fn figures(s: &AppState, p: &Principal) -> ApiResult<NetworkFigures> {
    require(p, Permission::PartyRead)?;
    Ok(network::figures(&s.db).await?)
}

/// A page of members, as the API lists them; `reveal` is checked and audited.
pub async fn list_members(
    s: &AppState,
    p: &Principal,
    q: &MemberListQuery,
) -> ApiResult<Page<PartyMemberView>> {
    require(p, Permission::PartyRead)?;
    let page = network::members(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let reveal_now = q.reveal()?;
    if reveal_now {
        let ids: Vec<String> = page.items.iter().map(|m| m.id.clone()).collect();
        reveal(s, p, "reveal_list", &ids).await?;
    }
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: member_views(s, page.items, reveal_now).await?,
        total,
        page: pg,
        per_page: per,
    })
}

/// Every cross-appointment.
pub async fn appointments(s: &AppState, p: &Principal) -> ApiResult<Vec<cross_appointment::Model>> {
    require(p, Permission::PartyRead)?;
    Ok(network::appointments(&s.db, None).await?)
}

/// Deletes a cross-appointment.
pub async fn remove_appointment(s: &AppState, p: &Principal, id: &str) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    network::remove_appointment(&s.db, &p.username, id).await?;
    Ok(())
}
