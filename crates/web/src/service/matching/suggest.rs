//! Ranked and explained matches from this replica's fresh index: the best
//! offers for a need, the best needs for an offer, offers for free text.
//! Every candidate says why: the shared terms with the fields they were
//! found in, and each part of the score.

use kechuang_domain::auth::Permission;
use kechuang_matching::{Candidate, Explanation, Filters};
use kechuang_store::matching::{changes, needs, offers, Actor};
use kechuang_store::Principal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::listings::{need_view, offer_view, NeedView, OfferView};
use crate::auth::require;
use crate::error::ApiResult;
use crate::AppState;

/// The most candidates one request returns.
pub const MAX_MATCHES: usize = 50;

/// A term shared by the two sides.
#[derive(Serialize, ToSchema, Clone)]
pub struct SharedTermView {
    pub term: String,
    /// 出现的字段：标题 / 关键词 / 描述
    pub fields: Vec<String>,
    pub score: f64,
}

/// A part of the score: a field's text score or a structured agreement.
#[derive(Serialize, ToSchema, Clone)]
pub struct ScorePartView {
    /// 如“标题”“同一产业链节点”
    pub part: String,
    pub score: f64,
}

/// Why a candidate matched.
#[derive(Serialize, ToSchema, Clone)]
pub struct WhyView {
    /// 一句话说明，如“共享词：固态电池（标题、关键词）；同一产业链节点 +1.20”
    pub summary: String,
    pub terms: Vec<SharedTermView>,
    /// 文本得分（按字段）
    pub text: Vec<ScorePartView>,
    /// 结构化加分（产业链节点、领域、TRL、合作方式、预算）
    pub bonuses: Vec<ScorePartView>,
}

fn why(e: &Explanation) -> WhyView {
    WhyView {
        summary: e.summary_zh(),
        terms: e
            .terms
            .iter()
            .map(|t| SharedTermView {
                term: t.term.clone(),
                fields: t
                    .fields
                    .iter()
                    .map(|f| f.field.label_zh().to_string())
                    .collect(),
                score: t.score,
            })
            .collect(),
        text: e
            .fields
            .iter()
            .map(|f| ScorePartView {
                part: f.field.label_zh().into(),
                score: f.score,
            })
            .collect(),
        bonuses: e
            .bonuses
            .iter()
            .map(|b| ScorePartView {
                part: b.agreement.label_zh().into(),
                score: b.score,
            })
            .collect(),
    }
}

#[derive(Serialize, ToSchema, Clone)]
pub struct OfferMatchView {
    pub offer: OfferView,
    pub score: f64,
    pub why: WhyView,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct NeedMatchView {
    pub need: NeedView,
    pub score: f64,
    pub why: WhyView,
}

/// Filters on the candidates and their number.
#[derive(Debug, Default, Deserialize, IntoParams, Clone)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// 返回条数（默认 10，最多 50）
    pub limit: Option<usize>,
    /// 只要该产业链节点 id 的候选
    pub chain_node_id: Option<String>,
    /// 技术领域（完全相同）
    pub field: Option<String>,
    /// 最低 TRL
    pub trl_min: Option<u8>,
    /// 最高 TRL
    pub trl_max: Option<u8>,
    /// 合作方式，逗号分隔
    pub modes: Option<String>,
    /// 所在地区（前缀）
    pub region: Option<String>,
    /// 自由文本（仅“按文本查找供给”）
    pub q: Option<String>,
}

impl MatchQuery {
    fn limit(&self) -> usize {
        self.limit.unwrap_or(10).clamp(1, MAX_MATCHES)
    }

    fn filters(&self, st: &super::index::State) -> ApiResult<Filters> {
        let modes = match self.modes.as_deref().filter(|m| !m.trim().is_empty()) {
            None => Default::default(),
            Some(m) => kechuang_domain::matching::CoopModes::parse_list(m)
                .map_err(|e| {
                    crate::error::ApiError::bad_request(kechuang_domain::ErrorCode::InvalidQuery, e)
                })?
                .iter()
                .filter_map(|c| kechuang_matching::Mode::parse(c.as_str()))
                .collect(),
        };
        let trl = match (self.trl_min, self.trl_max) {
            (None, None) => None,
            (a, b) => Some((a.unwrap_or(1), b.unwrap_or(9))),
        };
        Ok(Filters {
            chain_node_ids: self
                .chain_node_id
                .iter()
                .filter(|n| !n.is_empty())
                .map(|n| st.node(n))
                .collect(),
            field: self.field.clone().filter(|f| !f.trim().is_empty()),
            trl,
            modes,
            region: self.region.clone().filter(|r| !r.trim().is_empty()),
            budget_fen: None,
        })
    }
}

