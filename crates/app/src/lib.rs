#![doc = include_str!("../README.md")]

pub mod accounts_wiring;
pub mod backup;
pub mod cli;
pub mod config;
pub mod database;
pub mod http;
pub mod relay;
pub mod security;
pub mod seed;
pub mod startup;
pub mod telemetry;
pub mod wiring;
