//! The account repository's contract for refresh-token families and password resets,
//! including what must hold when two requests present the same token at once.

use chrono::{DateTime, Duration, Utc};
use headliner_domain::ids::UserId;
use headliner_domain::role::Role;
use headliner_domain::templates::TemplateKey;
use headliner_ports::accounts::{AccessChange, AccountRepoError, RefreshToken, ResetToken, Rotation};
use headliner_ports::outbox::OutboxStatus;
use tokio::task::JoinSet;
use uuid::Uuid;

use super::Repos;
use super::world::{World, mail_to, now, refresh_token, token_hash};

const ROUNDS: usize = 10;

fn in_days(days: i64) -> DateTime<Utc> {
    now() + Duration::days(days)
}

/// A new login of `user`: its first token, stored.
async fn login(repos: &Repos, user: UserId) -> RefreshToken {
    let token = refresh_token(user, Uuid::new_v4(), in_days(30));
    repos.accounts.start_session(token.clone()).await.expect("session started");
    token
}

/// A successor token whose user and family are deliberately wrong: the store must take both
/// from the presented token.
fn successor() -> RefreshToken {
    refresh_token(UserId::from_uuid(Uuid::new_v4()), Uuid::new_v4(), in_days(30))
}

/// Presents `token` at `at` with `next` as its successor; the outcome.
async fn present_at(repos: &Repos, token: &RefreshToken, next: &RefreshToken, at: DateTime<Utc>) -> Rotation {
    repos.accounts.rotate_session(token.token_hash.clone(), next.clone(), at).await.expect("rotation answered")
}

async fn present(repos: &Repos, token: &RefreshToken, next: &RefreshToken) -> Rotation {
    present_at(repos, token, next, now()).await
}

fn reset(user: UserId, expires_at: DateTime<Utc>) -> ResetToken {
    ResetToken { token_hash: token_hash(), user_id: user, created_at: now(), expires_at }
}

async fn redeem_at(repos: &Repos, token: &ResetToken, at: DateTime<Utc>) -> Option<UserId> {
    repos.accounts.redeem_reset(token.token_hash.clone(), "$argon2id$new".into(), at).await.expect("answered")
}

async fn token_version(repos: &Repos, user: UserId) -> i64 {
    repos.accounts.credentials(user).await.expect("account").token_version
}

pub async fn a_live_refresh_token_rotates_once_and_its_successor_rotates_in_turn(repos: &Repos) {
    let w = World::create(repos).await;
    let first = login(repos, w.customer).await;
    let second = successor();
    assert_eq!(present(repos, &first, &second).await, Rotation::Rotated { user_id: w.customer });
    // The successor belongs to the presented token's user, not to the one `next` named.
    let third = successor();
    assert_eq!(present(repos, &second, &third).await, Rotation::Rotated { user_id: w.customer });
    assert_eq!(present(repos, &third, &successor()).await, Rotation::Rotated { user_id: w.customer });
    assert_eq!(token_version(repos, w.customer).await, 0, "rotation leaves access tokens alone");
}

pub async fn replaying_a_spent_refresh_token_revokes_its_whole_family(repos: &Repos) {
    let w = World::create(repos).await;
    let first = login(repos, w.customer).await;
    let elsewhere = login(repos, w.customer).await;
    let (second, third) = (successor(), successor());
    assert!(matches!(present(repos, &first, &second).await, Rotation::Rotated { .. }));
    assert!(matches!(present(repos, &second, &third).await, Rotation::Rotated { .. }));

    // `first` is spent: presenting it again is a replay.
    assert_eq!(present(repos, &first, &successor()).await, Rotation::Reused { user_id: w.customer });
    // Every token of the family is revoked, the live one too (it shares the family of the
    // login, so the family was copied at each rotation); a revoked token is simply invalid.
    assert_eq!(present(repos, &third, &successor()).await, Rotation::Invalid);
    assert_eq!(present(repos, &second, &successor()).await, Rotation::Invalid);
    assert_eq!(present(repos, &first, &successor()).await, Rotation::Invalid);
    // Another login of the same user is another family.
    assert_eq!(present(repos, &elsewhere, &successor()).await, Rotation::Rotated { user_id: w.customer });
    // The replay also raised the token version, ending the access tokens issued so far.
    assert_eq!(token_version(repos, w.customer).await, 1);
}

