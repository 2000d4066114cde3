//! The readiness probe: can the store answer right now?

use std::error::Error as StdError;

use async_trait::async_trait;

/// Why a dependency is not ready. Adapters keep the infrastructure error as the source
/// so the app can log the whole cause chain without exposing it to clients.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    /// The dependency did not answer (connection refused, pool exhausted, query failed).
    #[error("{what} is unavailable")]
    Unavailable {
        what: &'static str,
        #[source]
        source: Box<dyn StdError + Send + Sync>,
    },
    /// The dependency did not answer within the allotted time.
    #[error("{what} did not answer within {timeout_ms} ms")]
    TimedOut { what: &'static str, timeout_ms: u64 },
}

/// A dependency the app needs in order to serve traffic (the database, later the mail relay).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait HealthProbe: Send + Sync {
    /// A short stable name used in logs and in the readiness body, e.g. `"database"`.
    fn name(&self) -> &'static str;

    /// Performs one round trip to the dependency.
    async fn check(&self) -> Result<(), HealthError>;
}
