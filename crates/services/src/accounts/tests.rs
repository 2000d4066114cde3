use headliner_domain::role::{Actor, Role};
use headliner_domain::workflow::{WorkflowEvent, WorkflowRule};
use headliner_ports::accounts::{AccessChange, AccountRepoError, Rotation};
use headliner_ports::outbox::OutboxPayload;

use super::admin::{AdminUsersError, change_access};
use super::authenticate::{AuthError, authenticate};
use super::login::{LoginError, login};
use super::refresh::{RefreshError, refresh};
use super::register::{RegisterError, Registration, register};
use super::reset::{ConfirmResetError, confirm_reset, request_reset};
use super::testing::*;
use super::{hex, sha256};

fn registration(email: &str, password: &str, name: &str) -> Registration {
    Registration { email: email.into(), password: password.into(), display_name: name.into() }
}

#[tokio::test]
async fn registration_lists_every_invalid_field_and_stores_nothing() {
    let mut mocks = Mocks::new();
    mocks.accounts.expect_register().never();
    mocks.hasher.expect_hash().never();
    let err = register(&mocks.ports(), registration("nope", "password1", "  ")).await.unwrap_err();
    let RegisterError::Invalid(problems) = err else { panic!("expected Invalid") };
    let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["email", "display_name", "password"]);
}

#[tokio::test]
async fn registration_stores_the_hash_and_a_welcome_mail_and_starts_a_session() {
    let mut mocks = Mocks::new();
    mocks.hasher.expect_hash().times(1).returning(|p| {
        assert_eq!(p, "correct horse battery");
        Ok("$argon2id$new".into())
    });
    mocks.accounts.expect_register().times(1).returning(|account, outbox| {
        assert_eq!(account.password_hash, "$argon2id$new");
        assert_eq!(account.user.role, Role::Customer);
        assert_eq!(account.user.email.as_str(), "ana@example.com", "domain lower-cased");
        assert!(matches!(&outbox[..], [m] if matches!(&m.payload, OutboxPayload::Email { template, .. } if template.as_str() == "welcome")));
        Ok(())
    });
    mocks.accounts.expect_start_session().times(1).returning(|token| {
        assert_eq!(token.token_hash, sha256(&[0xAB; 32]), "only the hash is stored");
        Ok(())
    });
    let session =
        register(&mocks.ports(), registration("ana@EXAMPLE.com", "correct horse battery", " Ana ")).await.unwrap();
    assert_eq!(session.refresh_token, hex(&[0xAB; 32]));
    assert_eq!(session.user.display_name, "Ana");
    assert_eq!(session.expires_in, 900);
    assert!(session.access_token.ends_with(":0"), "a new account starts at token version 0");
}

fn disabled(event: WorkflowEvent) -> WorkflowRule {
    WorkflowRule::new(event, event.default_template(), [], false).unwrap()
}

#[tokio::test]
async fn with_the_welcome_rule_disabled_an_account_is_registered_without_a_welcome_mail() {
    let mut mocks = Mocks::new();
    mocks.rules = vec![disabled(WorkflowEvent::AccountRegistered)];
    mocks.hasher.expect_hash().returning(|_| Ok("h".into()));
    mocks.accounts.expect_register().times(1).returning(|_, outbox| {
        assert!(outbox.is_empty(), "{outbox:?}");
        Ok(())
    });
    mocks.accounts.expect_start_session().returning(|_| Ok(()));
    register(&mocks.ports(), registration("ana@example.com", "correct horse battery", "Ana")).await.unwrap();
}

#[tokio::test]
async fn registering_a_taken_email_is_a_conflict() {
    let mut mocks = Mocks::new();
    mocks.hasher.expect_hash().returning(|_| Ok("h".into()));
    mocks.accounts.expect_register().returning(|_, _| Err(AccountRepoError::EmailTaken));
    mocks.accounts.expect_start_session().never();
    let err = register(&mocks.ports(), registration("ana@example.com", "correct horse battery", "Ana")).await;
    assert!(matches!(err, Err(RegisterError::EmailTaken)));
}

