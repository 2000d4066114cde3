//! The stories the demo bookings tell: each scenario is a path through the lifecycle with the
//! party that takes each step, when, and why. Hours are chosen so that every step obeys the
//! domain's time rules and lies before the moment the seed runs (see `bookings.rs`).

use headliner_domain::booking::BookingStatus::{self, Cancelled, Completed, Confirmed, Rejected};

/// Who takes a step.
#[derive(Debug, Clone, Copy)]
pub(super) enum By {
    Customer,
    Talent,
    Admin,
    System,
}

/// When a step happens, in hours.
#[derive(Debug, Clone, Copy)]
pub(super) enum At {
    AfterRequest(i64),
    AfterPrevious(i64),
    BeforeStart(i64),
    AfterEnd(i64),
    Start,
}

/// When the event takes place, relative to the day the seed runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum When {
    /// 2 to 60 days ago; requested 10 to 40 days before the event.
    Past,
    /// Yesterday (confirmed, waiting for the completion job).
    Yesterday,
    /// 2 to 60 days ahead; requested 4 to 20 days ago. Steps must add up to less than 4 days.
    Future,
}

#[derive(Debug)]
pub(super) struct Step {
    pub to: BookingStatus,
    pub by: By,
    pub at: At,
    pub reason: &'static str,
}

#[derive(Debug)]
pub(super) struct Scenario {
    pub when: When,
    pub steps: &'static [Step],
}

const fn step(to: BookingStatus, by: By, at: At, reason: &'static str) -> Step {
    Step { to, by, at, reason }
}

const PENDING: Scenario = Scenario { when: When::Future, steps: &[] };

const CONFIRMED_BY_TALENT: Scenario = Scenario {
    when: When::Future,
    steps: &[step(
        Confirmed,
        By::Talent,
        At::AfterRequest(6),
        "Delighted to be there; our team will send a run sheet.",
    )],
};

const CONFIRMED_BY_ADMIN: Scenario = Scenario {
    when: When::Future,
    steps: &[step(Confirmed, By::Admin, At::AfterRequest(20), "Confirmed by phone with the talent's agent.")],
};

const CONFIRMED_AWAITING_COMPLETION: Scenario = Scenario {
    when: When::Yesterday,
    steps: &[step(Confirmed, By::Talent, At::AfterRequest(8), "Happy to do it; see you there.")],
};

const COMPLETED_BY_TALENT: Scenario = Scenario {
    when: When::Past,
    steps: &[
        step(Confirmed, By::Talent, At::AfterRequest(9), "Confirmed; dates locked in with the tour manager."),
        step(Completed, By::Talent, At::AfterEnd(3), "Wonderful audience, thank you for having us!"),
    ],
};

const COMPLETED_BY_SYSTEM: Scenario = Scenario {
    when: When::Past,
    steps: &[
        step(Confirmed, By::Talent, At::AfterRequest(30), "Confirmed."),
        step(Completed, By::System, At::AfterEnd(12), "The event ended; completed automatically."),
    ],
};

const COMPLETED_BY_ADMIN: Scenario = Scenario {
    when: When::Past,
    steps: &[
        step(Confirmed, By::Admin, At::AfterRequest(4), "Confirmed on the talent's behalf by their agency."),
        step(Completed, By::Admin, At::AfterEnd(18), "Completed after the organiser confirmed the appearance."),
    ],
};

const CANCELLED_PENDING_BY_CUSTOMER: Scenario = Scenario {
    when: When::Future,
    steps: &[step(Cancelled, By::Customer, At::AfterRequest(28), "Our event was postponed to next season.")],
};

const CANCELLED_CONFIRMED_BY_CUSTOMER: Scenario = Scenario {
    when: When::Past,
    steps: &[
        step(Confirmed, By::Talent, At::AfterRequest(12), "Confirmed, looking forward to it."),
        step(Cancelled, By::Customer, At::BeforeStart(96), "Our sponsor withdrew; we understand the refund policy."),
    ],
};

