//! The party-building service (强基 · 先锋): the network and members, commitments, vanguard
//! teams and races, meetings and key items, responsibility zones, service staff and their logs,
//! project claims. The JSON API and the pages both call it.

pub mod claims;
pub mod commitments;
pub mod meetings;
pub mod member_sheets;
pub mod network;
pub mod org_sheets;
pub mod races;
pub mod staff;
pub mod zones;

pub use crate::extract::{non_empty, opt_bool};