#[tokio::test]
async fn an_unknown_email_costs_a_verification_against_the_dummy_hash_and_gets_the_same_answer() {
    let mut mocks = Mocks::new();
    mocks.accounts.expect_credentials_by_email().returning(|_| Ok(None));
    mocks.hasher.expect_verify().times(1).returning(|_, hash| {
        assert_eq!(hash, DUMMY_HASH);
        Ok(false)
    });
    mocks.accounts.expect_start_session().never();
    assert!(matches!(login(&mocks.ports(), "who@example.com", "x".into()).await, Err(LoginError::InvalidCredentials)));
}

#[tokio::test]
async fn a_wrong_password_or_a_disabled_account_gets_the_same_answer() {
    for (matches, disabled) in [(false, false), (true, true)] {
        let mut mocks = Mocks::new();
        mocks.accounts.expect_credentials_by_email().returning(move |_| Ok(Some(credentials(disabled))));
        mocks.hasher.expect_verify().times(1).returning(move |_, _| Ok(matches));
        mocks.accounts.expect_start_session().never();
        assert!(matches!(
            login(&mocks.ports(), "casey@example.com", "pw".into()).await,
            Err(LoginError::InvalidCredentials)
        ));
    }
}

#[tokio::test]
async fn a_right_password_starts_a_session_carrying_the_token_version() {
    let mut mocks = Mocks::new();
    mocks.accounts.expect_credentials_by_email().returning(|_| Ok(Some(credentials(false))));
    mocks.hasher.expect_verify().returning(|_, hash| Ok(hash == "$argon2id$real"));
    mocks.accounts.expect_start_session().times(1).returning(|_| Ok(()));
    let session = login(&mocks.ports(), "CASEY@example.com", "pw".into()).await.unwrap();
    assert_eq!(session.access_token, format!("token:{}:3", user_id()));
}

#[tokio::test]
async fn a_malformed_refresh_token_is_refused_without_asking_the_store() {
    let mut mocks = Mocks::new();
    mocks.accounts.expect_rotate_session().never();
    let ports = mocks.ports();
    for token in ["", "zz", &"g".repeat(64), &"a".repeat(63), &"é".repeat(32)] {
        assert!(matches!(refresh(&ports, token).await, Err(RefreshError::Invalid)));
    }
}

#[tokio::test]
async fn a_reused_refresh_token_is_refused() {
    let mut mocks = Mocks::new();
    mocks.accounts.expect_rotate_session().times(1).returning(|_, _, _| Ok(Rotation::Reused { user_id: user_id() }));
    mocks.accounts.expect_credentials().never();
    assert!(matches!(refresh(&mocks.ports(), &"ab".repeat(32)).await, Err(RefreshError::Invalid)));
}

#[tokio::test]
async fn a_rotated_refresh_token_gives_a_new_pair_unless_the_account_was_disabled() {
    for disabled in [false, true] {
        let mut mocks = Mocks::new();
        mocks.accounts.expect_rotate_session().times(1).returning(|presented, _, _| {
            assert_eq!(presented, sha256(&[0x01; 32]));
            Ok(Rotation::Rotated { user_id: user_id() })
        });
        mocks.accounts.expect_credentials().returning(move |_| Ok(credentials(disabled)));
        let outcome = refresh(&mocks.ports(), &"01".repeat(32)).await;
        if disabled {
            assert!(matches!(outcome, Err(RefreshError::Invalid)));
        } else {
            assert_eq!(outcome.unwrap().refresh_token, hex(&[0xAB; 32]));
        }
    }
}

#[tokio::test]
async fn a_reset_for_an_unknown_address_answers_the_same_and_stores_nothing() {
    let mut mocks = Mocks::new();
    mocks.accounts.expect_credentials_by_email().returning(|_| Ok(None));
    mocks.accounts.expect_create_reset().never();
    request_reset(&mocks.ports(), "nobody@example.com").await.unwrap();
    request_reset(&Mocks::new().ports(), "not an address").await.unwrap();
}

