//! The outbox table: written inside other transactions, read by the relay and the admin view.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use diesel::dsl::{exists, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Int4, Jsonb, Nullable, Timestamptz, Uuid as SqlUuid};
use headliner_domain::ids::{BookingId, OutboxMessageId};
use headliner_ports::outbox::{
    ClaimedMessage, OutboxEntry, OutboxMessage, OutboxPayload, OutboxRepoError, OutboxRepository, OutboxStats,
    OutboxStatus, clip_error,
};
use uuid::Uuid;

use crate::PgStore;
use crate::blocking::with_connection;
use crate::errors::{CorruptRow, DbFailure, corrupt};
use crate::schema::outbox;

#[derive(Debug, Insertable, Queryable, Selectable)]
#[diesel(table_name = outbox, check_for_backend(diesel::pg::Pg))]
struct OutboxRow {
    id: Uuid,
    booking_id: Option<Uuid>,
    payload: serde_json::Value,
    next_attempt_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

fn row(message: &OutboxMessage) -> Result<OutboxRow, DbFailure> {
    let payload = serde_json::to_value(&message.payload).map_err(|e| DbFailure::Other(Box::new(e)))?;
    Ok(OutboxRow {
        id: message.id.as_uuid(),
        booking_id: message.booking_id.map(|b| b.as_uuid()),
        payload,
        next_attempt_at: message.created_at,
        created_at: message.created_at,
    })
}

/// Inserts messages on the caller's connection, inside the caller's transaction.
pub(crate) fn insert_messages(conn: &mut PgConnection, messages: &[OutboxMessage]) -> Result<(), DbFailure> {
    if messages.is_empty() {
        return Ok(());
    }
    let rows = messages.iter().map(row).collect::<Result<Vec<_>, _>>()?;
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

fn message(
    id: Uuid,
    booking_id: Option<Uuid>,
    payload: serde_json::Value,
    created_at: DateTime<Utc>,
) -> Result<OutboxMessage, CorruptRow> {
    let payload: OutboxPayload = serde_json::from_value(payload).map_err(|e| corrupt("outbox payload", e))?;
    Ok(OutboxMessage {
        id: OutboxMessageId::from_uuid(id),
        created_at,
        booking_id: booking_id.map(BookingId::from_uuid),
        payload,
    })
}

fn attempts(n: i32) -> Result<u32, CorruptRow> {
    u32::try_from(n).map_err(|e| corrupt("outbox attempts", e))
}

fn count(n: i64) -> Result<u64, CorruptRow> {
    u64::try_from(n).map_err(|e| corrupt("outbox count", e))
}

/// The partial index `outbox_due_idx` is `WHERE status = 'pending'`: the predicate is SQL text,
/// never a bind, so every plan (generic ones too) can use the index.
fn pending() -> diesel::expression::SqlLiteral<Bool> {
    sql::<Bool>("status = 'pending'")
}

/// How an update guarded by a lease or a status ended.
enum Guarded {
    Updated,
    Refused,
    Missing,
}

impl Guarded {
    /// `Refused` when a row with `id` exists, else `Missing`; after an update matched nothing.
    fn after_miss(conn: &mut PgConnection, id: Uuid) -> Result<Self, DbFailure> {
        let found: bool = diesel::select(exists(outbox::table.filter(outbox::id.eq(id)))).get_result(conn)?;
        Ok(if found { Self::Refused } else { Self::Missing })
    }

    fn of(updated: usize, conn: &mut PgConnection, id: Uuid) -> Result<Self, DbFailure> {
        if updated > 0 { Ok(Self::Updated) } else { Self::after_miss(conn, id) }
    }

    fn into_result(self, refused: OutboxRepoError) -> Result<(), OutboxRepoError> {
        match self {
            Self::Updated => Ok(()),
            Self::Refused => Err(refused),
            Self::Missing => Err(OutboxRepoError::NotFound),
        }
    }
}

/// One row of the claim's `RETURNING`.
#[derive(QueryableByName)]
struct ClaimRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    booking_id: Option<Uuid>,
    #[diesel(sql_type = Jsonb)]
    payload: serde_json::Value,
    #[diesel(sql_type = Int4)]
    attempts: i32,
    #[diesel(sql_type = Timestamptz)]
    next_attempt_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    locked_until: DateTime<Utc>,
}

/// The claim (docs/DATABASE.md, O2): the inner SELECT walks `outbox_due_idx` and locks what it
/// returns, skipping rows another claimer holds locked, so concurrent claims are disjoint.
const CLAIM_SQL: &str = "UPDATE outbox SET locked_until = $2 \
     WHERE id IN (SELECT id FROM outbox \
                  WHERE status = 'pending' AND next_attempt_at <= $1 \
                    AND (locked_until IS NULL OR locked_until <= $1) \
                  ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) \
     RETURNING id, booking_id, payload, attempts, next_attempt_at, created_at, locked_until";

#[derive(QueryableByName)]
struct StatsRow {
    #[diesel(sql_type = BigInt)]
    pending: i64,
    #[diesel(sql_type = BigInt)]
    due: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    oldest_due: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    dead: i64,
    #[diesel(sql_type = BigInt)]
    sent: i64,
}

/// Each count is its own index scan: the pending ones on `outbox_due_idx`, the others on
/// `outbox_status_idx`.
const STATS_SQL: &str = "SELECT \
     (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending, \
     (SELECT count(*) FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1) AS due, \
     (SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1) AS oldest_due, \
     (SELECT count(*) FROM outbox WHERE status = 'dead') AS dead, \
     (SELECT count(*) FROM outbox WHERE status = 'sent') AS sent";

#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox, check_for_backend(diesel::pg::Pg))]
struct EntryRow {
    id: Uuid,
    booking_id: Option<Uuid>,
    payload: serde_json::Value,
    status: String,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
}

impl TryFrom<EntryRow> for OutboxEntry {
    type Error = CorruptRow;

