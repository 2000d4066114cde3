//! Request a booking: price it, hold the money, store it with its audit row and emails.

use chrono::{DateTime, Utc};
use headliner_domain::booking::{Booking, BookingRequest, RequestError};
use headliner_domain::ids::BookingId;
use headliner_domain::money::MoneyError;
use headliner_domain::role::Actor;
use headliner_ports::Source;
use headliner_ports::bookings::BookingRepoError;
use headliner_ports::celebrities::CelebrityRepoError;
use headliner_ports::outbox::OutboxPayload;
use headliner_ports::payments::PaymentError;

use super::notify::{announce, booking_emails, command};
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
            CelebrityRepoError::SlugTaken | CelebrityRepoError::UnknownCategory | CelebrityRepoError::Overlap => {
                Self::Unavailable("unexpected answer to a read".into())
            }
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
/// refuses (overlap) the hold is released again before the error is returned.
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
    match ports.bookings.insert(new, outbox).await {
        Ok(()) => {}
        // The outcome is unknown (the store failed mid-way): if the booking exists after all,
        // the request succeeded; if the store cannot say, the hold is left alone rather than
        // risk releasing a live booking's money (holds lapse at the gateway on their own).
        Err(BookingRepoError::Unavailable(source)) => match ports.bookings.get(id).await {
            Ok(_) => {}
            Err(BookingRepoError::NotFound) => {
                return Err(undo_hold(ports, id, RequestBookingError::Unavailable(source), now).await);
            }
            Err(BookingRepoError::Unavailable(_) | BookingRepoError::Overlap | BookingRepoError::VersionConflict) => {
                return Err(RequestBookingError::Unavailable(source));
            }
        },
        Err(BookingRepoError::Overlap) => return Err(undo_hold(ports, id, RequestBookingError::Overlap, now).await),
        Err(refused @ (BookingRepoError::NotFound | BookingRepoError::VersionConflict)) => {
            let error = RequestBookingError::Unavailable(format!("unexpected answer to an insert: {refused}").into());
            return Err(undo_hold(ports, id, error, now).await);
        }
    }
    announce(ports, &booking, event).await;
    Ok(booking)
}

/// The booking was not stored, so its hold is released now, or through the outbox when the
/// gateway cannot be reached. Returns the error to report.
async fn undo_hold(
    ports: &BookingPorts,
    id: BookingId,
    error: RequestBookingError,
    now: DateTime<Utc>,
) -> RequestBookingError {
    if ports.payments.release(id, payment_key(id, "release")).await.is_err() {
        // Not tied to the booking: it was never stored.
        let message = command(ports, None, OutboxPayload::ReleasePayment { booking_id: id }, now);
        if let Err(e) = ports.outbox.enqueue(vec![message]).await {
            return RequestBookingError::Unavailable(Box::new(e));
        }
    }
    error
}

#[cfg(test)]
mod tests;
