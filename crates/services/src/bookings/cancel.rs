//! Cancel a booking: the customer, talent or an admin; money back per the refund policy.

use headliner_domain::booking::{Booking, BookingStatus, Party};
use headliner_domain::ids::BookingId;
use headliner_domain::money::MoneyError;
use headliner_domain::role::Actor;
use headliner_ports::outbox::OutboxPayload;

use super::BookingPorts;
use super::change::{ChangeError, commit, load_for_change};
use super::notify::PaymentMail;

#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    #[error(transparent)]
    Change(#[from] ChangeError),
    #[error("the refund could not be computed")]
    Refund(#[source] MoneyError),
}

/// A pending booking's hold is released; a confirmed booking's captured payment is refunded
/// (in full when talent or an admin cancels, per the notice period when the customer does).
/// The payment command and the emails are stored with the change, in one call.
pub async fn cancel_booking(
    ports: &BookingPorts,
    actor: &Actor,
    id: BookingId,
    reason: Option<&str>,
    if_match: Option<i64>,
) -> Result<Booking, CancelError> {
    let booking = load_for_change(ports, id, actor, if_match).await?;
    let now = ports.clock.now();
    let change = booking.transition(BookingStatus::Cancelled, actor, reason, now).map_err(ChangeError::from)?;
    let (payment, refund) = match booking.status {
        BookingStatus::Confirmed => {
            let by: Party = booking.party(actor);
            let amount =
                ports.refunds.refund(booking.price, by, now, booking.during.start()).map_err(CancelError::Refund)?;
            let command =
                (amount.amount_minor > 0).then_some(OutboxPayload::RefundPayment { booking_id: booking.id, amount });
            (command, Some(PaymentMail::Refunded(amount)))
        }
        _ => (Some(OutboxPayload::ReleasePayment { booking_id: booking.id }), None),
    };
    Ok(commit(ports, change, payment, refund).await?)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use headliner_domain::money::Money;
    use headliner_ports::outbox::OutboxPayload;

    use super::*;
    use crate::bookings::testing::*;

    fn confirmed_starting_in(hours: i64) -> Booking {
        let mut b = booking_in(BookingStatus::Confirmed);
        b.during =
            headliner_domain::time::TimeRange::new(now() + Duration::hours(hours), now() + Duration::hours(hours + 2))
                .unwrap();
        b
    }

    fn refund_of(outbox: &[headliner_ports::outbox::OutboxMessage]) -> Option<Money> {
        outbox.iter().find_map(|m| match &m.payload {
            OutboxPayload::RefundPayment { amount, .. } => Some(*amount),
            _ => None,
        })
    }

    #[tokio::test]
    async fn customer_cancelling_48_hours_ahead_gets_half_back_and_a_refund_mail() {
        let mut mocks = Mocks::new();
        mocks.booking_is(confirmed_starting_in(48));
        mocks.expect_participants();
        let stored = mocks.capture_apply_change();
        mocks.expect_publish(1);
        cancel_booking(&mocks.ports(), &customer(), booking_id(), Some("plans changed"), None).await.unwrap();
        let (_, outbox) = stored.lock().unwrap().take().unwrap();
        assert_eq!(refund_of(&outbox), Some(usd(price().amount_minor / 2)));
        let mails = email_recipients(&outbox);
        assert!(mails.contains(&("booking_cancelled".to_owned(), CUSTOMER_EMAIL.to_owned())));
        assert!(mails.contains(&("booking_cancelled".to_owned(), TALENT_EMAIL.to_owned())));
        assert!(mails.contains(&("refund_issued".to_owned(), CUSTOMER_EMAIL.to_owned())));
    }

    #[tokio::test]
    async fn customer_cancelling_on_the_day_gets_nothing_back_and_no_refund_is_queued() {
        let mut mocks = Mocks::new();
        mocks.booking_is(confirmed_starting_in(5));
        mocks.expect_participants();
        let stored = mocks.capture_apply_change();
        mocks.expect_publish(1);
        cancel_booking(&mocks.ports(), &customer(), booking_id(), None, None).await.unwrap();
        let (_, outbox) = stored.lock().unwrap().take().unwrap();
        assert_eq!(refund_of(&outbox), None);
        assert!(!email_recipients(&outbox).iter().any(|(t, _)| t == "refund_issued"));
    }

    #[tokio::test]
    async fn talent_cancelling_refunds_in_full_even_at_the_last_minute() {
        let mut mocks = Mocks::new();
        mocks.booking_is(confirmed_starting_in(1));
        mocks.expect_participants();
        let stored = mocks.capture_apply_change();
        mocks.expect_publish(1);
        cancel_booking(&mocks.ports(), &talent(), booking_id(), Some("ill"), None).await.unwrap();
        let (_, outbox) = stored.lock().unwrap().take().unwrap();
        assert_eq!(refund_of(&outbox), Some(price()));
    }

    #[tokio::test]
    async fn cancelling_a_pending_request_releases_the_hold() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.expect_participants();
        let stored = mocks.capture_apply_change();
        mocks.expect_publish(1);
        cancel_booking(&mocks.ports(), &customer(), booking_id(), None, None).await.unwrap();
        let (_, outbox) = stored.lock().unwrap().take().unwrap();
        assert!(outbox.iter().any(|m| m.payload == OutboxPayload::ReleasePayment { booking_id: booking_id() }));
        assert_eq!(refund_of(&outbox), None);
    }

    #[tokio::test]
    async fn talent_cannot_cancel_a_pending_request_it_should_reject_instead() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.bookings.expect_apply_change().never();
        assert!(matches!(
            cancel_booking(&mocks.ports(), &talent(), booking_id(), None, None).await,
            Err(CancelError::Change(ChangeError::Transition(_)))
        ));
    }

    #[tokio::test]
    async fn another_customer_gets_not_found() {
        let mut mocks = Mocks::new();
        mocks.booking_is(pending_booking());
        mocks.bookings.expect_apply_change().never();
        assert!(matches!(
            cancel_booking(&mocks.ports(), &other_customer(), booking_id(), None, None).await,
            Err(CancelError::Change(ChangeError::NotFound))
        ));
    }
}
