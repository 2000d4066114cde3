//! Adapter-local checks of what is SQLite-specific (encodings, triggers, IMMEDIATE writes).
//! The shared contract suite in headliner-testkit covers the ports' full behaviour.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use headliner_domain::booking::{
    AuditEvent, Booking, BookingEvent, BookingStatus, EventType, NewBooking, StatusChange,
};
use headliner_domain::celebrity::{Category, Celebrity};
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::{BookingId, CelebrityId, OutboxMessageId, UserId};
use headliner_domain::money::{Currency, Money};
use headliner_domain::role::Role;
use headliner_domain::slug::Slug;
use headliner_domain::templates::{TemplateKey, TemplateSource};
use headliner_domain::time::{EventTimeZone, TimeRange};
use headliner_domain::user::User;
use headliner_ports::bookings::{BookingQuery, BookingRepoError, BookingRepository, BookingScope};
use headliner_ports::celebrities::{CelebrityRepoError, CelebrityRepository};
use headliner_ports::idempotency::{IdempotencyError, IdempotencyRecord, IdempotencyRepository, StoredResponse};
use headliner_ports::outbox::{OutboxMessage, OutboxPayload, OutboxRepository, OutboxStatus};
use headliner_ports::templates::{TemplateChange, TemplateRepository};
use headliner_ports::users::{NewAccount, UserRepoError, UserRepository};
use uuid::Uuid;

use crate::{SqliteConfig, SqliteStore};

struct Db {
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

impl Db {
    fn bookings(&self) -> &dyn BookingRepository {
        &self.store
    }
    fn users(&self) -> &dyn UserRepository {
        &self.store
    }
    fn celebrities(&self) -> &dyn CelebrityRepository {
        &self.store
    }
    fn outbox(&self) -> &dyn OutboxRepository {
        &self.store
    }
    fn templates(&self) -> &dyn TemplateRepository {
        &self.store
    }
    fn keys(&self) -> &dyn IdempotencyRepository {
        &self.store
    }
}

async fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let config = SqliteConfig { path: dir.path().join("t.db"), pool_size: 4, connect_timeout: Duration::from_secs(5) };
    let store = SqliteStore::connect(config).await.unwrap();
    store.run_pending_migrations().await.unwrap();
    Db { store, _dir: dir }
}

/// An instant with sub-second precision, to prove microseconds survive the round trip.
fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 5, 1, hour, 0, 0).unwrap() + chrono::Duration::microseconds(123_456)
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn user(n: u128, email: &str, role: Role, celebrity: Option<CelebrityId>) -> NewAccount {
    NewAccount {
        user: User {
            id: UserId::from_uuid(id(n)),
            email: EmailAddress::parse(email).unwrap(),
            display_name: "Someone".into(),
            role,
            celebrity_id: celebrity,
            disabled: false,
            created_at: at(n as u32 % 24),
        },
        password_hash: "$argon2id$stub".into(),
    }
}

fn celebrity(n: u128, slug: &str, category: &str) -> Celebrity {
    Celebrity {
        id: CelebrityId::from_uuid(id(n)),
        slug: Slug::parse(slug).unwrap(),
        name: "Star".into(),
        category: category.into(),
        bio: String::new(),
        base_price: Money::new(10_000, Currency::parse("EUR").unwrap()),
        deleted: false,
        created_at: at(1),
        updated_at: at(1),
    }
}

fn booking(n: u128, celebrity: CelebrityId, customer: UserId, start_hour: u32, created: DateTime<Utc>) -> NewBooking {
    let booking = Booking {
        id: BookingId::from_uuid(id(n)),
        customer_id: customer,
        celebrity_id: celebrity,
        during: TimeRange::new(at(start_hour), at(start_hour + 1)).unwrap(),
        timezone: EventTimeZone::parse("Europe/Paris").unwrap(),
        event_type: EventType::Speech,
        location: "Paris".into(),
        message: "Hello".into(),
        price: Money::new(25_000, Currency::parse("EUR").unwrap()),
        status: BookingStatus::Pending,
        version: 1,
        created_at: created,
        updated_at: created,
    };
    let audit = AuditEvent {
        booking_id: booking.id,
        at: created,
        actor_id: Some(customer),
        actor_role: "customer".into(),
        from: None,
        to: BookingStatus::Pending,
        reason: None,
    };
    NewBooking { booking, audit, event: BookingEvent::Requested }
}

fn release(n: u128, booking: BookingId) -> OutboxMessage {
    OutboxMessage {
        id: OutboxMessageId::from_uuid(id(n)),
        created_at: at(2),
        booking_id: Some(booking),
        payload: OutboxPayload::ReleasePayment { booking_id: booking },
    }
}

