//! 我的报名: the registrations the signed-in user made, with their tickets,
//! cancelling one, and the addresses of the iCalendar feeds (their own at a
//! secret address, the public calendar, each series).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use kechuang_domain::auth::Permission;
use kechuang_domain::events::RegistrationStatus;
use kechuang_store::Principal;

use super::{crumbs, EVENTS};
use crate::auth::{require, PageUser};
use crate::error::ApiResult;
use crate::pages::actions::{FlashQuery, FormState};
use crate::pages::{render, PageCtx, PageResult, Pager};
use crate::service::events::{
    self as service, EventFeedsView, RegistrationListQuery, RegistrationView,
};
use crate::AppState;

#[derive(serde::Deserialize, Default)]
pub struct MineQuery {
    pub page: Option<u64>,
}

#[derive(Template)]
#[template(path = "events/mine.html")]
pub(super) struct MinePage {
    page: PageCtx,
    fs: FormState,
    rows: Vec<RegistrationView>,
    pager: Pager,
    feeds: EventFeedsView,
    titles: std::collections::HashMap<String, String>,
}

impl MinePage {
    fn title(&self, r: &RegistrationView) -> String {
        self.titles
            .get(&r.registration.event_id)
            .cloned()
            .unwrap_or_default()
    }
    fn err(&self, r: &RegistrationView) -> String {
        self.fs.err(&format!("reg-{}", r.registration.id), "_form")
    }
    fn may_cancel(&self, r: &RegistrationView) -> bool {
        RegistrationStatus::parse(&r.registration.status).is_some_and(RegistrationStatus::is_active)
            && !r.checked_in
    }
}

pub async fn page(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    h: HeaderMap,
    Query(q): Query<MineQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    let mut m = mine_page(&st, &p, &h, q.page, FormState::default()).await?;
    m.page = m.page.flash_code(fl.flash.as_deref());
    Ok(render(&m))
}

/// The page, also shown again with the error of a rejected cancellation.
pub(super) async fn mine_page(
    st: &AppState,
    p: &Principal,
    h: &HeaderMap,
    page: Option<u64>,
    fs: FormState,
) -> ApiResult<MinePage> {
    require(p, Permission::EventsRegister)?;
    let list = service::list_registrations(
        st,
        p,
        &RegistrationListQuery {
            mine: Some("true".into()),
            page,
            ..Default::default()
        },
    )
    .await?;
    Ok(MinePage {
        titles: service::event_titles(st, &list.items).await?,
        page: PageCtx::new(st, p, "我的报名", "/events/mine", &crumbs("我的报名")),
        pager: Pager::new(&list, &format!("{EVENTS}/mine?")),
        rows: list.items,
        feeds: service::feeds(st, p, &service::base_url(st, h)).await?,
        fs,
    })
}

impl axum::response::IntoResponse for MinePage {
    fn into_response(self) -> axum::response::Response {
        render(&self)
    }
}
