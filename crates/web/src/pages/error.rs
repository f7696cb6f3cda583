//! One error type for page handlers, so they can use `?`.
//!
//! A [`PageError`] wraps the [`ApiError`] met while serving a page. Its
//! `into_response` cannot draw the error page itself (that needs the app
//! state and the signed-in caller, for the navigation), so it answers a bare
//! response with the error's status and the error in the response's
//! extensions; [`render_errors`], a middleware over every page route, takes
//! the caller from the request and swaps such a response for the full
//! [`error_page`](super::error_page).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kechuang_store::StoreError;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

/// An error met while serving a page; shown as the Chinese error page.
#[derive(Debug)]
pub struct PageError {
    error: ApiError,
    /// Shown without the caller's navigation (a public page).
    anonymous: bool,
}

/// What a page handler answers.
pub type PageResult<T = Response> = Result<T, PageError>;

impl PageError {
    /// The error page of a public page: no navigation, whoever is signed in.
    pub fn anonymous(error: ApiError) -> Self {
        PageError {
            error,
            anonymous: true,
        }
    }
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        PageError {
            error,
            anonymous: false,
        }
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<kechuang_store::PageError> for PageError {
    fn from(e: kechuang_store::PageError) -> Self {
        ApiError::from(e).into()
    }
}

/// The error a page handler answered, left in the response's extensions
/// for [`render_errors`].
#[derive(Clone)]
struct Unrendered {
    error: ApiError,
    anonymous: bool,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        // Without the middleware (never on a page route) the status and the
        // message still reach the browser, as plain text.
        let mut r = (self.error.status, self.error.message.clone()).into_response();
        r.extensions_mut().insert(Unrendered {
            error: self.error,
            anonymous: self.anonymous,
        });
        r
    }
}

/// Middleware on the page routes: a response that carries a [`PageError`]
/// becomes the error page, with the caller's navigation.
pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let caller = req.extensions().get::<Caller>().and_then(|c| c.0.clone());
    let mut res = next.run(req).await;
    match res.extensions_mut().remove::<Unrendered>() {
        Some(u) => {
            let p = caller.as_ref().filter(|_| !u.anonymous);
            super::error_page(&state, p, u.error)
        }
        None => res,
    }
}
