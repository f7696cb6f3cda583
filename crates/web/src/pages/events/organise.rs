//! Organising an event in the browser (staff with `events.write`): the form
//! for a new event and for changing one; publishing, cancelling (registrants
//! are told), deleting a draft; outcomes; walk-ins at the door; approving,
//! rejecting and cancelling registrations from the list (报名签到). Every
//! action goes through `service::events`, the same door as the API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::events::{EventKind, EventStatus, OutcomeKind};
use kechuang_store::entities::event;
use kechuang_store::Principal;

use super::mine::mine_page;
use super::{crumbs, detail_page, registrations_page, EVENTS};
use crate::auth::{require, urlencode, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::forms::events::EventDraft;
use crate::pages::actions::{answer, done, draft, field, join_repeated, org_choices, FormState};
use crate::pages::{render, PageCtx, PageResult};
use crate::service::events::{self as service, RegistrationListQuery};
use crate::AppState;

/// The kinds of organisation that can organise or co-organise an event.
const ORGANISER_KINDS: [&str; 8] = [
    "enterprise",
    "university",
    "institute",
    "government",
    "finance",
    "intermediary",
    "association",
    "other",
];

/// The organiser fields of the form: name, of departments (else of
/// registered organisations), label.
const ORGANISER_FIELDS: [(&str, bool, &str); 4] = [
    ("lead_department_ids", true, "主办部门"),
    ("lead_org_ids", false, "主办单位"),
    ("co_department_ids", true, "协办部门"),
    ("co_org_ids", false, "协办单位"),
];

#[derive(Template)]
#[template(path = "events/form.html")]
struct FormPage {
    page: PageCtx,
    /// None for a new event.
    event: Option<event::Model>,
    /// The event as saved (a new one's defaults), as the form's fields.
    saved: serde_json::Map<String, serde_json::Value>,
    series: Vec<(String, String)>,
    alliances: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    departments: Vec<(String, String)>,
    orgs: Vec<(String, String)>,
    fs: FormState,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.event {
            Some(e) => format!("{EVENTS}/{}/act/edit", e.id),
            None => EVENTS.to_string(),
        }
    }

    /// The saved value of a field, shown unless the form was just posted back.
    fn current(&self, name: &str) -> String {
        match self.saved.get(name) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Bool(true)) => "on".into(),
            _ => String::new(),
        }
    }

    /// The organiser selects: field, label, of departments (else organisations).
    fn organiser_fields(&self) -> Vec<(&'static str, &'static str, bool)> {
        ORGANISER_FIELDS
            .iter()
            .map(|(n, dept, label)| (*n, *label, *dept))
            .collect()
    }

    fn approval_checked(&self) -> bool {
        !self
            .fs
            .val("event", "needs_approval", &self.current("needs_approval"))
            .is_empty()
    }

    /// Whether `id` is chosen in the multiple select `name`.
    fn picked(&self, name: &str, id: &str) -> bool {
        self.fs
            .val("event", name, &self.current(name))
            .split(',')
            .any(|x| x.trim() == id)
    }
}

async fn form_page(
    st: &AppState,
    p: &Principal,
    id: Option<&str>,
    fs: FormState,
) -> ApiResult<Response> {
    require(p, Permission::EventsWrite)?;
    let (event, saved) = match id {
        Some(id) => {
            let d = service::event_detail(st, p, id).await?;
            if !d.may_manage {
                return Err(ApiError::forbidden());
            }
            let organisers = service::organiser_ids(st, id).await?;
            let saved = EventDraft::from_model(&d.event.event, &organisers);
            (Some(d.event.event), saved)
        }
        None => (
            None,
            EventDraft {
                kind: EventKind::Conference.as_str().into(),
                ..Default::default()
            },
        ),
    };
    let saved = match serde_json::to_value(saved).map_err(ApiError::internal)? {
        serde_json::Value::Object(m) => m,
        _ => Default::default(),
    };
    let title = match &event {
        Some(e) => format!("编辑活动：{}", e.title),
        None => "新建活动".to_string(),
    };
    Ok(render(&FormPage {
        page: PageCtx::new(st, p, &title, EVENTS, &crumbs(&title)),
        event,
        saved,
        series: service::series_names(st).await?,
        alliances: kechuang_store::names::all_ordered(&st.db, "alliances").await?,
        kinds: EventKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_zh()))
            .collect(),
        departments: kechuang_store::names::all_ordered(&st.db, "departments").await?,
        orgs: org_choices(st, &ORGANISER_KINDS).await?,
        fs,
    }))
}

