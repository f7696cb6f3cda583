//! Public commitments (承诺践诺): pledges with due dates, progress reports with evidence, verification by the secretary.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
