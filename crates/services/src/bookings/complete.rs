//! Complete a confirmed booking once the event has happened.

use headliner_domain::booking::{Booking, BookingStatus};
use headliner_domain::ids::BookingId;
use headliner_domain::role::Actor;

use super::BookingPorts;
use super::change::{ChangeError, commit, load_for_change};

/// Talent, an admin, or the system (the event has ended) completes.
pub async fn complete_booking(
    ports: &BookingPorts,
    actor: &Actor,
    id: BookingId,
    if_match: Option<i64>,
) -> Result<Booking, ChangeError> {
    let booking = load_for_change(ports, id, actor, if_match).await?;
    let change = booking.transition(BookingStatus::Completed, actor, None, ports.clock.now())?;
    commit(ports, change, None, None).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bookings::testing::*;

    #[tokio::test]
    async fn the_system_completes_a_confirmed_booking_and_thanks_the_customer() {
        let mut mocks = Mocks::new();
        mocks.booking_is(finished_booking());
        mocks.expect_participants();
        let stored = mocks.capture_apply_change();
        mocks.expect_publish(1);
        let booking = complete_booking(&mocks.ports(), &Actor::System, booking_id(), None).await.unwrap();
        assert_eq!(booking.status, BookingStatus::Completed);
        let (_, outbox) = stored.lock().unwrap().take().unwrap();
        assert_eq!(email_recipients(&outbox), [("booking_completed".to_owned(), CUSTOMER_EMAIL.to_owned())]);
    }

    #[tokio::test]
    async fn a_pending_booking_cannot_be_completed() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.bookings.expect_apply_change().never();
        assert!(matches!(
            complete_booking(&mocks.ports(), &admin(), booking_id(), None).await,
            Err(ChangeError::Transition(_))
        ));
    }
}

#[cfg(test)]
mod timing_tests {
    use headliner_domain::booking::TransitionError;

    use super::*;
    use crate::bookings::testing::*;

    #[tokio::test]
    async fn talent_cannot_complete_before_the_event_has_ended() {
        let mut mocks = Mocks::new();
        mocks.booking_is(booking_in(BookingStatus::Confirmed));
        mocks.bookings.expect_apply_change().never();
        assert!(matches!(
            complete_booking(&mocks.ports(), &talent(), booking_id(), None).await,
            Err(ChangeError::Transition(TransitionError::EventNotOver))
        ));
    }
}
