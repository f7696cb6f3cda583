//! Drafts of the party-building area, one module per sub-area.

pub mod claims;
pub mod commitments;
pub mod meetings;
pub mod network;
pub mod races;
pub mod staff;
pub mod zones;
