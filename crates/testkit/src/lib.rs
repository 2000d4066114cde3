#![doc = include_str!("../README.md")]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, reason = "test support: failing loudly is the point")]

pub mod contract;
pub mod pg_cluster;
pub mod postgres;
pub mod skip;
pub mod smtp;
