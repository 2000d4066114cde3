//! Confirm a pending booking: capture the held payment, then record the change.

use chrono::{DateTime, Utc};
use headliner_domain::booking::{Booking, BookingStatus};
use headliner_domain::ids::BookingId;
use headliner_domain::role::Actor;
use headliner_ports::outbox::OutboxPayload;
use headliner_ports::payments::PaymentError;

use super::change::{ChangeError, commit, load_for_change};
use super::notify::{PaymentMail, command};
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
/// change is stored, so a declined capture leaves the booking pending. The capture's
/// idempotency key names the booking and the version confirmed, so a retry, or a concurrent
/// confirm of the same version, never charges twice.
///
/// If storing the confirmation then fails and the booking did not end up confirmed (a
/// concurrent cancel won, say), the captured money is refunded in full through the outbox.
pub async fn confirm_booking(
    ports: &BookingPorts,
    actor: &Actor,
    id: BookingId,
    if_match: Option<i64>,
) -> Result<Booking, ConfirmError> {
    let booking = load_for_change(ports, id, actor, if_match).await?;
    let now = ports.clock.now();
    let change = booking.transition(BookingStatus::Confirmed, actor, None, now).map_err(ChangeError::from)?;
    let key = payment_key(booking.id, &format!("capture-v{}", booking.version));
    ports.payments.capture(booking.id, booking.price, key).await.map_err(|e| match e {
        PaymentError::Declined(reason) => ConfirmError::PaymentDeclined(reason),
        PaymentError::Unavailable(source) => ChangeError::Unavailable(source).into(),
    })?;
    match commit(ports, change, None, Some(PaymentMail::Received(booking.price))).await {
        Ok(confirmed) => Ok(confirmed),
        Err(error) => {
            refund_orphaned_capture(ports, &booking, now).await;
            Err(error.into())
        }
    }
}

/// After a capture whose confirmation was not stored: if the booking is not confirmed now,
/// queue a full refund. If the store cannot even be read, nothing is queued and the capture is
/// left for the payments reconciliation (see docs/DECISIONS.md).
async fn refund_orphaned_capture(ports: &BookingPorts, booking: &Booking, now: DateTime<Utc>) {
    let Ok(current) = ports.bookings.get(booking.id).await else { return };
    if current.status == BookingStatus::Confirmed {
        return;
    }
    let refund = OutboxPayload::RefundPayment { booking_id: booking.id, amount: booking.price };
    let message = command(ports, Some(booking.id), refund, now);
    // Best effort by nature: the store just failed us once; the reconciliation catches a miss.
    let _ = ports.outbox.enqueue(vec![message]).await;
}

#[cfg(test)]
mod tests {
    use headliner_domain::booking::{BookingEvent, Party, TransitionError};
    use headliner_ports::outbox::OutboxPayload;
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
        assert_eq!(
            email_recipients(&outbox),
            [
                ("booking_confirmed".to_owned(), CUSTOMER_EMAIL.to_owned()),
                ("payment_received".to_owned(), CUSTOMER_EMAIL.to_owned())
            ]
        );
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
    async fn losing_to_a_concurrent_cancel_is_a_version_conflict_and_refunds_the_capture() {
        let mut mocks = Mocks::new();
        let mut reads = 0;
        mocks.bookings.expect_get().returning(move |_| {
            reads += 1;
            Ok(if reads == 1 { pending_booking() } else { booking_in(BookingStatus::Cancelled) })
        });
        mocks.outbox.expect_enqueue().times(1).returning(|messages| {
            assert!(matches!(
                messages.as_slice(),
                [m] if m.payload == OutboxPayload::RefundPayment { booking_id: booking_id(), amount: price() }
            ));
            Ok(())
        });
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
    async fn losing_to_a_concurrent_confirm_keeps_the_shared_capture() {
        let mut mocks = Mocks::new();
        let mut reads = 0;
        mocks.bookings.expect_get().returning(move |_| {
            reads += 1;
            Ok(if reads == 1 { pending_booking() } else { booking_in(BookingStatus::Confirmed) })
        });
        mocks.payments.expect_capture().times(1).returning(|_, _, key| {
            assert!(key.ends_with(":capture-v1"), "{key}");
            Ok(())
        });
        mocks.expect_participants();
        mocks
            .bookings
            .expect_apply_change()
            .returning(|_, _| Err(headliner_ports::bookings::BookingRepoError::VersionConflict));
        mocks.outbox.expect_enqueue().never();
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
