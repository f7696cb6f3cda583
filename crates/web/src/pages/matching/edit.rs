//! Changing a posted need or offer (/matching/{needs|offers}/{id}/edit):
//! the posting form, filled from the record, for its organisation and
//! those who work the matchmaking. A published listing changed by its
//! organisation goes back to review (the store's rule).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use kechuang_domain::money::Money;
use kechuang_store::entities::{need, offer};
use kechuang_store::Principal;

use super::{chain_choices, modes, node_choices, offer_kinds, NEEDS, OFFERS};
use crate::auth::PageUser;
use crate::error::ApiResult;
use crate::pages::actions::{answer, done, draft, join_repeated, org_choices, version, FormState};
use crate::pages::{render, PageCtx, PageResult};
use crate::service::matching::listings::{self as service, own_org, require_post};
use crate::AppState;

#[derive(Template)]
#[template(path = "matching/edit.html")]
struct EditPage {
    page: PageCtx,
    /// "need" or "offer": the form, and which fields it has.
    form: &'static str,
    action: String,
    back: String,
    version: i32,
    own: bool,
    orgs: Vec<(String, String)>,
    chains: Vec<(String, String)>,
    nodes: Vec<(String, String)>,
    modes: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    fs: FormState,
}

impl EditPage {
    fn mode_on(&self, code: &str) -> bool {
        super::listings::listed(&self.fs.val(self.form, "modes", ""), code)
    }
    fn public_on(&self) -> bool {
        !self.fs.val(self.form, "name_public", "").is_empty()
    }
}

fn yuan(fen: Option<i64>) -> String {
    fen.map(|f| Money::from_fen(f).to_string())
        .unwrap_or_default()
}

fn num(v: Option<i32>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// The need's values as the form's fields.
fn need_values(n: &need::Model) -> Vec<(String, String)> {
    [
        ("title", n.title.clone()),
        ("description", n.description.clone()),
        ("keywords", n.keywords.clone()),
        ("field", n.field.clone()),
        ("chain_id", opt(&n.chain_id)),
        ("chain_node_id", opt(&n.chain_node_id)),
        ("trl_min", num(n.trl_min)),
        ("trl_max", num(n.trl_max)),
        ("modes", n.modes.clone()),
        ("budget", yuan(n.budget_fen)),
        (
            "deadline",
            n.deadline.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("region", n.region.clone()),
        ("org_id", n.org_id.clone()),
        (
            "name_public",
            if n.name_public { "on" } else { "" }.to_string(),
        ),
        ("contact_name", n.contact_name.clone()),
        ("contact_phone", n.contact_phone.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The offer's values as the form's fields.
fn offer_values(o: &offer::Model) -> Vec<(String, String)> {
    [
        ("kind", o.kind.clone()),
        ("title", o.title.clone()),
        ("description", o.description.clone()),
        ("keywords", o.keywords.clone()),
        ("field", o.field.clone()),
        ("chain_id", opt(&o.chain_id)),
        ("chain_node_id", opt(&o.chain_node_id)),
        ("trl", num(o.trl)),
        ("modes", o.modes.clone()),
        ("price_min", yuan(o.price_min_fen)),
        ("price_max", yuan(o.price_max_fen)),
        ("region", o.region.clone()),
        ("holder_org_id", o.holder_org_id.clone()),
        ("transfer_project_id", opt(&o.transfer_project_id)),
        ("contact_name", o.contact_name.clone()),
        ("contact_phone", o.contact_phone.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The edit page of a need (`form` "need") or an offer ("offer"); `fs`
/// carries the values shown: the record's, or those just posted back.
async fn edit_page(
    st: &AppState,
    p: &Principal,
    form: &'static str,
    id: &str,
    fs: Option<FormState>,
) -> ApiResult<Response> {
    require_post(p)?;
    let (title, version, values, base, org_kinds): (String, i32, _, _, &[&str]) = if form == "need"
    {
        let n = service::need(st, p, id).await?.need;
        (
            n.title.clone(),
            n.version,
            need_values(&n),
            NEEDS,
            &["enterprise"],
        )
    } else {
        let o = service::offer(st, p, id).await?.offer;
        (
            o.title.clone(),
            o.version,
            offer_values(&o),
            OFFERS,
            &["enterprise", "university", "institute"],
        )
    };
    let (fs, version) = FormState::for_edit(form, fs, values, version);
    let back = format!("{base}/{id}");
    let own = own_org(p).is_some();
    let heading = format!("修改：{title}");
    let list = if form == "need" {
        "技术需求"
    } else {
        "技术供给"
    };
    Ok(render(&EditPage {
        page: PageCtx::new(
            st,
            p,
            &heading,
            base,
            &[(list, base), (&title, &back), ("修改", "")],
        ),
        form,
        action: format!("{back}/edit"),
        version,
        back,
        own,
        orgs: if own {
            vec![]
        } else {
            org_choices(st, org_kinds).await?
        },
        chains: chain_choices(st).await?,
        nodes: node_choices(st).await?,
        modes: modes(),
        kinds: offer_kinds(),
        fs,
    }))
}

pub async fn need_form(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    Ok(edit_page(&st, &p, "need", &id, None).await?)
}

pub async fn offer_form(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    Ok(edit_page(&st, &p, "offer", &id, None).await?)
}

pub async fn save_need(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save(&st, &p, "need", &id, pairs).await
}

pub async fn save_offer(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save(&st, &p, "offer", &id, pairs).await
}

/// Save a change: back to the listing; a rejected change (a field, a stale
/// version) shows the form again with what was typed.
async fn save(
    st: &AppState,
    p: &Principal,
    form: &'static str,
    id: &str,
    pairs: Vec<(String, String)>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let result: ApiResult<Response> = async {
        let version = version(&pairs)?;
        let base = if form == "need" {
            service::update_need(st, p, id, version, &draft(&pairs)?).await?;
            NEEDS
        } else {
            service::update_offer(st, p, id, version, &draft(&pairs)?).await?;
            OFFERS
        };
        Ok(done(&format!("{base}/{id}"), "saved"))
    }
    .await;
    answer(result, form, pairs, |fs| {
        edit_page(st, p, form, id, Some(fs))
    })
    .await
}
