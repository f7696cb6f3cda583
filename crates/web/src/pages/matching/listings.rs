//! Needs (技术需求) and offers (技术供给) in the browser: the lists with
//! their filters, Excel export and import and the form to post one (an
//! organisation's account for itself, staff picking the organisation); a
//! listing's page with its review steps and its ranked, explained matches,
//! from which a broker opens a lead.

use crate::pages::actions::ImportPanel;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::matching::ListingStatus;
use kechuang_store::Principal;

use super::{
    chain_choices, crumbs, listing_statuses, modes, node_choices, offer_kinds, yuan_or, NEEDS,
    OFFERS,
};
use crate::auth::PageUser;
use crate::error::ApiResult;
use crate::excel::{upload, ImportProblem};
use crate::forms::matching::{NeedDraft, OfferDraft};
use crate::pages::actions::{
    answer, done, draft, field, import_refusal, join_repeated, org_choices, with_status,
    FlashQuery, FormState,
};
use crate::pages::{query_string, render, PageCtx, PageResult, Pager};
use crate::service::matching::leads::{self as lead_service, LeadListQuery, LeadView};
use crate::service::matching::listings::{
    self as service, own_org, require_post, NeedListQuery, NeedView, OfferListQuery, OfferView,
};
use crate::service::matching::sheets;
use crate::service::matching::suggest::{self, MatchQuery, NeedMatchView, OfferMatchView};
use crate::AppState;

/// The kinds of organisation that post needs, and that hold offers.
const NEED_ORG_KINDS: [&str; 1] = ["enterprise"];
const HOLDER_KINDS: [&str; 3] = ["enterprise", "university", "institute"];

/// Whether `code` is among the comma-separated codes `list`.
pub(super) fn listed(list: &str, code: &str) -> bool {
    list.split(',').any(|c| c.trim() == code)
}

fn o(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// The one-button review steps: action, label, button style.
type Move = (&'static str, &'static str, &'static str);
const MOVES: [Move; 4] = [
    ("submit", "提交审核", "btn-primary"),
    ("publish", "发布", "btn-success"),
    ("withdraw", "撤回", "btn-outline-secondary"),
    ("close", "关闭", "btn-outline-danger"),
];

/// A review step by its form's action: the flash after it.
fn moved_flash(action: &str) -> &'static str {
    match action {
        "submit" => "listing_submitted",
        "publish" => "listing_published",
        "return" => "listing_returned",
        "withdraw" => "listing_withdrawn",
        _ => "listing_closed",
    }
}

// ---------------------------------------------------------------- needs

#[derive(Template)]
#[template(path = "matching/needs.html")]
struct NeedsPage {
    page: PageCtx,
    rows: Vec<NeedView>,
    pager: Pager,
    q: NeedListQuery,
    statuses: Vec<(&'static str, &'static str)>,
    modes: Vec<(&'static str, &'static str)>,
    chains: Vec<(String, String)>,
    nodes: Vec<(String, String)>,
    /// Staff pick the organisation; an enterprise posts for its own (empty).
    orgs: Vec<(String, String)>,
    export_href: String,
    can_post: bool,
    own: bool,
    imp: ImportPanel,
    fs: FormState,
}

/// The needs' import panel.
const NEEDS_IMPORT: (&str, &str, &str, &str) = (
    "import-needs",
    "/matching/needs/import",
    "/api/v1/matching/needs/import/template",
    "需求单位按统一社会信用代码识别。",
);

impl NeedsPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn mode_on(&self, code: &str) -> bool {
        listed(&self.fs.val("need", "modes", ""), code)
    }
    /// 默认公开: checked unless the form came back without it.
    fn public_on(&self) -> bool {
        !self.fs.val("need", "name_public", "on").is_empty()
    }
    fn budget(&self, fen: &Option<i64>) -> String {
        yuan_or(fen, "")
    }
}

