#![doc = include_str!("../README.md")]

mod blocking;
mod config;
mod health;
mod migrate;
mod store;

pub use config::SqliteConfig;
pub use migrate::MigrationError;
pub use store::{ConnectError, SqliteStore};
