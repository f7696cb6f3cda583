//! Talent services (人才服务): the tiers, the catalogue and the register
//! (register.rs) with its Excel export and import (sheets.rs), and requests run on the case engine (requests.rs). A
//! talent account reaches only its own record and requests; staff with
//! `TalentRead` see the register masked, `TalentPii` unmasks (audited).

pub mod figures;
pub mod register;
pub mod requests;
pub mod sheets;

use kechuang_domain::auth::Permission;
use kechuang_domain::ErrorCode;
use kechuang_store::entities::talent;
use kechuang_store::talent::talents;
use kechuang_store::Principal;

use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// Whether the principal acts as a talent (its own record and requests)
/// rather than as staff: an administrator holds every permission and is staff.
pub fn as_talent(p: &Principal) -> bool {
    p.can(Permission::TalentRequest) && !p.can(Permission::TalentRead)
}

/// The talent record of a talent account (403 `talent_not_linked` when the
/// account has none).
pub async fn own_talent(s: &AppState, p: &Principal) -> ApiResult<talent::Model> {
    crate::auth::require(p, Permission::TalentRequest)?;
    talents::by_user(&s.db, &p.user_id).await?.ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            ErrorCode::TalentNotLinked,
            "当前账号未关联人才档案，请联系人才服务专员",
        )
    })
}
