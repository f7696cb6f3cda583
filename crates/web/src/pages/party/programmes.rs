//! A chain committee's programmes of joint actions (链上行动计划).
//!
//! Pages: /party/programmes (programmes with their figures, filters,
//! export, a new programme) and one programme (its actions with who took
//! part and the results; new actions, results recorded afterwards, edits).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_domain::auth::Permission;
use kechuang_domain::party::PartyOrgKind;
use kechuang_store::party::programmes::ActionKind;
use kechuang_store::Principal;

use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel;
use crate::forms::party::programmes::{ActionDraft, ProgrammeDraft};
use crate::pages::actions::{
    answer, done, draft, field, join_repeated, org_choices, version, FlashQuery, FormState,
};
use crate::pages::{fmt_date, query_string, render, PageCtx, PageResult, Pager};
use crate::service::party::programmes::{
    self as service, ActionPartyView, ChainActionView, ProgrammeDetailView, ProgrammeListQuery,
    ProgrammeView,
};
use crate::AppState;

const LIST: &str = "/party/programmes";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LIST, get(list).post(create))
        .route("/party/programmes/export.xlsx", get(export))
        .route("/party/programmes/{id}", get(detail))
        .route("/party/programmes/{id}/act/{action}", post(act))
}

/// (id, name) of the chain committees.
async fn committees(st: &AppState) -> ApiResult<Vec<(String, String)>> {
    Ok(kechuang_store::party::network::all(&st.db)
        .await?
        .into_iter()
        .filter(|o| o.kind == PartyOrgKind::ChainCommittee.as_str() && o.chain_id.is_some())
        .map(|o| (o.id, o.name))
        .collect())
}

#[derive(Template)]
#[template(path = "party/programmes.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<ProgrammeView>,
    pager: Pager,
    q: ProgrammeListQuery,
    committees: Vec<(String, String)>,
    chains: Vec<(String, String)>,
    today: String,
    export_href: String,
    can_write: bool,
    fs: FormState,
}

impl ListPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn period(&self, v: &ProgrammeView) -> String {
        period(v)
    }
}

fn period(v: &ProgrammeView) -> String {
    match v.programme.ends_on {
        Some(e) => format!("{}—{}", fmt_date(v.programme.starts_on), fmt_date(e)),
        None => format!("{}起", fmt_date(v.programme.starts_on)),
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ProgrammeListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(list_page(&st, &p, q, FormState::default(), fl.flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: ProgrammeListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let page = service::list(st, p, &q).await?;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let query = query_string(&[
        ("q", &o(&q.q)),
        ("committee_id", &o(&q.committee_id)),
        ("chain_id", &o(&q.chain_id)),
        ("year", &o(&q.year)),
    ]);
    let pager = Pager::new(&page, &format!("{LIST}?{query}"));
    Ok(render(&ListPage {
        page: PageCtx::new(
            st,
            p,
            "链上行动计划",
            LIST,
            &[("党建引领", "/party"), ("链上行动计划", "")],
        )
        .flash_code(flash),
        rows: page.items,
        pager,
        committees: committees(st).await?,
        chains: kechuang_store::names::all_ordered(&st.db, "chains").await?,
        today: kechuang_store::clock::today().to_string(),
        export_href: format!("{LIST}/export.xlsx?{query}"),
        q,
        can_write: p.can(Permission::PartyWrite),
        fs,
    }))
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ProgrammeListQuery>,
) -> PageResult {
    let b = service::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("链上行动计划.xlsx", b))
}

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
        result.map(|m| done(&format!("{LIST}/{}", m.id), "created")),
        "new",
        pairs,
        |fs| list_page(&st, &p, ProgrammeListQuery::default(), fs, None),
    )
    .await
}

