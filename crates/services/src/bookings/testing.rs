//! Shared fixtures for the booking use-case tests: one mock per port, a booking, its people.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use headliner_domain::booking::{Booking, BookingStatus, EventType, StatusChange};
use headliner_domain::celebrity::Celebrity;
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::{BookingId, CelebrityId, UserId};
use headliner_domain::money::{Currency, Money};
use headliner_domain::pricing::{PricingPolicy, RefundPolicy};
use headliner_domain::role::{Actor, Role};
use headliner_domain::slug::Slug;
use headliner_domain::time::{EventTimeZone, TimeRange};
use headliner_domain::user::User;
use headliner_domain::workflow::WorkflowRule;
use headliner_ports::bookings::MockBookingRepository;
use headliner_ports::celebrities::MockCelebrityRepository;
use headliner_ports::clock::{MockClock, MockIdGenerator};
use headliner_ports::events::MockEventPublisher;
use headliner_ports::outbox::{MockOutboxRepository, OutboxMessage, OutboxPayload};
use headliner_ports::payments::MockPaymentGateway;
use headliner_ports::users::MockUserRepository;
use headliner_ports::workflow::{MockWorkflowRuleRepository, StoredRule, WorkflowRuleRepoError};
use uuid::Uuid;

use super::BookingPorts;

pub const CUSTOMER_EMAIL: &str = "customer@example.com";
pub const TALENT_EMAIL: &str = "talent@example.com";
pub const ADMIN_EMAIL: &str = "admin@example.com";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap()
}

pub fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::parse("USD").unwrap())
}

pub fn price() -> Money {
    usd(200_000)
}

pub fn booking_id() -> BookingId {
    BookingId::from_uuid(Uuid::from_u128(0xB00C))
}

pub fn customer_id() -> UserId {
    UserId::from_uuid(Uuid::from_u128(1))
}

pub fn celebrity_id() -> CelebrityId {
    CelebrityId::from_uuid(Uuid::from_u128(10))
}

pub fn customer() -> Actor {
    Actor::Customer { user_id: customer_id() }
}

pub fn other_customer() -> Actor {
    Actor::Customer { user_id: UserId::from_uuid(Uuid::from_u128(2)) }
}

pub fn talent() -> Actor {
    Actor::Talent { user_id: UserId::from_uuid(Uuid::from_u128(3)), celebrity_id: celebrity_id() }
}

pub fn other_talent() -> Actor {
    Actor::Talent {
        user_id: UserId::from_uuid(Uuid::from_u128(4)),
        celebrity_id: CelebrityId::from_uuid(Uuid::from_u128(11)),
    }
}

pub fn admin() -> Actor {
    Actor::Admin { user_id: UserId::from_uuid(Uuid::from_u128(5)) }
}

pub fn booking_in(status: BookingStatus) -> Booking {
    Booking {
        id: booking_id(),
        customer_id: customer_id(),
        celebrity_id: celebrity_id(),
        during: TimeRange::new(now() + Duration::days(30), now() + Duration::days(30) + Duration::hours(2)).unwrap(),
        timezone: EventTimeZone::parse("America/New_York").unwrap(),
        event_type: EventType::Speech,
        location: "Carnegie Hall".into(),
        message: "Keynote".into(),
        price: price(),
        status,
        version: 1,
        created_at: now() - Duration::days(1),
        updated_at: now() - Duration::days(1),
    }
}

/// A confirmed booking whose event ended an hour before `now()`.
pub fn finished_booking() -> Booking {
    let mut b = booking_in(BookingStatus::Confirmed);
    b.during = TimeRange::new(now() - Duration::hours(3), now() - Duration::hours(1)).unwrap();
    b
}

pub fn pending_booking() -> Booking {
    booking_in(BookingStatus::Pending)
}

pub fn person(id: UserId, email: &str, name: &str, role: Role) -> User {
    User {
        id,
        email: EmailAddress::parse(email).unwrap(),
        display_name: name.into(),
        role,
        celebrity_id: (role == Role::Talent).then(celebrity_id),
        disabled: false,
        created_at: now(),
    }
}

pub fn celebrity() -> Celebrity {
    Celebrity {
        id: celebrity_id(),
        slug: Slug::parse("ada-star").unwrap(),
        name: "Ada Star".into(),
        category: "music".into(),
        bio: "Singer".into(),
        base_price: usd(100_000),
        deleted: false,
        created_at: now(),
        updated_at: now(),
    }
}

