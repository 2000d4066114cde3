//! Booking use cases: request, read, list, and the lifecycle changes. Each takes the acting
//! principal and decides what it may see and do; a booking the actor may not see is
//! `NotFound`, never `Forbidden`, so ids cannot be probed.

mod change;
mod notify;

pub mod cancel;
pub mod complete;
pub mod confirm;
pub mod get;
pub mod list;
pub mod reject;
pub mod request;

#[cfg(test)]
mod testing;

use std::sync::Arc;

use headliner_domain::pricing::{PricingPolicy, RefundPolicy};
use headliner_ports::bookings::BookingRepository;
use headliner_ports::celebrities::CelebrityRepository;
use headliner_ports::clock::{Clock, IdGenerator};
use headliner_ports::events::EventPublisher;
use headliner_ports::outbox::OutboxRepository;
use headliner_ports::payments::PaymentGateway;
use headliner_ports::users::UserRepository;
use headliner_ports::workflow::WorkflowRuleRepository;

pub use change::ChangeError;

/// The ports and policies the booking use cases share (and nothing else of the app).
#[derive(Clone)]
pub struct BookingPorts {
    pub bookings: Arc<dyn BookingRepository>,
    pub celebrities: Arc<dyn CelebrityRepository>,
    pub users: Arc<dyn UserRepository>,
    pub payments: Arc<dyn PaymentGateway>,
    pub events: Arc<dyn EventPublisher>,
    /// Which emails each change sends (read once per change, before it is stored).
    pub workflow: Arc<dyn WorkflowRuleRepository>,
    /// For payment follow-ups that are not part of a booking write (compensations).
    pub outbox: Arc<dyn OutboxRepository>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    pub pricing: PricingPolicy,
    pub refunds: RefundPolicy,
    /// Base URL of the web client, for links in emails (`{app_url}/bookings/{id}`).
    pub app_url: String,
}

impl std::fmt::Debug for BookingPorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BookingPorts")
            .field("pricing", &self.pricing)
            .field("refunds", &self.refunds)
            .field("app_url", &self.app_url)
            .finish_non_exhaustive()
    }
}

/// The idempotency key of one payment operation on one booking: stable across retries.
fn payment_key(booking: headliner_domain::ids::BookingId, operation: &str) -> String {
    format!("booking:{booking}:{operation}")
}
