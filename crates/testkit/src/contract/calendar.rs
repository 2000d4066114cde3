//! A celebrity's calendar: blocked periods against bookings (both ways), busy intervals, and
//! the race between a booking and a blocked period for one slot.

use headliner_domain::booking::{Booking, BookingStatus};
use headliner_domain::ids::{BlockedPeriodId, CelebrityId};
use headliner_domain::role::Actor;
use headliner_ports::bookings::BookingRepoError;
use headliner_ports::celebrities::{BlockedPeriod, BusyInterval, BusyKind, CelebrityRepoError};
use tokio::task::JoinSet;
use uuid::Uuid;

use super::Repos;
use super::world::{World, hours, now};

/// A blocked period of `celebrity` for `[hour(from), hour(to))`, with a private reason.
pub fn blocked(celebrity: CelebrityId, from: i64, to: i64) -> BlockedPeriod {
    BlockedPeriod {
        id: BlockedPeriodId::from_uuid(Uuid::new_v4()),
        celebrity_id: celebrity,
        during: hours(from, to),
        reason: "Private: surgery".into(),
        created_at: now(),
    }
}

async fn book(repos: &Repos, w: &World, from: i64, to: i64) -> Result<Booking, BookingRepoError> {
    let new = w.booking(w.celebrity, from, to);
    let booking = new.booking.clone();
    repos.bookings.insert(new, vec![]).await.map(|()| booking)
}

async fn block(repos: &Repos, celebrity: CelebrityId, from: i64, to: i64) -> Result<BlockedPeriod, CelebrityRepoError> {
    let period = blocked(celebrity, from, to);
    repos.celebrities.insert_blocked_period(period.clone()).await.map(|()| period)
}

pub async fn blocked_periods_and_active_bookings_never_overlap_either_way(repos: &Repos) {
    let w = World::create(repos).await;
    book(repos, &w, 10, 12).await.expect("booked 10-12");

    // A period against a booking.
    for (from, to) in [(11, 13), (9, 11), (10, 12), (8, 14), (11, 12)] {
        assert!(
            matches!(block(repos, w.celebrity, from, to).await, Err(CelebrityRepoError::Overlap)),
            "period {from}-{to} over the booking"
        );
    }
    let after = block(repos, w.celebrity, 12, 14).await.expect("touching the booking's end");
    block(repos, w.celebrity, 8, 10).await.expect("touching the booking's start");

    // A period against another period.
    for (from, to) in [(13, 15), (12, 14), (7, 9)] {
        assert!(
            matches!(block(repos, w.celebrity, from, to).await, Err(CelebrityRepoError::Overlap)),
            "period {from}-{to} over a period"
        );
    }
    block(repos, w.celebrity, 14, 16).await.expect("back to back periods");

    // A booking against a period.
    for (from, to) in [(13, 14), (12, 13), (15, 17), (7, 9), (11, 13)] {
        assert!(matches!(book(repos, &w, from, to).await, Err(BookingRepoError::Overlap)), "booking {from}-{to}");
    }
    book(repos, &w, 16, 17).await.expect("touching a period's end");
    book(repos, &w, 6, 8).await.expect("touching a period's start");

    // Another celebrity's calendar is independent, both ways.
    block(repos, w.other_celebrity, 10, 12).await.expect("other celebrity, same time as the booking");
    repos.bookings.insert(w.booking(w.other_celebrity, 12, 14), vec![]).await.expect("other, same as a period");

    // Only active bookings count: a cancelled one frees the slot for a period.
    let booking = book(repos, &w, 30, 31).await.expect("booked");
    let cancel =
        booking.transition(BookingStatus::Cancelled, &Actor::Admin { user_id: w.admin }, None, now()).expect("allowed");
    repos.bookings.apply_change(cancel, vec![]).await.expect("cancelled");
    block(repos, w.celebrity, 30, 31).await.expect("a cancelled booking does not block");

    // Deleting a period frees its slot for bookings.
    repos.celebrities.delete_blocked_period(w.celebrity, after.id).await.expect("deleted");
    book(repos, &w, 12, 14).await.expect("the slot is free again");

    // Refused writes store nothing.
    let listed = repos.celebrities.blocked_periods(w.celebrity, hours(0, 100)).await.expect("periods");
    let spans: Vec<_> = listed.iter().map(|p| (p.during, p.reason.as_str())).collect();
    assert_eq!(
        spans,
        [(hours(8, 10), "Private: surgery"), (hours(14, 16), "Private: surgery"), (hours(30, 31), "Private: surgery")]
    );
}

