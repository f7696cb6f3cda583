//! Leads (撮合线索) in the browser: the list with its filters (overdue rows
//! marked), a lead opened from a need's or an offer's matches, and a lead's
//! page with one form per step: the next stage, closing with a reason, the
//! next step, supervision (reviewers) and signing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::matching::LeadStage;
use kechuang_store::Principal;

use super::listings::{need_page, offer_page};
use super::{crumbs, modes, stages, yuan_or, LEADS};
use crate::auth::PageUser;
use crate::error::{ApiError, ApiResult};
use crate::forms::matching::LeadDraft;
use crate::pages::actions::{answer, done, draft, field, FlashQuery, FormState};
use crate::pages::{fmt_date, query_string, render, PageCtx, PageResult, Pager};
use crate::service::matching::leads::{self as service, LeadListQuery, LeadView};
use crate::AppState;

#[derive(Template)]
#[template(path = "matching/leads.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<LeadView>,
    pager: Pager,
    q: LeadListQuery,
    stages: Vec<(&'static str, &'static str)>,
}

impl ListPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn due(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(fmt_date).unwrap_or_default()
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<LeadListQuery>,
) -> PageResult {
    let page = service::list_leads(&st, &p, &q).await?;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let query = query_string(&[
        ("stage", &o(&q.stage)),
        ("open", &o(&q.open)),
        ("overdue", &o(&q.overdue)),
        ("mine", &o(&q.mine)),
        ("need_id", &o(&q.need_id)),
        ("offer_id", &o(&q.offer_id)),
    ]);
    Ok(render(&ListPage {
        page: PageCtx::new(&st, &p, "撮合线索", LEADS, &crumbs("撮合线索")),
        pager: Pager::new(&page, &format!("{LEADS}?{query}")),
        rows: page.items,
        stages: stages(),
        q,
    }))
}

/// POST /matching/leads: a lead from a match on a need's (`from=need`) or
/// an offer's page; refused, that page again with the error beside the match.
pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = match draft::<LeadDraft>(&pairs) {
        Ok(d) => service::create_lead(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    let need_id = field(&pairs, "need_id").to_string();
    let offer_id = field(&pairs, "offer_id").to_string();
    let result = result.map(|l| done(&format!("{LEADS}/{}", l.lead.id), "lead_created"));
    if field(&pairs, "from") == "offer" {
        let form = format!("lead-{need_id}");
        return answer(result, &form, pairs, |fs| {
            offer_page(&st, &p, &offer_id, fs, None)
        })
        .await;
    }
    let form = format!("lead-{offer_id}");
    answer(result, &form, pairs, |fs| {
        need_page(&st, &p, &need_id, fs, None)
    })
    .await
}

#[derive(Template)]
#[template(path = "matching/lead.html")]
struct DetailPage {
    page: PageCtx,
    l: LeadView,
    can_broker: bool,
    can_review: bool,
    modes: Vec<(&'static str, &'static str)>,
    /// The contracts the lead may be signed with (brokers, while negotiating).
    contracts: Vec<(String, String)>,
    today: String,
    fs: FormState,
}

impl DetailPage {
    fn stage(&self) -> Option<LeadStage> {
        LeadStage::parse(&self.l.lead.stage)
    }
    fn open(&self) -> bool {
        self.stage().is_some_and(LeadStage::is_open)
    }
    /// The next stage a form moves to (需求确认, 方案洽谈); signing has its own form.
    fn next(&self) -> Option<(&'static str, &'static str)> {
        self.stage()
            .and_then(LeadStage::next)
            .filter(|s| *s != LeadStage::Signed)
            .map(|s| (s.as_str(), s.label_zh()))
    }
    fn may_sign(&self) -> bool {
        self.stage() == Some(LeadStage::Negotiating)
    }
    fn badge(&self) -> &'static str {
        match self.stage() {
            Some(LeadStage::Signed) => "text-bg-success",
            Some(LeadStage::Closed) => "text-bg-secondary",
            _ => "text-bg-primary",
        }
    }
    fn due(&self) -> String {
        self.l.lead.next_due_on.map(fmt_date).unwrap_or_default()
    }
    fn due_value(&self) -> String {
        self.l
            .lead
            .next_due_on
            .map(|d| d.to_string())
            .unwrap_or_default()
    }
    fn amount(&self) -> String {
        yuan_or(&self.l.lead.amount_fen, "")
    }
    fn signed_on(&self) -> String {
        self.l.lead.signed_on.map(fmt_date).unwrap_or_default()
    }
    fn form_error(&self, form: &str) -> String {
        self.fs.err(form, "_form")
    }
}

async fn detail_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let l = service::lead(st, p, id).await?;
    let title = format!("撮合线索：{}", l.need_title);
    let can_broker = p.can(Permission::MatchingBroker);
    let contracts = if can_broker && LeadStage::parse(&l.lead.stage) == Some(LeadStage::Negotiating)
    {
        service::contract_choices(st, p, &l.lead).await?
    } else {
        vec![]
    };
    Ok(render(&DetailPage {
        page: PageCtx::new(st, p, &title, LEADS, &[("撮合线索", LEADS), (&title, "")])
            .flash_code(flash),
        can_broker,
        can_review: p.can(Permission::MatchingReview),
        modes: modes(),
        contracts,
        today: kechuang_store::clock::today().to_string(),
        l,
        fs,
    }))
}

pub async fn detail(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(detail_page(&st, &p, &id, FormState::default(), fl.flash.as_deref()).await?)
}

/// POST /matching/leads/{id}/act/{action}: stage (to the next stage),
/// close (with its reason), next_step, supervise, sign.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let here = format!("{LEADS}/{id}");
    let result: ApiResult<Response> = async {
        Ok(match action.as_str() {
            "stage" | "close" => {
                service::advance(&st, &p, &id, &draft(&pairs)?).await?;
                done(
                    &here,
                    if action == "close" {
                        "lead_closed"
                    } else {
                        "lead_moved"
                    },
                )
            }
            "next_step" => {
                service::next_step(&st, &p, &id, &draft(&pairs)?).await?;
                done(&here, "saved")
            }
            "supervise" => {
                service::supervise(&st, &p, &id, &draft(&pairs)?).await?;
                done(&here, "lead_supervised")
            }
            "sign" => {
                service::sign(&st, &p, &id, &draft(&pairs)?).await?;
                done(&here, "signed")
            }
            _ => return Err(ApiError::not_found()),
        })
    }
    .await;
    answer(result, &action, pairs, |fs| {
        detail_page(&st, &p, &id, fs, None)
    })
    .await
}