/// A category, a celebrity (id 10) and a customer (id 20).
async fn seeded() -> (Db, CelebrityId, UserId) {
    let db = db().await;
    let music = Category { slug: Slug::parse("music").unwrap(), name: "Music".into() };
    db.celebrities().upsert_category(music).await.unwrap();
    db.celebrities().insert(celebrity(10, "star", "music")).await.unwrap();
    db.users().insert(user(20, "fan@example.com", Role::Customer, None)).await.unwrap();
    (db, CelebrityId::from_uuid(id(10)), UserId::from_uuid(id(20)))
}

#[tokio::test]
async fn a_booking_round_trips_with_its_audit_row_and_outbox_message() {
    let (db, celeb, customer) = seeded().await;
    let new = booking(100, celeb, customer, 10, at(3));
    let expected = new.booking.clone();
    db.bookings().insert(new.clone(), vec![release(500, expected.id)]).await.unwrap();

    assert_eq!(db.bookings().get(expected.id).await.unwrap(), expected);
    assert_eq!(db.bookings().audit_trail(expected.id).await.unwrap(), vec![new.audit]);
    let pending = db.outbox().list(OutboxStatus::Pending, 10).await.unwrap();
    assert_eq!(pending, vec![release(500, expected.id)]);
}

#[tokio::test]
async fn an_overlapping_booking_is_refused_and_leaves_nothing_behind() {
    let (db, celeb, customer) = seeded().await;
    db.bookings().insert(booking(100, celeb, customer, 10, at(3)), vec![]).await.unwrap();
    let clash = booking(101, celeb, customer, 10, at(4));
    let err = db.bookings().insert(clash, vec![release(501, BookingId::from_uuid(id(101)))]).await.unwrap_err();
    assert!(matches!(err, BookingRepoError::Overlap), "{err:?}");
    assert!(db.outbox().list(OutboxStatus::Pending, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn apply_change_checks_the_version_and_tells_missing_from_stale() {
    let (db, celeb, customer) = seeded().await;
    let new = booking(100, celeb, customer, 10, at(3));
    db.bookings().insert(new.clone(), vec![]).await.unwrap();
    let mut confirmed = new.booking.clone();
    confirmed.status = BookingStatus::Confirmed;
    confirmed.version = 2;
    let audit = AuditEvent { from: Some(BookingStatus::Pending), to: BookingStatus::Confirmed, ..new.audit.clone() };
    let change =
        StatusChange { booking: confirmed.clone(), expected_version: 1, audit, event: BookingEvent::Confirmed };

    db.bookings().apply_change(change.clone(), vec![]).await.unwrap();
    assert_eq!(db.bookings().get(confirmed.id).await.unwrap(), confirmed);
    assert_eq!(db.bookings().audit_trail(confirmed.id).await.unwrap().len(), 2);

    let stale = db.bookings().apply_change(change.clone(), vec![]).await.unwrap_err();
    assert!(matches!(stale, BookingRepoError::VersionConflict), "{stale:?}");
    let mut missing = change;
    missing.booking.id = BookingId::from_uuid(id(999));
    let err = db.bookings().apply_change(missing, vec![]).await.unwrap_err();
    assert!(matches!(err, BookingRepoError::NotFound), "{err:?}");
}

#[tokio::test]
async fn list_pages_newest_first_with_ties_broken_by_id() {
    let (db, celeb, customer) = seeded().await;
    // Three bookings created at the same instant, one older.
    for (n, hour) in [(0xa0, 10), (0x0f, 12), (0xb1, 14)] {
        db.bookings().insert(booking(n, celeb, customer, hour, at(5)), vec![]).await.unwrap();
    }
    db.bookings().insert(booking(0xff, celeb, customer, 16, at(4)), vec![]).await.unwrap();

    let mut query = BookingQuery {
        scope: BookingScope::Customer(customer),
        status: None,
        celebrity_id: None,
        from: None,
        to: None,
        limit: 2,
        after: None,
    };
    let mut seen = Vec::new();
    loop {
        let page = db.bookings().list(query.clone()).await.unwrap();
        seen.extend(page.items.iter().map(|b| b.id.as_uuid().as_u128()));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, vec![0xb1, 0xa0, 0x0f, 0xff]);

    query.after = None;
    query.from = Some(at(13));
    query.to = Some(at(15));
    let window = db.bookings().list(query).await.unwrap();
    assert_eq!(window.items.iter().map(|b| b.id.as_uuid().as_u128()).collect::<Vec<_>>(), vec![0xb1]);
    assert_eq!(window.next, None);
}

#[tokio::test]
async fn emails_are_unique_case_insensitively_and_lists_skip_disabled_accounts() {
    let (db, celeb, _) = seeded().await;
    let s = db.users();
    let err = s.insert(user(21, "FAN@example.com", Role::Customer, None)).await.unwrap_err();
    assert!(matches!(err, UserRepoError::EmailTaken), "{err:?}");

    s.insert(user(23, "t2@example.com", Role::Talent, Some(celeb))).await.unwrap();
    s.insert(user(22, "t1@example.com", Role::Talent, Some(celeb))).await.unwrap();
    let mut off = user(24, "t3@example.com", Role::Talent, Some(celeb));
    off.user.disabled = true;
    s.insert(off).await.unwrap();
    s.insert(user(25, "boss@example.com", Role::Admin, None)).await.unwrap();

    let talent: Vec<_> = s.talent_of(celeb).await.unwrap().into_iter().map(|u| u.id.as_uuid().as_u128()).collect();
    assert_eq!(talent, vec![22, 23]);
    let admins = s.admins().await.unwrap();
    assert_eq!(admins.len(), 1);
    assert_eq!(s.get(admins[0].id).await.unwrap(), admins[0]);
}

#[tokio::test]
async fn celebrities_need_their_category_and_a_free_slug() {
    let (db, _, _) = seeded().await;
    let err = db.celebrities().insert(celebrity(11, "other", "no-such-category")).await.unwrap_err();
    assert!(matches!(err, CelebrityRepoError::UnknownCategory), "{err:?}");
    let err = db.celebrities().insert(celebrity(12, "star", "music")).await.unwrap_err();
    assert!(matches!(err, CelebrityRepoError::SlugTaken), "{err:?}");
    let stored = db.celebrities().get(CelebrityId::from_uuid(id(10))).await.unwrap();
    assert_eq!(stored, celebrity(10, "star", "music"));
}

#[tokio::test]
async fn templates_are_saved_replaced_and_removed() {
    let (db, _, editor) = seeded().await;
    let source = |s: &str| TemplateSource { subject: s.into(), html: "<p>hi</p>".into(), text: "hi".into() };
    let key = TemplateKey::Welcome;
    let change = |before, after| TemplateChange { key, at: at(6), by: editor, before, after };

    db.templates().save(change(None, Some(source("one")))).await.unwrap();
    db.templates().save(change(Some(source("one")), Some(source("two")))).await.unwrap();
    let stored = db.templates().get(key).await.unwrap().unwrap();
    assert_eq!((stored.source, stored.updated_at, stored.updated_by), (source("two"), at(6), Some(editor)));

    db.templates().save(change(Some(source("two")), None)).await.unwrap();
    assert_eq!(db.templates().get(key).await.unwrap(), None);
}

#[tokio::test]
async fn an_idempotency_key_is_claimed_once_completed_and_released_only_while_in_flight() {
    let (db, _, customer) = seeded().await;
    let s = db.keys();
    let record = IdempotencyRecord {
        user_id: customer,
        key: "k1".into(),
        request_fingerprint: "fp".into(),
        response: None,
        created_at: at(7),
    };
    s.claim(record.clone()).await.unwrap();
    assert!(matches!(s.claim(record.clone()).await.unwrap_err(), IdempotencyError::KeyExists));
    assert_eq!(s.get(customer, "k1".into()).await.unwrap(), Some(record.clone()));

    let response = StoredResponse { status: 201, body: vec![0, 1, 255] };
    s.complete(customer, "k1".into(), response.clone()).await.unwrap();
    s.release(customer, "k1".into()).await.unwrap();
    let done = s.get(customer, "k1".into()).await.unwrap().unwrap();
    assert_eq!(done.response, Some(response));

    s.claim(IdempotencyRecord { key: "k2".into(), ..record }).await.unwrap();
    s.release(customer, "k2".into()).await.unwrap();
    assert_eq!(s.get(customer, "k2".into()).await.unwrap(), None);
}

#[tokio::test]
async fn ids_are_stored_as_lower_case_text_and_instants_as_integer_micros() {
    #[derive(diesel::QueryableByName)]
    struct Raw {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        kind: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        created_at: i64,
    }
    let (db, celeb, customer) = seeded().await;
    let new = booking(0xabcdef, celeb, customer, 10, at(3));
    db.bookings().insert(new.clone(), vec![]).await.unwrap();
    let raw: Raw = crate::blocking::with_connection(&db.store.pool, |conn| {
        use diesel::RunQueryDsl;
        diesel::sql_query("SELECT id, typeof(created_at) AS kind, created_at FROM bookings").get_result(conn)
    })
    .await
    .unwrap();
    assert_eq!(raw.id, "00000000-0000-0000-0000-000000abcdef");
    assert_eq!(raw.kind, "integer");
    assert_eq!(raw.created_at, at(3).timestamp_micros());
}

#[tokio::test]
async fn concurrent_overlapping_requests_store_exactly_one_booking() {
    let (db, celeb, customer) = seeded().await;
    let tasks: Vec<_> = (0..8u128)
        .map(|n| {
            let store = db.store.clone();
            tokio::spawn(async move {
                BookingRepository::insert(&store, booking(300 + n, celeb, customer, 10, at(3)), vec![]).await
            })
        })
        .collect();
    let mut stored = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => stored += 1,
            Err(BookingRepoError::Overlap) => {}
            Err(other) => panic!("expected Overlap, got {other:?}"),
        }
    }
    assert_eq!(stored, 1);
}