pub async fn blocked_periods_need_a_live_celebrity_and_are_listed_and_deleted_per_celebrity(repos: &Repos) {
    let w = World::create(repos).await;
    let missing = CelebrityId::from_uuid(Uuid::new_v4());
    assert!(matches!(block(repos, missing, 1, 2).await, Err(CelebrityRepoError::NotFound)));
    let later = block(repos, w.celebrity, 20, 30).await.expect("blocked");
    let earlier = block(repos, w.celebrity, 5, 6).await.expect("blocked");
    let theirs = block(repos, w.other_celebrity, 5, 6).await.expect("blocked");

    let all = repos.celebrities.blocked_periods(w.celebrity, hours(0, 100)).await.expect("periods");
    assert_eq!(all, [earlier.clone(), later.clone()], "by start, whole records");
    let window = repos.celebrities.blocked_periods(w.celebrity, hours(6, 20)).await.expect("periods");
    assert!(window.is_empty(), "touching ends are outside the range");
    let window = repos.celebrities.blocked_periods(w.celebrity, hours(29, 40)).await.expect("periods");
    assert_eq!(window, std::slice::from_ref(&later));

    // The id must belong to that celebrity.
    assert!(matches!(
        repos.celebrities.delete_blocked_period(w.celebrity, theirs.id).await,
        Err(CelebrityRepoError::NotFound)
    ));
    repos.celebrities.delete_blocked_period(w.celebrity, earlier.id).await.expect("deleted");
    assert!(matches!(
        repos.celebrities.delete_blocked_period(w.celebrity, earlier.id).await,
        Err(CelebrityRepoError::NotFound)
    ));
    assert_eq!(repos.celebrities.blocked_periods(w.celebrity, hours(0, 100)).await.expect("periods"), [later]);
    assert_eq!(repos.celebrities.blocked_periods(w.other_celebrity, hours(0, 100)).await.expect("periods"), [theirs]);

    repos.celebrities.soft_delete(w.other_celebrity, now()).await.expect("deleted");
    assert!(matches!(block(repos, w.other_celebrity, 50, 60).await, Err(CelebrityRepoError::NotFound)));
}

pub async fn busy_intervals_are_active_bookings_and_blocked_periods_by_start_without_details(repos: &Repos) {
    let w = World::create(repos).await;
    let pending = book(repos, &w, 10, 11).await.expect("booked");
    let confirmed = book(repos, &w, 20, 22).await.expect("booked");
    let confirm = confirmed
        .transition(BookingStatus::Confirmed, &Actor::Admin { user_id: w.admin }, None, now())
        .expect("allowed");
    repos.bookings.apply_change(confirm, vec![]).await.expect("confirmed");
    let cancelled = book(repos, &w, 30, 31).await.expect("booked");
    let cancel = cancelled
        .transition(BookingStatus::Cancelled, &Actor::Customer { user_id: w.customer }, None, now())
        .expect("allowed");
    repos.bookings.apply_change(cancel, vec![]).await.expect("cancelled");
    block(repos, w.celebrity, 15, 18).await.expect("blocked");
    block(repos, w.celebrity, 2, 4).await.expect("blocked");
    repos.bookings.insert(w.booking(w.other_celebrity, 12, 13), vec![]).await.expect("someone else's");

    let busy = repos.celebrities.busy(w.celebrity, hours(0, 100)).await.expect("busy");
    assert_eq!(
        busy,
        [
            BusyInterval { during: hours(2, 4), kind: BusyKind::Blocked },
            BusyInterval { during: pending.during, kind: BusyKind::Booked },
            BusyInterval { during: hours(15, 18), kind: BusyKind::Blocked },
            BusyInterval { during: hours(20, 22), kind: BusyKind::Booked },
        ]
    );
    // Nothing about who booked, where, or why a period is blocked.
    let shown = format!("{busy:?}");
    for secret in ["surgery", "Roundhouse", "Gala", &w.customer.to_string(), &pending.id.to_string()] {
        assert!(!shown.contains(secret), "{secret} leaked");
    }

    let window = repos.celebrities.busy(w.celebrity, hours(11, 20)).await.expect("busy");
    assert_eq!(window, [BusyInterval { during: hours(15, 18), kind: BusyKind::Blocked }], "touching is outside");
    let window = repos.celebrities.busy(w.celebrity, hours(3, 16)).await.expect("busy");
    assert_eq!(
        window.iter().map(|b| b.kind).collect::<Vec<_>>(),
        [BusyKind::Blocked, BusyKind::Booked, BusyKind::Blocked]
    );
    assert!(repos.celebrities.busy(w.celebrity, hours(30, 31)).await.expect("busy").is_empty(), "cancelled is free");
    let unknown = CelebrityId::from_uuid(Uuid::new_v4());
    assert!(repos.celebrities.busy(unknown, hours(0, 100)).await.expect("busy").is_empty());
}

pub async fn a_booking_and_a_blocked_period_racing_for_one_slot_never_both_win(repos: &Repos) {
    let w = World::create(repos).await;
    for round in 0..10_i64 {
        let base = round * 10;
        let mut racers = JoinSet::new();
        for racer in 0..8_i64 {
            let (from, to) = (base, base + 2 + racer % 3);
            if racer % 2 == 0 {
                let new = w.booking(w.celebrity, from, to);
                let bookings = repos.bookings.clone();
                racers.spawn(async move {
                    match bookings.insert(new, vec![]).await {
                        Ok(()) => Ok(true),
                        Err(BookingRepoError::Overlap) => Ok(false),
                        Err(e) => Err(format!("booking: {e:?}")),
                    }
                });
            } else {
                let period = blocked(w.celebrity, from, to);
                let celebrities = repos.celebrities.clone();
                racers.spawn(async move {
                    match celebrities.insert_blocked_period(period).await {
                        Ok(()) => Ok(true),
                        Err(CelebrityRepoError::Overlap) => Ok(false),
                        Err(e) => Err(format!("period: {e:?}")),
                    }
                });
            }
        }
        let mut wins = 0;
        while let Some(joined) = racers.join_next().await {
            match joined.expect("racer finished") {
                Ok(won) => wins += usize::from(won),
                Err(unexpected) => panic!("round {round}: unexpected {unexpected}"),
            }
        }
        assert_eq!(wins, 1, "round {round}");
        let busy = repos.celebrities.busy(w.celebrity, hours(base, base + 10)).await.expect("busy");
        assert_eq!(busy.len(), 1, "round {round}: {busy:?}");
    }
}
