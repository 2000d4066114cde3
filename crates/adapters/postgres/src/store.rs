use diesel::PgConnection;
use diesel::r2d2::ConnectionManager;
use secrecy::ExposeSecret;

use crate::PgConfig;
use crate::blocking::PgPool;

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("{0}")]
    Unreachable(#[source] r2d2::Error),
    #[error("the connection task was cancelled or panicked")]
    Join(#[source] tokio::task::JoinError),
}

/// The PostgreSQL store: a pool of diesel connections shared by every repository.
#[derive(Clone)]
pub struct PgStore {
    pub(crate) pool: PgPool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.pool.state();
        f.debug_struct("PgStore")
            .field("connections", &state.connections)
            .field("idle", &state.idle_connections)
            .finish()
    }
}

/// Initialises OpenSSL (libpq's TLS) before the first connection, without the exit-time
/// cleanup handler: with it, a process exiting while a pool thread still closes a TLS
/// connection can crash in that cleanup (seen as a SIGSEGV when a test process exited).
fn init_openssl() {
    openssl_sys::init();
}

impl PgStore {
    /// Opens the pool and proves the server answers (one connection is established before
    /// this returns, bounded by `connect_timeout`).
    pub async fn connect(config: PgConfig) -> Result<Self, ConnectError> {
        init_openssl();
        let manager = ConnectionManager::<PgConnection>::new(config.url.expose_secret());
        let pool_size = config.pool_size.max(1);
        let builder = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(config.connect_timeout)
            // A checkout must not cost a round trip; broken connections are detected by
            // diesel (`has_broken`) when a query fails and then dropped by the pool.
            .test_on_check_out(false);
        let pool = tokio::task::spawn_blocking(move || builder.build(manager))
            .await
            .map_err(ConnectError::Join)?
            .map_err(ConnectError::Unreachable)?;
        tracing::debug!(pool_size, "postgres pool ready");
        Ok(Self { pool: PgPool::new(pool, config.connect_timeout) })
    }
}
