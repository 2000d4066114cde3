//! Blocked periods (the talent's own calendar) and public availability.

use chrono::Duration;
use headliner_domain::ids::{BlockedPeriodId, CelebrityId};
use headliner_domain::role::Actor;
use headliner_domain::time::TimeRange;
use headliner_ports::celebrities::{BlockedPeriod, BusyInterval};

use super::{CatalogueError, CataloguePorts, may_manage, problem};

/// The widest range one availability or blocked-period read may span.
pub const MAX_RANGE_DAYS: i64 = 366;
/// Longest reason text (the schema's limit).
pub const MAX_REASON: usize = 1000;

fn check_range(range: &TimeRange) -> Result<(), CatalogueError> {
    if range.end() - range.start() > Duration::days(MAX_RANGE_DAYS) {
        return Err(CatalogueError::Invalid(vec![problem(
            "to",
            format!("the range may span at most {MAX_RANGE_DAYS} days"),
        )]));
    }
    Ok(())
}

fn refuse(actor: &Actor) -> CatalogueError {
    match actor {
        Actor::Talent { .. } => CatalogueError::Forbidden("talent manage only their own calendar"),
        _ => CatalogueError::Forbidden("only admins and the celebrity's talent manage its calendar"),
    }
}

/// Blocks `during` in a live celebrity's calendar. It must not be in the past nor overlap an
/// active booking or another blocked period (the store checks that under the calendar lock).
pub async fn block_period(
    ports: &CataloguePorts,
    actor: &Actor,
    celebrity: CelebrityId,
    during: TimeRange,
    reason: String,
) -> Result<BlockedPeriod, CatalogueError> {
    if !may_manage(actor, celebrity) {
        return Err(refuse(actor));
    }
    let now = ports.clock.now();
    let mut problems = Vec::new();
    if during.end() <= now {
        problems.push(problem("ends_at", "must be in the future"));
    }
    if during.end() - during.start() > Duration::days(MAX_RANGE_DAYS) {
        problems.push(problem("ends_at", format!("a period may span at most {MAX_RANGE_DAYS} days")));
    }
    if reason.chars().count() > MAX_REASON {
        problems.push(problem("reason", format!("may hold at most {MAX_REASON} characters")));
    }
    if !problems.is_empty() {
        return Err(CatalogueError::Invalid(problems));
    }
    let period = BlockedPeriod {
        id: BlockedPeriodId::from_uuid(ports.ids.new_id()),
        celebrity_id: celebrity,
        during,
        reason,
        created_at: now,
    };
    ports.celebrities.insert_blocked_period(period.clone()).await?;
    Ok(period)
}

/// Removes one of the celebrity's blocked periods.
pub async fn unblock_period(
    ports: &CataloguePorts,
    actor: &Actor,
    celebrity: CelebrityId,
    id: BlockedPeriodId,
) -> Result<(), CatalogueError> {
    if !may_manage(actor, celebrity) {
        return Err(refuse(actor));
    }
    ports.celebrities.delete_blocked_period(celebrity, id).await.map_err(|e| match CatalogueError::from(e) {
        CatalogueError::NotFound => CatalogueError::BlockedPeriodNotFound,
        other => other,
    })
}

/// The celebrity's blocked periods in `range`, with their reasons (talent and admins only).
pub async fn blocked_periods(
    ports: &CataloguePorts,
    actor: &Actor,
    celebrity: CelebrityId,
    range: TimeRange,
) -> Result<Vec<BlockedPeriod>, CatalogueError> {
    if !may_manage(actor, celebrity) {
        return Err(refuse(actor));
    }
    check_range(&range)?;
    ports.celebrities.profile(celebrity).await?;
    Ok(ports.celebrities.blocked_periods(celebrity, range).await?)
}

/// Busy intervals of a live celebrity in `range`: times only, never who booked or why.
pub async fn availability(
    ports: &CataloguePorts,
    celebrity: CelebrityId,
    range: TimeRange,
) -> Result<Vec<BusyInterval>, CatalogueError> {
    check_range(&range)?;
    ports.celebrities.profile(celebrity).await?;
    Ok(ports.celebrities.busy(celebrity, range).await?)
}
