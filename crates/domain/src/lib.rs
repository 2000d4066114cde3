#![doc = include_str!("../README.md")]

pub mod booking;
pub mod celebrity;
pub mod email;
pub mod ids;
pub mod money;
pub mod pricing;
pub mod role;
pub mod slug;
pub mod templates;
pub mod time;
pub mod user;
pub mod workflow;
