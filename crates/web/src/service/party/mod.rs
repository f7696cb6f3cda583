//! (filled by the other area's change)
