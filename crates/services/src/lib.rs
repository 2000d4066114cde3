#![doc = include_str!("../README.md")]

pub mod accounts;
pub mod backup;
pub mod bookings;
pub mod health;
pub mod hex;
pub mod templates;
