//! One celebrity's calendar: the overlap probes booking and blocked-period writes run inside
//! their IMMEDIATE transaction (which holds the database's write lock, so nothing can change
//! between the probe and the insert).
//!
//! Active bookings never overlap each other (`bookings_no_overlap_*` triggers), nor do blocked
//! periods (`blocked_periods_no_overlap_*`); a booking against a blocked period spans two
//! tables, so each write checks the other table here.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use headliner_domain::time::TimeRange;

use crate::errors::DbFailure;
use crate::rows::micros;

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = Bool)]
    hit: bool,
}

fn probe(conn: &mut SqliteConnection, sql: &str, celebrity: &str, during: TimeRange) -> Result<bool, DbFailure> {
    let row: Hit = diesel::sql_query(sql)
        .bind::<Text, _>(celebrity)
        .bind::<BigInt, _>(micros(during.end()))
        .bind::<BigInt, _>(micros(during.start()))
        .get_result(conn)?;
    Ok(row.hit)
}

/// Whether an active booking of the celebrity (id text) overlaps `during`. The status list is
/// SQL text, so `bookings_active_slot_idx` serves it (docs/DATABASE.md, SQLite notes).
pub(crate) fn booked_during(
    conn: &mut SqliteConnection,
    celebrity: &str,
    during: TimeRange,
) -> Result<bool, DbFailure> {
    probe(
        conn,
        "SELECT EXISTS (SELECT 1 FROM bookings WHERE celebrity_id = ? AND status IN ('pending', 'confirmed') \
         AND starts_at < ? AND ends_at > ?) AS hit",
        celebrity,
        during,
    )
}

/// Whether a blocked period of the celebrity (id text) overlaps `during`.
pub(crate) fn blocked_during(
    conn: &mut SqliteConnection,
    celebrity: &str,
    during: TimeRange,
) -> Result<bool, DbFailure> {
    probe(
        conn,
        "SELECT EXISTS (SELECT 1 FROM blocked_periods WHERE celebrity_id = ? AND starts_at < ? AND ends_at > ?) AS hit",
        celebrity,
        during,
    )
}
