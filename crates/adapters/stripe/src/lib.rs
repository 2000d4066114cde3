#![doc = include_str!("../README.md")]

mod config;
mod simulated;

pub use config::PaymentsConfig;
pub use simulated::SimulatedGateway;
