//! The account repository's contract: registration, credentials, admin access changes and the
//! user list. Sessions and password resets are in `sessions.rs`.

use chrono::Duration;
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::{CelebrityId, UserId};
use headliner_domain::role::Role;
use headliner_domain::templates::TemplateKey;
use headliner_ports::accounts::{AccessChange, AccountRepoError, Rotation};
use headliner_ports::outbox::OutboxStatus;
use uuid::Uuid;

use super::Repos;
use super::world::{World, account, mail_to, now, refresh_token};

fn email(address: &str) -> EmailAddress {
    EmailAddress::parse(address).expect("valid email")
}

/// Rotates `presented` into a fresh token; the outcome.
async fn rotate(repos: &Repos, w: &World, presented: &[u8]) -> Rotation {
    let next = refresh_token(w.other_customer, Uuid::new_v4(), now() + Duration::days(30));
    repos.accounts.rotate_session(presented.to_vec(), next, now()).await.expect("rotation answered")
}

pub async fn registering_stores_the_account_with_its_outbox_atomically_and_emails_are_unique_ignoring_case(
    repos: &Repos,
) {
    let w = World::create(repos).await;
    let newbie = account("Newbie@Example.com", Role::Customer, None, now());
    let welcome = mail_to("Newbie@Example.com", TemplateKey::Welcome);
    repos.accounts.register(newbie.clone(), vec![welcome.clone()]).await.expect("registered");
    let stored = repos.accounts.credentials(newbie.user.id).await.expect("stored");
    assert_eq!((stored.user, stored.password_hash, stored.token_version), (newbie.user, newbie.password_hash, 0));
    assert_eq!(repos.outbox.list(OutboxStatus::Pending, 10).await.expect("outbox"), vec![welcome.clone()]);

    let twin = account("NEWBIE@example.COM", Role::Customer, None, now());
    let twin_mail = mail_to("NEWBIE@example.COM", TemplateKey::Welcome);
    assert!(matches!(repos.accounts.register(twin, vec![twin_mail]).await, Err(AccountRepoError::EmailTaken)));
    let casey = account("casey@EXAMPLE.com", Role::Customer, None, now());
    assert!(matches!(repos.accounts.register(casey, vec![]).await, Err(AccountRepoError::EmailTaken)));

    let stray = CelebrityId::from_uuid(Uuid::new_v4());
    let orphan = account("orphan@example.com", Role::Talent, Some(stray), now());
    let orphan_mail = mail_to("orphan@example.com", TemplateKey::Welcome);
    let refused = repos.accounts.register(orphan.clone(), vec![orphan_mail]).await;
    assert!(matches!(refused, Err(AccountRepoError::UnknownCelebrity)), "{refused:?}");
    assert!(matches!(repos.accounts.credentials(orphan.user.id).await, Err(AccountRepoError::NotFound)));

    let talent = account("second.manager@example.com", Role::Talent, Some(w.celebrity), now());
    repos.accounts.register(talent.clone(), vec![]).await.expect("talent of a known celebrity");
    assert_eq!(repos.accounts.credentials(talent.user.id).await.expect("stored").user, talent.user);
    // The refused registrations left no message behind.
    assert_eq!(repos.outbox.list(OutboxStatus::Pending, 10).await.expect("outbox"), vec![welcome]);
}

pub async fn credentials_are_found_by_email_in_any_case_and_by_id(repos: &Repos) {
    let w = World::create(repos).await;
    let by_id = repos.accounts.credentials(w.customer).await.expect("by id");
    assert_eq!((by_id.user.email.as_str(), by_id.token_version), ("casey@example.com", 0));
    assert!(by_id.password_hash.starts_with("$argon2id$"));
    for spelling in ["casey@example.com", "CASEY@EXAMPLE.COM", "Casey@Example.Com"] {
        let found = repos.accounts.credentials_by_email(&email(spelling)).await.expect("lookup");
        assert_eq!(found.as_ref(), Some(&by_id), "{spelling}");
    }
    let talent = repos.accounts.credentials_by_email(&email("Nova.Manager@example.com")).await.expect("lookup");
    assert_eq!(talent.map(|c| (c.user.id, c.user.celebrity_id)), Some((w.talent, Some(w.celebrity))));
    assert_eq!(repos.accounts.credentials_by_email(&email("nobody@example.com")).await.expect("lookup"), None);
    let missing = repos.accounts.credentials(UserId::from_uuid(Uuid::new_v4())).await;
    assert!(matches!(missing, Err(AccountRepoError::NotFound)), "{missing:?}");
}