pub async fn new_form(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    Ok(form_page(&st, &p, None, FormState::default()).await?)
}

pub async fn edit_form(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    Ok(form_page(&st, &p, Some(&id), FormState::default()).await?)
}

/// POST /events: a new event, saved as a draft.
pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let result = match draft(&pairs) {
        Ok(d) => service::create_event(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    answer(
        result.map(|e| done(&format!("{EVENTS}/{}", e.id), "created")),
        "event",
        pairs,
        |fs| form_page(&st, &p, None, fs),
    )
    .await
}

fn version(pairs: &[(String, String)]) -> ApiResult<i32> {
    field(pairs, "version").parse().map_err(|_| {
        ApiError::bad_request(
            kechuang_domain::ErrorCode::InvalidForm,
            "缺少记录版本号，请刷新页面后重试",
        )
    })
}

/// POST /events/{id}/act/{action}: edit, publish, cancel, delete, outcome,
/// outcome_delete, walk_in.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let here = format!("{EVENTS}/{id}");
    let result: ApiResult<Response> = async {
        Ok(match action.as_str() {
            "edit" => {
                service::update_event(&st, &p, &id, version(&pairs)?, &draft(&pairs)?).await?;
                done(&here, "saved")
            }
            "publish" => {
                service::publish_event(&st, &p, &id, version(&pairs)?).await?;
                done(&here, "published")
            }
            "cancel" => {
                service::cancel_event(&st, &p, &id, &draft(&pairs)?).await?;
                done(&here, "cancelled")
            }
            "delete" => {
                service::delete_event(&st, &p, &id, version(&pairs)?).await?;
                done(EVENTS, "deleted")
            }
            "outcome" => {
                service::add_outcome(&st, &p, &id, &draft(&pairs)?).await?;
                done(&here, "saved")
            }
            "outcome_delete" => {
                let oid = field(&pairs, "outcome_id");
                service::delete_outcome(&st, &p, oid, version(&pairs)?).await?;
                done(&here, "deleted")
            }
            "walk_in" => {
                let r = service::walk_in(&st, &p, &id, &draft(&pairs)?).await?;
                done(&format!("{EVENTS}/tickets/{}", r.id), "checked_in")
            }
            _ => return Err(ApiError::not_found()),
        })
    }
    .await;
    if action == "edit" {
        return answer(result, "event", pairs, |fs| {
            form_page(&st, &p, Some(&id), fs)
        })
        .await;
    }
    answer(result, &action, pairs, |fs| {
        detail_page(&st, &p, &id, fs, None)
    })
    .await
}

/// POST /events/registrations/{id}/act/{action}: approve, reject, cancel;
/// back to the event's registrations.
pub async fn registration_act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((rid, action)): Path<(String, String)>,
    Query(q): Query<RegistrationListQuery>,
    h: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    // From 我的报名 (the registrant) or from 报名签到 (the organiser).
    let from_mine = field(&pairs, "back") == "mine";
    let back = if from_mine {
        format!("{EVENTS}/mine?")
    } else {
        format!(
            "/events/registrations?event_id={}&",
            urlencode(q.event_id.as_deref().unwrap_or(""))
        )
    };
    let result: ApiResult<Response> = async {
        match action.as_str() {
            "approve" => {
                service::approve_registration(&st, &p, &rid, version(&pairs)?).await?;
            }
            "reject" => {
                service::reject_registration(&st, &p, &rid, &draft(&pairs)?).await?;
            }
            "cancel" => {
                service::cancel_registration(&st, &p, &rid, &draft(&pairs)?).await?;
            }
            _ => return Err(ApiError::not_found()),
        }
        Ok(Redirect::to(&format!("{back}flash=saved")).into_response())
    }
    .await;
    let form = format!("reg-{rid}");
    if from_mine {
        return answer(result, &form, pairs, |fs| async {
            mine_page(&st, &p, &h, None, fs)
                .await
                .map(|m| m.into_response())
        })
        .await;
    }
    answer(result, &form, pairs, |fs| async {
        registrations_page(&st, &p, q, fs)
            .await
            .map(|r| r.into_response())
    })
    .await
}

/// Whether an event may still be changed by its organisers (not cancelled).
pub fn open_for_changes(e: &event::Model) -> bool {
    e.status != EventStatus::Cancelled.as_str()
}

/// The outcome kinds for the outcome form.
pub fn outcome_kinds() -> Vec<(&'static str, &'static str)> {
    OutcomeKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}
