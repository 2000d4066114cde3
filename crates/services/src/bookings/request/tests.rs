use chrono::Duration;
use headliner_domain::booking::{BookingRequest, BookingStatus, EventType, RequestError};
use headliner_domain::celebrity::Celebrity;
use headliner_domain::time::{EventTimeZone, TimeRange};
use headliner_ports::bookings::BookingRepoError;
use headliner_ports::celebrities::CelebrityRepoError;
use headliner_ports::outbox::OutboxPayload;
use headliner_ports::payments::PaymentError;

use super::*;
use crate::bookings::testing::*;

fn input(hours_from_now: i64, length_minutes: i64) -> BookingRequest {
    let start = now() + Duration::hours(hours_from_now);
    BookingRequest {
        celebrity_id: celebrity_id(),
        during: TimeRange::new(start, start + Duration::minutes(length_minutes)).unwrap(),
        timezone: EventTimeZone::parse("Europe/Paris").unwrap(),
        event_type: EventType::Performance,
        location: "Olympia, Paris".into(),
        message: "Birthday".into(),
    }
}

#[tokio::test]
async fn a_request_is_priced_held_and_stored_with_its_audit_row_and_mails_in_one_call() {
    let mut mocks = Mocks::new();
    mocks.expect_participants();
    mocks.payments.expect_authorize().times(1).returning(|_, amount, key| {
        assert_eq!(amount, usd(150_000), "90 minutes at 1,000.00 USD an hour");
        assert!(key.ends_with(":authorize"));
        Ok(())
    });
    mocks.bookings.expect_insert().times(1).returning(|new, outbox| {
        assert_eq!(new.booking.status, BookingStatus::Pending);
        assert_eq!(new.audit.to, BookingStatus::Pending);
        let mails = email_recipients(&outbox);
        assert_eq!(
            mails,
            [
                ("booking_requested".to_owned(), CUSTOMER_EMAIL.to_owned()),
                ("booking_requested".to_owned(), TALENT_EMAIL.to_owned())
            ]
        );
        Ok(())
    });
    mocks.expect_publish(1);
    let booking = request_booking(&mocks.ports(), &customer(), input(72, 90)).await.unwrap();
    assert_eq!((booking.price, booking.version, booking.customer_id), (usd(150_000), 1, customer_id()));
}

#[tokio::test]
async fn only_customers_may_request() {
    for actor in [talent(), admin(), Actor::System] {
        let mut mocks = Mocks::new();
        mocks.bookings.expect_insert().never();
        mocks.payments.expect_authorize().never();
        assert!(matches!(
            request_booking(&mocks.ports(), &actor, input(72, 60)).await,
            Err(RequestBookingError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn a_request_for_the_past_stores_nothing_and_holds_nothing() {
    let mut mocks = Mocks::new();
    mocks.celebrities.expect_get().returning(|_| Ok(celebrity()));
    mocks.payments.expect_authorize().never();
    mocks.bookings.expect_insert().never();
    assert!(matches!(
        request_booking(&mocks.ports(), &customer(), input(-1, 60)).await,
        Err(RequestBookingError::Invalid(RequestError::StartsInPast))
    ));
}

#[tokio::test]
async fn declined_authorization_stores_nothing_and_sends_no_mail() {
    let mut mocks = Mocks::new();
    mocks.expect_participants();
    mocks
        .payments
        .expect_authorize()
        .times(1)
        .returning(|_, _, _| Err(PaymentError::Declined("insufficient funds".into())));
    mocks.bookings.expect_insert().never();
    mocks.events.expect_publish().never();
    assert!(matches!(
        request_booking(&mocks.ports(), &customer(), input(72, 60)).await,
        Err(RequestBookingError::PaymentDeclined(_))
    ));
}

#[tokio::test]
async fn an_overlapping_request_releases_its_hold_and_reports_the_conflict() {
    let mut mocks = Mocks::new();
    mocks.expect_participants();
    mocks.payments.expect_authorize().times(1).returning(|_, _, _| Ok(()));
    mocks.bookings.expect_insert().times(1).returning(|_, _| Err(BookingRepoError::Overlap));
    mocks.payments.expect_release().times(1).returning(|_, key| {
        assert!(key.ends_with(":release"));
        Ok(())
    });
    mocks.events.expect_publish().never();
    assert!(matches!(
        request_booking(&mocks.ports(), &customer(), input(72, 60)).await,
        Err(RequestBookingError::Overlap)
    ));
}

#[tokio::test]
async fn an_unknown_or_deleted_celebrity_is_not_found() {
    let mut mocks = Mocks::new();
    mocks.celebrities.expect_get().returning(|_| Err(CelebrityRepoError::NotFound));
    assert!(matches!(
        request_booking(&mocks.ports(), &customer(), input(72, 60)).await,
        Err(RequestBookingError::CelebrityNotFound)
    ));
    let mut mocks = Mocks::new();
    mocks.celebrities.expect_get().returning(|_| Ok(Celebrity { deleted: true, ..celebrity() }));
    assert!(matches!(
        request_booking(&mocks.ports(), &customer(), input(72, 60)).await,
        Err(RequestBookingError::CelebrityNotFound)
    ));
}

#[tokio::test]
async fn a_release_the_gateway_cannot_take_now_goes_through_the_outbox() {
    let mut mocks = Mocks::new();
    mocks.expect_participants();
    mocks.payments.expect_authorize().returning(|_, _, _| Ok(()));
    mocks.bookings.expect_insert().returning(|_, _| Err(BookingRepoError::Overlap));
    mocks.payments.expect_release().times(1).returning(|_, _| Err(PaymentError::Unavailable("gateway down".into())));
    mocks.outbox.expect_enqueue().times(1).returning(|messages| {
        assert!(matches!(messages[0].payload, OutboxPayload::ReleasePayment { .. }));
        Ok(())
    });
    assert!(matches!(
        request_booking(&mocks.ports(), &customer(), input(72, 60)).await,
        Err(RequestBookingError::Overlap)
    ));
}

#[tokio::test]
async fn an_insert_that_failed_mid_way_but_committed_is_a_success_and_keeps_its_hold() {
    let mut mocks = Mocks::new();
    mocks.expect_participants();
    mocks.payments.expect_authorize().returning(|_, _, _| Ok(()));
    mocks.bookings.expect_insert().returning(|_, _| Err(BookingRepoError::Unavailable("connection reset".into())));
    mocks.bookings.expect_get().times(1).returning(|_| Ok(pending_booking()));
    mocks.payments.expect_release().never();
    mocks.expect_publish(1);
    assert!(request_booking(&mocks.ports(), &customer(), input(72, 60)).await.is_ok());
}

#[tokio::test]
async fn an_insert_whose_outcome_is_unknowable_keeps_the_hold_and_reports_unavailable() {
    let mut mocks = Mocks::new();
    mocks.expect_participants();
    mocks.payments.expect_authorize().returning(|_, _, _| Ok(()));
    mocks.bookings.expect_insert().returning(|_, _| Err(BookingRepoError::Unavailable("connection reset".into())));
    mocks.bookings.expect_get().returning(|_| Err(BookingRepoError::Unavailable("still down".into())));
    mocks.payments.expect_release().never();
    assert!(matches!(
        request_booking(&mocks.ports(), &customer(), input(72, 60)).await,
        Err(RequestBookingError::Unavailable(_))
    ));
}
