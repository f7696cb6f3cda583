//! A talent's own pages, in its language: its services (the items open to
//! it, with what to bring) and the form to ask for several at once, its
//! requests, a request's progress with the departments' tasks, the reply
//! and the rating form. Staff open a request's page too, with a link to
//! its case.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_store::Principal;

use super::{MINE, REQUESTS};
use crate::auth::PageUser;
use crate::error::ApiResult;
use crate::i18n::{self, Lang};
use crate::pages::actions::{answer, done, draft, field, join_repeated, FlashQuery, FormState};
use crate::pages::{render, PageCtx, PageResult};
use crate::service::talent::register::{self, TalentServiceView, TalentView};
use crate::service::talent::requests::{
    self as service, RequestListQuery, TalentRequestDetailView, TalentRequestView,
};
use crate::service::talent::{as_talent, own_talent};
use crate::AppState;

use super::talent_lang as lang_of;

fn flash_en(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "submitted" => "Submitted: the departments have it",
        "rated" => "Thank you for your rating",
        "lang" => "Language changed",
        "attached" => "Document added",
        _ => return None,
    })
}

/// The page context in `lang`, with a flash message in it.
fn ctx(
    st: &AppState,
    p: &Principal,
    lang: Lang,
    title: &str,
    crumbs: &[(&str, &str)],
    flash: Option<&str>,
) -> PageCtx {
    let page = PageCtx::new(st, p, title, MINE, crumbs);
    match (lang, flash) {
        (Lang::En, f) => match flash_en(f) {
            Some(m) => page.flash("success", m),
            None => page,
        }
        .lang(lang),
        (Lang::Zh, Some("submitted")) => page.flash("success", "已提交，各责任部门将一并办理"),
        (Lang::Zh, Some("rated")) => page.flash("success", "评价已提交，谢谢"),
        (Lang::Zh, Some("lang")) => page.flash("success", "已切换语言"),
        (Lang::Zh, Some("attached")) => page.flash("success", "材料已上传"),
        (Lang::Zh, _) => page,
    }
}

#[derive(Template)]
#[template(path = "talent/home.html")]
struct HomePage {
    page: PageCtx,
    me: TalentView,
    items: Vec<TalentServiceView>,
    requests: Vec<TalentRequestView>,
    fs: FormState,
}

