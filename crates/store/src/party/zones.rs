//! Member responsibility zones (党员责任区): their members and the organisations they cover.
