//! The kechuang binary's library: configuration, server wiring and the demo
//! dataset. `main.rs` is the CLI on top of it; the test kit starts the same
//! server through [`server::start`], without the timed jobs the binary runs.

pub mod config;
pub mod demo;
pub mod jobs;
pub mod server;
