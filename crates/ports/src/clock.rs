//! Time and identity come from outside, so the domain and use cases stay deterministic.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The current instant.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// Fresh unique ids (UUID v4 in production).
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait IdGenerator: Send + Sync {
    fn new_id(&self) -> Uuid;
}
