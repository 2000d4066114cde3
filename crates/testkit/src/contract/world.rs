//! A small, realistic world every contract check starts from.

use chrono::{DateTime, Duration, TimeZone, Utc};
use headliner_domain::booking::{Booking, BookingRequest, EventType, NewBooking};
use headliner_domain::celebrity::{Category, Celebrity};
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::{BookingId, CelebrityId, OutboxMessageId, UserId};
use headliner_domain::money::{Currency, Money};
use headliner_domain::role::Role;
use headliner_domain::slug::Slug;
use headliner_domain::templates::{TemplateData, TemplateKey};
use headliner_domain::time::{EventTimeZone, TimeRange};
use headliner_domain::user::User;
use headliner_ports::accounts::RefreshToken;
use headliner_ports::outbox::{OutboxMessage, OutboxPayload};
use headliner_ports::users::NewAccount;
use uuid::Uuid;

use super::Repos;

/// The instant requests are made at; events are after it.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).single().unwrap_or(DateTime::UNIX_EPOCH)
}

/// The start of the `hour`-th hour of 1 February 2030, UTC.
pub fn hour(hour: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 2, 1, 0, 0, 0).single().unwrap_or(DateTime::UNIX_EPOCH) + Duration::hours(hour)
}

/// `[hour(from), hour(to))`.
pub fn hours(from: i64, to: i64) -> TimeRange {
    TimeRange::new(hour(from), hour(to)).expect("forward range")
}

pub fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::parse("USD").expect("USD is a currency"))
}

/// Ids of the people and celebrities of the world.
#[derive(Debug, Clone)]
pub struct World {
    pub customer: UserId,
    pub other_customer: UserId,
    pub talent: UserId,
    pub admin: UserId,
    pub celebrity: CelebrityId,
    pub other_celebrity: CelebrityId,
}

fn user(id: UserId, email: &str, name: &str, role: Role, celebrity: Option<CelebrityId>) -> NewAccount {
    NewAccount {
        user: User {
            id,
            email: EmailAddress::parse(email).expect("valid email"),
            display_name: name.into(),
            role,
            celebrity_id: celebrity,
            disabled: false,
            created_at: now(),
        },
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
    }
}

/// A live `music` celebrity created now, with the bio "<name> performs live.".
pub fn celebrity(id: CelebrityId, slug: &str, name: &str, minor: i64) -> Celebrity {
    Celebrity {
        id,
        slug: Slug::parse(slug).expect("valid slug"),
        name: name.into(),
        category: "music".into(),
        bio: format!("{name} performs live."),
        base_price: usd(minor),
        deleted: false,
        created_at: now(),
        updated_at: now(),
    }
}

impl World {
    /// Creates one category, two celebrities, two customers, a talent account and an admin.
    pub async fn create(repos: &Repos) -> Self {
        let w = Self {
            customer: UserId::from_uuid(Uuid::new_v4()),
            other_customer: UserId::from_uuid(Uuid::new_v4()),
            talent: UserId::from_uuid(Uuid::new_v4()),
            admin: UserId::from_uuid(Uuid::new_v4()),
            celebrity: CelebrityId::from_uuid(Uuid::new_v4()),
            other_celebrity: CelebrityId::from_uuid(Uuid::new_v4()),
        };
        let music = Category { slug: Slug::parse("music").expect("slug"), name: "Music".into() };
        repos.celebrities.upsert_category(music).await.expect("category stored");
        repos.celebrities.insert(celebrity(w.celebrity, "nova-lane", "Nova Lane", 100_000)).await.expect("celebrity");
        repos
            .celebrities
            .insert(celebrity(w.other_celebrity, "rex-holt", "Rex Holt", 50_000))
            .await
            .expect("celebrity");
        let people = [
            user(w.customer, "casey@example.com", "Casey Customer", Role::Customer, None),
            user(w.other_customer, "olga@example.com", "Olga Other", Role::Customer, None),
            user(w.talent, "nova.manager@example.com", "Nova's Manager", Role::Talent, Some(w.celebrity)),
            user(w.admin, "admin@example.com", "Ada Admin", Role::Admin, None),
        ];
        for person in people {
            repos.users.insert(person).await.expect("user stored");
        }
        w
    }

    /// A pending booking of `celebrity` by the customer for `[hour(from), hour(to))`.
    pub fn booking(&self, celebrity: CelebrityId, from: i64, to: i64) -> NewBooking {
        let request = BookingRequest {
            celebrity_id: celebrity,
            during: TimeRange::new(hour(from), hour(to)).expect("forward range"),
            timezone: EventTimeZone::parse("Europe/London").expect("zone"),
            event_type: EventType::Appearance,
            location: "The Roundhouse, London".into(),
            message: "Gala".into(),
        };
        Booking::request(BookingId::from_uuid(Uuid::new_v4()), self.customer, request, usd(100_000), now())
            .expect("valid request")
    }

    /// One email outbox message about `booking`.
    pub fn mail_about(&self, booking: &Booking) -> OutboxMessage {
        OutboxMessage {
            id: OutboxMessageId::from_uuid(Uuid::new_v4()),
            created_at: booking.updated_at,
            booking_id: Some(booking.id),
            payload: OutboxPayload::Email {
                to: EmailAddress::parse("casey@example.com").expect("email"),
                template: TemplateKey::Welcome,
                data: Box::new(TemplateData::sample(TemplateKey::Welcome)),
            },
        }
    }
}

/// An opaque 32-byte token hash, different every time (the stores never interpret it).
pub fn token_hash() -> Vec<u8> {
    [Uuid::new_v4().into_bytes(), Uuid::new_v4().into_bytes()].concat()
}

/// A refresh token of `user` in `family`, issued now, expiring at `expires_at`.
pub fn refresh_token(user: UserId, family: Uuid, expires_at: DateTime<Utc>) -> RefreshToken {
    RefreshToken {
        id: Uuid::new_v4(),
        user_id: user,
        family_id: family,
        token_hash: token_hash(),
        issued_at: now(),
        expires_at,
    }
}

/// An account with a fresh id.
pub fn account(email: &str, role: Role, celebrity: Option<CelebrityId>, created_at: DateTime<Utc>) -> NewAccount {
    let mut account = user(UserId::from_uuid(Uuid::new_v4()), email, "Someone New", role, celebrity);
    account.user.created_at = created_at;
    account
}

/// An email to `to` not tied to a booking (welcome, password reset).
pub fn mail_to(to: &str, template: TemplateKey) -> OutboxMessage {
    OutboxMessage {
        id: OutboxMessageId::from_uuid(Uuid::new_v4()),
        created_at: now(),
        booking_id: None,
        payload: OutboxPayload::Email {
            to: EmailAddress::parse(to).expect("email"),
            template,
            data: Box::new(TemplateData::sample(template)),
        },
    }
}