pub async fn an_expired_or_unknown_refresh_token_is_invalid_and_left_as_it_was(repos: &Repos) {
    let w = World::create(repos).await;
    let token = refresh_token(w.customer, Uuid::new_v4(), now() + Duration::hours(1));
    repos.accounts.start_session(token.clone()).await.expect("login");
    let unknown = refresh_token(w.customer, Uuid::new_v4(), in_days(1));
    assert_eq!(present(repos, &unknown, &successor()).await, Rotation::Invalid);
    for at in [now() + Duration::hours(1), now() + Duration::days(2)] {
        assert_eq!(present_at(repos, &token, &successor(), at).await, Rotation::Invalid, "at {at}");
    }
    // Refused for expiry, it was not spent: just before its expiry it still rotates.
    let before = now() + Duration::minutes(59);
    assert_eq!(present_at(repos, &token, &successor(), before).await, Rotation::Rotated { user_id: w.customer });
}

pub async fn concurrent_rotations_of_one_token_rotate_once_and_revoke_the_family(repos: &Repos) {
    const RACERS: usize = 8;
    let w = World::create(repos).await;
    for round in 0..ROUNDS {
        let token = login(repos, w.customer).await;
        let successors: Vec<RefreshToken> = (0..RACERS).map(|_| successor()).collect();
        let mut racers = JoinSet::new();
        for next in successors.clone() {
            let (accounts, presented) = (repos.accounts.clone(), token.token_hash.clone());
            racers.spawn(async move { accounts.rotate_session(presented, next, now()).await });
        }
        let (mut rotated, mut reused, mut invalid) = (0, 0, 0);
        while let Some(joined) = racers.join_next().await {
            match joined.expect("racer finished").expect("answered") {
                Rotation::Rotated { user_id } if user_id == w.customer => rotated += 1,
                Rotation::Reused { user_id } if user_id == w.customer => reused += 1,
                Rotation::Invalid => invalid += 1,
                other => panic!("round {round}: {other:?}"),
            }
        }
        // One wins; the first to come after it is a replay and revokes the family; any later
        // one presents a revoked token.
        assert_eq!((rotated, reused, invalid), (1, 1, RACERS - 2), "round {round}");
        // The winner's successor was revoked with its family; the others were never stored.
        for next in &successors {
            assert_eq!(present(repos, next, &successor()).await, Rotation::Invalid, "round {round}");
        }
    }
}

pub async fn ending_a_session_revokes_its_family_only_for_its_owner(repos: &Repos) {
    let w = World::create(repos).await;
    let first = login(repos, w.customer).await;
    let elsewhere = login(repos, w.customer).await;
    let second = successor();
    assert!(matches!(present(repos, &first, &second).await, Rotation::Rotated { .. }));

    let end = |user: UserId, token: &RefreshToken| repos.accounts.end_session(user, token.token_hash.clone(), now());
    assert!(!end(w.other_customer, &second).await.expect("answered"), "not the owner");
    assert!(!end(w.customer, &successor()).await.expect("answered"), "unknown token");
    assert!(end(w.customer, &second).await.expect("answered"));
    assert!(!end(w.customer, &second).await.expect("answered"), "already ended");
    assert_eq!(present(repos, &second, &successor()).await, Rotation::Invalid);
    assert_eq!(present(repos, &first, &successor()).await, Rotation::Invalid, "revoked, not a replay");
    assert_eq!(present(repos, &elsewhere, &successor()).await, Rotation::Rotated { user_id: w.customer });
    assert_eq!(token_version(repos, w.customer).await, 1, "raised once, by the one real logout");
}

