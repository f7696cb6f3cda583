//! Offers (技术供给) and needs (技术需求): list, read, post, change, and
//! their review (submit, publish, return with a reason, withdraw, close);
//! publishing an offer tells the enterprises whose open needs it matches
//! (once per pair).

use kechuang_domain::auth::Permission;
use kechuang_domain::matching::{CloseCause, CoopMode, ListingAction, ListingStatus, OfferKind};
use kechuang_domain::ErrorCode;
use kechuang_store::entities::{need, offer};
use kechuang_store::matching::needs::{self, NeedFilter, NeedRow, NeedSort};
use kechuang_store::matching::offers::{self, OfferFilter, OfferRow, OfferSort};
use kechuang_store::matching::{notices, Actor};
use kechuang_store::{Page, PageReq, Principal, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::extract::non_empty;
use crate::forms::matching::{ListingMoveDraft, NeedDraft, OfferDraft};
use crate::AppState;

/// The organisation an organisation's account posts for.
pub fn own_org(p: &Principal) -> Option<&str> {
    match &p.scope {
        Scope::Org(Some(o)) => Some(o.as_str()),
        _ => None,
    }
}

/// Posting offers and needs: an organisation's account for its own, or
/// those who work the matchmaking (reviewers, brokers) on its behalf.
pub fn require_post(p: &Principal) -> ApiResult<()> {
    if p.can(Permission::MatchingReview) || p.can(Permission::MatchingBroker) {
        return Ok(());
    }
    require(p, Permission::MatchingPost)
}

fn modes_label(codes: &str) -> String {
    kechuang_domain::matching::CoopModes::from_codes(codes).labels_zh()
}

fn status_label(code: &str) -> String {
    ListingStatus::parse(code)
        .map(|s| s.label_zh().to_string())
        .unwrap_or_default()
}

/// An offer with its names and labels.
#[derive(Serialize, ToSchema, Clone)]
pub struct OfferView {
    #[serde(flatten)]
    pub offer: offer::Model,
    pub kind_label: String,
    pub status_label: String,
    /// 合作方式（中文）
    pub modes_label: String,
    pub holder_name: String,
    pub chain_name: Option<String>,
    pub chain_node_name: Option<String>,
}

pub fn offer_view(r: OfferRow) -> OfferView {
    OfferView {
        kind_label: OfferKind::parse(&r.offer.kind)
            .map(|k| k.label_zh().to_string())
            .unwrap_or_default(),
        status_label: status_label(&r.offer.status),
        modes_label: modes_label(&r.offer.modes),
        holder_name: r.holder_name,
        chain_name: r.chain_name,
        chain_node_name: r.chain_node_name,
        offer: r.offer,
    }
}

/// A need as the reader may see it (a hidden organisation reads
/// “（企业名称不公开）” and its contact is blank).
#[derive(Serialize, ToSchema, Clone)]
pub struct NeedView {
    #[serde(flatten)]
    pub need: need::Model,
    pub status_label: String,
    pub modes_label: String,
    pub org_name: String,
    /// 读者可见需求单位
    pub org_shown: bool,
    pub chain_name: Option<String>,
    pub chain_node_name: Option<String>,
}

pub fn need_view(r: NeedRow) -> NeedView {
    NeedView {
        status_label: status_label(&r.need.status),
        modes_label: modes_label(&r.need.modes),
        org_name: r.org_name,
        org_shown: r.org_shown,
        chain_name: r.chain_name,
        chain_node_name: r.chain_node_name,
        need: r.need,
    }
}

fn parse_status(v: &Option<String>) -> ApiResult<Option<ListingStatus>> {
    match non_empty(v) {
        None => Ok(None),
        Some(s) => ListingStatus::parse(&s).map(Some).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "状态只能是 draft、pending、published、returned、withdrawn 或 closed",
            )
        }),
    }
}

fn parse_mode(v: &Option<String>) -> ApiResult<Option<CoopMode>> {
    match non_empty(v) {
        None => Ok(None),
        Some(s) => CoopMode::parse(&s).map(Some).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "合作方式只能是 transfer、license、joint_development、equity 或 service",
            )
        }),
    }
}

