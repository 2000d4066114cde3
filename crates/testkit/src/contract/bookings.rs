//! The booking repository's contract.

use chrono::Duration;
use headliner_domain::booking::{Booking, BookingStatus};
use headliner_domain::ids::{BookingId, UserId};
use headliner_domain::role::Actor;
use headliner_ports::bookings::{BookingQuery, BookingRepoError, BookingScope};
use headliner_ports::outbox::OutboxStatus;

use super::Repos;
use super::world::{World, hour, now};

fn admin(w: &World) -> Actor {
    Actor::Admin { user_id: w.admin }
}

fn query(scope: BookingScope) -> BookingQuery {
    BookingQuery { scope, status: None, celebrity_id: None, from: None, to: None, limit: 20, after: None }
}

/// Inserts a pending booking of the world's celebrity for `[hour(from), hour(to))`.
async fn book(repos: &Repos, w: &World, from: i64, to: i64) -> Result<Booking, BookingRepoError> {
    let new = w.booking(w.celebrity, from, to);
    let booking = new.booking.clone();
    repos.bookings.insert(new, vec![]).await.map(|()| booking)
}

pub async fn a_booking_is_stored_with_its_audit_row_and_outbox_messages(repos: &Repos) {
    let w = World::create(repos).await;
    let new = w.booking(w.celebrity, 10, 12);
    let mail = w.mail_about(&new.booking);
    repos.bookings.insert(new.clone(), vec![mail.clone()]).await.expect("stored");

    assert_eq!(repos.bookings.get(new.booking.id).await.expect("read back"), new.booking);
    assert_eq!(repos.bookings.audit_trail(new.booking.id).await.expect("trail"), vec![new.audit]);
    let pending = repos.outbox.list(OutboxStatus::Pending, 100).await.expect("outbox");
    assert_eq!(pending, vec![mail]);
}

pub async fn an_authenticated_read_gives_the_callers_credentials_and_the_booking_each_or_none(repos: &Repos) {
    let w = World::create(repos).await;
    let booking = book(repos, &w, 10, 11).await.expect("booked");
    let alone = repos.accounts.credentials(w.customer).await.expect("the account check alone");

    let both = repos.bookings.get_as(w.customer, booking.id).await.expect("read");
    assert_eq!(both.caller, Some(alone.clone()), "the same credentials as the account check alone");
    assert_eq!(both.booking, Some(booking.clone()));

    let nobody = UserId::from_uuid(uuid::Uuid::new_v4());
    let no_caller = repos.bookings.get_as(nobody, booking.id).await.expect("read");
    assert_eq!((no_caller.caller, no_caller.booking), (None, Some(booking)));

    let missing = BookingId::from_uuid(uuid::Uuid::new_v4());
    let no_booking = repos.bookings.get_as(w.customer, missing).await.expect("read");
    assert_eq!((no_booking.caller, no_booking.booking), (Some(alone), None));
}

pub async fn overlapping_active_bookings_are_refused_and_back_to_back_ones_accepted(repos: &Repos) {
    let w = World::create(repos).await;
    book(repos, &w, 10, 11).await.expect("10:00-11:00");
    book(repos, &w, 11, 12).await.expect("11:00-12:00 touches but does not overlap");
    for (from, to) in [(10, 11), (9, 12), (10, 12), (11, 13)] {
        assert!(matches!(book(repos, &w, from, to).await, Err(BookingRepoError::Overlap)), "{from}-{to}");
    }
    // Another celebrity's calendar is independent.
    let other = w.booking(w.other_celebrity, 10, 11);
    repos.bookings.insert(other, vec![]).await.expect("other celebrity, same time");
}

pub async fn cancelling_a_booking_frees_its_slot(repos: &Repos) {
    let w = World::create(repos).await;
    let booking = book(repos, &w, 10, 11).await.expect("booked");
    let change = booking.transition(BookingStatus::Cancelled, &admin(&w), Some("moved"), now()).expect("allowed");
    repos.bookings.apply_change(change, vec![]).await.expect("cancelled");
    book(repos, &w, 10, 11).await.expect("the slot is free again");
}

pub async fn a_change_checks_the_version_and_appends_one_audit_row(repos: &Repos) {
    let w = World::create(repos).await;
    let booking = book(repos, &w, 10, 11).await.expect("booked");
    let at = now() + Duration::minutes(5);
    let confirm = booking.transition(BookingStatus::Confirmed, &admin(&w), None, at).expect("allowed");
    let stale = booking.transition(BookingStatus::Cancelled, &admin(&w), None, at).expect("allowed");
    let mail = w.mail_about(&confirm.booking);
    repos.bookings.apply_change(confirm.clone(), vec![mail.clone()]).await.expect("confirmed");

    let stored = repos.bookings.get(booking.id).await.expect("read");
    assert_eq!((stored.status, stored.version, stored.updated_at), (BookingStatus::Confirmed, 2, at));
    assert!(matches!(repos.bookings.apply_change(stale, vec![]).await, Err(BookingRepoError::VersionConflict)));
    let trail = repos.bookings.audit_trail(booking.id).await.expect("trail");
    assert_eq!(trail.len(), 2, "request + confirmation, not the refused cancel");
    assert_eq!(trail[1], confirm.audit);
    assert!(repos.outbox.list(OutboxStatus::Pending, 100).await.expect("outbox").contains(&mail));
}

