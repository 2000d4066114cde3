//! The outbox: messages written in the same transaction as the change that caused them, sent
//! afterwards by a relay with retries. Nothing is sent that was not committed.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
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

/// What replaces a secret in a sent message's stored payload.
pub const SCRUBBED: &str = "(removed once sent)";

impl OutboxPayload {
    /// The payload to keep once the message is sent, when it carries a secret that must not
    /// outlive the sending (a password-reset link is a credential until it expires): `None`
    /// when there is nothing to remove.
    pub fn scrubbed(&self) -> Option<OutboxPayload> {
        let Self::Email { to, template, data } = self else { return None };
        let TemplateData::PasswordReset(reset) = data.as_ref() else { return None };
        let mut reset = reset.clone();
        reset.reset_url = SCRUBBED.to_owned();
        Some(Self::Email { to: to.clone(), template: *template, data: Box::new(TemplateData::PasswordReset(reset)) })
    }
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

/// A message the relay has claimed: nobody else claims it until `lease_until`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedMessage {
    pub message: OutboxMessage,
    /// Delivery attempts that ended (sent, failed or dead) before this claim.
    pub attempts: u32,
    /// The end of the lease, exactly as stored (whole microseconds): the fencing token to pass
    /// back to `mark_sent`, `mark_failed`, `mark_dead` and `release`.
    pub lease_until: DateTime<Utc>,
}

/// A message with its delivery state, for the admin view.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub message: OutboxMessage,
    pub status: OutboxStatus,
    /// Delivery attempts that ended (sent, failed or dead); 0 again after `retry_dead`.
    pub attempts: u32,
    /// When a pending message is due next (for sent and dead ones: when it last was).
    pub next_attempt_at: DateTime<Utc>,
    /// The error of the last failed attempt (at most [`LAST_ERROR_MAX_CHARS`] characters); kept
    /// until a later failure overwrites it.
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Counts for the relay's metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxStats {
    /// Pending messages, due or not, claimed or not.
    pub pending: u64,
    /// Pending messages with `next_attempt_at <= now` (the backlog; claimed ones included).
    pub due: u64,
    pub dead: u64,
    pub sent: u64,
    /// `now - min(next_attempt_at)` over the due messages; `None` when nothing is due.
    pub oldest_due_age: Option<Duration>,
}

/// `last_error` is cut to this many characters (not bytes) when stored.
pub const LAST_ERROR_MAX_CHARS: usize = 2000;

/// `error` cut to [`LAST_ERROR_MAX_CHARS`] characters, as the stores keep it.
pub fn clip_error(error: &str) -> String {
    error.chars().take(LAST_ERROR_MAX_CHARS).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum OutboxRepoError {
    #[error("no such outbox message")]
    NotFound,
    /// The message is no longer pending under the lease given: the lease expired and another
    /// claim took it, it was released, or it was already marked. Nothing was changed.
    #[error("the outbox message is no longer held under this lease")]
    LeaseLost,
    /// `retry_dead` of a message that is pending or sent. Nothing was changed.
    #[error("the outbox message is not dead")]
    NotDead,
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

    /// Claims at most `limit` pending messages that are due (`next_attempt_at <= now`) and not
    /// leased (`locked_until` null or `<= now`), earliest due first, leasing each until
    /// `now + lease` (cut to whole microseconds) in the same statement (Postgres: `FOR UPDATE
    /// SKIP LOCKED`, so concurrent claimers never get the same message; SQLite: one IMMEDIATE
    /// transaction). Attempts are not counted here but when the claim ends (`mark_*`).
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedMessage>, OutboxRepoError>;

    /// The claimed message was delivered: status sent, `sent_at = at`, attempts + 1, lease
    /// cleared, and the payload replaced by `scrubbed` when given (a secret it carried, see
    /// [`OutboxPayload::scrubbed`]). Only while it is still pending under `lease_until` (the
    /// fencing token), else `LeaseLost`; `NotFound` when there is no such message.
    async fn mark_sent(
        &self,
        id: OutboxMessageId,
        lease_until: DateTime<Utc>,
        at: DateTime<Utc>,
        scrubbed: Option<OutboxPayload>,
    ) -> Result<(), OutboxRepoError>;

    /// The attempt failed and will be retried: attempts + 1, `last_error` (clipped, see
    /// [`clip_error`]), `next_attempt_at` as given (the caller's backoff), lease cleared. Same
    /// fencing and errors as `mark_sent`.
    async fn mark_failed(
        &self,
        id: OutboxMessageId,
        lease_until: DateTime<Utc>,
        error: String,
        next_attempt_at: DateTime<Utc>,
    ) -> Result<(), OutboxRepoError>;

    /// The attempt failed for the last time: status dead, attempts + 1, `last_error` (clipped),
    /// lease cleared. `at` is stored as `next_attempt_at` (when it died). Same fencing and
    /// errors as `mark_sent`.
    async fn mark_dead(
        &self,
        id: OutboxMessageId,
        lease_until: DateTime<Utc>,
        error: String,
        at: DateTime<Utc>,
    ) -> Result<(), OutboxRepoError>;

    /// Gives claims back unattempted (graceful shutdown): clears the lease of each message
    /// still pending under its lease, without counting an attempt; others are left alone.
    /// Returns how many were released.
    async fn release(&self, claims: Vec<(OutboxMessageId, DateTime<Utc>)>) -> Result<u64, OutboxRepoError>;

    /// An admin's retry of a dead message: pending again, due at `now`, attempts 0, no lease
    /// (`last_error` is kept). `NotFound` when there is no such message, `NotDead` when it is
    /// pending or sent.
    async fn retry_dead(&self, id: OutboxMessageId, now: DateTime<Utc>) -> Result<(), OutboxRepoError>;

    /// Messages in `status` with their delivery state, oldest first by `(created_at, id)`, at
    /// most `limit`, starting after the keyset `after` (the last entry's `(created_at, id)`).
    async fn list_details(
        &self,
        status: OutboxStatus,
        limit: u32,
        after: Option<(DateTime<Utc>, OutboxMessageId)>,
    ) -> Result<Vec<OutboxEntry>, OutboxRepoError>;

    /// Counts per status and the age of the oldest due message, as of `now`.
    async fn stats(&self, now: DateTime<Utc>) -> Result<OutboxStats, OutboxRepoError>;
}
