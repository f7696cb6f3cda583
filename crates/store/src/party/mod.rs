//! The party-building network and accountability (强基 · 先锋), PRODUCT.md A2.

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