pub async fn ending_all_sessions_raises_the_token_version_and_revokes_every_token(repos: &Repos) {
    let w = World::create(repos).await;
    let (one, two) = (login(repos, w.customer).await, login(repos, w.customer).await);
    let theirs = login(repos, w.other_customer).await;
    repos.accounts.end_all_sessions(w.customer, now()).await.expect("ended");
    assert_eq!(token_version(repos, w.customer).await, 1);
    for token in [&one, &two] {
        assert_eq!(present(repos, token, &successor()).await, Rotation::Invalid);
    }
    assert_eq!(present(repos, &theirs, &successor()).await, Rotation::Rotated { user_id: w.other_customer });
    assert_eq!(token_version(repos, w.other_customer).await, 0);
    repos.accounts.end_all_sessions(w.customer, now()).await.expect("again, with nothing left to revoke");
    assert_eq!(token_version(repos, w.customer).await, 2);
    let missing = repos.accounts.end_all_sessions(UserId::from_uuid(Uuid::new_v4()), now()).await;
    assert!(matches!(missing, Err(AccountRepoError::NotFound)), "{missing:?}");
}

pub async fn a_reset_token_is_stored_with_its_email_and_redeemed_once_before_it_expires(repos: &Repos) {
    let w = World::create(repos).await;
    let token = reset(w.customer, now() + Duration::hours(1));
    let mail = mail_to("casey@example.com", TemplateKey::PasswordReset);
    repos.accounts.create_reset(token.clone(), vec![mail.clone()]).await.expect("created");
    assert_eq!(repos.outbox.list(OutboxStatus::Pending, 10).await.expect("outbox"), vec![mail.clone()]);

    let stranger = reset(UserId::from_uuid(Uuid::new_v4()), now() + Duration::hours(1));
    let refused = repos.accounts.create_reset(stranger, vec![mail_to("x@example.com", TemplateKey::PasswordReset)]);
    assert!(matches!(refused.await, Err(AccountRepoError::NotFound)));
    assert_eq!(repos.outbox.list(OutboxStatus::Pending, 10).await.expect("outbox"), vec![mail], "nothing sent");

    // Expired (at its expiry instant and after) or unknown: refused, and nothing changes.
    let before = repos.accounts.credentials(w.customer).await.expect("read");
    for at in [now() + Duration::hours(1), now() + Duration::days(1)] {
        assert_eq!(redeem_at(repos, &token, at).await, None, "at {at}");
    }
    assert_eq!(redeem_at(repos, &reset(w.customer, in_days(1)), now()).await, None, "unknown");
    assert_eq!(repos.accounts.credentials(w.customer).await.expect("read"), before);

    let soon = now() + Duration::minutes(30);
    assert_eq!(redeem_at(repos, &token, soon).await, Some(w.customer));
    assert_eq!(redeem_at(repos, &token, soon).await, None, "single use");
    assert_eq!(token_version(repos, w.customer).await, 1);
}

pub async fn redeeming_a_reset_sets_the_password_raises_the_token_version_and_revokes_sessions(repos: &Repos) {
    let w = World::create(repos).await;
    let session = login(repos, w.customer).await;
    let theirs = login(repos, w.other_customer).await;
    let token = reset(w.customer, now() + Duration::hours(1));
    repos.accounts.create_reset(token.clone(), vec![]).await.expect("created");
    assert_eq!(redeem_at(repos, &token, now()).await, Some(w.customer));

    let after = repos.accounts.credentials(w.customer).await.expect("read");
    assert_eq!((after.password_hash.as_str(), after.token_version), ("$argon2id$new", 1));
    assert_eq!(present(repos, &session, &successor()).await, Rotation::Invalid);
    assert_eq!(present(repos, &theirs, &successor()).await, Rotation::Rotated { user_id: w.other_customer });
    let untouched = repos.accounts.credentials(w.other_customer).await.expect("read");
    assert_ne!(untouched.password_hash, after.password_hash);
}

