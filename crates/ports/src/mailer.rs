//! Sending one rendered email.

use async_trait::async_trait;
use headliner_domain::email::EmailAddress;

use crate::Source;

/// A rendered message ready for the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: EmailAddress,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// Stable across retries (derived from the outbox id) so receivers can drop duplicates.
    pub message_id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The relay refused the message for good (bad recipient, policy): do not retry.
    #[error("the message was rejected: {0}")]
    Rejected(String),
    /// The relay could not be reached or deferred: retry later.
    #[error("the mail relay is unavailable")]
    Unavailable(#[source] Source),
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: OutgoingEmail) -> Result<(), MailError>;
}
