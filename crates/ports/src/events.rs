//! Live notifications of booking changes (WebSocket fan-out in the real-time issue).

use async_trait::async_trait;
use headliner_domain::booking::{BookingEvent, BookingStatus};
use headliner_domain::ids::{BookingId, CelebrityId, UserId};

/// What people involved in a booking are told, live, after a change is committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingNotice {
    pub booking_id: BookingId,
    pub customer_id: UserId,
    pub celebrity_id: CelebrityId,
    pub status: BookingStatus,
    pub version: i64,
    pub event: BookingEvent,
}

/// Best effort: a lost live notice is repaired by the next read; the outbox carries what must
/// not be lost.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait EventPublisher: Send + Sync {
    async fn publish(&self, notice: BookingNotice);
}
