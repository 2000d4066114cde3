//! The outbox table: written inside other transactions, read by the relay and the admin view.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use diesel::dsl::{exists, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use headliner_domain::ids::{BookingId, OutboxMessageId};
use headliner_ports::outbox::{
    ClaimedMessage, OutboxEntry, OutboxMessage, OutboxPayload, OutboxRepoError, OutboxRepository, OutboxStats,
    OutboxStatus, clip_error,
};

use crate::SqliteStore;
use crate::blocking::with_connection;
use crate::errors::{CorruptRow, DbFailure, corrupt};
use crate::rows::{id_text, instant, micros, uuid};
use crate::schema::outbox;

/// `payload` is the serde_json text of an [`OutboxPayload`].
#[derive(Debug, Insertable, Queryable, Selectable)]
#[diesel(table_name = outbox, check_for_backend(diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_default_value = false)]
struct OutboxRow {
    id: String,
    booking_id: Option<String>,
    payload: String,
    next_attempt_at: i64,
    created_at: i64,
}

impl TryFrom<&OutboxMessage> for OutboxRow {
    type Error = DbFailure;

    fn try_from(message: &OutboxMessage) -> Result<Self, Self::Error> {
        let payload = serde_json::to_string(&message.payload).map_err(|e| DbFailure::Other(Box::new(e)))?;
        Ok(Self {
            id: id_text(message.id.as_uuid()),
            booking_id: message.booking_id.map(|b| id_text(b.as_uuid())),
            payload,
            next_attempt_at: micros(message.created_at),
            created_at: micros(message.created_at),
        })
    }
}

impl TryFrom<OutboxRow> for OutboxMessage {
    type Error = CorruptRow;

    fn try_from(r: OutboxRow) -> Result<Self, Self::Error> {
        let payload: OutboxPayload = serde_json::from_str(&r.payload).map_err(|e| corrupt("outbox payload", e))?;
        Ok(Self {
            id: OutboxMessageId::from_uuid(uuid("outbox id", &r.id)?),
            created_at: instant("outbox created_at", r.created_at)?,
            booking_id: r
                .booking_id
                .as_deref()
                .map(|b| uuid("outbox booking id", b).map(BookingId::from_uuid))
                .transpose()?,
            payload,
        })
    }
}

/// Inserts messages on the caller's connection, inside the caller's transaction.
pub(crate) fn insert_messages(conn: &mut SqliteConnection, messages: &[OutboxMessage]) -> Result<(), DbFailure> {
    if messages.is_empty() {
        return Ok(());
    }
    let rows = messages.iter().map(OutboxRow::try_from).collect::<Result<Vec<_>, _>>()?;
    diesel::insert_into(outbox::table).values(&rows).execute(conn)?;
    Ok(())
}

fn status_name(status: OutboxStatus) -> &'static str {
    match status {
        OutboxStatus::Pending => "pending",
        OutboxStatus::Sent => "sent",
        OutboxStatus::Dead => "dead",
    }
}

fn status_of(name: &str) -> Result<OutboxStatus, CorruptRow> {
    match name {
        "pending" => Ok(OutboxStatus::Pending),
        "sent" => Ok(OutboxStatus::Sent),
        "dead" => Ok(OutboxStatus::Dead),
        other => Err(corrupt("outbox status", other)),
    }
}

fn attempts(n: i32) -> Result<u32, CorruptRow> {
    u32::try_from(n).map_err(|e| corrupt("outbox attempts", e))
}

fn count(n: i64) -> Result<u64, CorruptRow> {
    u64::try_from(n).map_err(|e| corrupt("outbox count", e))
}

/// The partial index `outbox_due_idx` is `WHERE status = 'pending'`: the predicate is SQL text,
/// never a bind, so the planner can match it without re-preparing with the value.
fn pending() -> diesel::expression::SqlLiteral<Bool> {
    sql::<Bool>("status = 'pending'")
}

const NO_LEASE: Option<i64> = None;

/// How an update guarded by a lease or a status ended.
enum Guarded {
    Updated,
    Refused,
    Missing,
}

impl Guarded {
    /// `Updated` when the update matched, else `Refused` when a row with `id` exists, else
    /// `Missing`.
    fn of(updated: usize, conn: &mut SqliteConnection, id: &str) -> Result<Self, DbFailure> {
        if updated > 0 {
            return Ok(Self::Updated);
        }
        let found: bool = diesel::select(exists(outbox::table.filter(outbox::id.eq(id)))).get_result(conn)?;
        Ok(if found { Self::Refused } else { Self::Missing })
    }

    fn into_result(self, refused: OutboxRepoError) -> Result<(), OutboxRepoError> {
        match self {
            Self::Updated => Ok(()),
            Self::Refused => Err(refused),
            Self::Missing => Err(OutboxRepoError::NotFound),
        }
    }
}

