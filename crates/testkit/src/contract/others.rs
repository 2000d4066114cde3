//! The contracts of the accounts, catalogue, template, outbox and idempotency repositories.

use chrono::Duration;
use headliner_domain::celebrity::Celebrity;
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::{CelebrityId, UserId};
use headliner_domain::role::Role;
use headliner_domain::slug::Slug;
use headliner_domain::templates::{TemplateKey, TemplateSource, default_template};
use headliner_domain::user::User;
use headliner_ports::celebrities::CelebrityRepoError;
use headliner_ports::idempotency::{IdempotencyError, IdempotencyRecord, StoredResponse};
use headliner_ports::outbox::OutboxStatus;
use headliner_ports::templates::TemplateChange;
use headliner_ports::users::{NewAccount, UserRepoError};
use uuid::Uuid;

use super::Repos;
use super::world::{World, now, usd};

pub async fn users_round_trip_and_emails_are_unique_ignoring_case(repos: &Repos) {
    let w = World::create(repos).await;
    let talent = repos.users.get(w.talent).await.expect("read");
    assert_eq!((talent.role, talent.celebrity_id), (Role::Talent, Some(w.celebrity)));
    assert_eq!(talent.email.as_str(), "nova.manager@example.com");
    assert_eq!(talent.created_at, now());

    let twin = NewAccount {
        user: User {
            id: UserId::from_uuid(Uuid::new_v4()),
            email: EmailAddress::parse("CASEY@example.com").expect("email"),
            ..talent.clone()
        },
        password_hash: "x".into(),
    };
    assert!(matches!(repos.users.insert(twin).await, Err(UserRepoError::EmailTaken)));
    assert!(matches!(repos.users.get(UserId::from_uuid(Uuid::new_v4())).await, Err(UserRepoError::NotFound)));
}

pub async fn talent_and_admin_lists_hold_only_enabled_accounts(repos: &Repos) {
    let w = World::create(repos).await;
    let disabled = NewAccount {
        user: User {
            id: UserId::from_uuid(Uuid::new_v4()),
            email: EmailAddress::parse("gone@example.com").expect("email"),
            display_name: "Gone".into(),
            role: Role::Admin,
            celebrity_id: None,
            disabled: true,
            created_at: now(),
        },
        password_hash: "x".into(),
    };
    repos.users.insert(disabled).await.expect("stored");
    let talent: Vec<_> = repos.users.talent_of(w.celebrity).await.expect("talent").into_iter().map(|u| u.id).collect();
    assert_eq!(talent, [w.talent]);
    assert!(repos.users.talent_of(w.other_celebrity).await.expect("talent").is_empty());
    let admins: Vec<_> = repos.users.admins().await.expect("admins").into_iter().map(|u| u.id).collect();
    assert_eq!(admins, [w.admin]);
}

pub async fn celebrities_round_trip_and_slugs_are_unique(repos: &Repos) {
    let w = World::create(repos).await;
    let nova = repos.celebrities.get(w.celebrity).await.expect("read");
    assert_eq!((nova.slug.as_str(), nova.base_price, nova.deleted), ("nova-lane", usd(100_000), false));

    let clash = Celebrity { id: CelebrityId::from_uuid(Uuid::new_v4()), ..nova.clone() };
    assert!(matches!(repos.celebrities.insert(clash).await, Err(CelebrityRepoError::SlugTaken)));
    let homeless = Celebrity {
        id: CelebrityId::from_uuid(Uuid::new_v4()),
        slug: Slug::parse("no-such-category").expect("slug"),
        category: "polka".into(),
        ..nova
    };
    assert!(matches!(repos.celebrities.insert(homeless).await, Err(CelebrityRepoError::UnknownCategory)));
    assert!(matches!(
        repos.celebrities.get(CelebrityId::from_uuid(Uuid::new_v4())).await,
        Err(CelebrityRepoError::NotFound)
    ));
}

