//! Bookings and their audit trail. A change is stored with its audit row and its outbox
//! messages in one call, so an adapter can make it one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use headliner_domain::booking::{AuditEvent, Booking, BookingStatus, NewBooking, StatusChange};
use headliner_domain::ids::{BookingId, CelebrityId, UserId};

use crate::Source;
use crate::accounts::Credentials;
use crate::outbox::OutboxMessage;

#[derive(Debug, thiserror::Error)]
pub enum BookingRepoError {
    #[error("no such booking")]
    NotFound,
    /// Another pending or confirmed booking of the celebrity overlaps this one (the database's
    /// exclusion constraint said so).
    #[error("the celebrity is already booked for that time")]
    Overlap,
    /// The stored version is not the expected one: someone else changed the booking first.
    #[error("the booking was changed by someone else")]
    VersionConflict,
    #[error("the booking store is unavailable")]
    Unavailable(#[source] Source),
}

/// Which bookings a listing may include: the visibility rule, decided by the use case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingScope {
    Customer(UserId),
    Celebrity(CelebrityId),
    All,
}

/// A page of bookings, newest first, filtered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingQuery {
    pub scope: BookingScope,
    pub status: Option<BookingStatus>,
    pub celebrity_id: Option<CelebrityId>,
    /// Bookings whose event ends after `from` / starts before `to`.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: u32,
    /// Opaque position from a previous page (`(created_at, id)` of its last row).
    pub after: Option<(DateTime<Utc>, BookingId)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingPage {
    pub items: Vec<Booking>,
    /// Position of the last row when more may follow.
    pub next: Option<(DateTime<Utc>, BookingId)>,
}

/// The answer of [`BookingRepository::get_as`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerAndBooking {
    pub caller: Option<Credentials>,
    pub booking: Option<Booking>,
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait BookingRepository: Send + Sync {
    /// Stores a new booking, its first audit row and its outbox messages together.
    /// `Overlap` when the slot is taken.
    async fn insert(&self, new: NewBooking, outbox: Vec<OutboxMessage>) -> Result<(), BookingRepoError>;

    async fn get(&self, id: BookingId) -> Result<Booking, BookingRepoError>;

    /// An authenticated read of one booking in one trip to the store: the credentials of the
    /// account `caller` (`None`: no such account) and the booking `id` (`None`: no such
    /// booking), read one after the other on one connection. The caller's account check and
    /// the read it guards then cost one round of the blocking pool instead of two
    /// (docs/PERFORMANCE.md, booking detail).
    async fn get_as(&self, caller: UserId, id: BookingId) -> Result<CallerAndBooking, BookingRepoError>;

    /// Stores a status change, its audit row and its outbox messages together, only if the
    /// stored version is still `change.expected_version` (else `VersionConflict`).
    async fn apply_change(&self, change: StatusChange, outbox: Vec<OutboxMessage>) -> Result<(), BookingRepoError>;

    async fn list(&self, query: BookingQuery) -> Result<BookingPage, BookingRepoError>;

    /// The audit trail, oldest first.
    async fn audit_trail(&self, id: BookingId) -> Result<Vec<AuditEvent>, BookingRepoError>;
}