pub async fn redeeming_one_reset_link_voids_the_accounts_other_links(repos: &Repos) {
    let w = World::create(repos).await;
    let first = reset(w.customer, now() + Duration::hours(1));
    let second = reset(w.customer, now() + Duration::hours(1));
    let theirs = reset(w.other_customer, now() + Duration::hours(1));
    for token in [&first, &second, &theirs] {
        repos.accounts.create_reset(token.clone(), vec![]).await.expect("created");
    }
    assert_eq!(redeem_at(repos, &second, now()).await, Some(w.customer));
    assert_eq!(redeem_at(repos, &first, now()).await, None, "the older link died with the redeemed one");
    assert_eq!(redeem_at(repos, &theirs, now()).await, Some(w.other_customer), "other accounts are untouched");
}

pub async fn concurrent_redemptions_of_one_reset_token_succeed_exactly_once(repos: &Repos) {
    const RACERS: usize = 8;
    let w = World::create(repos).await;
    for round in 0..ROUNDS {
        let token = reset(w.customer, now() + Duration::hours(1));
        repos.accounts.create_reset(token.clone(), vec![]).await.expect("created");
        let mut racers = JoinSet::new();
        for racer in 0..RACERS {
            let (accounts, hash) = (repos.accounts.clone(), token.token_hash.clone());
            racers.spawn(async move { accounts.redeem_reset(hash, format!("$argon2id${racer}"), now()).await });
        }
        let mut redeemed = 0;
        while let Some(joined) = racers.join_next().await {
            if let Some(user) = joined.expect("racer finished").expect("answered") {
                assert_eq!(user, w.customer);
                redeemed += 1;
            }
        }
        assert_eq!(redeemed, 1, "round {round}");
        assert_eq!(token_version(repos, w.customer).await, round as i64 + 1, "one raise per token");
    }
}

/// What may race a rotation of a family's live token.
#[derive(Debug, Clone, Copy)]
enum Revoker {
    /// The family's spent token is replayed.
    Replay,
    EndSession,
    EndAllSessions,
    RedeemReset,
    Disable,
}

pub async fn a_revocation_racing_a_rotation_leaves_no_live_successor(repos: &Repos) {
    use Revoker::*;
    let w = World::create(repos).await;
    for round in 0..ROUNDS {
        for revoker in [Replay, EndSession, EndAllSessions, RedeemReset, Disable] {
            let spent = login(repos, w.customer).await;
            let live = successor();
            assert!(matches!(present(repos, &spent, &live).await, Rotation::Rotated { .. }));
            let reset_token = reset(w.customer, in_days(1));
            repos.accounts.create_reset(reset_token.clone(), vec![]).await.expect("created");

            let (accounts, presented, next) = (repos.accounts.clone(), live.token_hash.clone(), successor());
            let rotation = tokio::spawn({
                let next = next.clone();
                async move { accounts.rotate_session(presented, next, now()).await.map(|_| ()) }
            });
            let (accounts, customer) = (repos.accounts.clone(), w.customer);
            let (spent, live) = (spent.token_hash.clone(), live.token_hash.clone());
            let revocation = tokio::spawn(async move {
                match revoker {
                    Replay => accounts.rotate_session(spent, successor(), now()).await.map(|_| ()),
                    EndSession => accounts.end_session(customer, live, now()).await.map(|_| ()),
                    EndAllSessions => accounts.end_all_sessions(customer, now()).await,
                    RedeemReset => {
                        accounts.redeem_reset(reset_token.token_hash, "$argon2id$r".into(), now()).await.map(|_| ())
                    }
                    Disable => {
                        let off = AccessChange { role: Role::Customer, celebrity_id: None, disabled: true };
                        accounts.change_access(customer, off, now()).await.map(|_| ())
                    }
                }
            });
            let (rotated, revoked) = tokio::join!(rotation, revocation);
            rotated.expect("joined").expect("rotation answered");
            revoked.expect("joined").expect("revocation answered");
            // Whichever ran first, the successor must not outlive the revocation.
            assert_eq!(present(repos, &next, &successor()).await, Rotation::Invalid, "{revoker:?}, round {round}");
        }
    }
}