impl HomePage {
    fn here(&self) -> String {
        MINE.to_string()
    }
    fn name(&self, s: &TalentServiceView) -> String {
        if self.page.en && !s.service.name_en.is_empty() {
            s.service.name_en.clone()
        } else {
            s.name.clone()
        }
    }
    fn documents(&self, s: &TalentServiceView) -> Vec<String> {
        let d = if self.page.en && !s.service.documents_en.is_empty() {
            &s.service.documents_en
        } else {
            &s.service.documents
        };
        d.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect()
    }
    fn description(&self, s: &TalentServiceView) -> String {
        if self.page.en && !s.service.description_en.is_empty() {
            s.service.description_en.clone()
        } else {
            s.service.description.clone()
        }
    }
    fn picked(&self, id: &str) -> bool {
        self.fs
            .val("request", "service_ids", "")
            .split(',')
            .any(|x| x == id)
    }
    fn item_names(&self, r: &TalentRequestView) -> String {
        r.items
            .iter()
            .map(|i| {
                if self.page.en && !i.name_en.is_empty() {
                    i.name_en.clone()
                } else {
                    i.name.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(self.page.t("、", ", "))
    }
    fn status(&self, code: &str) -> String {
        i18n::case_status(self.lang(), code)
    }
    fn date(&self, r: &TalentRequestView) -> String {
        i18n::date(self.lang(), r.case.received_at)
    }
    fn lang(&self) -> Lang {
        if self.page.en {
            Lang::En
        } else {
            Lang::Zh
        }
    }
    /// The field errors of the form in the page's language.
    fn err(&self, f: &str) -> String {
        let e = self.fs.err("request", f);
        if e.is_empty() || !self.page.en {
            return e;
        }
        match f {
            "service_ids" => "Please choose at least one service open to you".into(),
            "text" => "Please say what you need (up to 5,000 characters)".into(),
            _ => "Please check this field".into(),
        }
    }
}

async fn home_page(
    st: &AppState,
    p: &Principal,
    h: &HeaderMap,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let lang = lang_of(st, p, h).await?;
    let me = own_talent(st, p).await?;
    let me = register::talent(st, p, &me.id, false).await?;
    let items = register::catalogue(st, p).await?;
    let requests = service::list(
        st,
        p,
        &RequestListQuery {
            per_page: Some(100),
            ..Default::default()
        },
    )
    .await?
    .items;
    let title = lang.pick("我的人才服务", "My talent services");
    Ok(render(&HomePage {
        page: ctx(st, p, lang, title, &[(title, "")], flash),
        me,
        items,
        requests,
        fs,
    }))
}

#[derive(Template)]
#[template(path = "talent/unlinked.html")]
struct UnlinkedPage {
    page: PageCtx,
}

/// GET /talent: a talent's home (staff go to the request list; an account
/// not linked to a talent record is told whom to ask).
pub async fn home(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    h: HeaderMap,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    if !as_talent(&p) {
        return Ok(axum::response::Redirect::to(REQUESTS).into_response());
    }
    if kechuang_store::talent::talents::by_user(&st.db, &p.user_id)
        .await
        .map_err(crate::error::ApiError::from)?
        .is_none()
    {
        let lang = Lang::of(
            "",
            h.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
        );
        let title = lang.pick("我的人才服务", "My talent services");
        return Ok(render(&UnlinkedPage {
            page: PageCtx::new(&st, &p, title, MINE, &[(title, "")]).lang(lang),
        }));
    }
    Ok(home_page(&st, &p, &h, FormState::default(), fl.flash.as_deref()).await?)
}

/// POST /talent: the talent asks for the items ticked.
pub async fn submit(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    h: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let result = match draft(&pairs) {
        Ok(d) => service::submit(&st, &p, d).await,
        Err(e) => Err(e),
    };
    answer(
        result.map(|r| done(&format!("{REQUESTS}/{}", r.case.id), "submitted")),
        "request",
        pairs,
        |fs| home_page(&st, &p, &h, fs, None),
    )
    .await
}

/// POST /talent/lang: the talent's language, remembered on its record.
pub async fn set_lang(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let me = own_talent(&st, &p).await?;
    let lang = field(&pairs, "lang");
    kechuang_store::talent::talents::set_lang(&st.db, &p.username, &me.id, lang)
        .await
        .map_err(crate::error::ApiError::from)?;
    let back = crate::auth::safe_next(field(&pairs, "next")).to_string();
    Ok(done(&back, "lang"))
}

#[derive(Template)]
#[template(path = "talent/request.html")]
struct RequestPage {
    page: PageCtx,
    d: TalentRequestDetailView,
    staff: bool,
    fs: FormState,
}

impl RequestPage {
    fn here(&self) -> String {
        format!("{REQUESTS}/{}", self.d.summary.case.id)
    }
    fn lang(&self) -> Lang {
        if self.page.en {
            Lang::En
        } else {
            Lang::Zh
        }
    }
    fn ratings(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("satisfied", self.page.t("满意", "Satisfied")),
            ("basic", self.page.t("基本满意", "Basically satisfied")),
            ("unsatisfied", self.page.t("不满意", "Not satisfied")),
        ]
    }
    fn rated(&self, code: &str) -> bool {
        self.fs.val("rate", "satisfaction", "") == code
    }
    fn item_name(&self, name: &str, name_en: &str) -> String {
        if self.page.en && !name_en.is_empty() {
            name_en.to_string()
        } else {
            name.to_string()
        }
    }
    fn status(&self) -> String {
        i18n::case_status(self.lang(), &self.d.summary.case.status)
    }
    fn task_status(&self, code: &str) -> String {
        i18n::task_status(self.lang(), code)
    }
    fn step(&self, kind: &str) -> &'static str {
        i18n::event_kind(self.lang(), kind)
    }
    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        i18n::datetime(self.lang(), *t)
    }
    fn due(&self) -> String {
        i18n::day(self.lang(), self.d.summary.case.due_on)
    }
    /// Why the document was refused, in the reader's language.
    fn attach_err(&self) -> String {
        let e = self.fs.err("attach", "_form");
        if e.is_empty() || !self.page.en {
            return e;
        }
        if e.contains("10MB") {
            "A document may be at most 10 MB".into()
        } else if e.contains("20") {
            "A request may have at most 20 documents".into()
        } else {
            "Please choose a file to upload".into()
        }
    }
    fn size(&self, bytes: &i64) -> String {
        crate::format::file_size(*bytes)
    }
    fn err(&self, f: &str) -> String {
        let e = self.fs.err("rate", f);
        if e.is_empty() || !self.page.en {
            return e;
        }
        match f {
            "satisfaction" => {
                "Please choose satisfied, basically satisfied or not satisfied".into()
            }
            _ => "The request changed meanwhile; please reload the page".into(),
        }
    }
}

