//! The demo bookings, planned completely (and checked against every domain rule) before
//! anything is written: each is a [`NewBooking`] from `Booking::request` plus the
//! [`StatusChange`]s of its scenario from `Booking::transition`.
//!
//! Time: past events were requested 10 to 40 days before they happened, answered within a few
//! days, and completed hours after they ended; future events were requested 4 to 20 days ago.
//! Every audit instant is at or before the seed's "now". A celebrity's events are at least two
//! days apart, so no two of its bookings ever overlap, whatever their status.

use std::time::SystemTime;

use headliner_domain::booking::{Booking, BookingRequest, EventType, NewBooking, StatusChange};
use headliner_domain::celebrity::Celebrity;
use headliner_domain::pricing::PricingPolicy;
use headliner_domain::role::Actor;
use headliner_domain::time::{EventTimeZone, TimeRange};

use super::accounts::Accounts;
use super::scenarios::{At, By, MESSAGES, REMOTE_LOCATION, SEQUENCE, Scenario, VENUES, When};
use super::timeline::{Timeline, shift};
use super::{DataError, ids};

/// One booking as it will be written: the request, then its changes in order.
#[derive(Debug)]
pub(super) struct PlannedBooking {
    pub new: NewBooking,
    pub changes: Vec<StatusChange>,
}

/// How many bookings the `index`-th celebrity gets: a few are in demand, some never booked.
fn bookings_for(index: usize) -> usize {
    match index % 5 {
        0 => 4,
        1 | 2 => 2,
        3 => 1,
        _ => 0,
    }
}

pub(super) fn plan(
    timeline: &Timeline,
    celebrities: &[Celebrity],
    accounts: &Accounts,
) -> Result<Vec<PlannedBooking>, DataError> {
    let mut planned = Vec::new();
    for (c, celebrity) in celebrities.iter().enumerate() {
        let talent = *accounts.talent.get(c).ok_or(DataError::MissingAccount)?;
        let talent = Actor::Talent { user_id: talent, celebrity_id: celebrity.id };
        let mut days_taken = Vec::new();
        for _ in 0..bookings_for(c) {
            let k = planned.len();
            let scenario = SEQUENCE[k % SEQUENCE.len()];
            let day = free_day(&mut days_taken, scenario.when, k);
            planned.push(one(timeline, k, celebrity, talent, accounts, scenario, day)?);
        }
    }
    Ok(planned)
}

/// The event day a booking wants, moved away from the celebrity's other events until it is
/// at least two days from each (so ranges of up to a day never overlap).
fn free_day(taken: &mut Vec<i64>, when: When, k: usize) -> i64 {
    let k = i64::try_from(k % 1_000).unwrap_or(0);
    let (mut day, step) = match when {
        When::Past => (-(2 + (k * 13) % 58), -1),
        When::Yesterday => (-1, -1),
        When::Future => (2 + (k * 11) % 58, 1),
    };
    while taken.iter().any(|t: &i64| (t - day).abs() < 2) {
        day += step;
    }
    taken.push(day);
    day
}

fn event_type(category: &str, k: usize) -> EventType {
    if k % 6 == 5 {
        return EventType::PersonalisedVideo;
    }
    match category {
        "music" | "comedy" => EventType::Performance,
        "speakers" => EventType::Speech,
        _ => EventType::Appearance,
    }
}

fn minutes_of(event_type: EventType) -> i64 {
    match event_type {
        EventType::PersonalisedVideo => 30,
        EventType::Speech => 60,
        EventType::Performance => 90,
        EventType::Appearance => 120,
        EventType::Other => 180,
    }
}

fn one(
    timeline: &Timeline,
    k: usize,
    celebrity: &Celebrity,
    talent: Actor,
    accounts: &Accounts,
    scenario: &Scenario,
    day: i64,
) -> Result<PlannedBooking, DataError> {
    let (location, zone, utc_hour) = VENUES[(k * 7) % VENUES.len()];
    let customer =
        *accounts.customers.get((k * 5) % accounts.customers.len().max(1)).ok_or(DataError::MissingAccount)?;
    let admin = *accounts.admins.get(k % accounts.admins.len().max(1)).ok_or(DataError::MissingAccount)?;
    let event_type = event_type(&celebrity.category, k);
    let location = if event_type == EventType::PersonalisedVideo { REMOTE_LOCATION } else { location };

    let start = timeline.day(day, utc_hour * 60)?;
    let end = shift(start, minutes_of(event_type))?;
    let spread = i64::try_from(k % 1_000).unwrap_or(0);
    let requested = match scenario.when {
        When::Past | When::Yesterday => shift(start, -(24 * (10 + (spread * 7) % 31) + (spread * 5) % 11) * 60)?,
        When::Future => timeline.day(0, -(24 * (5 + (spread * 3) % 16) - (8 + spread % 10)) * 60)?,
    };
    let during = TimeRange::new(start.into(), end.into())?;
    let request = BookingRequest {
        celebrity_id: celebrity.id,
        during,
        timezone: EventTimeZone::parse(zone)?,
        event_type,
        location: location.to_owned(),
        message: MESSAGES[(k * 3) % MESSAGES.len()].to_owned(),
    };
    let price = PricingPolicy::default().quote(celebrity.base_price, &during)?;
    let new = Booking::request(ids::booking_id(k), customer, request, price, requested.into())?;
    check_order(timeline, k, requested, requested)?;

    let mut current = new.booking.clone();
    let mut previous = requested;
    let mut changes = Vec::with_capacity(scenario.steps.len());
    for step in scenario.steps {
        let at = match step.at {
            At::AfterRequest(hours) => shift(requested, hours * 60)?,
            At::AfterPrevious(hours) => shift(previous, hours * 60)?,
            At::BeforeStart(hours) => shift(start, -hours * 60)?,
            At::AfterEnd(hours) => shift(end, hours * 60)?,
            At::Start => start,
        };
        check_order(timeline, k, previous, at)?;
        let actor = match step.by {
            By::Customer => Actor::Customer { user_id: customer },
            By::Talent => talent,
            By::Admin => Actor::Admin { user_id: admin },
            By::System => Actor::System,
        };
        let change = current.transition(step.to, &actor, Some(step.reason), at.into())?;
        current = change.booking.clone();
        previous = at;
        changes.push(change);
    }
    Ok(PlannedBooking { new, changes })
}

/// Audit instants run forwards and never past the seed's "now".
fn check_order(timeline: &Timeline, k: usize, previous: SystemTime, at: SystemTime) -> Result<(), DataError> {
    if at < previous || at > timeline.now() { Err(DataError::Timeline { booking: k }) } else { Ok(()) }
}
