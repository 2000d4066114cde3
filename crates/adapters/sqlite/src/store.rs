use std::time::Duration;

use diesel::SqliteConnection;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection};

use crate::SqliteConfig;
use crate::blocking::SqlitePool;

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot create its folder {path}: {source}")]
    CreateDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{source}")]
    Open {
        path: String,
        #[source]
        source: r2d2::Error,
    },
    #[error("the database path {0} is not valid UTF-8")]
    NonUtf8Path(String),
    #[error("the connection task was cancelled or panicked")]
    Join(#[source] tokio::task::JoinError),
}

/// The SQLite store: one database file, WAL mode, a small pool of connections.
#[derive(Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.pool.state();
        f.debug_struct("SqliteStore")
            .field("connections", &state.connections)
            .field("idle", &state.idle_connections)
            .finish()
    }
}

/// Applied to every new connection: WAL for concurrent readers, enforced foreign keys, and a
/// busy timeout so a writer waits for the lock instead of failing at once.
#[derive(Debug, Clone, Copy)]
struct Pragmas {
    busy_timeout: Duration,
}

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        let busy_ms = self.busy_timeout.as_millis();
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {busy_ms};
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;"
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

impl SqliteStore {
    /// Opens (creating when missing) the database file and its folder.
    pub async fn connect(config: SqliteConfig) -> Result<Self, ConnectError> {
        let display = config.path.display().to_string();
        if let Some(dir) = config.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| ConnectError::CreateDir { path: dir.display().to_string(), source })?;
        }
        let url = config.path.to_str().ok_or_else(|| ConnectError::NonUtf8Path(display.clone()))?.to_owned();
        let manager = ConnectionManager::<SqliteConnection>::new(url);
        let builder = r2d2::Pool::builder()
            .max_size(config.pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(config.connect_timeout)
            .test_on_check_out(false)
            .connection_customizer(Box::new(Pragmas { busy_timeout: config.connect_timeout }));
        let pool = tokio::task::spawn_blocking(move || builder.build(manager))
            .await
            .map_err(ConnectError::Join)?
            .map_err(|source| ConnectError::Open { path: display, source })?;
        Ok(Self { pool: SqlitePool::new(pool, config.connect_timeout) })
    }
}
