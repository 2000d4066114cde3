use chrono::TimeZone;
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::money::Currency;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

const CUSTOMER: UserId = UserId::from_uuid(Uuid::from_u128(1));
const OTHER_CUSTOMER: UserId = UserId::from_uuid(Uuid::from_u128(2));
const CELEBRITY: CelebrityId = CelebrityId::from_uuid(Uuid::from_u128(10));
const OTHER_CELEBRITY: CelebrityId = CelebrityId::from_uuid(Uuid::from_u128(11));

fn request() -> BookingRequest {
    BookingRequest {
        celebrity_id: CELEBRITY,
        during: TimeRange::new(now() + Duration::days(10), now() + Duration::days(10) + Duration::hours(2)).unwrap(),
        timezone: EventTimeZone::parse("Europe/London").unwrap(),
        event_type: EventType::Appearance,
        location: "  The Roundhouse, London  ".into(),
        message: "Gala opening".into(),
    }
}

fn price() -> Money {
    Money::new(500_000, Currency::parse("USD").unwrap())
}

fn pending() -> Booking {
    Booking::request(BookingId::from_uuid(id(100)), CUSTOMER, request(), price(), now()).unwrap().booking
}

fn actor(party: Party) -> Actor {
    match party {
        Party::Customer => Actor::Customer { user_id: CUSTOMER },
        Party::Talent => Actor::Talent { user_id: UserId::from_uuid(id(3)), celebrity_id: CELEBRITY },
        Party::Admin => Actor::Admin { user_id: UserId::from_uuid(id(4)) },
        Party::System => Actor::System,
        Party::Unrelated => Actor::Customer { user_id: OTHER_CUSTOMER },
    }
}

#[test]
fn request_builds_a_pending_booking_at_version_1_with_its_audit_row() {
    let new = Booking::request(BookingId::from_uuid(id(100)), CUSTOMER, request(), price(), now()).unwrap();
    assert_eq!(new.booking.status, BookingStatus::Pending);
    assert_eq!(new.booking.version, 1);
    assert_eq!(new.booking.location, "The Roundhouse, London", "text is trimmed");
    assert_eq!(new.audit.from, None);
    assert_eq!(new.audit.to, BookingStatus::Pending);
    assert_eq!(new.audit.actor_id, Some(CUSTOMER));
    assert_eq!(new.event, BookingEvent::Requested);
}

#[test]
fn request_refuses_past_too_long_and_oversized_input() {
    let mut past = request();
    past.during = TimeRange::new(now() - Duration::hours(1), now() + Duration::hours(1)).unwrap();
    assert_eq!(
        Booking::request(BookingId::from_uuid(id(1)), CUSTOMER, past, price(), now()),
        Err(RequestError::StartsInPast)
    );

    let mut long = request();
    long.during = TimeRange::new(now() + Duration::days(1), now() + Duration::days(2) + Duration::seconds(1)).unwrap();
    assert_eq!(
        Booking::request(BookingId::from_uuid(id(1)), CUSTOMER, long, price(), now()),
        Err(RequestError::TooLong)
    );

    let mut chatty = request();
    chatty.message = "x".repeat(MAX_MESSAGE_CHARS + 1);
    assert_eq!(
        Booking::request(BookingId::from_uuid(id(1)), CUSTOMER, chatty, price(), now()),
        Err(RequestError::TextTooLong { field: "message", max: MAX_MESSAGE_CHARS })
    );

    let mut nowhere = request();
    nowhere.location = "   ".into();
    assert_eq!(
        Booking::request(BookingId::from_uuid(id(1)), CUSTOMER, nowhere, price(), now()),
        Err(RequestError::MissingLocation)
    );
}

#[test]
fn party_depends_on_the_relation_to_this_booking_not_only_the_role() {
    let b = pending();
    assert_eq!(b.party(&Actor::Customer { user_id: CUSTOMER }), Party::Customer);
    assert_eq!(b.party(&Actor::Customer { user_id: OTHER_CUSTOMER }), Party::Unrelated);
    assert_eq!(b.party(&Actor::Talent { user_id: UserId::from_uuid(id(3)), celebrity_id: CELEBRITY }), Party::Talent);
    assert_eq!(
        b.party(&Actor::Talent { user_id: UserId::from_uuid(id(3)), celebrity_id: OTHER_CELEBRITY }),
        Party::Unrelated
    );
    assert!(!b.is_visible_to(&Actor::Customer { user_id: OTHER_CUSTOMER }));
    assert!(b.is_visible_to(&Actor::System));
}

#[test]
fn a_customer_cannot_confirm_their_own_booking() {
    let err = pending().transition(BookingStatus::Confirmed, &actor(Party::Customer), None, now()).unwrap_err();
    assert_eq!(
        err,
        TransitionError::Forbidden {
            party: Party::Customer,
            from: BookingStatus::Pending,
            to: BookingStatus::Confirmed
        }
    );
}

#[test]
fn talent_of_another_celebrity_cannot_confirm() {
    let stranger = Actor::Talent { user_id: UserId::from_uuid(id(9)), celebrity_id: OTHER_CELEBRITY };
    assert!(matches!(
        pending().transition(BookingStatus::Confirmed, &stranger, None, now()),
        Err(TransitionError::Forbidden { party: Party::Unrelated, .. })
    ));
}

