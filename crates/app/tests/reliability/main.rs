//! The reliability battery (issue 8): races over HTTP, crashes of the real binary during mail
//! bursts, Postgres restarted under load, SIGTERM under load. Each test prints its figures as
//! `NOTE:` lines; `cargo test -p headliner --test reliability` runs the battery alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

#[path = "../api/helpers.rs"]
#[allow(dead_code, reason = "shared with the api tests; this binary uses part of it")]
mod helpers;

mod crashes;
mod postgres_restart;
mod races;
mod server;
