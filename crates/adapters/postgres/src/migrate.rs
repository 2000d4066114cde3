use diesel::pg::Pg;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::PgStore;
use crate::blocking::{BlockingError, with_connection};

/// The schema, embedded at compile time from `migrations/postgres/` at the workspace root.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../../migrations/postgres");

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Advisory lock key taken while migrating ("HDLNR" in ASCII); any constant works as long as
/// every instance uses the same one.
const MIGRATION_LOCK_KEY: i64 = 0x48_44_4C_4E_52;

/// Why migrations could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("no database connection became available")]
    Unavailable(#[source] r2d2::Error),
    #[error("applying migrations failed")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("the migration task was cancelled or panicked")]
    Join(#[source] tokio::task::JoinError),
}

impl PgStore {
    /// Applies every pending migration in one go and returns the versions applied.
    ///
    /// Several instances may start at once: a session advisory lock makes them take turns,
    /// so each migration runs exactly once.
    pub async fn run_pending_migrations(&self) -> Result<Vec<String>, MigrationError> {
        with_connection(&self.pool, |conn| -> Result<Vec<String>, BoxError> {
            use diesel::RunQueryDsl;
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")).execute(conn)?;
            let applied = MigrationHarness::<Pg>::run_pending_migrations(conn, MIGRATIONS)
                .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>());
            let unlocked = diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")).execute(conn);
            let applied = applied?;
            unlocked?;
            Ok(applied)
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
