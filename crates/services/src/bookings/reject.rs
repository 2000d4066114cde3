//! Reject a pending request: record it and release the payment hold through the outbox.

use headliner_domain::booking::{Booking, BookingStatus};
use headliner_domain::ids::BookingId;
use headliner_domain::role::Actor;
use headliner_ports::outbox::OutboxPayload;

use super::BookingPorts;
use super::change::{ChangeError, commit, load_for_change};

/// Talent of the celebrity, an admin, or the system (an expired request) rejects.
pub async fn reject_booking(
    ports: &BookingPorts,
    actor: &Actor,
    id: BookingId,
    reason: Option<&str>,
    if_match: Option<i64>,
) -> Result<Booking, ChangeError> {
    let booking = load_for_change(ports, id, actor, if_match).await?;
    let change = booking.transition(BookingStatus::Rejected, actor, reason, ports.clock.now())?;
    commit(ports, change, Some(OutboxPayload::ReleasePayment { booking_id: booking.id }), None).await
}

#[cfg(test)]
mod tests {
    use headliner_ports::outbox::OutboxPayload;

    use super::*;
    use crate::bookings::testing::*;

    #[tokio::test]
    async fn reject_mails_the_customer_and_queues_the_release_of_the_hold_in_the_same_call() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.expect_participants();
        let stored = mocks.capture_apply_change();
        mocks.expect_publish(1);
        let booking = reject_booking(&mocks.ports(), &talent(), booking_id(), Some("on tour"), None).await.unwrap();
        assert_eq!(booking.status, BookingStatus::Rejected);
        let (change, outbox) = stored.lock().unwrap().take().unwrap();
        assert_eq!(change.audit.reason.as_deref(), Some("on tour"));
        assert_eq!(email_recipients(&outbox), [("booking_rejected".to_owned(), CUSTOMER_EMAIL.to_owned())]);
        assert!(outbox.iter().any(|m| m.payload == OutboxPayload::ReleasePayment { booking_id: booking_id() }));
    }

    #[tokio::test]
    async fn the_system_may_reject_an_expired_request() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.expect_participants();
        let stored = mocks.capture_apply_change();
        mocks.expect_publish(1);
        reject_booking(&mocks.ports(), &Actor::System, booking_id(), Some("request expired"), None).await.unwrap();
        let (change, _) = stored.lock().unwrap().take().unwrap();
        assert_eq!((change.audit.actor_role.as_str(), change.audit.actor_id), ("system", None));
    }

    #[tokio::test]
    async fn a_customer_cannot_reject() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.bookings.expect_apply_change().never();
        assert!(matches!(
            reject_booking(&mocks.ports(), &customer(), booking_id(), None, None).await,
            Err(ChangeError::Transition(_))
        ));
    }
}