#[derive(Template)]
#[template(path = "party/programmes_detail.html")]
struct DetailPage {
    page: PageCtx,
    d: ProgrammeDetailView,
    current: ProgrammeDraft,
    /// Each action's current values, for its edit form.
    action_drafts: Vec<ActionDraft>,
    committees: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    party_orgs: Vec<(String, String)>,
    firms: Vec<(String, String)>,
    today: String,
    can_write: bool,
    fs: FormState,
}

impl DetailPage {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        fmt_date(*d)
    }
    fn period(&self) -> String {
        period(&self.d.programme)
    }
    /// Whether `id` is among the selected values of `name` in the new-action
    /// form (as posted back, comma-joined).
    fn picked(&self, name: &str, id: &str) -> bool {
        self.fs.val("action", name, "").split(',').any(|x| x == id)
    }
}

/// Firms for an action: the chain's members first (marked 链上), then the others.
async fn firm_choices(st: &AppState, chain_id: &str) -> ApiResult<Vec<(String, String)>> {
    // A committee whose chain was taken away has no members to put first.
    let members: Vec<String> = match kechuang_store::chains::detail(&st.db, chain_id).await {
        Ok(d) => d.members.into_iter().map(|m| m.link.org_id).collect(),
        Err(kechuang_store::StoreError::NotFound) => vec![],
        Err(e) => return Err(e.into()),
    };
    let (mut on, off): (Vec<_>, Vec<_>) = org_choices(st, &["enterprise"])
        .await?
        .into_iter()
        .partition(|(id, _)| members.contains(id));
    for (_, name) in on.iter_mut() {
        name.push_str("（链上）");
    }
    on.extend(off);
    Ok(on)
}

/// An action's current values, for its edit form.
fn action_draft(a: &ChainActionView) -> ActionDraft {
    let ids = |v: &[ActionPartyView]| {
        v.iter()
            .map(|x| x.id.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    ActionDraft {
        title: a.action.title.clone(),
        kind: a.action.kind.clone(),
        held_on: a.action.held_on.to_string(),
        results: a.action.results.clone(),
        party_org_ids: ids(&a.party_orgs),
        org_ids: ids(&a.firms),
    }
}

pub async fn detail(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(detail_page(&st, &p, &id, FormState::default(), f.flash.as_deref()).await?)
}

async fn detail_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let d = service::detail(st, p, id).await?;
    let can_write = p.can(Permission::PartyWrite);
    let title = d.programme.programme.name.clone();
    Ok(render(&DetailPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            LIST,
            &[("党建引领", "/party"), ("链上行动计划", LIST), (&title, "")],
        )
        .flash_code(flash),
        current: ProgrammeDraft::from_model(&d.programme.programme),
        action_drafts: d.actions.iter().map(action_draft).collect(),
        committees: committees(st).await?,
        kinds: ActionKind::ALL
            .iter()
            .map(|k| (k.as_str().into(), k.label_zh().into()))
            .collect(),
        party_orgs: if can_write {
            kechuang_store::party::network::choices(&st.db).await?
        } else {
            vec![]
        },
        firms: if can_write {
            firm_choices(st, &d.programme.chain_id).await?
        } else {
            vec![]
        },
        today: kechuang_store::clock::today().to_string(),
        can_write,
        d,
        fs,
    }))
}

/// POST /party/programmes/{id}/act/{action}: edit, action (a new one), action_edit.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let result: ApiResult<&str> = async {
        match action.as_str() {
            "edit" => service::update(&st, &p, &id, version(&pairs)?, &draft(&pairs)?)
                .await
                .map(|_| "saved"),
            "action" => service::create_action(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "created"),
            "action_edit" => service::update_action(
                &st,
                &p,
                &id,
                field(&pairs, "action_id"),
                version(&pairs)?,
                &draft(&pairs)?,
            )
            .await
            .map(|_| "saved"),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|flash| done(&format!("{LIST}/{id}"), flash)),
        &action,
        pairs,
        |fs| detail_page(&st, &p, &id, fs, None),
    )
    .await
}
