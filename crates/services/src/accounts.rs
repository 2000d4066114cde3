//! Account use cases: register, log in, refresh, log out, reset a password, authenticate a
//! request, and admin user management. Passwords are hashed by the `PasswordHasher` port;
//! access tokens are issued and checked by the `AccessTokens` port; refresh and reset tokens
//! are 256-bit secrets of which only the SHA-256 hash is stored.

pub mod admin;
pub mod authenticate;
pub mod login;
pub mod password;
pub mod refresh;
pub mod register;
pub mod reset;

#[cfg(test)]
mod testing;

use std::sync::Arc;

use chrono::Duration;
use headliner_domain::ids::UserId;
use headliner_domain::user::User;
use headliner_ports::Source;
use headliner_ports::accounts::{
    AccessClaims, AccessTokens, AccountRepoError, AccountRepository, Credentials, PasswordHasher, RefreshToken,
    SecretSource, TokenError,
};
use headliner_ports::clock::{Clock, IdGenerator};
use headliner_ports::workflow::{WorkflowRuleRepoError, WorkflowRuleRepository};
use sha2::{Digest, Sha256};

use crate::hex::encode as hex;

/// How long the tokens live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub reset_ttl: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { access_ttl: Duration::minutes(15), refresh_ttl: Duration::days(30), reset_ttl: Duration::minutes(30) }
    }
}

/// The ports the account use cases need.
#[derive(Clone)]
pub struct AccountPorts {
    pub accounts: Arc<dyn AccountRepository>,
    pub hasher: Arc<dyn PasswordHasher>,
    pub tokens: Arc<dyn AccessTokens>,
    pub secrets: Arc<dyn SecretSource>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    /// Whether the welcome and password-reset emails are sent (their workflow rules).
    pub workflow: Arc<dyn WorkflowRuleRepository>,
    pub policy: SessionPolicy,
    /// Base URL of the web client, for links in emails.
    pub app_url: String,
    /// A valid hash of a password nobody knows: verified against when an email is unknown, so
    /// an unknown email costs the same time as a wrong password.
    pub dummy_hash: String,
}

impl std::fmt::Debug for AccountPorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountPorts")
            .field("policy", &self.policy)
            .field("app_url", &self.app_url)
            .finish_non_exhaustive()
    }
}

/// A logged-in session as the client receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub access_token: String,
    /// Opaque: 64 hex characters. Only its hash is stored.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// A port failed; the caller answers 503/500 and logs the source.
#[derive(Debug, thiserror::Error)]
#[error("a dependency is unavailable")]
pub struct Unavailable(#[source] pub Source);

impl From<AccountRepoError> for Unavailable {
    fn from(e: AccountRepoError) -> Self {
        Self(Box::new(e))
    }
}

impl From<WorkflowRuleRepoError> for Unavailable {
    fn from(e: WorkflowRuleRepoError) -> Self {
        Self(Box::new(e))
    }
}

impl From<TokenError> for Unavailable {
    fn from(e: TokenError) -> Self {
        Self(Box::new(e))
    }
}

/// The bytes of a token the client sent back; `None` if it is not 64 hex characters.
fn unhex(token: &str) -> Option<Vec<u8>> {
    crate::hex::decode(token).filter(|bytes| bytes.len() == 32)
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

/// A fresh secret token: what the client gets (hex) and what is stored (its hash).
fn new_secret(ports: &AccountPorts) -> (String, Vec<u8>) {
    let secret = ports.secrets.secret();
    (hex(&secret), sha256(&secret))
}

/// A refresh token for `user` in `family`, and the string the client receives.
fn refresh_token(ports: &AccountPorts, user: UserId, family: uuid::Uuid) -> (String, RefreshToken) {
    let (token, token_hash) = new_secret(ports);
    let now = ports.clock.now();
    let stored = RefreshToken {
        id: ports.ids.new_id(),
        user_id: user,
        family_id: family,
        token_hash,
        issued_at: now,
        expires_at: now + ports.policy.refresh_ttl,
    };
    (token, stored)
}

/// The access token for `credentials` (its claims carry the current token version).
fn access_token(ports: &AccountPorts, credentials: &Credentials) -> Result<String, TokenError> {
    let now = ports.clock.now();
    ports.tokens.issue(&AccessClaims {
        user_id: credentials.user.id,
        role: credentials.user.role,
        celebrity_id: credentials.user.celebrity_id,
        token_version: credentials.token_version,
        issued_at: now,
        expires_at: now + ports.policy.access_ttl,
    })
}

/// Starts a new login: a new refresh-token family and an access token.
async fn start_session(ports: &AccountPorts, credentials: Credentials) -> Result<Session, Unavailable> {
    let (refresh, stored) = refresh_token(ports, credentials.user.id, ports.ids.new_id());
    ports.accounts.start_session(stored).await?;
    let access = access_token(ports, &credentials)?;
    Ok(Session {
        user: credentials.user,
        access_token: access,
        refresh_token: refresh,
        expires_in: ports.policy.access_ttl.num_seconds(),
    })
}

#[cfg(test)]
mod tests;