pub async fn needs(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<NeedListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(needs_page(
        &st,
        &p,
        q,
        FormState::default(),
        vec![],
        fl.flash.as_deref(),
    )
    .await?)
}

async fn needs_page(
    st: &AppState,
    p: &Principal,
    q: NeedListQuery,
    fs: FormState,
    problems: Vec<ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let page = service::list_needs(st, p, &q).await?;
    let query = query_string(&[
        ("q", &o(&q.q)),
        ("status", &o(&q.status)),
        ("chain_id", &o(&q.chain_id)),
        ("mode", &o(&q.mode)),
        ("open", &o(&q.open)),
        ("sort", &o(&q.sort)),
        ("mine", &o(&q.mine)),
    ]);
    let can_post = require_post(p).is_ok();
    let own = own_org(p).is_some();
    Ok(render(&NeedsPage {
        page: PageCtx::new(st, p, "技术需求", NEEDS, &crumbs("技术需求")).flash_code(flash),
        pager: Pager::new(&page, &format!("{NEEDS}?{query}")),
        rows: page.items,
        export_href: format!("/api/v1/matching/needs/export?{query}"),
        statuses: listing_statuses(),
        modes: modes(),
        chains: chain_choices(st).await?,
        nodes: node_choices(st).await?,
        orgs: if can_post && !own {
            org_choices(st, &NEED_ORG_KINDS).await?
        } else {
            vec![]
        },
        can_post,
        own,
        imp: ImportPanel::new(NEEDS_IMPORT, &fs, problems),
        q,
        fs,
    }))
}

fn submit_flag(pairs: &[(String, String)]) -> bool {
    field(pairs, "submit") != "false"
}

/// POST /matching/needs: a new need, submitted for review or a draft.
pub async fn create_need(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let submit = submit_flag(&pairs);
    let result = match draft::<NeedDraft>(&pairs) {
        Ok(d) => service::create_need(&st, &p, &d, submit).await,
        Err(e) => Err(e),
    };
    let flash = if submit {
        "listing_submitted"
    } else {
        "created"
    };
    answer(
        result.map(|n| done(&format!("{NEEDS}/{}", n.id), flash)),
        "need",
        pairs,
        |fs| needs_page(&st, &p, NeedListQuery::default(), fs, vec![], None),
    )
    .await
}

/// POST /matching/needs/import: all or nothing, the bad cells listed.
pub async fn import_needs(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: Multipart,
) -> PageResult {
    let r = async {
        let bytes = upload(mp).await?;
        sheets::needs_import(&st, &p, &bytes).await
    }
    .await;
    let (status, fs, problems) = match r {
        Ok(_) => return Ok(done(NEEDS, "imported")),
        Err(e) => import_refusal(e)?,
    };
    let r = needs_page(&st, &p, NeedListQuery::default(), fs, problems, None).await?;
    Ok(with_status(r, status))
}

#[derive(Template)]
#[template(path = "matching/need.html")]
struct NeedPage {
    page: PageCtx,
    n: NeedView,
    matches: Vec<OfferMatchView>,
    leads: Vec<LeadView>,
    can_review: bool,
    can_broker: bool,
    /// The reader's own (posted by them or for their organisation).
    owner: bool,
    fs: FormState,
}

