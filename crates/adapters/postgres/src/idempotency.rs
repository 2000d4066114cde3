//! `IdempotencyRepository` on Postgres: the primary key (user, key) makes a claim atomic.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use headliner_domain::ids::UserId;
use headliner_ports::idempotency::{IdempotencyError, IdempotencyRecord, IdempotencyRepository, StoredResponse};
use uuid::Uuid;

use crate::PgStore;
use crate::blocking::with_connection;
use crate::errors::{DbFailure, corrupt};
use crate::schema::idempotency_keys;

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys, check_for_backend(diesel::pg::Pg))]
struct KeyRow {
    user_id: Uuid,
    key: String,
    request_fingerprint: String,
    response_status: Option<i32>,
    response_body: Option<Vec<u8>>,
    created_at: DateTime<Utc>,
}

fn decode(r: KeyRow) -> Result<IdempotencyRecord, DbFailure> {
    let response = match (r.response_status, r.response_body) {
        (Some(status), Some(body)) => {
            Some(StoredResponse { status: u16::try_from(status).map_err(|e| corrupt("response status", e))?, body })
        }
        (None, None) => None,
        _ => return Err(corrupt("idempotency response", "status and body must be set together").into()),
    };
    Ok(IdempotencyRecord {
        user_id: UserId::from_uuid(r.user_id),
        key: r.key,
        request_fingerprint: r.request_fingerprint,
        response,
        created_at: r.created_at,
    })
}

#[async_trait]
impl IdempotencyRepository for PgStore {
    async fn claim(&self, record: IdempotencyRecord) -> Result<(), IdempotencyError> {
        let row = KeyRow {
            user_id: record.user_id.as_uuid(),
            key: record.key,
            request_fingerprint: record.request_fingerprint,
            response_status: record.response.as_ref().map(|r| i32::from(r.status)),
            response_body: record.response.map(|r| r.body),
            created_at: record.created_at,
        };
        with_connection(&self.pool, move |conn| {
            diesel::insert_into(idempotency_keys::table).values(&row).execute(conn)?;
            Ok(())
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn get(&self, user_id: UserId, key: String) -> Result<Option<IdempotencyRecord>, IdempotencyError> {
        with_connection(&self.pool, move |conn| {
            let row: Option<KeyRow> = idempotency_keys::table
                .find((user_id.as_uuid(), key))
                .select(KeyRow::as_select())
                .first(conn)
                .optional()?;
            row.map(decode).transpose()
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn complete(&self, user_id: UserId, key: String, response: StoredResponse) -> Result<(), IdempotencyError> {
        with_connection(&self.pool, move |conn| {
            let updated = diesel::update(idempotency_keys::table.find((user_id.as_uuid(), key)))
                .set((
                    idempotency_keys::response_status.eq(Some(i32::from(response.status))),
                    idempotency_keys::response_body.eq(Some(response.body)),
                ))
                .execute(conn)?;
            if updated == 0 { Err(DbFailure::NotFound) } else { Ok(()) }
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn release(&self, user_id: UserId, key: String) -> Result<(), IdempotencyError> {
        with_connection(&self.pool, move |conn| {
            diesel::delete(
                idempotency_keys::table
                    .find((user_id.as_uuid(), key))
                    .filter(idempotency_keys::response_status.is_null()),
            )
            .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }
}