/// A row with its delivery state.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox, check_for_backend(diesel::sqlite::Sqlite))]
struct EntryRow {
    #[diesel(embed)]
    message: OutboxRow,
    status: String,
    attempts: i32,
    last_error: Option<String>,
    sent_at: Option<i64>,
}

impl TryFrom<EntryRow> for OutboxEntry {
    type Error = CorruptRow;

    fn try_from(r: EntryRow) -> Result<Self, Self::Error> {
        let next_attempt_at = instant("outbox next_attempt_at", r.message.next_attempt_at)?;
        Ok(Self {
            message: OutboxMessage::try_from(r.message)?,
            status: status_of(&r.status)?,
            attempts: attempts(r.attempts)?,
            next_attempt_at,
            last_error: r.last_error,
            sent_at: r.sent_at.map(|at| instant("outbox sent_at", at)).transpose()?,
        })
    }
}

#[derive(QueryableByName)]
struct StatsRow {
    #[diesel(sql_type = BigInt)]
    pending: i64,
    #[diesel(sql_type = BigInt)]
    due: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    oldest_due: Option<i64>,
    #[diesel(sql_type = BigInt)]
    dead: i64,
    #[diesel(sql_type = BigInt)]
    sent: i64,
}

/// Each count is its own index search: the pending ones on `outbox_due_idx`, the others on
/// `outbox_status_idx`.
const STATS_SQL: &str = "SELECT \
     (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending, \
     (SELECT count(*) FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?1) AS due, \
     (SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?1) AS oldest_due, \
     (SELECT count(*) FROM outbox WHERE status = 'dead') AS dead, \
     (SELECT count(*) FROM outbox WHERE status = 'sent') AS sent";

/// `UPDATE outbox ... WHERE id AND status = 'pending' AND locked_until = lease` with `changes`,
/// then tells a lost lease from a missing row.
macro_rules! fenced_update {
    ($store:expr, $id:expr, $lease:expr, $changes:expr) => {{
        let id = id_text($id.as_uuid());
        let lease = micros($lease);
        with_connection(&$store.pool, move |conn| {
            let updated = diesel::update(
                outbox::table.filter(outbox::id.eq(&id)).filter(pending()).filter(outbox::locked_until.eq(lease)),
            )
            .set($changes)
            .execute(conn)?;
            Guarded::of(updated, conn, &id)
        })
        .await
        .map_err(|e| OutboxRepoError::from(DbFailure::from(e)))?
        .into_result(OutboxRepoError::LeaseLost)
    }};
}

