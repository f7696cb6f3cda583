//! Member responsibility zones (党员责任区): their members and the organisations they cover.

use kechuang_domain::auth::Permission;
use kechuang_store::entities::{party_member, zone};
use kechuang_store::party::zones::{self as store, ZoneFilter, ZoneRow};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::non_empty;
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::forms::party::zones::{ZoneDraft, ZoneMemberDraft, ZoneOrgDraft};
use crate::AppState;

/// A zone with its party organisation and counts.
#[derive(Serialize, ToSchema)]
pub struct ZoneView {
    #[serde(flatten)]
    pub zone: zone::Model,
    /// 所属党组织
    pub party_org_name: String,
    /// 责任区党员数
    pub member_count: u64,
    /// 覆盖单位数
    pub org_count: u64,
}

pub async fn views(s: &AppState, rows: Vec<ZoneRow>) -> ApiResult<Vec<ZoneView>> {
    let names = kechuang_store::names::all(&s.db, "party_orgs").await?;
    Ok(rows
        .into_iter()
        .map(|r| ZoneView {
            party_org_name: names.get(&r.zone.party_org_id).cloned().unwrap_or_default(),
            member_count: r.members,
            org_count: r.orgs,
            zone: r.zone,
        })
        .collect())
}

/// A member of a zone (no personal data).
#[derive(Serialize, ToSchema)]
pub struct ZoneMemberView {
    /// 党员 id
    pub id: String,
    pub name: String,
    /// 岗位
    pub post: String,
    /// 所在党组织
    pub party_org_name: String,
}

/// An organisation a zone covers.
#[derive(Serialize, ToSchema)]
pub struct ZoneOrgView {
    /// 单位 id
    pub id: String,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
}

#[derive(Serialize, ToSchema)]
pub struct ZoneDetailView {
    pub zone: ZoneView,
    pub members: Vec<ZoneMemberView>,
    pub orgs: Vec<ZoneOrgView>,
}

pub fn member_view(
    names: &std::collections::HashMap<String, String>,
    m: party_member::Model,
) -> ZoneMemberView {
    ZoneMemberView {
        party_org_name: names.get(&m.party_org_id).cloned().unwrap_or_default(),
        id: m.id,
        name: m.name,
        post: m.post,
    }
}

pub async fn detail_view(s: &AppState, id: &str) -> ApiResult<ZoneDetailView> {
    let d = store::detail(&s.db, id).await?;
    let names = kechuang_store::names::all(&s.db, "party_orgs").await?;
    Ok(ZoneDetailView {
        zone: views(s, vec![d.zone]).await?.remove(0),
        members: d
            .members
            .into_iter()
            .map(|m| member_view(&names, m))
            .collect(),
        orgs: d
            .orgs
            .into_iter()
            .map(|o| ZoneOrgView {
                kind_label: kechuang_domain::org::OrgKind::parse(&o.kind)
                    .map(|k| k.label_zh())
                    .unwrap_or("")
                    .into(),
                id: o.id,
                name: o.name,
                kind: o.kind,
            })
            .collect(),
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ZoneListQuery {
    /// 关键词：责任区名称、负责人、责任范围
    pub q: Option<String>,
    /// 所属党组织 id
    pub party_org_id: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl ZoneListQuery {
    pub fn filter(&self) -> ZoneFilter {
        ZoneFilter {
            q: non_empty(&self.q),
            party_org_id: non_empty(&self.party_org_id),
        }
    }
}

pub async fn create(s: &AppState, p: &Principal, d: &ZoneDraft) -> ApiResult<zone::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::create(&s.db, &p.username, input).await?)
}

pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &ZoneDraft,
) -> ApiResult<zone::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::update(&s.db, &p.username, id, version, input).await?)
}

pub async fn add_member(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ZoneMemberDraft,
) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    let member = d.validate().map_err(ApiError::from_fields)?;
    store::add_member(&s.db, &p.username, id, &member).await?;
    Ok(())
}

pub async fn remove_member(
    s: &AppState,
    p: &Principal,
    id: &str,
    member_id: &str,
) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    Ok(store::remove_member(&s.db, &p.username, id, member_id).await?)
}

pub async fn add_org(s: &AppState, p: &Principal, id: &str, d: &ZoneOrgDraft) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    let org = d.validate().map_err(ApiError::from_fields)?;
    store::add_org(&s.db, &p.username, id, &org).await?;
    Ok(())
}

pub async fn remove_org(s: &AppState, p: &Principal, id: &str, org_id: &str) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    Ok(store::remove_org(&s.db, &p.username, id, org_id).await?)
}

/// A page of zones, as the API lists them.
pub async fn list(s: &AppState, p: &Principal, q: &ZoneListQuery) -> ApiResult<Page<ZoneView>> {
    require(p, Permission::PartyRead)?;
    let page = store::list(&s.db, &q.filter(), PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

/// A zone with its members and organisations (read permission checked).
pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<ZoneDetailView> {
    require(p, Permission::PartyRead)?;
    detail_view(s, id).await
}
