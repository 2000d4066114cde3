//! Admin use cases on the outbox: see what waits, what was sent and what died; send a dead
//! message again.

use chrono::{DateTime, Utc};
use headliner_domain::ids::OutboxMessageId;
use headliner_domain::role::Actor;
use headliner_ports::Source;
use headliner_ports::clock::Clock;
use headliner_ports::outbox::{OutboxEntry, OutboxRepoError, OutboxRepository, OutboxStatus};

#[derive(Debug, thiserror::Error)]
pub enum OutboxAdminError {
    #[error("only admins may manage the outbox")]
    Forbidden,
    #[error("no such outbox message")]
    NotFound,
    /// Only dead messages are retried (pending ones are on their way; sent ones are done).
    #[error("the message is not dead")]
    NotDead,
    #[error("the outbox is unavailable")]
    Unavailable(#[source] Source),
}

impl From<OutboxRepoError> for OutboxAdminError {
    fn from(e: OutboxRepoError) -> Self {
        match e {
            OutboxRepoError::NotFound => Self::NotFound,
            OutboxRepoError::NotDead => Self::NotDead,
            OutboxRepoError::LeaseLost => Self::Unavailable("unexpected lease answer".into()),
            OutboxRepoError::Unavailable(source) => Self::Unavailable(source),
        }
    }
}

fn admin(actor: &Actor) -> Result<(), OutboxAdminError> {
    if matches!(actor, Actor::Admin { .. }) { Ok(()) } else { Err(OutboxAdminError::Forbidden) }
}

/// Messages in `status`, oldest first, keyset-paged.
pub async fn list_outbox(
    outbox: &dyn OutboxRepository,
    actor: &Actor,
    status: OutboxStatus,
    limit: u32,
    after: Option<(DateTime<Utc>, OutboxMessageId)>,
) -> Result<Vec<OutboxEntry>, OutboxAdminError> {
    admin(actor)?;
    Ok(outbox.list_details(status, limit, after).await?)
}

/// A dead message back to pending, due now, its attempts reset.
pub async fn retry_dead(
    outbox: &dyn OutboxRepository,
    clock: &dyn Clock,
    actor: &Actor,
    id: OutboxMessageId,
) -> Result<(), OutboxAdminError> {
    admin(actor)?;
    Ok(outbox.retry_dead(id, clock.now()).await?)
}

/// The outbox's counts now (for admins and, later, the metrics endpoint).
pub async fn outbox_stats(
    outbox: &dyn OutboxRepository,
    clock: &dyn Clock,
    actor: &Actor,
) -> Result<headliner_ports::outbox::OutboxStats, OutboxAdminError> {
    admin(actor)?;
    Ok(outbox.stats(clock.now()).await?)
}
