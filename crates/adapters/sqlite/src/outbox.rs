//! The outbox table: written inside other transactions, read by the relay and the admin view.

use async_trait::async_trait;
use diesel::prelude::*;
use headliner_domain::ids::{BookingId, OutboxMessageId};
use headliner_ports::outbox::{OutboxMessage, OutboxPayload, OutboxRepoError, OutboxRepository, OutboxStatus};

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
}
