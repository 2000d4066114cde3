//! Read one booking, and its audit trail, as someone involved in it.

use headliner_domain::booking::{AuditEvent, Booking};
use headliner_domain::ids::BookingId;
use headliner_domain::role::Actor;
use headliner_ports::Source;
use headliner_ports::bookings::BookingRepoError;

use super::BookingPorts;

#[derive(Debug, thiserror::Error)]
pub enum GetBookingError {
    /// Missing, or not visible to the actor (the two are indistinguishable on purpose).
    #[error("no such booking")]
    NotFound,
    #[error("the booking store is unavailable")]
    Unavailable(#[source] Source),
}

impl From<BookingRepoError> for GetBookingError {
    fn from(e: BookingRepoError) -> Self {
        match e {
            BookingRepoError::NotFound => Self::NotFound,
            BookingRepoError::Overlap | BookingRepoError::VersionConflict => {
                Self::Unavailable(format!("unexpected answer to a read: {e}").into())
            }
            BookingRepoError::Unavailable(source) => Self::Unavailable(source),
        }
    }
}

/// The customer who asked, talent of the celebrity, admins and the system see a booking.
pub async fn get_booking(ports: &BookingPorts, actor: &Actor, id: BookingId) -> Result<Booking, GetBookingError> {
    let booking = ports.bookings.get(id).await?;
    if booking.is_visible_to(actor) { Ok(booking) } else { Err(GetBookingError::NotFound) }
}

/// The audit trail, oldest first, for whoever may see the booking.
pub async fn booking_audit_trail(
    ports: &BookingPorts,
    actor: &Actor,
    id: BookingId,
) -> Result<Vec<AuditEvent>, GetBookingError> {
    get_booking(ports, actor, id).await?;
    Ok(ports.bookings.audit_trail(id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bookings::testing::*;

    #[tokio::test]
    async fn involved_people_and_admins_see_the_booking() {
        for actor in [customer(), talent(), admin()] {
            let mut mocks = Mocks::new();
            mocks.booking_is(pending_booking());
            assert_eq!(get_booking(&mocks.ports(), &actor, booking_id()).await.unwrap().id, booking_id());
        }
    }

    #[tokio::test]
    async fn another_customer_or_talent_gets_not_found_not_forbidden() {
        for actor in [other_customer(), other_talent()] {
            let mut mocks = Mocks::new();
            mocks.booking_is(pending_booking());
            mocks.bookings.expect_audit_trail().never();
            assert!(matches!(get_booking(&mocks.ports(), &actor, booking_id()).await, Err(GetBookingError::NotFound)));
            let mut mocks = Mocks::new();
            mocks.booking_is(pending_booking());
            mocks.bookings.expect_audit_trail().never();
            assert!(matches!(
                booking_audit_trail(&mocks.ports(), &actor, booking_id()).await,
                Err(GetBookingError::NotFound)
            ));
        }
    }
}