pub async fn a_change_to_a_missing_booking_is_not_found(repos: &Repos) {
    let w = World::create(repos).await;
    let never_stored = w.booking(w.celebrity, 10, 11).booking;
    let change = never_stored.transition(BookingStatus::Confirmed, &admin(&w), None, now()).expect("allowed");
    assert!(matches!(repos.bookings.apply_change(change, vec![]).await, Err(BookingRepoError::NotFound)));
    assert!(matches!(repos.bookings.get(never_stored.id).await, Err(BookingRepoError::NotFound)));
}

pub async fn a_failed_write_leaves_nothing_behind(repos: &Repos) {
    let w = World::create(repos).await;
    let first = w.booking(w.celebrity, 10, 11);
    let mail = w.mail_about(&first.booking);
    repos.bookings.insert(first.clone(), vec![mail.clone()]).await.expect("stored");

    // The same outbox id again makes the second insert fail after its booking row was written:
    // the whole transaction must roll back.
    let second = w.booking(w.celebrity, 20, 21);
    assert!(repos.bookings.insert(second.clone(), vec![mail.clone()]).await.is_err());
    assert!(matches!(repos.bookings.get(second.booking.id).await, Err(BookingRepoError::NotFound)));

    // Likewise for a change: status, version and trail stay as they were.
    let change = first.booking.transition(BookingStatus::Confirmed, &admin(&w), None, now()).expect("allowed");
    assert!(repos.bookings.apply_change(change, vec![mail]).await.is_err());
    let stored = repos.bookings.get(first.booking.id).await.expect("read");
    assert_eq!((stored.status, stored.version), (BookingStatus::Pending, 1));
    assert_eq!(repos.bookings.audit_trail(first.booking.id).await.expect("trail").len(), 1);
}

pub async fn listing_follows_scope_and_filters_and_pages_stably(repos: &Repos) {
    let w = World::create(repos).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut new = w.booking(w.celebrity, 10 * i, 10 * i + 1);
        // Distinct creation times, one shared, to exercise the (created_at, id) tie-break.
        let created = now() + Duration::seconds(i64::from(i >= 3) * i);
        new.booking.created_at = created;
        new.booking.updated_at = created;
        ids.push(new.booking.id);
        repos.bookings.insert(new, vec![]).await.expect("stored");
    }
    let theirs = w.booking(w.other_celebrity, 0, 1);
    repos.bookings.insert(theirs, vec![]).await.expect("stored");

    let everything = repos.bookings.list(query(BookingScope::All)).await.expect("list");
    assert_eq!(everything.items.len(), 6);
    let mine = repos.bookings.list(query(BookingScope::Customer(w.customer))).await.expect("list");
    assert_eq!(mine.items.len(), 6);
    let nobody = repos.bookings.list(query(BookingScope::Customer(w.other_customer))).await.expect("list");
    assert!(nobody.items.is_empty() && nobody.next.is_none());
    let celebrity = repos.bookings.list(query(BookingScope::Celebrity(w.celebrity))).await.expect("list");
    assert_eq!(celebrity.items.len(), 5);
    assert!(
        celebrity.items.windows(2).all(|p| (p[0].created_at, p[0].id) > (p[1].created_at, p[1].id)),
        "newest first"
    );

    // Pages of two walk the same five rows, each once, in the same order.
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let page = repos
            .bookings
            .list(BookingQuery { limit: 2, after, ..query(BookingScope::Celebrity(w.celebrity)) })
            .await
            .expect("page");
        walked.extend(page.items.iter().map(|b| b.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(walked, celebrity.items.iter().map(|b| b.id).collect::<Vec<_>>());

    let windowed =
        BookingQuery { from: Some(hour(10)), to: Some(hour(21)), ..query(BookingScope::Celebrity(w.celebrity)) };
    assert_eq!(repos.bookings.list(windowed).await.expect("window").items.len(), 2, "hours 10-11 and 20-21");
    let pending = BookingQuery { status: Some(BookingStatus::Confirmed), ..query(BookingScope::All) };
    assert!(repos.bookings.list(pending).await.expect("status").items.is_empty());
}
