//! Drafts of the party-building area, one module per sub-area.

pub mod accountability;
pub mod claims;
pub mod commitments;
pub mod meetings;
pub mod network;
pub mod programmes;
pub mod races;
pub mod staff;
pub mod threads;
pub mod zones;
