//! What must hold when many requests race: the store, not the caller, decides.

use std::time::Instant;

use headliner_domain::booking::BookingStatus;
use headliner_domain::role::Actor;
use headliner_ports::bookings::BookingRepoError;
use tokio::task::JoinSet;

use super::Repos;
use super::world::{World, now};

const ROUNDS: i64 = 20;
const RACERS: i64 = 50;

pub async fn fifty_concurrent_overlapping_requests_store_exactly_one_for_twenty_rounds(repos: &Repos) {
    let w = World::create(repos).await;
    let started = Instant::now();
    for round in 0..ROUNDS {
        // Each racer wants a slightly different slot, but every slot overlaps every other.
        let base = round * 100;
        let mut racers = JoinSet::new();
        for racer in 0..RACERS {
            let new = w.booking(w.celebrity, base, base + 2 + racer % 3);
            let bookings = repos.bookings.clone();
            racers.spawn(async move { bookings.insert(new, vec![]).await });
        }
        let (mut stored, mut conflicts) = (0, 0);
        while let Some(joined) = racers.join_next().await {
            match joined.expect("racer finished") {
                Ok(()) => stored += 1,
                Err(BookingRepoError::Overlap) => conflicts += 1,
                Err(other) => panic!("round {round}: unexpected {other:?}"),
            }
        }
        assert_eq!((stored, conflicts), (1, RACERS - 1), "round {round}");
    }
    crate::skip::note(&format!(
        "{} rounds x {RACERS} concurrent overlapping inserts: 1 stored each, {:?} in all",
        ROUNDS,
        started.elapsed()
    ));
}

pub async fn two_concurrent_changes_of_one_booking_exactly_one_wins(repos: &Repos) {
    let w = World::create(repos).await;
    for round in 0..10 {
        let new = w.booking(w.celebrity, round * 10, round * 10 + 1);
        let booking = new.booking.clone();
        repos.bookings.insert(new, vec![]).await.expect("booked");
        let talent = Actor::Talent { user_id: w.talent, celebrity_id: w.celebrity };
        let customer = Actor::Customer { user_id: w.customer };
        let confirm = booking.transition(BookingStatus::Confirmed, &talent, None, now()).expect("allowed");
        let cancel = booking.transition(BookingStatus::Cancelled, &customer, None, now()).expect("allowed");
        let (a, b) = (repos.bookings.clone(), repos.bookings.clone());
        let (first, second) = tokio::join!(
            tokio::spawn(async move { a.apply_change(confirm, vec![]).await }),
            tokio::spawn(async move { b.apply_change(cancel, vec![]).await }),
        );
        let outcomes = [first.expect("joined"), second.expect("joined")];
        let wins = outcomes.iter().filter(|o| o.is_ok()).count();
        let conflicts = outcomes.iter().filter(|o| matches!(o, Err(BookingRepoError::VersionConflict))).count();
        assert_eq!((wins, conflicts), (1, 1), "round {round}: {outcomes:?}");
        let trail = repos.bookings.audit_trail(booking.id).await.expect("trail");
        assert_eq!(trail.len(), 2, "the request and the one winning change");
        let stored = repos.bookings.get(booking.id).await.expect("read");
        assert_eq!(stored.version, 2);
        assert_eq!(Some(stored.status), trail.last().map(|row| row.to));
    }
}