impl NeedPage {
    fn status_code(&self) -> &str {
        &self.n.need.status
    }
    fn moves(&self) -> Vec<Move> {
        MOVES.to_vec()
    }
    fn base(&self) -> String {
        format!("{NEEDS}/{}", self.n.need.id)
    }
    fn version(&self) -> i32 {
        self.n.need.version
    }
    fn status(&self) -> Option<ListingStatus> {
        ListingStatus::parse(&self.n.need.status)
    }
    fn may(&self, action: &str) -> bool {
        use ListingStatus as S;
        let s = self.status();
        let mine = self.owner || self.can_review;
        match action {
            "submit" => mine && matches!(s, Some(S::Draft | S::Returned | S::Withdrawn)),
            "publish" | "return" => self.can_review && s == Some(S::Pending),
            _ => mine && matches!(s, Some(S::Pending | S::Published)),
        }
    }
    /// The organisation, reviewers and brokers change a listing until it is closed.
    fn may_edit(&self) -> bool {
        (self.owner || self.can_review || self.can_broker)
            && self.status_code() != ListingStatus::Closed.as_str()
    }
    fn action_errors(&self) -> Vec<String> {
        ["submit", "publish", "withdraw", "close"]
            .iter()
            .map(|a| self.fs.err(a, "_form"))
            .filter(|e| !e.is_empty())
            .collect()
    }
    fn budget(&self) -> String {
        yuan_or(&self.n.need.budget_fen, "面议")
    }
    fn lead_form(&self, c: &OfferMatchView) -> String {
        format!("lead-{}", c.offer.offer.id)
    }
    fn score(&self, v: &f64) -> String {
        format!("{v:.2}")
    }
    fn trl(&self) -> String {
        trl_range(self.n.need.trl_min, self.n.need.trl_max)
    }
    fn price(&self, o: &OfferView) -> String {
        price_range(&o.offer.price_min_fen, &o.offer.price_max_fen)
    }
    /// The lead already open for this offer, if any.
    fn open_lead(&self, offer_id: &str) -> Option<&LeadView> {
        self.leads.iter().find(|l| {
            l.lead.offer_id == offer_id && !matches!(l.lead.stage.as_str(), "signed" | "closed")
        })
    }
}

fn trl_range(a: Option<i32>, b: Option<i32>) -> String {
    match (a, b) {
        (None, None) => "不限".into(),
        (Some(a), None) => format!("TRL {a} 及以上"),
        (None, Some(b)) => format!("TRL {b} 及以下"),
        (Some(a), Some(b)) => format!("TRL {a}～{b}"),
    }
}

fn price_range(a: &Option<i64>, b: &Option<i64>) -> String {
    match (a, b) {
        (None, None) => "面议".into(),
        (Some(_), None) => format!("{} 起", yuan_or(a, "")),
        (None, Some(_)) => format!("{} 以内", yuan_or(b, "")),
        (Some(_), Some(_)) => format!("{}～{}", yuan_or(a, ""), yuan_or(b, "")),
    }
}

/// Whether the listing is the reader's own.
fn owns(p: &Principal, posted_by: &str, org_id: &str) -> bool {
    posted_by == p.user_id || (!org_id.is_empty() && own_org(p) == Some(org_id))
}

pub(super) async fn need_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let n = service::need(st, p, id).await?;
    let matches = suggest::offers_for_need(st, p, id, &MatchQuery::default()).await?;
    let leads = lead_service::list_leads(
        st,
        p,
        &LeadListQuery {
            need_id: Some(id.to_string()),
            per_page: Some(100),
            ..Default::default()
        },
    )
    .await?
    .items;
    let title = n.need.title.clone();
    Ok(render(&NeedPage {
        page: PageCtx::new(st, p, &title, NEEDS, &[("技术需求", NEEDS), (&title, "")])
            .flash_code(flash),
        owner: owns(p, &n.need.posted_by, &n.need.org_id),
        can_review: p.can(Permission::MatchingReview),
        can_broker: p.can(Permission::MatchingBroker),
        n,
        matches,
        leads,
        fs,
    }))
}

pub async fn need(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(need_page(&st, &p, &id, FormState::default(), fl.flash.as_deref()).await?)
}

/// POST /matching/needs/{id}/act/{action}: submit, publish, return, withdraw, close.
pub async fn need_act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<Response> = async {
        let a = service::listing_action(&action)?;
        service::move_need(&st, &p, &id, a, &draft(&pairs)?).await?;
        Ok(done(&format!("{NEEDS}/{id}"), moved_flash(&action)))
    }
    .await;
    answer(result, &action, pairs, |fs| {
        need_page(&st, &p, &id, fs, None)
    })
    .await
}

