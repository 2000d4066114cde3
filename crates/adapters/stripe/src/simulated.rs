//! The zero-setup gateway: every authorisation, capture, release and refund succeeds and is
//! written to the log (target `headliner::payments`); no money moves. Operators see at start-up
//! that payments are simulated (`PaymentsConfig::describe`).

use async_trait::async_trait;
use headliner_domain::ids::BookingId;
use headliner_domain::money::Money;
use headliner_ports::payments::{PaymentError, PaymentGateway};

#[derive(Debug, Clone, Copy, Default)]
pub struct SimulatedGateway;

fn record(operation: &str, booking: BookingId, amount: Option<Money>, key: &str) {
    match amount {
        Some(m) => tracing::info!(target: "headliner::payments", %booking, amount_minor = m.amount_minor,
            currency = m.currency.code(), idempotency_key = key, "simulated {operation}"),
        None => tracing::info!(target: "headliner::payments", %booking, idempotency_key = key, "simulated {operation}"),
    }
}

#[async_trait]
impl PaymentGateway for SimulatedGateway {
    async fn authorize(&self, booking: BookingId, amount: Money, idempotency_key: String) -> Result<(), PaymentError> {
        record("authorisation", booking, Some(amount), &idempotency_key);
        Ok(())
    }

    async fn capture(&self, booking: BookingId, amount: Money, idempotency_key: String) -> Result<(), PaymentError> {
        record("capture", booking, Some(amount), &idempotency_key);
        Ok(())
    }

    async fn release(&self, booking: BookingId, idempotency_key: String) -> Result<(), PaymentError> {
        record("release", booking, None, &idempotency_key);
        Ok(())
    }

    async fn refund(&self, booking: BookingId, amount: Money, idempotency_key: String) -> Result<(), PaymentError> {
        record("refund", booking, Some(amount), &idempotency_key);
        Ok(())
    }
}