/// The (template, recipient) pairs of the email messages in an outbox batch.
pub fn email_recipients(outbox: &[OutboxMessage]) -> Vec<(String, String)> {
    outbox
        .iter()
        .filter_map(|m| match &m.payload {
            OutboxPayload::Email { to, template, .. } => Some((template.as_str().to_owned(), to.to_string())),
            _ => None,
        })
        .collect()
}

type Captured = Arc<Mutex<Option<(StatusChange, Vec<OutboxMessage>)>>>;

/// One mock per port. Tests set expectations, then call `ports()`.
pub struct Mocks {
    pub bookings: MockBookingRepository,
    pub celebrities: MockCelebrityRepository,
    pub users: MockUserRepository,
    pub payments: MockPaymentGateway,
    pub events: MockEventPublisher,
    pub outbox: MockOutboxRepository,
    /// The stored workflow overrides (none: the built-in rules apply).
    pub rules: Vec<WorkflowRule>,
    /// How often the use case read the workflow rules.
    pub rule_reads: Arc<AtomicUsize>,
    /// The workflow rule store is down.
    pub rules_unavailable: bool,
}

impl Mocks {
    pub fn new() -> Self {
        Self {
            bookings: MockBookingRepository::new(),
            celebrities: MockCelebrityRepository::new(),
            users: MockUserRepository::new(),
            payments: MockPaymentGateway::new(),
            events: MockEventPublisher::new(),
            outbox: MockOutboxRepository::new(),
            rules: Vec::new(),
            rule_reads: Arc::new(AtomicUsize::new(0)),
            rules_unavailable: false,
        }
    }

    pub fn booking_is(&mut self, booking: Booking) {
        self.bookings.expect_get().returning(move |_| Ok(booking.clone()));
    }

    /// The customer, the celebrity and its one talent account, for email recipients.
    pub fn expect_participants(&mut self) {
        self.users.expect_get().returning(|id| Ok(person(id, CUSTOMER_EMAIL, "Casey Customer", Role::Customer)));
        self.users.expect_talent_of().returning(|_| {
            Ok(vec![person(UserId::from_uuid(Uuid::from_u128(3)), TALENT_EMAIL, "Tal Ent", Role::Talent)])
        });
        self.celebrities.expect_get().returning(|_| Ok(celebrity()));
    }

    /// The platform's one admin account, for rules that send to admins.
    pub fn expect_admins(&mut self) {
        self.users
            .expect_admins()
            .returning(|| Ok(vec![person(UserId::from_uuid(Uuid::from_u128(5)), ADMIN_EMAIL, "Ad Min", Role::Admin)]));
    }

    /// Expects exactly one `apply_change` and keeps what it was given.
    pub fn capture_apply_change(&mut self) -> Captured {
        let captured: Captured = Arc::new(Mutex::new(None));
        let sink = captured.clone();
        self.bookings.expect_apply_change().times(1).returning(move |change, outbox| {
            *sink.lock().unwrap() = Some((change, outbox));
            Ok(())
        });
        captured
    }

    pub fn expect_publish(&mut self, times: usize) {
        self.events.expect_publish().times(times).returning(|_| ());
    }

    pub fn ports(self) -> BookingPorts {
        let mut clock = MockClock::new();
        clock.expect_now().returning(now);
        let mut ids = MockIdGenerator::new();
        let counter = Arc::new(Mutex::new(0_u128));
        ids.expect_new_id().returning(move || {
            let mut n = counter.lock().unwrap();
            *n += 1;
            Uuid::from_u128(0x1D00 + *n)
        });
        let mut workflow = MockWorkflowRuleRepository::new();
        let (rules, reads, down) = (self.rules, self.rule_reads, self.rules_unavailable);
        workflow.expect_overrides().returning(move || {
            reads.fetch_add(1, Ordering::SeqCst);
            if down {
                return Err(WorkflowRuleRepoError::Unavailable("the rule store is down".into()));
            }
            let by = UserId::from_uuid(Uuid::from_u128(5));
            Ok(rules.iter().map(|rule| StoredRule { rule: rule.clone(), updated_at: now(), updated_by: by }).collect())
        });
        BookingPorts {
            bookings: Arc::new(self.bookings),
            celebrities: Arc::new(self.celebrities),
            users: Arc::new(self.users),
            payments: Arc::new(self.payments),
            events: Arc::new(self.events),
            workflow: Arc::new(workflow),
            outbox: Arc::new(self.outbox),
            clock: Arc::new(clock),
            ids: Arc::new(ids),
            pricing: PricingPolicy::default(),
            refunds: RefundPolicy::default(),
            app_url: "https://headliner.example".into(),
        }
    }
}