// ---------------------------------------------------------------- offers

#[derive(Template)]
#[template(path = "matching/offers.html")]
struct OffersPage {
    page: PageCtx,
    rows: Vec<OfferView>,
    pager: Pager,
    q: OfferListQuery,
    statuses: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    modes: Vec<(&'static str, &'static str)>,
    chains: Vec<(String, String)>,
    nodes: Vec<(String, String)>,
    orgs: Vec<(String, String)>,
    export_href: String,
    can_post: bool,
    own: bool,
    imp: ImportPanel,
    fs: FormState,
}

/// The offers' import panel.
const OFFERS_IMPORT: (&str, &str, &str, &str) = (
    "import-offers",
    "/matching/offers/import",
    "/api/v1/matching/offers/import/template",
    "持有单位按统一社会信用代码识别。",
);

impl OffersPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn mode_on(&self, code: &str) -> bool {
        listed(&self.fs.val("offer", "modes", ""), code)
    }
    fn price(&self, o: &OfferView) -> String {
        price_range(&o.offer.price_min_fen, &o.offer.price_max_fen)
    }
}

pub async fn offers(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<OfferListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(offers_page(
        &st,
        &p,
        q,
        FormState::default(),
        vec![],
        fl.flash.as_deref(),
    )
    .await?)
}

async fn offers_page(
    st: &AppState,
    p: &Principal,
    q: OfferListQuery,
    fs: FormState,
    problems: Vec<ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let page = service::list_offers(st, p, &q).await?;
    let query = query_string(&[
        ("q", &o(&q.q)),
        ("kind", &o(&q.kind)),
        ("status", &o(&q.status)),
        ("chain_id", &o(&q.chain_id)),
        ("mode", &o(&q.mode)),
        ("mine", &o(&q.mine)),
    ]);
    let can_post = require_post(p).is_ok();
    let own = own_org(p).is_some();
    Ok(render(&OffersPage {
        page: PageCtx::new(st, p, "技术供给", OFFERS, &crumbs("技术供给")).flash_code(flash),
        pager: Pager::new(&page, &format!("{OFFERS}?{query}")),
        rows: page.items,
        export_href: format!("/api/v1/matching/offers/export?{query}"),
        statuses: listing_statuses(),
        kinds: offer_kinds(),
        modes: modes(),
        chains: chain_choices(st).await?,
        nodes: node_choices(st).await?,
        orgs: if can_post && !own {
            org_choices(st, &HOLDER_KINDS).await?
        } else {
            vec![]
        },
        can_post,
        own,
        imp: ImportPanel::new(OFFERS_IMPORT, &fs, problems),
        q,
        fs,
    }))
}

/// POST /matching/offers: a new offer, submitted for review or a draft.
pub async fn create_offer(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let submit = submit_flag(&pairs);
    let result = match draft::<OfferDraft>(&pairs) {
        Ok(d) => service::create_offer(&st, &p, &d, submit).await,
        Err(e) => Err(e),
    };
    let flash = if submit {
        "listing_submitted"
    } else {
        "created"
    };
    answer(
        result.map(|n| done(&format!("{OFFERS}/{}", n.id), flash)),
        "offer",
        pairs,
        |fs| offers_page(&st, &p, OfferListQuery::default(), fs, vec![], None),
    )
    .await
}

pub async fn import_offers(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: Multipart,
) -> PageResult {
    let r = async {
        let bytes = upload(mp).await?;
        sheets::offers_import(&st, &p, &bytes).await
    }
    .await;
    let (status, fs, problems) = match r {
        Ok(_) => return Ok(done(OFFERS, "imported")),
        Err(e) => import_refusal(e)?,
    };
    let r = offers_page(&st, &p, OfferListQuery::default(), fs, problems, None).await?;
    Ok(with_status(r, status))
}

