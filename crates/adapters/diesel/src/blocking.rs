//! Diesel is synchronous: every database call leaves the async workers through here.

use diesel::r2d2::{ConnectionManager, Pool, PooledConnection, R2D2Connection};

/// An r2d2 pool of diesel connections of one backend.
pub type DbPool<C> = Pool<ConnectionManager<C>>;
/// A connection checked out of a [`DbPool`].
pub type Pooled<C> = PooledConnection<ConnectionManager<C>>;

/// Why a blocking call could not run or finish.
#[derive(Debug, thiserror::Error)]
pub enum BlockingError<E> {
    #[error("no database connection became available")]
    Pool(#[source] r2d2::Error),
    #[error("the blocking task was cancelled or panicked")]
    Join(#[source] tokio::task::JoinError),
    #[error(transparent)]
    Op(E),
}

/// Checks a connection out of `pool` and runs `op` on tokio's blocking pool, inside the
/// caller's tracing span, so diesel never blocks an async worker thread.
pub async fn with_connection<C, T, E, F>(pool: &DbPool<C>, op: F) -> Result<T, BlockingError<E>>
where
    C: R2D2Connection + 'static,
    F: FnOnce(&mut Pooled<C>) -> Result<T, E> + Send + 'static,
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
