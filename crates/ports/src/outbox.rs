//! The outbox: messages written in the same transaction as the change that caused them, sent
//! afterwards by a relay with retries. Nothing is sent that was not committed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::{BookingId, OutboxMessageId};
use headliner_domain::money::Money;
use headliner_domain::templates::{TemplateData, TemplateKey};
use serde::{Deserialize, Serialize};

use crate::Source;

/// What the relay must do with a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutboxPayload {
    /// Render `template` with `data` (at send time, with the then-current template) and mail it.
    Email { to: EmailAddress, template: TemplateKey, data: Box<TemplateData> },
    /// Release the payment hold of a booking that will not happen.
    ReleasePayment { booking_id: BookingId },
    /// Refund part or all of a captured payment.
    RefundPayment { booking_id: BookingId, amount: Money },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: OutboxMessageId,
    pub created_at: DateTime<Utc>,
    /// The booking that caused it, if any (for the admin view and for ordering).
    pub booking_id: Option<BookingId>,
    pub payload: OutboxPayload,
}

/// Where a message is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxStatus {
    Pending,
    Sent,
    Dead,
}

#[derive(Debug, thiserror::Error)]
pub enum OutboxRepoError {
    #[error("no such outbox message")]
    NotFound,
    #[error("the outbox is unavailable")]
    Unavailable(#[source] Source),
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait OutboxRepository: Send + Sync {
    /// Messages not tied to a booking change (password reset, welcome), stored on their own.
    async fn enqueue(&self, messages: Vec<OutboxMessage>) -> Result<(), OutboxRepoError>;

    /// Messages in `status`, oldest first, at most `limit`.
    async fn list(&self, status: OutboxStatus, limit: u32) -> Result<Vec<OutboxMessage>, OutboxRepoError>;
}
