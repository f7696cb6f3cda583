//! Service staff (instructors, service agents, talent specialists, brokers, the four teams, chief service officers and their assistants), assignments to organisations, work logs, and the chief service officer's periodic report.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
