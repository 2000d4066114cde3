//! The outbox relay as a background task of `serve`: one `relay_batch` after another while
//! messages are due, a short idle wait when none are, and a clean stop between batches.
//!
//! Several instances on one Postgres share the outbox (claims use `SKIP LOCKED` and leases);
//! on SQLite the one process is the one claimer. A batch in flight at shutdown is finished
//! within the grace period, else abandoned: what was not recorded is released at once. If the
//! process dies instead, the batch's leases expire and another claim sends it again (same
//! Message-ID).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use headliner_services::relay::{BatchReport, RelayPolicy, RelayPorts, relay_batch_until};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long an abandoned batch may take to release its claims.
const RELEASE_WAIT: Duration = Duration::from_secs(5);

/// Totals since start, for the metrics endpoint.
#[derive(Debug, Default)]
pub struct RelayCounters {
    pub sent: AtomicU64,
    pub failed: AtomicU64,
    pub dead: AtomicU64,
    pub lost: AtomicU64,
    pub released: AtomicU64,
}

impl RelayCounters {
    fn add(&self, report: &BatchReport) {
        for (counter, n) in [
            (&self.sent, report.sent),
            (&self.failed, report.failed),
            (&self.dead, report.dead),
            (&self.lost, report.lost),
            (&self.released, report.released),
        ] {
            counter.fetch_add(n as u64, Ordering::Relaxed);
        }
    }
}

/// A running relay.
#[derive(Debug)]
pub struct Relay {
    stop: watch::Sender<bool>,
    abandon: watch::Sender<bool>,
    task: JoinHandle<()>,
    pub counters: Arc<RelayCounters>,
}

impl Relay {
    /// Starts the loop. `idle` is the wait when nothing is due (and after an outbox failure).
    /// Its totals go to `counters` (shared with whoever reports them).
    pub fn spawn(ports: RelayPorts, policy: RelayPolicy, idle: Duration, counters: Arc<RelayCounters>) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let (abandon, abandon_rx) = watch::channel(false);
        let totals = counters.clone();
        let task = tokio::spawn(async move {
            loop {
                let mut abandoned = abandon_rx.clone();
                let deadline = async move {
                    if abandoned.wait_for(|now| *now).await.is_err() {
                        // The `Relay` was dropped without `stop`: never abandon a batch.
                        std::future::pending::<()>().await;
                    }
                };
                let wait = match relay_batch_until(&ports, &policy, deadline).await {
                    Ok(report) => {
                        totals.add(&report);
                        if report.claimed > 0 {
                            tracing::debug!(?report, "outbox batch");
                        }
                        // A full batch means more may be due: go again at once.
                        if report.claimed >= policy.batch as usize { Duration::ZERO } else { idle }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox relay: the outbox is unavailable; retrying");
                        idle
                    }
                };
                if *stopped.borrow() {
                    break;
                }
                if !wait.is_zero() {
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = stopped.changed() => break,
                    }
                }
            }
            tracing::info!("outbox relay stopped");
        });
        Self { stop, abandon, task, counters }
    }

    /// Stops after the batch in flight; waits at most `deadline` for it, then abandons it
    /// (unrecorded claims are released) and waits a little more for the release.
    pub async fn stop(self, deadline: Duration) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(deadline, &mut task).await.is_ok() {
            return;
        }
        let _ = self.abandon.send(true);
        if tokio::time::timeout(RELEASE_WAIT, &mut task).await.is_err() {
            // The outbox did not answer: the claims' leases expire and another claim sends them.
            task.abort();
            tracing::warn!("outbox relay could not release its claims in time; they will expire");
        }
    }
}