pub async fn changing_access_raises_the_token_version_and_revokes_sessions_when_disabled_or_role_changes(
    repos: &Repos,
) {
    let w = World::create(repos).await;
    let later = now() + Duration::minutes(5);
    let first = refresh_token(w.customer, Uuid::new_v4(), now() + Duration::days(30));
    repos.accounts.start_session(first.clone()).await.expect("login");

    // Same role, still enabled: access tokens are cut off, refresh tokens keep working.
    let same = AccessChange { role: Role::Customer, celebrity_id: None, disabled: false };
    let user = repos.accounts.change_access(w.customer, same, later).await.expect("changed");
    assert_eq!((user.id, user.role, user.disabled), (w.customer, Role::Customer, false));
    assert_eq!(repos.accounts.credentials(w.customer).await.expect("read").token_version, 1);
    let second = refresh_token(w.customer, Uuid::new_v4(), now() + Duration::days(30));
    let rotated = repos.accounts.rotate_session(first.token_hash.clone(), second.clone(), now()).await;
    assert_eq!(rotated.expect("answered"), Rotation::Rotated { user_id: w.customer });

    // A role change revokes every session.
    let promoted = AccessChange { role: Role::Admin, celebrity_id: None, disabled: false };
    let user = repos.accounts.change_access(w.customer, promoted, later).await.expect("changed");
    assert_eq!(user.role, Role::Admin);
    let stored = repos.accounts.credentials(w.customer).await.expect("read");
    assert_eq!((stored.user, stored.token_version), (user, 2));
    assert_eq!(rotate(repos, &w, &second.token_hash).await, Rotation::Invalid);

    // Disabling revokes every session, even with the same role.
    let other = refresh_token(w.other_customer, Uuid::new_v4(), now() + Duration::days(30));
    repos.accounts.start_session(other.clone()).await.expect("login");
    let off = AccessChange { role: Role::Customer, celebrity_id: None, disabled: true };
    let user = repos.accounts.change_access(w.other_customer, off, later).await.expect("disabled");
    assert!(user.disabled);
    assert_eq!(repos.accounts.credentials(w.other_customer).await.expect("read").token_version, 1);
    assert_eq!(rotate(repos, &w, &other.token_hash).await, Rotation::Invalid);

    // Talent moves to another celebrity.
    let moved = AccessChange { role: Role::Talent, celebrity_id: Some(w.other_celebrity), disabled: false };
    let user = repos.accounts.change_access(w.talent, moved, later).await.expect("moved");
    assert_eq!((user.role, user.celebrity_id), (Role::Talent, Some(w.other_celebrity)));
}

pub async fn changing_access_refuses_unknown_accounts_and_celebrities_and_changes_nothing(repos: &Repos) {
    let w = World::create(repos).await;
    let before = repos.accounts.credentials(w.customer).await.expect("read");
    let stray = AccessChange {
        role: Role::Talent,
        celebrity_id: Some(CelebrityId::from_uuid(Uuid::new_v4())),
        disabled: false,
    };
    let refused = repos.accounts.change_access(w.customer, stray, now()).await;
    assert!(matches!(refused, Err(AccountRepoError::UnknownCelebrity)), "{refused:?}");
    // A celebrity link on a non-talent account breaks the schema's CHECK (the use cases refuse
    // it first): reported as a failure of the store, never stored.
    let linked = AccessChange { role: Role::Customer, celebrity_id: Some(w.celebrity), disabled: false };
    let refused = repos.accounts.change_access(w.customer, linked, now()).await;
    assert!(matches!(refused, Err(AccountRepoError::Unavailable(_))), "{refused:?}");
    assert_eq!(repos.accounts.credentials(w.customer).await.expect("read"), before);

    let nobody = AccessChange { role: Role::Customer, celebrity_id: None, disabled: false };
    let missing = repos.accounts.change_access(UserId::from_uuid(Uuid::new_v4()), nobody, now()).await;
    assert!(matches!(missing, Err(AccountRepoError::NotFound)), "{missing:?}");
}

pub async fn users_are_listed_oldest_first_and_page_stably(repos: &Repos) {
    let w = World::create(repos).await;
    // The world's four accounts share `now()`; add earlier, tied and later ones.
    let mut expected = vec![(now(), w.customer), (now(), w.other_customer), (now(), w.talent), (now(), w.admin)];
    for (n, minutes) in [-90, 0, 45, -90, 0, 30, 45].into_iter().enumerate() {
        let at = now() + Duration::minutes(minutes);
        let new = account(&format!("listed{n}@example.com"), Role::Customer, None, at);
        expected.push((at, new.user.id));
        repos.accounts.register(new, vec![]).await.expect("registered");
    }
    expected.sort_by_key(|(at, id)| (*at, id.as_uuid()));

    for limit in [1, 2, 3, 4, 11, 50] {
        let (mut seen, mut after) = (Vec::new(), None);
        loop {
            let page = repos.accounts.list_users(after, limit).await.expect("page");
            assert!(page.items.len() <= limit as usize, "limit {limit}");
            seen.extend(page.items.iter().map(|u| (u.created_at, u.id)));
            match page.next {
                Some(next) => {
                    assert_eq!(Some(&next), seen.last(), "the cursor is the page's last account");
                    after = Some(next);
                }
                None => break,
            }
        }
        assert_eq!(seen, expected, "limit {limit}");
    }
    let all = repos.accounts.list_users(None, 100).await.expect("page");
    assert_eq!((all.items.len(), all.next), (expected.len(), None));
    assert_eq!(all.items[0], repos.accounts.credentials(expected[0].1).await.expect("read").user);
}
