use std::path::PathBuf;
use std::time::Duration;

/// What the SQLite adapter needs, and nothing else of the app's settings.
#[derive(Debug, Clone)]
pub struct SqliteConfig {
    /// The database file; its folder is created when missing.
    pub path: PathBuf,
    /// Maximum open connections (SQLite allows one writer at a time; readers run in parallel in WAL mode).
    pub pool_size: u32,
    /// How long a caller waits for a pooled connection, and how long SQLite waits on a lock.
    pub connect_timeout: Duration,
}
