//! Supervision orders (督办) and accountability interviews (约谈) naming a
//! chief service officer, an assistant or an instructor.
//!
//! Pages: /party/accountability (the people whose enterprises' cases run
//! late in a period, with 建议约谈 past the threshold; the records with
//! filters and export; a new record) and one record (its outcome and
//! follow-up, edited by the party-building office).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_domain::auth::Permission;
use kechuang_store::party::accountability::{AccountKind, ACCOUNTABLE};
use kechuang_store::Principal;
use serde::Deserialize;

use crate::auth::{require, PageUser};
use crate::error::ApiResult;
use crate::excel;
use crate::forms::party::accountability::AccountabilityDraft;
use crate::pages::actions::{answer, done, draft, version, FlashQuery, FormState};
use crate::pages::{fmt_date, query_string, render, PageCtx, PageResult, Pager};
use crate::service::party::accountability::{
    self as service, AccountabilityListQuery, AccountabilityView, LatenessQuery, LatenessReport,
};
use crate::service::party::staff::people_choices;
use crate::AppState;

const LIST: &str = "/party/accountability";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LIST, get(list).post(create))
        .route("/party/accountability/export.xlsx", get(export))
        .route("/party/accountability/{id}", get(detail))
        .route("/party/accountability/{id}/act/edit", post(edit))
}

/// The lateness period of the page (its own names, beside the list's filter)
/// and the person a 约谈 link pre-selects in the new form.
#[derive(Debug, Default, Deserialize)]
pub struct LatenessPageQuery {
    pub lfrom: Option<String>,
    pub lto: Option<String>,
    pub prefill: Option<String>,
}

fn kinds() -> Vec<(String, String)> {
    AccountKind::ALL
        .iter()
        .map(|k| (k.as_str().into(), k.label_zh().into()))
        .collect()
}

#[derive(Template)]
#[template(path = "party/accountability.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<AccountabilityView>,
    pager: Pager,
    q: AccountabilityListQuery,
    lateness: LatenessReport,
    people: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    prefill: String,
    today: String,
    export_href: String,
    can_write: bool,
    fs: FormState,
}

impl ListPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn date(&self, d: &chrono::NaiveDate) -> String {
        fmt_date(*d)
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AccountabilityListQuery>,
    Query(l): Query<LatenessPageQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(list_page(&st, &p, q, l, FormState::default(), fl.flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: AccountabilityListQuery,
    l: LatenessPageQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let page = service::list(st, p, &q).await?;
    let lateness = service::lateness(
        st,
        p,
        &LatenessQuery {
            from: l.lfrom.clone(),
            to: l.lto.clone(),
        },
    )
    .await?;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let query = query_string(&[
        ("q", &o(&q.q)),
        ("staff_id", &o(&q.staff_id)),
        ("kind", &o(&q.kind)),
        ("open", &o(&q.open)),
        ("from", &o(&q.from)),
        ("to", &o(&q.to)),
    ]);
    let pager = Pager::new(&page, &format!("{LIST}?{query}"));
    Ok(render(&ListPage {
        page: PageCtx::new(
            st,
            p,
            "人员督办约谈",
            LIST,
            &[("党建引领", "/party"), ("人员督办约谈", "")],
        )
        .flash_code(flash),
        rows: page.items,
        pager,
        lateness,
        people: people_choices(st, &ACCOUNTABLE).await?,
        kinds: kinds(),
        prefill: l.prefill.unwrap_or_default(),
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
    Query(q): Query<AccountabilityListQuery>,
) -> PageResult {
    let b = service::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("人员督办约谈.xlsx", b))
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
        result.map(|v| done(&format!("{LIST}/{}", v.record.id), "created")),
        "new",
        pairs,
        |fs| {
            list_page(
                &st,
                &p,
                AccountabilityListQuery::default(),
                LatenessPageQuery::default(),
                fs,
                None,
            )
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "party/accountability_detail.html")]
struct DetailPage {
    page: PageCtx,
    v: AccountabilityView,
    current: AccountabilityDraft,
    people: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    can_write: bool,
    fs: FormState,
}

impl DetailPage {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        fmt_date(*d)
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
    let v = service::get(st, p, id).await?;
    let title = format!("{}{}：{}", v.kind_label, v.staff_role_label, v.staff_name);
    Ok(render(&DetailPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            LIST,
            &[("党建引领", "/party"), ("人员督办约谈", LIST), (&title, "")],
        )
        .flash_code(flash),
        current: AccountabilityDraft::from_model(&v.record, &v.case_number),
        people: people_choices(st, &ACCOUNTABLE).await?,
        kinds: kinds(),
        can_write: p.can(Permission::PartyWrite),
        v,
        fs,
    }))
}

pub async fn edit(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<()> = async {
        let v = version(&pairs)?;
        let d: AccountabilityDraft = draft(&pairs)?;
        service::update(&st, &p, &id, v, &d).await.map(|_| ())
    }
    .await;
    answer(
        result.map(|_| done(&format!("{LIST}/{id}"), "saved")),
        "edit",
        pairs,
        |fs| detail_page(&st, &p, &id, fs, None),
    )
    .await
}