#[async_trait]
impl OutboxRepository for SqliteStore {
    async fn enqueue(&self, messages: Vec<OutboxMessage>) -> Result<(), OutboxRepoError> {
        with_connection(&self.pool, move |conn| {
            conn.immediate_transaction::<_, DbFailure, _>(|conn| insert_messages(conn, &messages))
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn list(&self, status: OutboxStatus, limit: u32) -> Result<Vec<OutboxMessage>, OutboxRepoError> {
        with_connection(&self.pool, move |conn| {
            let rows: Vec<OutboxRow> = outbox::table
                .filter(outbox::status.eq(status_name(status)))
                .order((outbox::created_at.asc(), outbox::id.asc()))
                .limit(i64::from(limit))
                .select(OutboxRow::as_select())
                .load(conn)?;
            rows.into_iter().map(|r| OutboxMessage::try_from(r).map_err(DbFailure::from)).collect()
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedMessage>, OutboxRepoError> {
        let (now, lease_until) = (micros(now), micros(now + lease));
        with_connection(&self.pool, move |conn| {
            // One IMMEDIATE transaction: the write lock is taken before the read, so a second
            // claimer waits and then sees these rows leased.
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                let rows: Vec<(OutboxRow, i32)> = outbox::table
                    .filter(pending())
                    .filter(outbox::next_attempt_at.le(now))
                    .filter(outbox::locked_until.is_null().or(outbox::locked_until.le(now)))
                    .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
                    .limit(i64::from(limit))
                    .select((OutboxRow::as_select(), outbox::attempts))
                    .load(conn)?;
                let ids: Vec<&str> = rows.iter().map(|(r, _)| r.id.as_str()).collect();
                for chunk in ids.chunks(500) {
                    diesel::update(outbox::table.filter(outbox::id.eq_any(chunk)))
                        .set(outbox::locked_until.eq(Some(lease_until)))
                        .execute(conn)?;
                }
                let lease_until = instant("outbox locked_until", lease_until)?;
                rows.into_iter()
                    .map(|(r, n)| {
                        Ok(ClaimedMessage { message: OutboxMessage::try_from(r)?, attempts: attempts(n)?, lease_until })
                    })
                    .collect::<Result<Vec<_>, CorruptRow>>()
                    .map_err(DbFailure::from)
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn mark_sent(
        &self,
        id: OutboxMessageId,
        lease_until: DateTime<Utc>,
        at: DateTime<Utc>,
        scrubbed: Option<OutboxPayload>,
    ) -> Result<(), OutboxRepoError> {
        let scrubbed = match scrubbed {
            Some(payload) => Some(serde_json::to_string(&payload).map_err(|e| DbFailure::Other(Box::new(e)))?),
            None => None,
        };
        let at = micros(at);
        fenced_update!(
            self,
            id,
            lease_until,
            (
                outbox::status.eq("sent"),
                outbox::sent_at.eq(Some(at)),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::locked_until.eq(NO_LEASE),
                scrubbed.map(|payload| outbox::payload.eq(payload)),
            )
        )
    }

    async fn mark_failed(
        &self,
        id: OutboxMessageId,
        lease_until: DateTime<Utc>,
        error: String,
        next_attempt_at: DateTime<Utc>,
    ) -> Result<(), OutboxRepoError> {
        let (error, next_attempt_at) = (clip_error(&error), micros(next_attempt_at));
        fenced_update!(
            self,
            id,
            lease_until,
            (
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::last_error.eq(Some(error)),
                outbox::next_attempt_at.eq(next_attempt_at),
                outbox::locked_until.eq(NO_LEASE),
            )
        )
    }

    async fn mark_dead(
        &self,
        id: OutboxMessageId,
        lease_until: DateTime<Utc>,
        error: String,
        at: DateTime<Utc>,
    ) -> Result<(), OutboxRepoError> {
        let (error, at) = (clip_error(&error), micros(at));
        fenced_update!(
            self,
            id,
            lease_until,
            (
                outbox::status.eq("dead"),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::last_error.eq(Some(error)),
                outbox::next_attempt_at.eq(at),
                outbox::locked_until.eq(NO_LEASE),
            )
        )
    }

    async fn release(&self, claims: Vec<(OutboxMessageId, DateTime<Utc>)>) -> Result<u64, OutboxRepoError> {
        if claims.is_empty() {
            return Ok(0);
        }
        with_connection(&self.pool, move |conn| {
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                let mut released = 0;
                for (id, lease) in &claims {
                    released += diesel::update(
                        outbox::table
                            .filter(outbox::id.eq(id_text(id.as_uuid())))
                            .filter(pending())
                            .filter(outbox::locked_until.eq(micros(*lease))),
                    )
                    .set(outbox::locked_until.eq(NO_LEASE))
                    .execute(conn)?;
                }
                Ok(released as u64)
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn retry_dead(&self, id: OutboxMessageId, now: DateTime<Utc>) -> Result<(), OutboxRepoError> {
        let (id, now) = (id_text(id.as_uuid()), micros(now));
        with_connection(&self.pool, move |conn| {
            let updated = diesel::update(outbox::table.filter(outbox::id.eq(&id)).filter(outbox::status.eq("dead")))
                .set((
                    outbox::status.eq("pending"),
                    outbox::attempts.eq(0),
                    outbox::next_attempt_at.eq(now),
                    outbox::locked_until.eq(NO_LEASE),
                ))
                .execute(conn)?;
            Guarded::of(updated, conn, &id)
        })
        .await
        .map_err(|e| OutboxRepoError::from(DbFailure::from(e)))?
        .into_result(OutboxRepoError::NotDead)
    }

    async fn list_details(
        &self,
        status: OutboxStatus,
        limit: u32,
        after: Option<(DateTime<Utc>, OutboxMessageId)>,
    ) -> Result<Vec<OutboxEntry>, OutboxRepoError> {
        with_connection(&self.pool, move |conn| {
            let mut query = outbox::table
                .filter(outbox::status.eq(status_name(status)))
                .order((outbox::created_at.asc(), outbox::id.asc()))
                .limit(i64::from(limit))
                .select(EntryRow::as_select())
                .into_boxed();
            if let Some((at, id)) = after {
                // (created_at, id) > (at, id) as a row value: one range on outbox_status_idx.
                query = query.filter(
                    sql::<Bool>("(created_at, id) > (")
                        .bind::<BigInt, _>(micros(at))
                        .sql(", ")
                        .bind::<Text, _>(id_text(id.as_uuid()))
                        .sql(")"),
                );
            }
            let rows: Vec<EntryRow> = query.load(conn)?;
            rows.into_iter().map(|r| OutboxEntry::try_from(r).map_err(DbFailure::from)).collect()
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn stats(&self, now: DateTime<Utc>) -> Result<OutboxStats, OutboxRepoError> {
        let at = now;
        with_connection(&self.pool, move |conn| {
            let row: StatsRow = diesel::sql_query(STATS_SQL).bind::<BigInt, _>(micros(at)).get_result(conn)?;
            Ok(OutboxStats {
                pending: count(row.pending)?,
                due: count(row.due)?,
                dead: count(row.dead)?,
                sent: count(row.sent)?,
                oldest_due_age: row
                    .oldest_due
                    .map(|oldest| instant("outbox next_attempt_at", oldest).map(|oldest| at - oldest))
                    .transpose()?,
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }
}
