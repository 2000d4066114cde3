//! Idempotent creation: the same key and request return the first response.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use headliner_domain::ids::UserId;

use crate::Source;

/// What was recorded for a key: a fingerprint of the request and, once done, the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub user_id: UserId,
    pub key: String,
    pub request_fingerprint: String,
    /// `None` while the first request is still in flight.
    pub response: Option<StoredResponse>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum IdempotencyError {
    /// The key is already recorded for this user (the caller reads it and compares).
    #[error("the idempotency key is already in use")]
    KeyExists,
    #[error("the idempotency store is unavailable")]
    Unavailable(#[source] Source),
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait IdempotencyRepository: Send + Sync {
    /// Claims a key for a request in flight; `KeyExists` when it was claimed before.
    async fn claim(&self, record: IdempotencyRecord) -> Result<(), IdempotencyError>;

    async fn get(&self, user_id: UserId, key: String) -> Result<Option<IdempotencyRecord>, IdempotencyError>;

    /// Records the response of a claimed key.
    async fn complete(&self, user_id: UserId, key: String, response: StoredResponse) -> Result<(), IdempotencyError>;

    /// Forgets a claim whose request failed before producing a response worth replaying.
    async fn release(&self, user_id: UserId, key: String) -> Result<(), IdempotencyError>;
}