#[test]
fn a_change_yields_next_state_audit_row_and_event_without_touching_the_original() {
    let original = pending();
    let at = now() + Duration::minutes(5);
    let change =
        original.transition(BookingStatus::Rejected, &actor(Party::Talent), Some("  fully booked  "), at).unwrap();
    assert_eq!(original.status, BookingStatus::Pending, "the original is unchanged");
    assert_eq!(change.expected_version, 1);
    assert_eq!(change.booking.version, 2);
    assert_eq!(change.booking.status, BookingStatus::Rejected);
    assert_eq!(change.booking.updated_at, at);
    assert_eq!(
        change.audit,
        AuditEvent {
            booking_id: original.id,
            at,
            actor_id: Some(UserId::from_uuid(id(3))),
            actor_role: "talent".into(),
            from: Some(BookingStatus::Pending),
            to: BookingStatus::Rejected,
            reason: Some("fully booked".into()),
        }
    );
    assert_eq!(change.event, BookingEvent::Rejected { by: Party::Talent });
}

#[test]
fn system_changes_have_no_actor_id() {
    let change = pending().transition(BookingStatus::Rejected, &Actor::System, Some("request expired"), now()).unwrap();
    assert_eq!(change.audit.actor_id, None);
    assert_eq!(change.audit.actor_role, "system");
}

#[test]
fn blank_reasons_are_none_and_long_ones_are_cut() {
    let c = pending().transition(BookingStatus::Cancelled, &actor(Party::Customer), Some("   "), now()).unwrap();
    assert_eq!(c.audit.reason, None);
    let long = "r".repeat(MAX_REASON_CHARS + 50);
    let c = pending().transition(BookingStatus::Cancelled, &actor(Party::Customer), Some(&long), now()).unwrap();
    assert_eq!(c.audit.reason.unwrap().chars().count(), MAX_REASON_CHARS);
}

fn any_status() -> impl Strategy<Value = BookingStatus> {
    prop::sample::select(BookingStatus::ALL.to_vec())
}

fn any_party() -> impl Strategy<Value = Party> {
    prop::sample::select(Party::ALL.to_vec())
}

proptest! {
    /// Random sequences of attempted changes: a terminal state is never left, every accepted
    /// change has exactly one audit row describing it, versions rise by one per accepted change,
    /// and a refused change leaves the booking exactly as it was.
    #[test]
    fn random_sequences_never_leave_a_terminal_state_and_never_skip_an_audit_row(
        attempts in prop::collection::vec((any_status(), any_party()), 0..40)
    ) {
        let mut booking = pending();
        let mut audit: Vec<AuditEvent> = Vec::new();
        let mut at = now();
        for (to, party) in attempts {
            // Steps of 7 h cross the event (10 days ahead, 2 h long) within 40 attempts, so
            // confirmations before it and completions after it both happen.
            at += Duration::hours(7);
            let before = booking.clone();
            match booking.transition(to, &actor(party), None, at) {
                Ok(change) => {
                    prop_assert!(!before.status.is_terminal(), "left terminal {}", before.status);
                    prop_assert_eq!(change.booking.version, before.version + 1);
                    prop_assert_eq!(change.expected_version, before.version);
                    prop_assert_eq!(change.audit.from, Some(before.status));
                    prop_assert_eq!(change.audit.to, change.booking.status);
                    audit.push(change.audit);
                    booking = change.booking;
                }
                Err(_) => prop_assert_eq!(&booking, &before),
            }
        }
        prop_assert_eq!(booking.version, 1 + audit.len() as i64);
        // The trail chains: each row starts where the previous one ended.
        let mut status = BookingStatus::Pending;
        for row in &audit {
            prop_assert_eq!(row.from, Some(status));
            status = row.to;
        }
        prop_assert_eq!(status, booking.status);
    }
}

#[test]
fn a_booking_is_completed_only_after_its_event_has_ended() {
    let confirmed = pending().transition(BookingStatus::Confirmed, &actor(Party::Talent), None, now()).unwrap().booking;
    let end = confirmed.during.end();
    assert_eq!(
        confirmed.transition(BookingStatus::Completed, &actor(Party::Talent), None, end - Duration::seconds(1)),
        Err(TransitionError::EventNotOver)
    );
    assert!(confirmed.transition(BookingStatus::Completed, &Actor::System, None, end).is_ok());
}

#[test]
fn a_request_cannot_be_confirmed_once_its_event_has_started_but_can_be_rejected() {
    let booking = pending();
    let start = booking.during.start();
    assert_eq!(
        booking.transition(BookingStatus::Confirmed, &actor(Party::Admin), None, start),
        Err(TransitionError::EventStarted)
    );
    assert!(
        booking.transition(BookingStatus::Confirmed, &actor(Party::Admin), None, start - Duration::seconds(1)).is_ok()
    );
    assert!(booking.transition(BookingStatus::Rejected, &Actor::System, Some("request expired"), start).is_ok());
}
