//! Drafts: Party organisations as a tree, the organisations they sit in, chain committees and their linked party organisations, members with recruitment stages, cross-appointments.
