#![doc = include_str!("../README.md")]

pub mod cli;
pub mod config;
pub mod database;
pub mod http;
pub mod startup;
pub mod telemetry;
