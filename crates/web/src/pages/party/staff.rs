//! Service staff (instructors, service agents, talent specialists, brokers, the four teams, chief service officers and their assistants), assignments to organisations, work logs, and the chief service officer's periodic report.

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