pub async fn templates_are_saved_read_and_reset_with_an_audit_trail(repos: &Repos) {
    let w = World::create(repos).await;
    let key = TemplateKey::BookingConfirmed;
    assert_eq!(repos.templates.get(key).await.expect("read"), None, "defaults are not stored");
    let edited = TemplateSource { subject: "Confirmed!".into(), ..default_template(key) };
    let change = TemplateChange { key, at: now(), by: w.admin, before: None, after: Some(edited.clone()) };
    repos.templates.save(change).await.expect("saved");
    let stored = repos.templates.get(key).await.expect("read").expect("stored");
    assert_eq!((stored.source, stored.updated_by, stored.updated_at), (edited.clone(), Some(w.admin), now()));

    let again = TemplateSource { subject: "Confirmed again".into(), ..edited.clone() };
    let later = now() + Duration::minutes(1);
    repos
        .templates
        .save(TemplateChange { key, at: later, by: w.admin, before: Some(edited.clone()), after: Some(again.clone()) })
        .await
        .expect("overwritten");
    assert_eq!(repos.templates.get(key).await.expect("read").expect("stored").source, again);

    repos
        .templates
        .save(TemplateChange { key, at: later, by: w.admin, before: Some(again), after: None })
        .await
        .expect("reset");
    assert_eq!(repos.templates.get(key).await.expect("read"), None);
}

pub async fn outbox_messages_are_listed_by_status_oldest_first(repos: &Repos) {
    let w = World::create(repos).await;
    let new = w.booking(w.celebrity, 1, 2);
    let mut first = w.mail_about(&new.booking);
    first.booking_id = None;
    let mut second = w.mail_about(&new.booking);
    second.booking_id = None;
    second.created_at = first.created_at + Duration::seconds(1);
    repos.outbox.enqueue(vec![second.clone(), first.clone()]).await.expect("enqueued");
    assert_eq!(repos.outbox.list(OutboxStatus::Pending, 10).await.expect("list"), vec![first.clone(), second]);
    assert_eq!(repos.outbox.list(OutboxStatus::Pending, 1).await.expect("list"), vec![first]);
    assert!(repos.outbox.list(OutboxStatus::Dead, 10).await.expect("list").is_empty());
}

pub async fn idempotency_keys_are_claimed_once_completed_and_released(repos: &Repos) {
    let w = World::create(repos).await;
    let record = |key: &str| IdempotencyRecord {
        user_id: w.customer,
        key: key.into(),
        request_fingerprint: "sha256:abc".into(),
        response: None,
        created_at: now(),
    };
    repos.idempotency.claim(record("k1")).await.expect("claimed");
    assert!(matches!(repos.idempotency.claim(record("k1")).await, Err(IdempotencyError::KeyExists)));
    let other_user = IdempotencyRecord { user_id: w.other_customer, ..record("k1") };
    repos.idempotency.claim(other_user).await.expect("keys are per user");

    let in_flight = repos.idempotency.get(w.customer, "k1".into()).await.expect("read").expect("present");
    assert_eq!(in_flight.response, None);
    let response = StoredResponse { status: 201, body: br#"{"id":"b"}"#.to_vec() };
    repos.idempotency.complete(w.customer, "k1".into(), response.clone()).await.expect("completed");
    let done = repos.idempotency.get(w.customer, "k1".into()).await.expect("read").expect("present");
    assert_eq!(done.response, Some(response));

    // A completed key is never released; an in-flight one is.
    repos.idempotency.release(w.customer, "k1".into()).await.expect("no-op");
    assert!(repos.idempotency.get(w.customer, "k1".into()).await.expect("read").is_some());
    repos.idempotency.claim(record("k2")).await.expect("claimed");
    repos.idempotency.release(w.customer, "k2".into()).await.expect("released");
    assert_eq!(repos.idempotency.get(w.customer, "k2".into()).await.expect("read"), None);
}
