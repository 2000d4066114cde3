//! Request a booking: price it, hold the money, store it with its audit row and emails.

use headliner_domain::booking::{Booking, BookingRequest, RequestError};
use headliner_domain::ids::BookingId;
use headliner_domain::money::MoneyError;
use headliner_domain::role::Actor;
use headliner_ports::Source;
use headliner_ports::bookings::BookingRepoError;
use headliner_ports::celebrities::CelebrityRepoError;
use headliner_ports::payments::PaymentError;

use super::notify::{announce, booking_emails};
use super::{BookingPorts, payment_key};

#[derive(Debug, thiserror::Error)]
pub enum RequestBookingError {
    /// Only customers request bookings.
    #[error("only customers may request bookings")]
    Forbidden,
    /// No such celebrity, or one no longer bookable.
    #[error("no such celebrity")]
    CelebrityNotFound,
    #[error(transparent)]
    Invalid(#[from] RequestError),
    #[error("the price could not be computed")]
    Price(#[source] MoneyError),
    /// Another pending or confirmed booking of the celebrity overlaps this time.
    #[error("the celebrity is already booked for that time")]
    Overlap,
    #[error("the payment was declined: {0}")]
    PaymentDeclined(String),
    #[error("a dependency is unavailable")]
    Unavailable(#[source] Source),
}

impl From<CelebrityRepoError> for RequestBookingError {
    fn from(e: CelebrityRepoError) -> Self {
        match e {
            CelebrityRepoError::NotFound => Self::CelebrityNotFound,
            CelebrityRepoError::SlugTaken => Self::Unavailable("unexpected answer to a read".into()),
            CelebrityRepoError::Unavailable(source) => Self::Unavailable(source),
        }
    }
}

impl From<PaymentError> for RequestBookingError {
    fn from(e: PaymentError) -> Self {
        match e {
            PaymentError::Declined(reason) => Self::PaymentDeclined(reason),
            PaymentError::Unavailable(source) => Self::Unavailable(source),
        }
    }
}

/// Validates and prices the request, places a payment hold (idempotency key per booking id),
/// then stores the pending booking with its audit row and emails in one call. When the store
/// refuses (overlap or failure) the hold is released again before the error is returned.
pub async fn request_booking(
    ports: &BookingPorts,
    actor: &Actor,
    input: BookingRequest,
) -> Result<Booking, RequestBookingError> {
    let Actor::Customer { user_id } = *actor else { return Err(RequestBookingError::Forbidden) };
    let celebrity = ports.celebrities.get(input.celebrity_id).await?;
    if celebrity.deleted {
        return Err(RequestBookingError::CelebrityNotFound);
    }
    let now = ports.clock.now();
    let price = ports.pricing.quote(celebrity.base_price, &input.during).map_err(RequestBookingError::Price)?;
    let id = BookingId::from_uuid(ports.ids.new_id());
    let new = Booking::request(id, user_id, input, price, now)?;
    let outbox = booking_emails(ports, &new.booking, new.event, None, None, now)
        .await
        .map_err(|e| RequestBookingError::Unavailable(Box::new(e)))?;
    ports.payments.authorize(id, price, payment_key(id, "authorize")).await?;
    let booking = new.booking.clone();
    let event = new.event;
    if let Err(stored) = ports.bookings.insert(new, outbox).await {
        // Best effort: a failed release is retried by the payments reconciliation (the hold
        // also lapses on its own at the gateway).
        let _ = ports.payments.release(id, payment_key(id, "release")).await;
        return Err(match stored {
            BookingRepoError::Overlap => RequestBookingError::Overlap,
            BookingRepoError::Unavailable(source) => RequestBookingError::Unavailable(source),
            BookingRepoError::NotFound | BookingRepoError::VersionConflict => {
                RequestBookingError::Unavailable(format!("unexpected answer to an insert: {stored}").into())
            }
        });
    }
    announce(ports, &booking, event).await;
    Ok(booking)
}

#[cfg(test)]
mod tests;
