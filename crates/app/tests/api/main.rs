//! The app's one HTTP integration test binary: every test starts its own server on port 0.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod auth;
mod backup;
mod binary;
mod bookings;
mod catalogue;
mod docs;
mod email_admin;
mod health;
mod helpers;
mod images;
mod middleware;
mod problems;
mod rate_limits;
mod relay;
mod roles;
mod seed;
mod shutdown;
mod tokens;
mod workflow;
