//! The matching vocabulary reviewers keep (匹配词库): domain words that
//! segmentation keeps whole and synonym groups, on top of the dictionary
//! shipped with the engine. A change reaches every replica's index through
//! the change feed (see `index`).

use kechuang_domain::auth::Permission;
use kechuang_domain::matching::TermKind;
use kechuang_domain::ErrorCode;
use kechuang_store::entities::matching_term;
use kechuang_store::matching::terms;
use kechuang_store::Principal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// A vocabulary entry with its kind in Chinese.
#[derive(Serialize, ToSchema)]
pub struct TermView {
    #[serde(flatten)]
    pub term: matching_term::Model,
    pub kind_label: String,
    /// The terms of a synonym group (one for a word), the canonical first.
    pub terms: Vec<String>,
}

fn view(t: matching_term::Model) -> TermView {
    TermView {
        kind_label: TermKind::parse(&t.kind)
            .map(|k| k.label_zh().to_string())
            .unwrap_or_default(),
        terms: kechuang_domain::matching::synonym_terms(&t.text),
        term: t,
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TermListQuery {
    /// word（领域词）/ synonym（同义词组），空为全部
    pub kind: Option<String>,
}

/// A new or changed entry.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TermDraft {
    /// word（领域词）/ synonym（同义词组），也可填中文
    pub kind: String,
    /// 领域词：一个词；同义词组：两个以上的词，用空格、逗号或顿号分隔，规范词在前
    pub text: String,
}

fn kind_of(code: &str) -> Result<TermKind, ApiError> {
    TermKind::parse(code).ok_or_else(|| {
        ApiError::invalid(
            ErrorCode::InvalidTerm,
            &[("kind", "请选择词条类型：领域词或同义词组".into())],
        )
    })
}

pub async fn list(s: &AppState, p: &Principal, q: &TermListQuery) -> ApiResult<Vec<TermView>> {
    require(p, Permission::MatchingRead)?;
    let kind = match q.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(TermKind::parse(k).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "词条类型只能是 word（领域词）或 synonym（同义词组）",
            )
        })?),
    };
    Ok(terms::list(&s.db, kind)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

pub async fn create(s: &AppState, p: &Principal, d: &TermDraft) -> ApiResult<TermView> {
    require(p, Permission::MatchingReview)?;
    let kind = kind_of(&d.kind)?;
    Ok(view(terms::create(&s.db, &p.user_id, kind, &d.text).await?))
}

pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &TermDraft,
) -> ApiResult<TermView> {
    require(p, Permission::MatchingReview)?;
    let kind = kind_of(&d.kind)?;
    Ok(view(
        terms::update(&s.db, &p.user_id, id, version, kind, &d.text).await?,
    ))
}

pub async fn delete(s: &AppState, p: &Principal, id: &str, version: i32) -> ApiResult<()> {
    require(p, Permission::MatchingReview)?;
    Ok(terms::delete(&s.db, &p.user_id, id, version).await?)
}