#[derive(Template)]
#[template(path = "matching/offer.html")]
struct OfferPage {
    page: PageCtx,
    o: OfferView,
    matches: Vec<NeedMatchView>,
    leads: Vec<LeadView>,
    can_review: bool,
    can_broker: bool,
    owner: bool,
    fs: FormState,
}

impl OfferPage {
    fn status_code(&self) -> &str {
        &self.o.offer.status
    }
    fn moves(&self) -> Vec<Move> {
        MOVES.to_vec()
    }
    fn base(&self) -> String {
        format!("{OFFERS}/{}", self.o.offer.id)
    }
    fn version(&self) -> i32 {
        self.o.offer.version
    }
    fn may(&self, action: &str) -> bool {
        use ListingStatus as S;
        let s = ListingStatus::parse(&self.o.offer.status);
        let mine = self.owner || self.can_review;
        match action {
            "submit" => mine && matches!(s, Some(S::Draft | S::Returned | S::Withdrawn)),
            "publish" | "return" => self.can_review && s == Some(S::Pending),
            _ => mine && matches!(s, Some(S::Pending | S::Published)),
        }
    }
    /// The organisation, reviewers and brokers change a listing until it is closed.
    fn may_edit(&self) -> bool {
        (self.owner || self.can_review || self.can_broker)
            && self.status_code() != ListingStatus::Closed.as_str()
    }
    fn action_errors(&self) -> Vec<String> {
        ["submit", "publish", "withdraw", "close"]
            .iter()
            .map(|a| self.fs.err(a, "_form"))
            .filter(|e| !e.is_empty())
            .collect()
    }
    fn price(&self) -> String {
        price_range(&self.o.offer.price_min_fen, &self.o.offer.price_max_fen)
    }
    fn trl(&self) -> String {
        self.o
            .offer
            .trl
            .map(|t| format!("TRL {t}"))
            .unwrap_or_else(|| "未填".into())
    }
    fn lead_form(&self, c: &NeedMatchView) -> String {
        format!("lead-{}", c.need.need.id)
    }
    fn score(&self, v: &f64) -> String {
        format!("{v:.2}")
    }
    fn need_trl(&self, n: &NeedView) -> String {
        trl_range(n.need.trl_min, n.need.trl_max)
    }
    fn budget(&self, n: &NeedView) -> String {
        yuan_or(&n.need.budget_fen, "面议")
    }
    fn open_lead(&self, need_id: &str) -> Option<&LeadView> {
        self.leads.iter().find(|l| {
            l.lead.need_id == need_id && !matches!(l.lead.stage.as_str(), "signed" | "closed")
        })
    }
}

pub(super) async fn offer_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let o = service::offer(st, p, id).await?;
    let matches = suggest::needs_for_offer(st, p, id, &MatchQuery::default()).await?;
    let leads = lead_service::list_leads(
        st,
        p,
        &LeadListQuery {
            offer_id: Some(id.to_string()),
            per_page: Some(100),
            ..Default::default()
        },
    )
    .await?
    .items;
    let title = o.offer.title.clone();
    Ok(render(&OfferPage {
        page: PageCtx::new(st, p, &title, OFFERS, &[("技术供给", OFFERS), (&title, "")])
            .flash_code(flash),
        owner: owns(p, &o.offer.posted_by, &o.offer.holder_org_id),
        can_review: p.can(Permission::MatchingReview),
        can_broker: p.can(Permission::MatchingBroker),
        o,
        matches,
        leads,
        fs,
    }))
}

pub async fn offer(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(offer_page(&st, &p, &id, FormState::default(), fl.flash.as_deref()).await?)
}

pub async fn offer_act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<Response> = async {
        let a = service::listing_action(&action)?;
        service::move_offer(&st, &p, &id, a, &draft(&pairs)?).await?;
        Ok(done(&format!("{OFFERS}/{id}"), moved_flash(&action)))
    }
    .await;
    answer(result, &action, pairs, |fs| {
        offer_page(&st, &p, &id, fs, None)
    })
    .await
}
