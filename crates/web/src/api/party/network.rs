//! Party organisations as a tree, the organisations they sit in, chain committees and their linked party organisations, members with recruitment stages, cross-appointments.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
