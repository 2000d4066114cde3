//! `IdempotencyRepository` on SQLite: the primary key (user, key) makes a claim atomic.

use async_trait::async_trait;
use diesel::prelude::*;
use headliner_domain::ids::UserId;
use headliner_ports::idempotency::{IdempotencyError, IdempotencyRecord, IdempotencyRepository, StoredResponse};

use crate::SqliteStore;
use crate::blocking::with_connection;
use crate::errors::{CorruptRow, DbFailure, corrupt};
use crate::rows::{id_text, instant, micros, uuid};
use crate::schema::idempotency_keys;

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys, check_for_backend(diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_default_value = false)]
struct KeyRow {
    user_id: String,
    key: String,
    request_fingerprint: String,
    response_status: Option<i32>,
    response_body: Option<Vec<u8>>,
    created_at: i64,
}

impl From<IdempotencyRecord> for KeyRow {
    fn from(record: IdempotencyRecord) -> Self {
        Self {
            user_id: id_text(record.user_id.as_uuid()),
            key: record.key,
            request_fingerprint: record.request_fingerprint,
            response_status: record.response.as_ref().map(|r| i32::from(r.status)),
            response_body: record.response.map(|r| r.body),
            created_at: micros(record.created_at),
        }
    }
}

impl TryFrom<KeyRow> for IdempotencyRecord {
    type Error = CorruptRow;

    fn try_from(r: KeyRow) -> Result<Self, Self::Error> {
        let response = match (r.response_status, r.response_body) {
            (Some(status), Some(body)) => {
                Some(StoredResponse { status: u16::try_from(status).map_err(|e| corrupt("response status", e))?, body })
            }
            (None, None) => None,
            _ => return Err(corrupt("idempotency response", "status and body must be set together")),
        };
        Ok(Self {
            user_id: UserId::from_uuid(uuid("idempotency user id", &r.user_id)?),
            key: r.key,
            request_fingerprint: r.request_fingerprint,
            response,
            created_at: instant("idempotency created_at", r.created_at)?,
        })
    }
}

#[async_trait]
impl IdempotencyRepository for SqliteStore {
    async fn claim(&self, record: IdempotencyRecord) -> Result<(), IdempotencyError> {
        let row = KeyRow::from(record);
        with_connection(&self.pool, move |conn| {
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                diesel::insert_into(idempotency_keys::table).values(&row).execute(conn)?;
                Ok(())
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn get(&self, user_id: UserId, key: String) -> Result<Option<IdempotencyRecord>, IdempotencyError> {
        with_connection(&self.pool, move |conn| {
            let row: Option<KeyRow> = idempotency_keys::table
                .find((id_text(user_id.as_uuid()), key))
                .select(KeyRow::as_select())
                .first(conn)
                .optional()?;
            Ok(row.map(IdempotencyRecord::try_from).transpose()?)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn complete(&self, user_id: UserId, key: String, response: StoredResponse) -> Result<(), IdempotencyError> {
        with_connection(&self.pool, move |conn| {
            let updated = diesel::update(idempotency_keys::table.find((id_text(user_id.as_uuid()), key)))
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
                    .find((id_text(user_id.as_uuid()), key))
                    .filter(idempotency_keys::response_status.is_null()),
            )
            .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }
}