/// Candidate ids (string) with their scores and explanations.
type Ranked = Vec<(String, f64, WhyView)>;

fn ranked(cands: Vec<Candidate>, id: impl Fn(i64) -> Option<String>) -> Ranked {
    cands
        .into_iter()
        .filter_map(|c| id(c.id).map(|i| (i, c.score, why(&c.explanation))))
        .collect()
}

async fn offer_views(s: &AppState, p: &Principal, r: Ranked) -> ApiResult<Vec<OfferMatchView>> {
    let actor = Actor::of(p);
    let mut out = Vec::with_capacity(r.len());
    for (id, score, why) in r {
        // Read through the store so visibility holds; one gone since is skipped.
        if let Ok(row) = offers::detail(&s.db, &actor, &id).await {
            out.push(OfferMatchView {
                offer: offer_view(row),
                score,
                why,
            });
        }
    }
    Ok(out)
}

async fn need_views(s: &AppState, p: &Principal, r: Ranked) -> ApiResult<Vec<NeedMatchView>> {
    let actor = Actor::of(p);
    let mut out = Vec::with_capacity(r.len());
    for (id, score, why) in r {
        if let Ok(row) = needs::detail(&s.db, &actor, &id).await {
            out.push(NeedMatchView {
                need: need_view(row),
                score,
                why,
            });
        }
    }
    Ok(out)
}

/// The best published offers for a need the reader may see.
pub async fn offers_for_need(
    s: &AppState,
    p: &Principal,
    need_id: &str,
    q: &MatchQuery,
) -> ApiResult<Vec<OfferMatchView>> {
    require(p, Permission::MatchingRead)?;
    let n = needs::get(&s.db, &Actor::of(p), need_id).await?;
    let r = s
        .matching
        .read(&s.db, |st| {
            let f = q.filters(st)?;
            let c = st.engine.offers_for(&st.need_query(&n), &f, q.limit());
            Ok::<_, crate::error::ApiError>(ranked(c, |i| st.offers.id(i).map(str::to_string)))
        })
        .await??;
    offer_views(s, p, r).await
}

/// The best published needs for an offer the reader may see.
pub async fn needs_for_offer(
    s: &AppState,
    p: &Principal,
    offer_id: &str,
    q: &MatchQuery,
) -> ApiResult<Vec<NeedMatchView>> {
    require(p, Permission::MatchingRead)?;
    let o = offers::get(&s.db, &Actor::of(p), offer_id).await?;
    let r = s
        .matching
        .read(&s.db, |st| {
            let f = q.filters(st)?;
            let c = st.engine.needs_for(&st.offer_query(&o), &f, q.limit());
            Ok::<_, crate::error::ApiError>(ranked(c, |i| st.needs.id(i).map(str::to_string)))
        })
        .await??;
    need_views(s, p, r).await
}

/// Published offers for free text (技术找寻).
pub async fn search_offers(
    s: &AppState,
    p: &Principal,
    q: &MatchQuery,
) -> ApiResult<Vec<OfferMatchView>> {
    require(p, Permission::MatchingRead)?;
    let text = q.q.clone().unwrap_or_default();
    let r = s
        .matching
        .read(&s.db, |st| {
            let f = q.filters(st)?;
            let c = st.engine.search_offers(&text, &f, q.limit());
            Ok::<_, crate::error::ApiError>(ranked(c, |i| st.offers.id(i).map(str::to_string)))
        })
        .await??;
    offer_views(s, p, r).await
}

/// Rebuild the index from the database (reviewers): a rebuild change in the
/// feed, as `kechuang reindex` writes, so every replica rebuilds; this one
/// at once. The documents this replica holds afterwards.
pub async fn rebuild(s: &AppState, p: &Principal) -> ApiResult<usize> {
    require(p, Permission::MatchingReview)?;
    changes::request_rebuild(&s.db).await?;
    Ok(s.matching.rebuild(&s.db).await?)
}