#[tokio::test]
async fn a_reset_stores_only_the_hash_and_mails_the_token() {
    let mut mocks = Mocks::new();
    mocks.accounts.expect_credentials_by_email().returning(|_| Ok(Some(credentials(false))));
    mocks.accounts.expect_create_reset().times(1).returning(|token, outbox| {
        assert_eq!(token.token_hash, sha256(&[0xAB; 32]));
        assert_eq!(token.expires_at - token.created_at, chrono::Duration::minutes(30));
        let OutboxPayload::Email { data, .. } = &outbox[0].payload else { panic!("an email") };
        let json = serde_json::to_string(data).unwrap();
        assert!(json.contains(&format!("token={}", hex(&[0xAB; 32]))), "{json}");
        Ok(())
    });
    request_reset(&mocks.ports(), "casey@example.com").await.unwrap();
}

#[tokio::test]
async fn with_the_reset_rule_disabled_no_link_is_made_for_anyone_and_the_answer_is_the_same() {
    let mut mocks = Mocks::new();
    mocks.rules = vec![disabled(WorkflowEvent::PasswordReset)];
    mocks.accounts.expect_credentials_by_email().never();
    mocks.accounts.expect_create_reset().never();
    let ports = mocks.ports();
    request_reset(&ports, "casey@example.com").await.unwrap();
    request_reset(&ports, "nobody@example.com").await.unwrap();
}

#[tokio::test]
async fn confirming_a_reset_checks_the_password_then_the_token() {
    let err = confirm_reset(&Mocks::new().ports(), &"ab".repeat(32), "short".into()).await.unwrap_err();
    assert!(matches!(err, ConfirmResetError::Invalid(_)));
    let mut mocks = Mocks::new();
    mocks.hasher.expect_hash().returning(|_| Ok("h".into()));
    mocks.accounts.expect_redeem_reset().times(1).returning(|_, _, _| Ok(None));
    let err = confirm_reset(&mocks.ports(), &"ab".repeat(32), "a good long passphrase".into()).await.unwrap_err();
    assert!(matches!(err, ConfirmResetError::InvalidToken));
}

#[tokio::test]
async fn a_token_from_before_a_version_change_is_refused() {
    let mut mocks = Mocks::new();
    mocks.accounts.expect_credentials().returning(|_| Ok(credentials(false)));
    let ports = mocks.ports();
    let stale = format!("token:{}:2", user_id());
    assert!(matches!(authenticate(&ports, &stale).await, Err(AuthError::Unauthenticated)));
    let current = format!("token:{}:3", user_id());
    let principal = authenticate(&ports, &current).await.unwrap();
    assert_eq!(principal.actor, Actor::Customer { user_id: user_id() });
    assert!(matches!(authenticate(&ports, "forged").await, Err(AuthError::Unauthenticated)));
}

#[tokio::test]
async fn a_disabled_or_deleted_account_is_unauthenticated() {
    let mut mocks = Mocks::new();
    mocks.accounts.expect_credentials().returning(|_| Ok(credentials(true)));
    assert!(matches!(
        authenticate(&mocks.ports(), &format!("token:{}:3", user_id())).await,
        Err(AuthError::Unauthenticated)
    ));
    let mut mocks = Mocks::new();
    mocks.accounts.expect_credentials().returning(|_| Err(AccountRepoError::NotFound));
    assert!(matches!(
        authenticate(&mocks.ports(), &format!("token:{}:3", user_id())).await,
        Err(AuthError::Unauthenticated)
    ));
}

#[tokio::test]
async fn only_admins_change_access_and_never_lock_themselves_out() {
    let change = AccessChange { role: Role::Customer, celebrity_id: None, disabled: true };
    let customer = Actor::Customer { user_id: user_id() };
    assert!(matches!(
        change_access(&Mocks::new().ports(), &customer, user_id(), change).await,
        Err(AdminUsersError::Forbidden)
    ));
    let me = Actor::Admin { user_id: user_id() };
    assert!(matches!(
        change_access(&Mocks::new().ports(), &me, user_id(), change).await,
        Err(AdminUsersError::SelfLockout)
    ));
    let talent_without_celebrity = AccessChange { role: Role::Talent, celebrity_id: None, disabled: false };
    let other = headliner_domain::ids::UserId::from_uuid(uuid::Uuid::from_u128(99));
    assert!(matches!(
        change_access(&Mocks::new().ports(), &me, other, talent_without_celebrity).await,
        Err(AdminUsersError::Invalid(_))
    ));
}