const CANCELLED_CONFIRMED_BY_TALENT: Scenario = Scenario {
    when: When::Future,
    steps: &[
        step(Confirmed, By::Talent, At::AfterRequest(5), "Confirmed."),
        step(Cancelled, By::Talent, At::AfterPrevious(40), "A medical issue means we must cancel; full refund, sorry."),
    ],
};

const CANCELLED_BY_ADMIN: Scenario = Scenario {
    when: When::Past,
    steps: &[step(Cancelled, By::Admin, At::AfterRequest(50), "Duplicate of another request from the same organiser.")],
};

const REJECTED_BY_TALENT: Scenario = Scenario {
    when: When::Future,
    steps: &[step(Rejected, By::Talent, At::AfterRequest(16), "Already committed to a tour date that week.")],
};

const REJECTED_BY_SYSTEM: Scenario = Scenario {
    when: When::Past,
    steps: &[step(Rejected, By::System, At::Start, "The request expired: nobody answered before the event started.")],
};

const REJECTED_BY_ADMIN: Scenario = Scenario {
    when: When::Past,
    steps: &[step(
        Rejected,
        By::Admin,
        At::AfterRequest(26),
        "The venue could not be verified; please contact support.",
    )],
};

/// The scenarios in the order bookings take them (cycled): mostly completed, as on a platform
/// that has been running for a while, and every status several times.
pub(super) const SEQUENCE: [&Scenario; 20] = [
    &COMPLETED_BY_TALENT,
    &PENDING,
    &CONFIRMED_BY_TALENT,
    &COMPLETED_BY_SYSTEM,
    &REJECTED_BY_TALENT,
    &CANCELLED_PENDING_BY_CUSTOMER,
    &COMPLETED_BY_TALENT,
    &CONFIRMED_BY_ADMIN,
    &CANCELLED_CONFIRMED_BY_CUSTOMER,
    &PENDING,
    &COMPLETED_BY_ADMIN,
    &REJECTED_BY_SYSTEM,
    &CONFIRMED_BY_TALENT,
    &COMPLETED_BY_TALENT,
    &CANCELLED_CONFIRMED_BY_TALENT,
    &REJECTED_BY_ADMIN,
    &COMPLETED_BY_SYSTEM,
    &PENDING,
    &CANCELLED_BY_ADMIN,
    &CONFIRMED_AWAITING_COMPLETION,
];

/// Where events happen: (location, IANA zone, start hour in UTC — evening local time).
pub(super) const VENUES: [(&str, &str, i64); 8] = [
    ("Riverside Pavilion, 12 Wharf Road, London", "Europe/London", 19),
    ("Le Hangar 9, Quai de la Gare, Paris", "Europe/Paris", 18),
    ("Harbor Hall, Pier 9, New York", "America/New_York", 23),
    ("Kesselhaus Nord, Berlin", "Europe/Berlin", 17),
    ("Sky Terrace Ballroom, Shibuya, Tokyo", "Asia/Tokyo", 10),
    ("Circular Quay Marquee, Sydney", "Australia/Sydney", 8),
    ("Sunset Rooftop, Los Angeles", "America/Los_Angeles", 2),
    ("Lakeshore Convention Centre, Hall B, Toronto", "America/Toronto", 14),
];

/// Where a personalised video is "performed".
pub(super) const REMOTE_LOCATION: &str = "Recorded remotely and delivered online";

/// What customers write with their requests.
pub(super) const MESSAGES: [&str; 8] = [
    "Company summer party for about 300 guests; a 60-minute slot would be perfect.",
    "A surprise for my sister's 40th birthday: she has been a fan for twenty years!",
    "Keynote for our annual sales conference. This year's theme is resilience.",
    "Charity gala dinner raising funds for the children's hospital.",
    "Product launch: a short appearance, photos with the team and a Q&A.",
    "Wedding reception. Could you say a few words to the couple too?",
    "Graduation ceremony, an address to about 1,200 graduates and their families.",
    "",
];
