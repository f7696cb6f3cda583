//! Major projects claimed by party talents (揭榜挂帅) and their original results (原创性成果).

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
