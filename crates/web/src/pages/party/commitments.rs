//! Public commitments (承诺践诺): pledges with due dates, progress reports with evidence, verification by the secretary.

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
