#![doc = include_str!("../README.md")]

pub mod bookings;
pub mod celebrities;
pub mod clock;
pub mod events;
pub mod health;
pub mod idempotency;
pub mod mailer;
pub mod outbox;
pub mod payments;
pub mod templates;
pub mod users;

/// The opaque cause an adapter keeps when infrastructure fails (logged, never shown).
pub type Source = Box<dyn std::error::Error + Send + Sync>;
