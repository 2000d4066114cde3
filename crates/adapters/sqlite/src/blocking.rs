//! Diesel is synchronous: every database call leaves the async workers through here.

use diesel::SqliteConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};

pub(crate) type SqlitePool = Pool<ConnectionManager<SqliteConnection>>;
pub(crate) type SqlitePooled = PooledConnection<ConnectionManager<SqliteConnection>>;

/// Why a blocking call could not run or finish.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BlockingError<E> {
    #[error("no database connection became available")]
    Pool(#[source] r2d2::Error),
    #[error("the blocking task was cancelled or panicked")]
    Join(#[source] tokio::task::JoinError),
    #[error(transparent)]
    Op(E),
}

/// Checks a connection out of `pool` and runs `op` on tokio's blocking pool, inside the
/// caller's tracing span, so diesel never blocks an async worker thread.
pub(crate) async fn with_connection<T, E, F>(pool: &SqlitePool, op: F) -> Result<T, BlockingError<E>>
where
    F: FnOnce(&mut SqlitePooled) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let pool = pool.clone();
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        span.in_scope(|| {
            let mut conn = pool.get().map_err(BlockingError::Pool)?;
            op(&mut conn).map_err(BlockingError::Op)
        })
    })
    .await
    .map_err(BlockingError::Join)?
}
