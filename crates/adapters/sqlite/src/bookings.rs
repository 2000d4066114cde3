//! `BookingRepository` on SQLite: every write is one IMMEDIATE transaction holding the booking,
//! its audit row and its outbox messages; the `bookings_no_overlap_*` triggers forbid
//! overlapping bookings, and a check in the same transaction a booking overlapping a blocked
//! period.

use async_trait::async_trait;
use diesel::prelude::*;
use headliner_domain::booking::{AuditEvent, Booking, NewBooking, StatusChange};
use headliner_domain::ids::{BookingId, UserId};
use headliner_ports::bookings::{
    BookingPage, BookingQuery, BookingRepoError, BookingRepository, BookingScope, CallerAndBooking,
};
use headliner_ports::outbox::OutboxMessage;

use crate::SqliteStore;
use crate::accounts::find_credentials;
use crate::blocking::with_connection;
use crate::calendar::blocked_during;
use crate::errors::DbFailure;
use crate::outbox::insert_messages;
use crate::rows::{AuditRow, BookingRow, NewAuditRow, id_text, micros};
use crate::schema::{booking_events, bookings};

fn decode(row: BookingRow) -> Result<Booking, DbFailure> {
    Ok(Booking::try_from(row)?)
}

#[async_trait]
impl BookingRepository for SqliteStore {
    async fn insert(&self, new: NewBooking, outbox: Vec<OutboxMessage>) -> Result<(), BookingRepoError> {
        with_connection(&self.pool, move |conn| {
            // IMMEDIATE takes the write lock first, so the blocked-period probe, the overlap
            // trigger's check and the insert see no concurrent writer in between.
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                let row = BookingRow::from(&new.booking);
                if new.booking.status.holds_slot() && blocked_during(conn, &row.celebrity_id, new.booking.during)? {
                    return Err(DbFailure::Overlap);
                }
                diesel::insert_into(bookings::table).values(row).execute(conn)?;
                diesel::insert_into(booking_events::table).values(NewAuditRow::from(&new.audit)).execute(conn)?;
                insert_messages(conn, &outbox)?;
                Ok(())
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn get(&self, id: BookingId) -> Result<Booking, BookingRepoError> {
        with_connection(&self.pool, move |conn| {
            let row = bookings::table.find(id_text(id.as_uuid())).select(BookingRow::as_select()).first(conn)?;
            decode(row)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn get_as(&self, caller: UserId, id: BookingId) -> Result<CallerAndBooking, BookingRepoError> {
        with_connection(&self.pool, move |conn| {
            let caller = find_credentials(conn, caller)?;
            let row =
                bookings::table.find(id_text(id.as_uuid())).select(BookingRow::as_select()).first(conn).optional()?;
            Ok(CallerAndBooking { caller, booking: row.map(decode).transpose()? })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn apply_change(&self, change: StatusChange, outbox: Vec<OutboxMessage>) -> Result<(), BookingRepoError> {
        with_connection(&self.pool, move |conn| {
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                let b = &change.booking;
                let id = id_text(b.id.as_uuid());
                // The version check and the write are one statement: a concurrent writer that
                // committed first has moved the version on, so this matches no row.
                let updated =
                    diesel::update(bookings::table.find(&id).filter(bookings::version.eq(change.expected_version)))
                        .set((
                            bookings::status.eq(b.status.as_str()),
                            bookings::version.eq(b.version),
                            bookings::updated_at.eq(micros(b.updated_at)),
                        ))
                        .execute(conn)?;
                if updated == 0 {
                    let exists = diesel::select(diesel::dsl::exists(bookings::table.find(&id))).get_result(conn)?;
                    return Err(if exists { DbFailure::VersionMismatch } else { DbFailure::NotFound });
                }
                diesel::insert_into(booking_events::table).values(NewAuditRow::from(&change.audit)).execute(conn)?;
                insert_messages(conn, &outbox)?;
                Ok(())
            })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn list(&self, query: BookingQuery) -> Result<BookingPage, BookingRepoError> {
        with_connection(&self.pool, move |conn| {
            let mut q = bookings::table.select(BookingRow::as_select()).into_boxed();
            q = match query.scope {
                BookingScope::Customer(user) => q.filter(bookings::customer_id.eq(id_text(user.as_uuid()))),
                BookingScope::Celebrity(celebrity) => q.filter(bookings::celebrity_id.eq(id_text(celebrity.as_uuid()))),
                BookingScope::All => q,
            };
            if let Some(status) = query.status {
                q = q.filter(bookings::status.eq(status.as_str()));
            }
            if let Some(celebrity) = query.celebrity_id {
                q = q.filter(bookings::celebrity_id.eq(id_text(celebrity.as_uuid())));
            }
            if let Some(from) = query.from {
                q = q.filter(bookings::ends_at.gt(micros(from)));
            }
            if let Some(to) = query.to {
                q = q.filter(bookings::starts_at.lt(micros(to)));
            }
            // Ids are lower-case hyphenated hex of fixed width, so their text order (BINARY
            // collation) is the UUID order, the same order `ORDER BY id DESC` uses below.
            if let Some((at, id)) = query.after {
                let (at, id) = (micros(at), id_text(id.as_uuid()));
                // `created_at <= at` bounds the index range; the OR alone would only filter.
                q = q
                    .filter(bookings::created_at.le(at))
                    .filter(bookings::created_at.lt(at).or(bookings::created_at.eq(at).and(bookings::id.lt(id))));
            }
            let limit = i64::from(query.limit.max(1));
            let rows: Vec<BookingRow> =
                q.order((bookings::created_at.desc(), bookings::id.desc())).limit(limit + 1).load(conn)?;
            let more = rows.len() as i64 > limit;
            let items = rows.into_iter().take(limit as usize).map(decode).collect::<Result<Vec<_>, _>>()?;
            let next = if more { items.last().map(|b| (b.created_at, b.id)) } else { None };
            Ok(BookingPage { items, next })
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn audit_trail(&self, id: BookingId) -> Result<Vec<AuditEvent>, BookingRepoError> {
        with_connection(&self.pool, move |conn| {
            let rows: Vec<AuditRow> = booking_events::table
                .filter(booking_events::booking_id.eq(id_text(id.as_uuid())))
                .order(booking_events::id.asc())
                .select(AuditRow::as_select())
                .load(conn)?;
            rows.into_iter().map(|r| AuditEvent::try_from(r).map_err(DbFailure::from)).collect()
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }
}
