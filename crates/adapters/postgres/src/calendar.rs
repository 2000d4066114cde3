//! One celebrity's calendar: the lock every booking and blocked-period write takes, and the
//! overlap probes they run under it.
//!
//! Active bookings never overlap each other (`bookings_no_overlap`), nor do blocked periods
//! (`blocked_periods_no_overlap`); a booking against a blocked period spans two tables, which
//! no constraint can express, so each write checks the other table after taking the lock.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Timestamptz, Uuid as SqlUuid};
use headliner_domain::time::TimeRange;
use uuid::Uuid;

use crate::errors::DbFailure;

/// Namespace of the per-celebrity advisory locks (any constant shared by every instance).
const CALENDAR_LOCK_SPACE: i32 = 0x4844_4C4E;

/// Serialises writes to one celebrity's calendar for the rest of the transaction.
///
/// The exclusion constraint alone is correct but, with many concurrent inserts for the same
/// slot, Postgres may resolve their mutual waits as a deadlock (SQLSTATE 40P01) and abort
/// some of them. Queuing them on a transaction-scoped advisory lock first lets each see the
/// winner and fail cleanly with the exclusion violation. Other celebrities are not delayed.
/// It also makes the cross-table checks below race-free: under READ COMMITTED each later
/// statement sees every write committed by the previous holder.
pub(crate) fn lock_calendar(conn: &mut PgConnection, celebrity: Uuid) -> Result<(), DbFailure> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2::text))")
        .bind::<Integer, _>(CALENDAR_LOCK_SPACE)
        .bind::<SqlUuid, _>(celebrity)
        .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = Bool)]
    hit: bool,
}

fn probe(conn: &mut PgConnection, sql: &str, celebrity: Uuid, during: TimeRange) -> Result<bool, DbFailure> {
    let row: Hit = diesel::sql_query(sql)
        .bind::<SqlUuid, _>(celebrity)
        .bind::<Timestamptz, _>(during.start())
        .bind::<Timestamptz, _>(during.end())
        .get_result(conn)?;
    Ok(row.hit)
}

/// Whether an active booking of the celebrity overlaps `during`. The status list is SQL text,
/// so the partial index of `bookings_no_overlap` serves it (docs/DATABASE.md, A1).
pub(crate) fn booked_during(conn: &mut PgConnection, celebrity: Uuid, during: TimeRange) -> Result<bool, DbFailure> {
    probe(
        conn,
        "SELECT EXISTS (SELECT 1 FROM bookings WHERE celebrity_id = $1 AND status IN ('pending', 'confirmed') \
         AND during && tstzrange($2, $3, '[)')) AS hit",
        celebrity,
        during,
    )
}

/// Whether a blocked period of the celebrity overlaps `during`.
pub(crate) fn blocked_during(conn: &mut PgConnection, celebrity: Uuid, during: TimeRange) -> Result<bool, DbFailure> {
    probe(
        conn,
        "SELECT EXISTS (SELECT 1 FROM blocked_periods WHERE celebrity_id = $1 \
         AND during && tstzrange($2, $3, '[)')) AS hit",
        celebrity,
        during,
    )
}
