#![doc = include_str!("../README.md")]

pub mod backup;
pub mod blocking;
pub mod errors;
mod port_errors;
pub mod preparable;
pub mod search;