async fn request_page(
    st: &AppState,
    p: &Principal,
    h: &HeaderMap,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let lang = lang_of(st, p, h).await?;
    let d = service::detail(st, p, id).await?;
    let title = format!(
        "{} {}",
        lang.pick("服务申请", "Request"),
        d.summary.case.number
    );
    let (list, href) = if as_talent(p) {
        (lang.pick("我的人才服务", "My talent services"), MINE)
    } else {
        ("人才服务申请", REQUESTS)
    };
    Ok(render(&RequestPage {
        page: ctx(st, p, lang, &title, &[(list, href), (&title, "")], flash),
        staff: p.can(Permission::CasesRead),
        d,
        fs,
    }))
}

pub async fn request(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    h: HeaderMap,
    Path(id): Path<String>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(request_page(&st, &p, &h, &id, FormState::default(), fl.flash.as_deref()).await?)
}

/// POST /talent/requests/{id}/rate
pub async fn rate(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    h: HeaderMap,
    Path(id): Path<String>,
    Form(mut pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    // No choice made is a field to fill, not a malformed form.
    if !pairs.iter().any(|(k, _)| k == "satisfaction") {
        pairs.push(("satisfaction".into(), String::new()));
    }
    let result = match draft(&pairs) {
        Ok(b) => service::rate(&st, &p, &id, &b).await,
        Err(e) => Err(e),
    };
    answer(
        result.map(|_| done(&format!("{REQUESTS}/{id}"), "rated")),
        "rate",
        pairs,
        |fs| request_page(&st, &p, &h, &id, fs, None),
    )
    .await
}

/// POST /talent/requests/{id}/attachments (multipart; the CSRF token rides
/// in the query): a document added; a refusal shown above the form.
pub async fn attach(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    h: HeaderMap,
    Path(id): Path<String>,
    mp: axum::extract::Multipart,
) -> PageResult {
    let result = async {
        let u = crate::files::read_upload(mp, crate::files::MISSING_FILE).await?;
        service::attach(&st, &p, &id, u).await
    }
    .await;
    match result {
        Ok(_) => Ok(done(&format!("{REQUESTS}/{id}"), "attached")),
        Err(e)
            if e.status.is_client_error()
                && e.status != axum::http::StatusCode::NOT_FOUND
                && e.status != axum::http::StatusCode::FORBIDDEN =>
        {
            let status = e.status;
            let fs = FormState::rejected("attach", vec![], &e);
            let r = request_page(&st, &p, &h, &id, fs, None).await?;
            Ok(crate::pages::actions::with_status(r, status))
        }
        Err(e) => Err(e.into()),
    }
}
