//! Diesel is synchronous: every database call leaves the async workers through here.
//!
//! Calls queue for a connection in order, on a FIFO semaphore as large as the pool, before
//! they take a blocking thread. Without it every waiting call held a blocking thread parked
//! in r2d2, which hands connections out in no fair order: under 64 concurrent readers of
//! 16 connections the slowest waited 470 ms at p99 (bench/results, booking detail). The wait
//! for a turn and the checkout together are bounded by the pool's connection timeout, as
//! r2d2's checkout alone was.

use std::sync::Arc;
use std::time::Duration;

use diesel::r2d2::{ConnectionManager, Pool, PooledConnection, R2D2Connection};
use tokio::sync::Semaphore;

/// An r2d2 pool of diesel connections of one backend.
pub type DbPool<C> = Pool<ConnectionManager<C>>;

/// A pool with its turn queue (see the module docs).
pub struct GatedPool<C: R2D2Connection + 'static> {
    pool: DbPool<C>,
    turns: Arc<Semaphore>,
    wait: Duration,
}

impl<C: R2D2Connection + 'static> Clone for GatedPool<C> {
    fn clone(&self) -> Self {
        Self { pool: self.pool.clone(), turns: self.turns.clone(), wait: self.wait }
    }
}

impl<C: R2D2Connection + 'static> std::fmt::Debug for GatedPool<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatedPool").field("size", &self.pool.max_size()).finish_non_exhaustive()
    }
}

impl<C: R2D2Connection + 'static> GatedPool<C> {
    /// `pool` with as many turns as connections; a turn is waited for at most `wait`.
    pub fn new(pool: DbPool<C>, wait: Duration) -> Self {
        let turns = Arc::new(Semaphore::new(pool.max_size() as usize));
        Self { pool, turns, wait }
    }

    /// The r2d2 pool's connection counts.
    pub fn state(&self) -> r2d2::State {
        self.pool.state()
    }
}
/// What `with_connection` needs to know of a failed call's error: whether it may mean the
/// connection was lost (see [`drop_if_lost`]). An answer the database gave (not found, a
/// unique key, an overlap, a version mismatch) came over a live connection and needs no check.
pub trait MayMeanLostConnection {
    fn may_mean_lost_connection(&self) -> bool;
}

/// diesel's own errors (health checks, backups): all but "no row" may.
impl MayMeanLostConnection for diesel::result::Error {
    fn may_mean_lost_connection(&self) -> bool {
        !matches!(self, diesel::result::Error::NotFound)
    }
}

/// Errors of calls outside the port errors (migrations): always checked.
impl MayMeanLostConnection for Box<dyn std::error::Error + Send + Sync> {
    fn may_mean_lost_connection(&self) -> bool {
        true
    }
}

/// After a call that failed with an error that may mean a lost connection: makes sure a lost
/// connection is marked broken, so r2d2 drops it instead of pooling it again.
///
/// diesel marks a connection broken when a query's result shows it lost, except when the loss
/// shows while *preparing* a named statement: diesel 2.3's `PgConnection::with_prepared_query`
/// returns that error before it updates the connection's state. A dead connection whose next
/// queries were all new to it then went back to the pool and failed every request it served
/// until r2d2 retired it (10 minutes idle): the Postgres-restart drill of the reliability
/// battery caught it once the catalogue queries became prepared statements. One empty simple
/// query lets diesel read the connection's state (a lost one is marked broken; a live one
/// answers at once). It never runs on the success path, nor after the database's own answers.
fn drop_if_lost<C: R2D2Connection>(conn: &mut C) {
    if !conn.is_broken() {
        let _ = conn.batch_execute("");
    }
}

/// A connection checked out of a [`DbPool`].
pub type Pooled<C> = PooledConnection<ConnectionManager<C>>;

/// Why a blocking call could not run or finish.
#[derive(Debug, thiserror::Error)]
pub enum BlockingError<E> {
    #[error("no database connection became available")]
    Pool(#[source] r2d2::Error),
    #[error("the blocking task was cancelled or panicked")]
    Join(#[source] tokio::task::JoinError),
    /// Every connection stayed busy for the whole wait.
    #[error("no database connection became free in time")]
    Busy,
    #[error(transparent)]
    Op(E),
}

/// Waits for a turn, checks a connection out of `pool` and runs `op` on tokio's blocking pool,
/// inside the caller's tracing span, so diesel never blocks an async worker thread.
pub async fn with_connection<C, T, E, F>(pool: &GatedPool<C>, op: F) -> Result<T, BlockingError<E>>
where
    C: R2D2Connection + 'static,
    F: FnOnce(&mut Pooled<C>) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: MayMeanLostConnection + Send + 'static,
{
    let deadline = tokio::time::Instant::now() + pool.wait;
    let turn = match tokio::time::timeout_at(deadline, pool.turns.clone().acquire_owned()).await {
        Ok(Ok(turn)) => turn,
        // Never closed; a closed gate would be a bug, reported as busy rather than a panic.
        Ok(Err(_)) | Err(_) => return Err(BlockingError::Busy),
    };
    let pool = pool.pool.clone();
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        span.in_scope(|| {
            // The turn and the checkout share one bound: the pool's connection timeout.
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let mut conn = pool.get_timeout(left.max(Duration::from_millis(1))).map_err(BlockingError::Pool)?;
            let result = op(&mut conn);
            if result.as_ref().is_err_and(MayMeanLostConnection::may_mean_lost_connection) {
                drop_if_lost(&mut *conn);
            }
            result.map_err(BlockingError::Op)
        })
    })
    .await
    .map_err(BlockingError::Join)?
}
