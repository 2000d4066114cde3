//! Confirm a pending booking: capture the held payment, then record the change.

use headliner_domain::booking::{Booking, BookingStatus};
use headliner_domain::ids::BookingId;
use headliner_domain::role::Actor;
use headliner_ports::payments::PaymentError;

use super::change::{ChangeError, commit, load_for_change};
use super::{BookingPorts, payment_key};

#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    #[error(transparent)]
    Change(#[from] ChangeError),
    /// The capture was refused: the booking stays pending and nobody is mailed.
    #[error("the payment was declined: {0}")]
    PaymentDeclined(String),
}

/// Talent of the booking's celebrity, or an admin, confirms. The money is captured before the
/// change is stored, so a declined capture leaves the booking pending; the capture's
/// idempotency key is per booking, so a retry or a concurrent confirm never charges twice.
pub async fn confirm_booking(
    ports: &BookingPorts,
    actor: &Actor,
    id: BookingId,
    if_match: Option<i64>,
) -> Result<Booking, ConfirmError> {
    let booking = load_for_change(ports, id, actor, if_match).await?;
    let change =
        booking.transition(BookingStatus::Confirmed, actor, None, ports.clock.now()).map_err(ChangeError::from)?;
    ports.payments.capture(booking.id, booking.price, payment_key(booking.id, "capture")).await.map_err(
        |e| match e {
            PaymentError::Declined(reason) => ConfirmError::PaymentDeclined(reason),
            PaymentError::Unavailable(source) => ChangeError::Unavailable(source).into(),
        },
    )?;
    Ok(commit(ports, change, None, None).await?)
}

#[cfg(test)]
mod tests {
    use headliner_domain::booking::{BookingEvent, Party, TransitionError};
    use headliner_ports::payments::PaymentError;

    use super::*;
    use crate::bookings::testing::*;

    #[tokio::test]
    async fn talent_confirm_writes_one_audit_event_and_the_confirmation_mail_in_the_same_call() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.payments.expect_capture().times(1).returning(|_, _, _| Ok(()));
        mocks.expect_participants();
        let stored = mocks.capture_apply_change();
        mocks.expect_publish(1);
        let booking = confirm_booking(&mocks.ports(), &talent(), booking_id(), None).await.unwrap();
        assert_eq!((booking.status, booking.version), (BookingStatus::Confirmed, 2));
        let (change, outbox) = stored.lock().unwrap().take().expect("apply_change called once");
        assert_eq!(change.audit.from, Some(BookingStatus::Pending));
        assert_eq!(change.audit.to, BookingStatus::Confirmed);
        assert_eq!(change.audit.actor_role, "talent");
        assert_eq!(change.event, BookingEvent::Confirmed);
        assert_eq!(email_recipients(&outbox), [("booking_confirmed".to_owned(), CUSTOMER_EMAIL.to_owned())]);
    }

    #[tokio::test]
    async fn a_customer_cannot_confirm_and_nothing_is_captured_or_written() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.payments.expect_capture().never();
        mocks.bookings.expect_apply_change().never();
        let err = confirm_booking(&mocks.ports(), &customer(), booking_id(), None).await.unwrap_err();
        assert!(matches!(
            err,
            ConfirmError::Change(ChangeError::Transition(TransitionError::Forbidden { party: Party::Customer, .. }))
        ));
    }

    #[tokio::test]
    async fn declined_capture_leaves_the_booking_pending_and_sends_no_mail() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks
            .payments
            .expect_capture()
            .times(1)
            .returning(|_, _, _| Err(PaymentError::Declined("card expired".into())));
        mocks.bookings.expect_apply_change().never();
        mocks.events.expect_publish().never();
        let err = confirm_booking(&mocks.ports(), &talent(), booking_id(), None).await.unwrap_err();
        assert!(matches!(err, ConfirmError::PaymentDeclined(reason) if reason == "card expired"));
    }

    #[tokio::test]
    async fn stale_if_match_is_refused_before_anything_happens() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.payments.expect_capture().never();
        mocks.bookings.expect_apply_change().never();
        let err = confirm_booking(&mocks.ports(), &admin(), booking_id(), Some(7)).await.unwrap_err();
        assert!(matches!(err, ConfirmError::Change(ChangeError::StaleVersion { expected: 7, actual: 1 })));
    }

    #[tokio::test]
    async fn a_concurrent_change_is_a_version_conflict() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.payments.expect_capture().returning(|_, _, _| Ok(()));
        mocks.expect_participants();
        mocks
            .bookings
            .expect_apply_change()
            .times(1)
            .returning(|_, _| Err(headliner_ports::bookings::BookingRepoError::VersionConflict));
        mocks.events.expect_publish().never();
        let err = confirm_booking(&mocks.ports(), &admin(), booking_id(), None).await.unwrap_err();
        assert!(matches!(err, ConfirmError::Change(ChangeError::VersionConflict)));
    }

    #[tokio::test]
    async fn talent_of_another_celebrity_gets_not_found() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.payments.expect_capture().never();
        let err = confirm_booking(&mocks.ports(), &other_talent(), booking_id(), None).await.unwrap_err();
        assert!(matches!(err, ConfirmError::Change(ChangeError::NotFound)));
    }

    #[tokio::test]
    async fn confirming_a_cancelled_booking_is_an_invalid_transition() {
        let mut mocks = Mocks::new();
        mocks.booking_is(booking_in(BookingStatus::Cancelled));
        mocks.payments.expect_capture().never();
        let err = confirm_booking(&mocks.ports(), &admin(), booking_id(), None).await.unwrap_err();
        assert!(matches!(
            err,
            ConfirmError::Change(ChangeError::Transition(TransitionError::InvalidTransition { .. }))
        ));
    }
}
