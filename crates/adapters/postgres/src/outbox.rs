//! The outbox table: written inside other transactions, read by the relay and the admin view.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use headliner_domain::ids::{BookingId, OutboxMessageId};
use headliner_ports::outbox::{OutboxMessage, OutboxPayload, OutboxRepoError, OutboxRepository, OutboxStatus};
use uuid::Uuid;

use crate::PgStore;
use crate::blocking::with_connection;
use crate::errors::{DbFailure, corrupt};
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
}
