//! Public commitments (承诺践诺): pledge, report, verify; lists and figures.

use kechuang_domain::ErrorCode;
use std::collections::{BTreeMap, HashMap};

use kechuang_domain::auth::Permission;
use kechuang_domain::party::{commitment_overdue, CommitmentStatus};
use kechuang_store::entities::{commitment, commitment_report, party_member};
use kechuang_store::party::commitments::{self, CommitmentFigures, CommitmentFilter};
use kechuang_store::{Page, PageReq, Principal};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{non_empty, opt_bool};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::forms::party::commitments::{PledgeDraft, ReportDraft, VerdictDraft};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct CommitmentView {
    #[serde(flatten)]
    pub commitment: commitment::Model,
    pub status_label: String,
    pub member_name: String,
    pub party_org_name: String,
    /// 已过完成时限仍未践诺
    pub overdue: bool,
}

pub fn status_label(code: &str) -> String {
    CommitmentStatus::parse(code)
        .map(|s| s.label_zh().to_string())
        .unwrap_or_default()
}

pub async fn views(s: &AppState, items: Vec<commitment::Model>) -> ApiResult<Vec<CommitmentView>> {
    let ids: Vec<String> = items.iter().map(|c| c.member_id.clone()).collect();
    let mut names: HashMap<String, String> = HashMap::new();
    for chunk in ids.chunks(500) {
        for m in party_member::Entity::find()
            .filter(party_member::Column::Id.is_in(chunk.to_vec()))
            .all(&s.db)
            .await
            .map_err(kechuang_store::StoreError::from)?
        {
            names.insert(m.id, m.name);
        }
    }
    let orgs: HashMap<String, String> = kechuang_store::party::network::all(&s.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let today = kechuang_store::clock::today();
    Ok(items
        .into_iter()
        .map(|c| CommitmentView {
            status_label: status_label(&c.status),
            member_name: names.get(&c.member_id).cloned().unwrap_or_default(),
            party_org_name: orgs.get(&c.party_org_id).cloned().unwrap_or_default(),
            overdue: commitment_overdue(
                CommitmentStatus::parse(&c.status).unwrap_or(CommitmentStatus::Pledged),
                c.due_on,
                today,
            ),
            commitment: c,
        })
        .collect())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommitmentListQuery {
    /// 关键词：承诺事项、承诺人
    pub q: Option<String>,
    /// 党组织 id（含下级）
    pub party_org_id: Option<String>,
    pub member_id: Option<String>,
    /// pledged / reported / verified / rejected
    pub status: Option<String>,
    /// true：只看逾期未践诺
    pub overdue: Option<String>,
    /// 完成时限所在年度
    pub year: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl CommitmentListQuery {
    pub fn filter(&self) -> ApiResult<CommitmentFilter> {
        let bad = |m: &str| ApiError::bad_request(ErrorCode::InvalidQuery, m.to_string());
        Ok(CommitmentFilter {
            q: non_empty(&self.q),
            party_org_id: non_empty(&self.party_org_id),
            member_id: non_empty(&self.member_id),
            status: match non_empty(&self.status) {
                None => None,
                Some(s) => Some(CommitmentStatus::parse(&s).ok_or_else(|| bad("未知的承诺状态"))?),
            },
            overdue: opt_bool("overdue", &self.overdue)?.unwrap_or(false),
            year: match non_empty(&self.year) {
                None => None,
                Some(y) => Some(y.parse().map_err(|_| bad("年度须为四位数字"))?),
            },
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct CommitmentFiguresView {
    pub all: CommitmentFigures,
    /// 党组织 id → 该组织的承诺情况
    pub by_party_org: BTreeMap<String, CommitmentFigures>,
}

pub async fn figures_of(
    s: &AppState,
    p: &Principal,
    q: &CommitmentListQuery,
) -> ApiResult<CommitmentFiguresView> {
    require(p, Permission::PartyRead)?;
    let (all, by_party_org) = commitments::figures(&s.db, &q.filter()?).await?;
    Ok(CommitmentFiguresView { all, by_party_org })
}

pub async fn pledge(s: &AppState, p: &Principal, d: &PledgeDraft) -> ApiResult<commitment::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(commitments::pledge(&s.db, &p.username, input).await?)
}

#[derive(Serialize, ToSchema)]
pub struct CommitmentDetail {
    pub commitment: CommitmentView,
    pub reports: Vec<commitment_report::Model>,
}

pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<CommitmentDetail> {
    require(p, Permission::PartyRead)?;
    let c = commitments::get(&s.db, id).await?;
    Ok(CommitmentDetail {
        reports: commitments::reports(&s.db, id).await?,
        commitment: views(s, vec![c]).await?.remove(0),
    })
}

pub async fn report(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ReportDraft,
) -> ApiResult<commitment::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(commitments::report(&s.db, &p.username, id, d.version, input).await?)
}

pub async fn verify(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &VerdictDraft,
) -> ApiResult<commitment::Model> {
    require(p, Permission::PartyWrite)?;
    let (fulfilled, comment, on) = d.validate().map_err(ApiError::from_fields)?;
    Ok(commitments::verify(&s.db, &p.username, id, d.version, fulfilled, comment, on).await?)
}

/// A page of commitments, as the API lists them.
pub async fn list(
    s: &AppState,
    p: &Principal,
    q: &CommitmentListQuery,
) -> ApiResult<Page<CommitmentView>> {
    require(p, Permission::PartyRead)?;
    let page = commitments::list(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}
