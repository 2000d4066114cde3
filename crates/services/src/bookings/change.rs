//! What every lifecycle change shares: find the booking the actor may see, honour
//! `If-Match`, and commit the change with its audit row and outbox messages in one call.

use headliner_domain::booking::{Booking, StatusChange, TransitionError};
use headliner_domain::ids::BookingId;
use headliner_domain::role::Actor;
use headliner_ports::Source;
use headliner_ports::bookings::BookingRepoError;
use headliner_ports::outbox::OutboxPayload;

use super::BookingPorts;
use super::notify::{PaymentMail, RecipientsUnavailable, announce, booking_emails, command};

/// Why a lifecycle change (confirm, reject, cancel, complete) did not happen. Nothing was
/// written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// Missing, or not visible to the actor.
    #[error("no such booking")]
    NotFound,
    /// The lifecycle forbids the change (`InvalidTransition`) or this actor may not make it
    /// (`Forbidden`).
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// `If-Match` named another version than the stored one.
    #[error("the booking is at version {actual}, not {expected}")]
    StaleVersion { expected: i64, actual: i64 },
    /// Someone else changed the booking between our read and our write.
    #[error("the booking was changed by someone else at the same time")]
    VersionConflict,
    #[error("a dependency is unavailable")]
    Unavailable(#[source] Source),
}

impl From<BookingRepoError> for ChangeError {
    fn from(e: BookingRepoError) -> Self {
        match e {
            BookingRepoError::NotFound => Self::NotFound,
            BookingRepoError::VersionConflict => Self::VersionConflict,
            // A status change never moves the time range, so the store cannot report an
            // overlap for it; if it does, that is a fault, not the caller's conflict.
            BookingRepoError::Overlap => Self::Unavailable("overlap reported for a status change".into()),
            BookingRepoError::Unavailable(source) => Self::Unavailable(source),
        }
    }
}

impl From<RecipientsUnavailable> for ChangeError {
    fn from(e: RecipientsUnavailable) -> Self {
        Self::Unavailable(Box::new(e))
    }
}

/// The booking, if `actor` may see it and it is at `if_match` (when given).
pub(crate) async fn load_for_change(
    ports: &BookingPorts,
    id: BookingId,
    actor: &Actor,
    if_match: Option<i64>,
) -> Result<Booking, ChangeError> {
    let booking = ports.bookings.get(id).await?;
    if !booking.is_visible_to(actor) {
        return Err(ChangeError::NotFound);
    }
    if let Some(expected) = if_match.filter(|v| *v != booking.version) {
        return Err(ChangeError::StaleVersion { expected, actual: booking.version });
    }
    Ok(booking)
}

/// Stores `change` with its emails (and `payment` command, if any) in one repository call,
/// then tells the people involved live. Returns the booking as stored.
pub(crate) async fn commit(
    ports: &BookingPorts,
    change: StatusChange,
    payment: Option<OutboxPayload>,
    payment_mail: Option<PaymentMail>,
) -> Result<Booking, ChangeError> {
    let at = change.audit.at;
    let reason = change.audit.reason.clone();
    let mut outbox = booking_emails(ports, &change.booking, change.event, reason.as_deref(), payment_mail, at).await?;
    if let Some(payload) = payment {
        outbox.push(command(ports, Some(change.booking.id), payload, at));
    }
    let booking = change.booking.clone();
    let event = change.event;
    ports.bookings.apply_change(change, outbox).await?;
    announce(ports, &booking, event).await;
    Ok(booking)
}
