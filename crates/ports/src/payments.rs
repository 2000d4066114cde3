//! Holding, capturing, releasing and refunding a booking's payment. Every call carries an
//! idempotency key, so a retry never charges twice.

use async_trait::async_trait;
use headliner_domain::ids::BookingId;
use headliner_domain::money::Money;

use crate::Source;

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The customer's payment method refused: not retryable as is.
    #[error("the payment was declined: {0}")]
    Declined(String),
    /// The gateway could not be reached or failed: retry with the same idempotency key.
    #[error("the payment gateway is unavailable")]
    Unavailable(#[source] Source),
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait PaymentGateway: Send + Sync {
    /// Places a hold of `amount` for the booking.
    async fn authorize(&self, booking: BookingId, amount: Money, idempotency_key: String) -> Result<(), PaymentError>;

    /// Takes the held money.
    async fn capture(&self, booking: BookingId, amount: Money, idempotency_key: String) -> Result<(), PaymentError>;

    /// Lets the hold go.
    async fn release(&self, booking: BookingId, idempotency_key: String) -> Result<(), PaymentError>;

    /// Returns `amount` of captured money.
    async fn refund(&self, booking: BookingId, amount: Money, idempotency_key: String) -> Result<(), PaymentError>;
}