    fn try_from(r: EntryRow) -> Result<Self, Self::Error> {
        Ok(Self {
            message: message(r.id, r.booking_id, r.payload, r.created_at)?,
            status: status_of(&r.status)?,
            attempts: attempts(r.attempts)?,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            sent_at: r.sent_at,
        })
    }
}

/// `UPDATE outbox ... WHERE id AND status = 'pending' AND locked_until = lease` with `changes`,
/// then tells a lost lease from a missing row.
macro_rules! fenced_update {
    ($store:expr, $id:expr, $lease:expr, $changes:expr) => {{
        let id = $id.as_uuid();
        let lease: DateTime<Utc> = $lease;
        with_connection(&$store.pool, move |conn| {
            let updated = diesel::update(
                outbox::table.filter(outbox::id.eq(id)).filter(pending()).filter(outbox::locked_until.eq(lease)),
            )
            .set($changes)
            .execute(conn)?;
            Guarded::of(updated, conn, id)
        })
        .await
        .map_err(|e| OutboxRepoError::from(DbFailure::from(e)))?
        .into_result(OutboxRepoError::LeaseLost)
    }};
}

#[async_trait]
impl OutboxRepository for PgStore {
    async fn enqueue(&self, messages: Vec<OutboxMessage>) -> Result<(), OutboxRepoError> {
        with_connection(&self.pool, move |conn| insert_messages(conn, &messages))
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
            rows.into_iter()
                .map(|r| {
                    let payload: OutboxPayload =
                        serde_json::from_value(r.payload).map_err(|e| DbFailure::from(corrupt("outbox payload", e)))?;
                    Ok(OutboxMessage {
                        id: OutboxMessageId::from_uuid(r.id),
                        created_at: r.created_at,
                        booking_id: r.booking_id.map(BookingId::from_uuid),
                        payload,
                    })
                })
                .collect()
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
        let lease_until = now + lease;
        with_connection(&self.pool, move |conn| {
            let rows: Vec<ClaimRow> = diesel::sql_query(CLAIM_SQL)
                .bind::<Timestamptz, _>(now)
                .bind::<Timestamptz, _>(lease_until)
                .bind::<BigInt, _>(i64::from(limit))
                .load(conn)?;
            let mut claimed = rows
                .into_iter()
                .map(|r| {
                    Ok((
                        r.next_attempt_at,
                        ClaimedMessage {
                            message: message(r.id, r.booking_id, r.payload, r.created_at)?,
                            attempts: attempts(r.attempts)?,
                            lease_until: r.locked_until,
                        },
                    ))
                })
                .collect::<Result<Vec<_>, CorruptRow>>()?;
            // RETURNING keeps no order: earliest due first again.
            claimed.sort_by_key(|(due, c)| (*due, c.message.id.as_uuid()));
            Ok(claimed.into_iter().map(|(_, c)| c).collect())
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
            Some(payload) => Some(serde_json::to_value(&payload).map_err(|e| DbFailure::Other(Box::new(e)))?),
            None => None,
        };
        fenced_update!(
            self,
            id,
            lease_until,
            (
                outbox::status.eq("sent"),
                outbox::sent_at.eq(Some(at)),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::locked_until.eq(None::<DateTime<Utc>>),
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
        let error = clip_error(&error);
        fenced_update!(
            self,
            id,
            lease_until,
            (
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::last_error.eq(Some(error)),
                outbox::next_attempt_at.eq(next_attempt_at),
                outbox::locked_until.eq(None::<DateTime<Utc>>),
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
        let error = clip_error(&error);
        fenced_update!(
            self,
            id,
            lease_until,
            (
                outbox::status.eq("dead"),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::last_error.eq(Some(error)),
                outbox::next_attempt_at.eq(at),
                outbox::locked_until.eq(None::<DateTime<Utc>>),
            )
        )
    }

    async fn release(&self, claims: Vec<(OutboxMessageId, DateTime<Utc>)>) -> Result<u64, OutboxRepoError> {
        if claims.is_empty() {
            return Ok(0);
        }
        with_connection(&self.pool, move |conn| {
            conn.transaction::<_, DbFailure, _>(|conn| {
                let mut released = 0;
                for (id, lease) in &claims {
                    released += diesel::update(
                        outbox::table
                            .filter(outbox::id.eq(id.as_uuid()))
                            .filter(pending())
                            .filter(outbox::locked_until.eq(*lease)),
                    )
                    .set(outbox::locked_until.eq(None::<DateTime<Utc>>))
                    .execute(conn)?;
                }
                Ok(released as u64)
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn retry_dead(&self, id: OutboxMessageId, now: DateTime<Utc>) -> Result<(), OutboxRepoError> {
        let id = id.as_uuid();
        with_connection(&self.pool, move |conn| {
            let updated = diesel::update(outbox::table.filter(outbox::id.eq(id)).filter(outbox::status.eq("dead")))
                .set((
                    outbox::status.eq("pending"),
                    outbox::attempts.eq(0),
                    outbox::next_attempt_at.eq(now),
                    outbox::locked_until.eq(None::<DateTime<Utc>>),
                ))
                .execute(conn)?;
            Guarded::of(updated, conn, id)
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
                // (created_at, id) > (at, id) as a row comparison: one range on outbox_status_idx.
                query = query.filter(
                    sql::<Bool>("(created_at, id) > (")
                        .bind::<Timestamptz, _>(at)
                        .sql(", ")
                        .bind::<SqlUuid, _>(id.as_uuid())
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
        with_connection(&self.pool, move |conn| {
            let row: StatsRow = diesel::sql_query(STATS_SQL).bind::<Timestamptz, _>(now).get_result(conn)?;
            Ok(OutboxStats {
                pending: count(row.pending)?,
                due: count(row.due)?,
                dead: count(row.dead)?,
                sent: count(row.sent)?,
                oldest_due_age: row.oldest_due.map(|oldest| now - oldest),
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }
}
