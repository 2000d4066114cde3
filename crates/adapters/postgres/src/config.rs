use std::time::Duration;

use secrecy::SecretString;

/// What the Postgres adapter needs, and nothing else of the app's settings.
#[derive(Debug, Clone)]
pub struct PgConfig {
    /// `postgres://user:password@host:port/database?...`; a secret because it may hold a password.
    pub url: SecretString,
    /// Maximum open connections in the pool. Size it at least to the write concurrency.
    pub pool_size: u32,
    /// How long a caller waits for a pooled connection (and start-up waits for the first one).
    pub connect_timeout: Duration,
}
