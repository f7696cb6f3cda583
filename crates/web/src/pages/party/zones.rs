//! Member responsibility zones (党员责任区): their members and the organisations they cover.

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
