use diesel::sqlite::Sqlite;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::SqliteStore;
use crate::blocking::{BlockingError, with_connection};

/// The schema, embedded at compile time from `migrations/sqlite/` at the workspace root.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../../migrations/sqlite");

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why migrations could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("no database connection became available")]
    Unavailable(#[source] r2d2::Error),
    #[error("applying migrations failed")]
    Failed(#[source] BoxError),
    #[error("the migration task was cancelled or panicked")]
    Join(#[source] tokio::task::JoinError),
}

impl SqliteStore {
    /// Applies every pending migration and returns the versions applied. SQLite's write lock
    /// serialises concurrent migrators; each migration runs in its own transaction.
    pub async fn run_pending_migrations(&self) -> Result<Vec<String>, MigrationError> {
        with_connection(&self.pool, |conn| -> Result<Vec<String>, BoxError> {
            let applied = MigrationHarness::<Sqlite>::run_pending_migrations(conn, MIGRATIONS)?;
            Ok(applied.iter().map(ToString::to_string).collect())
        })
        .await
        .map_err(|e| match e {
            BlockingError::Pool(e) => MigrationError::Unavailable(e),
            BlockingError::Join(e) => MigrationError::Join(e),
            BlockingError::Busy => MigrationError::Failed("no database connection became free in time".into()),
            BlockingError::Op(e) => MigrationError::Failed(e),
        })
    }
}
