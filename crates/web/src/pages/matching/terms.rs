//! 匹配词库 (/matching/terms): the domain words and synonym groups that
//! reviewers add to the engine's shipped dictionary; each change reaches
//! every replica's index through the change feed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::matching::TermKind;
use kechuang_store::Principal;

use super::{crumbs, TERMS};
use crate::auth::PageUser;
use crate::error::{ApiError, ApiResult};
use crate::pages::actions::{answer, done, draft, field, FlashQuery, FormState};
use crate::pages::{render, PageCtx, PageResult};
use crate::service::matching::terms::{self as service, TermListQuery, TermView};
use crate::AppState;

#[derive(Template)]
#[template(path = "matching/terms.html")]
struct TermsPage {
    page: PageCtx,
    rows: Vec<TermView>,
    q: TermListQuery,
    kinds: Vec<(&'static str, &'static str)>,
    can_edit: bool,
    fs: FormState,
}

impl TermsPage {
    fn sel(&self, code: &str) -> bool {
        self.q.kind.as_deref() == Some(code)
    }
    fn updated(&self, t: &TermView) -> String {
        crate::format::fmt_time(t.term.updated_at)
    }
    /// The form of one row (its errors and typed text come back there).
    fn row_form(&self, t: &TermView) -> String {
        format!("term-{}", t.term.id)
    }
    /// The row's text as typed back, else as stored (terms by spaces).
    fn row_text(&self, t: &TermView) -> String {
        self.fs.val(&self.row_form(t), "text", &t.terms.join(" "))
    }
}

async fn page(
    st: &AppState,
    p: &Principal,
    q: TermListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let rows = service::list(st, p, &q).await?;
    Ok(render(&TermsPage {
        page: PageCtx::new(st, p, "匹配词库", TERMS, &crumbs("匹配词库")).flash_code(flash),
        rows,
        q,
        kinds: TermKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_zh()))
            .collect(),
        can_edit: p.can(Permission::MatchingReview),
        fs,
    }))
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<TermListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(page(&st, &p, q, FormState::default(), fl.flash.as_deref()).await?)
}

/// POST /matching/terms: a new word or synonym group.
pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = match draft(&pairs) {
        Ok(d) => service::create(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    answer(
        result.map(|_| done(TERMS, "created")),
        "term",
        pairs,
        |fs| page(&st, &p, TermListQuery::default(), fs, None),
    )
    .await
}

/// POST /matching/terms/{id}/act/{save|delete}.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<Response> = async {
        let version = field(&pairs, "version").parse().map_err(|_| {
            ApiError::bad_request(
                kechuang_domain::ErrorCode::InvalidForm,
                "缺少记录版本号，请刷新页面后重试",
            )
        })?;
        match action.as_str() {
            "save" => {
                service::update(&st, &p, &id, version, &draft(&pairs)?).await?;
                Ok(done(TERMS, "saved"))
            }
            "delete" => {
                service::delete(&st, &p, &id, version).await?;
                Ok(done(TERMS, "deleted"))
            }
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(result, &format!("term-{id}"), pairs, |fs| {
        page(&st, &p, TermListQuery::default(), fs, None)
    })
    .await
}
