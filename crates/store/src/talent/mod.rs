//! Talent services (人才全周期服务): the tiers the committee defines, the
//! service catalogue, the talent register and the talents' requests. A
//! request is a case of the case engine (channel `talent`): intake, then
//! dispatch to every item's department at once, so one reply answers the
//! talent (一站办结); everything after — tasks, warnings, supervision,
//! reply, rating, reopening — is the engine's.

pub mod catalogue;
pub mod requests;
pub mod talents;
pub mod tiers;
