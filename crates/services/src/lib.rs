#![doc = include_str!("../README.md")]

pub mod accounts;
pub mod backup;
pub mod bookings;
pub mod catalogue;
pub mod health;
pub mod hex;
pub mod outbox_admin;
pub mod relay;
pub mod templates;
pub mod workflow;