/// Filters of the offer list.
#[derive(Debug, Default, Deserialize, IntoParams, Clone)]
#[into_params(parameter_in = Query)]
pub struct OfferListQuery {
    /// 关键词：标题、描述、关键词、领域
    pub q: Option<String>,
    /// 供给类型代码
    pub kind: Option<String>,
    /// 状态代码（draft/pending/published/returned/withdrawn/closed）
    pub status: Option<String>,
    /// 持有单位 id
    pub holder_org_id: Option<String>,
    pub chain_id: Option<String>,
    /// 合作方式代码
    pub mode: Option<String>,
    /// true：只看本人提交的
    pub mine: Option<String>,
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl OfferListQuery {
    pub fn filter_for(&self, p: &Principal) -> ApiResult<OfferFilter> {
        let kind = match non_empty(&self.kind) {
            None => None,
            Some(k) => Some(OfferKind::parse(&k).ok_or_else(|| {
                ApiError::bad_request(ErrorCode::InvalidQuery, "供给类型代码不正确")
            })?),
        };
        let status = parse_status(&self.status)?;
        Ok(OfferFilter {
            q: non_empty(&self.q),
            kind,
            sort: if status == Some(ListingStatus::Published) {
                OfferSort::Published
            } else {
                OfferSort::Newest
            },
            status,
            holder_org_id: non_empty(&self.holder_org_id),
            chain_id: non_empty(&self.chain_id),
            chain_node_id: None,
            mode: parse_mode(&self.mode)?,
            transfer_project_id: None,
            posted_by: crate::extract::opt_bool("mine", &self.mine)?
                .filter(|m| *m)
                .map(|_| p.user_id.clone()),
        })
    }
}

/// Filters of the need list.
#[derive(Debug, Default, Deserialize, IntoParams, Clone)]
#[into_params(parameter_in = Query)]
pub struct NeedListQuery {
    pub q: Option<String>,
    pub status: Option<String>,
    /// 需求单位 id
    pub org_id: Option<String>,
    pub chain_id: Option<String>,
    pub mode: Option<String>,
    /// true：只看未过截止日期的
    pub open: Option<String>,
    /// deadline：按截止日期先后
    pub sort: Option<String>,
    pub mine: Option<String>,
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl NeedListQuery {
    pub fn filter_for(&self, p: &Principal) -> ApiResult<NeedFilter> {
        let sort = match non_empty(&self.sort).as_deref() {
            None | Some("newest") => NeedSort::Newest,
            Some("deadline") => NeedSort::Deadline,
            Some(_) => {
                return Err(ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "排序只能是 newest 或 deadline",
                ))
            }
        };
        Ok(NeedFilter {
            q: non_empty(&self.q),
            status: parse_status(&self.status)?,
            org_id: non_empty(&self.org_id),
            chain_id: non_empty(&self.chain_id),
            chain_node_id: None,
            mode: parse_mode(&self.mode)?,
            open_on: crate::extract::opt_bool("open", &self.open)?
                .filter(|o| *o)
                .map(|_| kechuang_store::clock::today()),
            posted_by: crate::extract::opt_bool("mine", &self.mine)?
                .filter(|m| *m)
                .map(|_| p.user_id.clone()),
            sort,
        })
    }
}

pub async fn list_offers(
    s: &AppState,
    p: &Principal,
    q: &OfferListQuery,
) -> ApiResult<Page<OfferView>> {
    require(p, Permission::MatchingRead)?;
    let page = offers::list(
        &s.db,
        &Actor::of(p),
        &q.filter_for(p)?,
        PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    Ok(page.map(offer_view))
}

pub async fn list_needs(
    s: &AppState,
    p: &Principal,
    q: &NeedListQuery,
) -> ApiResult<Page<NeedView>> {
    require(p, Permission::MatchingRead)?;
    let page = needs::list(
        &s.db,
        &Actor::of(p),
        &q.filter_for(p)?,
        PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    Ok(page.map(need_view))
}

pub async fn offer(s: &AppState, p: &Principal, id: &str) -> ApiResult<OfferView> {
    require(p, Permission::MatchingRead)?;
    Ok(offer_view(offers::detail(&s.db, &Actor::of(p), id).await?))
}

pub async fn need(s: &AppState, p: &Principal, id: &str) -> ApiResult<NeedView> {
    require(p, Permission::MatchingRead)?;
    Ok(need_view(needs::detail(&s.db, &Actor::of(p), id).await?))
}

/// A new offer: a draft, or submitted for review (`submit`).
pub async fn create_offer(
    s: &AppState,
    p: &Principal,
    d: &OfferDraft,
    submit: bool,
) -> ApiResult<offer::Model> {
    require_post(p)?;
    let input = d.validate(own_org(p)).map_err(ApiError::from_fields)?;
    Ok(offers::create(&s.db, &Actor::of(p), input, submit).await?)
}

pub async fn update_offer(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &OfferDraft,
) -> ApiResult<offer::Model> {
    require_post(p)?;
    let input = d.validate(own_org(p)).map_err(ApiError::from_fields)?;
    Ok(offers::update(&s.db, &Actor::of(p), id, version, input).await?)
}

pub async fn create_need(
    s: &AppState,
    p: &Principal,
    d: &NeedDraft,
    submit: bool,
) -> ApiResult<need::Model> {
    require_post(p)?;
    let input = d.validate(own_org(p)).map_err(ApiError::from_fields)?;
    Ok(needs::create(&s.db, &Actor::of(p), input, submit).await?)
}

pub async fn update_need(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &NeedDraft,
) -> ApiResult<need::Model> {
    require_post(p)?;
    let input = d.validate(own_org(p)).map_err(ApiError::from_fields)?;
    Ok(needs::update(&s.db, &Actor::of(p), id, version, input).await?)
}

/// A publication step by its code: submit, publish, return, withdraw, close.
pub fn listing_action(code: &str) -> ApiResult<ListingAction> {
    Ok(match code {
        "submit" => ListingAction::Submit,
        "publish" => ListingAction::Publish,
        "return" => ListingAction::Return,
        "withdraw" => ListingAction::Withdraw,
        "close" => ListingAction::Close,
        _ => return Err(ApiError::not_found()),
    })
}

fn step_permission(a: ListingAction) -> Permission {
    if a.needs_reviewer() {
        Permission::MatchingReview
    } else {
        Permission::MatchingRead
    }
}

/// Move an offer; publishing it tells the enterprises it matches.
pub async fn move_offer(
    s: &AppState,
    p: &Principal,
    id: &str,
    action: ListingAction,
    d: &ListingMoveDraft,
) -> ApiResult<offer::Model> {
    require(p, step_permission(action))?;
    let reason = d
        .validate(action.needs_reason())
        .map_err(ApiError::from_fields)?;
    let cause = (action == ListingAction::Close).then_some(CloseCause::Other);
    let m = offers::transition(&s.db, &Actor::of(p), id, d.version, action, &reason, cause).await?;
    if action == ListingAction::Publish {
        tell_matching_needs(s, &m).await?;
    }
    Ok(m)
}

pub async fn move_need(
    s: &AppState,
    p: &Principal,
    id: &str,
    action: ListingAction,
    d: &ListingMoveDraft,
) -> ApiResult<need::Model> {
    require(p, step_permission(action))?;
    let reason = d
        .validate(action.needs_reason())
        .map_err(ApiError::from_fields)?;
    let cause = (action == ListingAction::Close).then_some(CloseCause::Fulfilled);
    Ok(needs::transition(&s.db, &Actor::of(p), id, d.version, action, &reason, cause).await?)
}

/// A newly published offer is worth a message to a need's enterprise when
/// it shares at least this many terms with the need.
pub const NOTICE_MIN_SHARED_TERMS: usize = 2;
/// And ranks among the offer's best this many needs.
pub const NOTICE_TOP: usize = 20;

/// Tell the organisations whose open needs the offer matches well (once
/// per need-offer pair, whoever publishes again).
async fn tell_matching_needs(s: &AppState, o: &offer::Model) -> ApiResult<u64> {
    let picks = s
        .matching
        .read(&s.db, |st| {
            let q = st.offer_query(o);
            st.engine
                .needs_for(&q, &Default::default(), NOTICE_TOP)
                .into_iter()
                .filter(|c| c.explanation.terms.len() >= NOTICE_MIN_SHARED_TERMS)
                .filter_map(|c| {
                    st.needs
                        .id(c.id)
                        .map(|id| (id.to_string(), c.explanation.summary_zh()))
                })
                .collect::<Vec<_>>()
        })
        .await?;
    let mut told = 0;
    for (need_id, why) in picks {
        let msg = notices::NoticeMessage {
            title: format!("新的技术供给与您的需求匹配：{}", o.title),
            body: format!("匹配依据：{why}。可在需求页查看并联系科创经纪人对接。"),
            link: format!("/matching/needs/{need_id}"),
        };
        if notices::notify_once(&s.db, &need_id, &o.id, msg).await? {
            told += 1;
        }
    }
    Ok(told)
}
