//! Fixtures for the account use-case tests: one mock per port.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::UserId;
use headliner_domain::role::Role;
use headliner_domain::user::User;
use headliner_domain::workflow::WorkflowRule;
use headliner_ports::accounts::{
    AccessClaims, Credentials, MockAccessTokens, MockAccountRepository, MockPasswordHasher, MockSecretSource,
    TokenError,
};
use headliner_ports::clock::{MockClock, MockIdGenerator};
use headliner_ports::workflow::{MockWorkflowRuleRepository, StoredRule};
use uuid::Uuid;

use super::{AccountPorts, SessionPolicy};

pub const DUMMY_HASH: &str = "$argon2id$dummy";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 1, 12, 0, 0).unwrap()
}

pub fn user_id() -> UserId {
    UserId::from_uuid(Uuid::from_u128(7))
}

pub fn user(role: Role, disabled: bool) -> User {
    User {
        id: user_id(),
        email: EmailAddress::parse("casey@example.com").unwrap(),
        display_name: "Casey".into(),
        role,
        celebrity_id: None,
        disabled,
        created_at: now(),
    }
}

pub fn credentials(disabled: bool) -> Credentials {
    Credentials { user: user(Role::Customer, disabled), password_hash: "$argon2id$real".into(), token_version: 3 }
}

/// The claims our fake token service encodes: the token is `token:<user>:<version>`.
pub fn fake_token(claims: &AccessClaims) -> String {
    format!("token:{}:{}", claims.user_id, claims.token_version)
}

pub struct Mocks {
    pub accounts: MockAccountRepository,
    pub hasher: MockPasswordHasher,
    pub tokens: MockAccessTokens,
    /// The stored workflow overrides (none: the built-in rules apply).
    pub rules: Vec<WorkflowRule>,
}

impl Mocks {
    pub fn new() -> Self {
        let mut tokens = MockAccessTokens::new();
        tokens.expect_issue().returning(|claims| Ok(fake_token(claims)));
        tokens.expect_check().returning(|token, _| {
            let mut parts = token.split(':');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("token"), Some(user), Some(version)) => Ok(AccessClaims {
                    user_id: user.parse().map_err(|_| TokenError::Invalid)?,
                    role: Role::Customer,
                    celebrity_id: None,
                    token_version: version.parse().map_err(|_| TokenError::Invalid)?,
                    issued_at: now(),
                    expires_at: now(),
                }),
                _ => Err(TokenError::Invalid),
            }
        });
        Self { accounts: MockAccountRepository::new(), hasher: MockPasswordHasher::new(), tokens, rules: Vec::new() }
    }

    pub fn ports(self) -> AccountPorts {
        let mut clock = MockClock::new();
        clock.expect_now().returning(now);
        let mut ids = MockIdGenerator::new();
        let counter = Arc::new(Mutex::new(0_u128));
        ids.expect_new_id().returning(move || {
            let mut n = counter.lock().unwrap();
            *n += 1;
            Uuid::from_u128(0xA000 + *n)
        });
        let mut secrets = MockSecretSource::new();
        secrets.expect_secret().returning(|| [0xAB; 32]);
        let mut workflow = MockWorkflowRuleRepository::new();
        let rules = self.rules;
        workflow.expect_overrides().returning(move || {
            Ok(rules
                .iter()
                .map(|rule| StoredRule { rule: rule.clone(), updated_at: now(), updated_by: user_id() })
                .collect())
        });
        AccountPorts {
            accounts: Arc::new(self.accounts),
            hasher: Arc::new(self.hasher),
            tokens: Arc::new(self.tokens),
            secrets: Arc::new(secrets),
            clock: Arc::new(clock),
            ids: Arc::new(ids),
            workflow: Arc::new(workflow),
            policy: SessionPolicy::default(),
            app_url: "https://headliner.example".into(),
            dummy_hash: DUMMY_HASH.into(),
        }
    }
}
