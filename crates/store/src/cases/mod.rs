//! Closed-loop case handling (诉求闭环办理): intake with human numbers and
//! routing, triage (duplicates, merge, decline), dispatch to a lead and
//! assisting departments, co-handling by department tasks, joint sign-off
//! and reply, rating, reopening, suspension (the clock stops), supervision
//! orders and accountability interviews, and the statistics behind the
//! department ranking. Every change is audited (`record`), and every step
//! appends to the case's timeline (`case_events`).
//!
//! One file per concern: `categories.rs` (the category dictionary),
//! `queries.rs` (list and detail reads, filters), `inbox.rs` (messages),
//! `intake.rs` (receiving cases), `transitions.rs` (the steps that change a
//! case), `sweep.rs` (the timed rules), `statistics.rs` and
//! `attachments.rs`. This file holds what several of them share: who acts,
//! the timeline and the transition rules. Everything public is re-exported
//! here, so callers name `cases::X` whichever file holds it.

mod attachments;
mod categories;
mod inbox;
mod intake;
mod queries;
mod statistics;
mod sweep;
mod transitions;

use kechuang_domain::cases::{
    self as rules, CaseAction, CaseStatus, TransitionCtx, TransitionError,
};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use crate::entities::{case, case_event};
use crate::{new_id, now, StoreError, StoreResult};

pub use self::attachments::{
    attach, attachment, attachments, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES,
};
pub use self::categories::{
    categories, create_category, intake_categories, seed_categories, update_category,
    CategoryInput, DEFAULT_CATEGORIES,
};
pub use self::inbox::{
    inbox, mark_all_read, mark_read, mark_read_linking, messages, notify, notify_many,
    unread_count, Note,
};
pub use self::intake::{intake, intake_many, CaseInput, CaseLocation, IntakeQueue};
pub use self::queries::{
    by_number, department_tasks, events, get, interviews, interviews_where, list, list_all,
    numbers, possible_duplicates, supervisions, tasks, total_is_capped, visible_ids, CaseFilter,
    CaseSort, Clock, InterviewFilter, SlaFilter, DUE_SOON_WORKDAYS, SEARCH_COUNT_CAP,
};
pub use self::statistics::{statistics, Figures, GroupBy};
pub use self::sweep::{sweep, Sweep};
pub use self::transitions::{
    decline, dispatch, follow_up, merge, rate, record_interview, reply, resume, supervise, suspend,
    task_action, Assignment, InterviewInput, TaskStep,
};
pub use crate::clock::{beijing_date, today};

// ---------------------------------------------------------------- shared

fn rule_error(e: TransitionError) -> StoreError {
    StoreError::Rule {
        code: e.code(),
        message: e.to_string(),
    }
}

fn status_of(c: &case::Model) -> CaseStatus {
    CaseStatus::parse(&c.status).unwrap_or(CaseStatus::Submitted)
}

/// Who acts, as the store needs it.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub username: String,
    pub user_id: String,
    pub display_name: String,
    /// A department clerk acts only for this department: replying,
    /// suspending and resuming need it to lead the case, a task step needs
    /// the task to be its own — checked on the records read inside the
    /// transaction. `None`: not bound to a department (triage, admin, system).
    pub acts_for: Option<String>,
}

impl Actor {
    /// 403 unless the actor may act for `department` (see `acts_for`).
    fn may_act_for(
        &self,
        department: Option<&str>,
        code: kechuang_domain::ErrorCode,
        message: impl Into<String>,
    ) -> StoreResult<()> {
        match &self.acts_for {
            Some(own) if department != Some(own.as_str()) => Err(StoreError::Forbidden {
                code,
                message: message.into(),
            }),
            _ => Ok(()),
        }
    }
}

// ---------------------------------------------------------------- timeline

fn event_row(
    case_id: &str,
    actor: &str,
    kind: &str,
    department_id: Option<String>,
    message: String,
) -> case_event::ActiveModel {
    case_event::ActiveModel {
        id: Set(new_id()),
        case_id: Set(case_id.into()),
        at: Set(now()),
        actor: Set(actor.into()),
        kind: Set(kind.into()),
        department_id: Set(department_id),
        message: Set(message),
    }
}

pub(crate) async fn event<C: ConnectionTrait>(
    tx: &C,
    case_id: &str,
    actor: &str,
    kind: &str,
    department_id: Option<String>,
    message: String,
) -> StoreResult<()> {
    case_event::Entity::insert(event_row(case_id, actor, kind, department_id, message))
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

fn transition(c: &case::Model, action: CaseAction, ctx: TransitionCtx) -> StoreResult<CaseStatus> {
    rules::next_status(status_of(c), action, ctx).map_err(rule_error)
}
