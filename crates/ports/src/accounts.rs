//! Accounts and sessions: credentials, refresh-token families, password resets, roles.
//!
//! Every method that changes what a token may do (password, role, disable, logout
//! everywhere) raises the user's `token_version` in the same transaction, so access tokens
//! carrying the old version stop working at once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::{CelebrityId, UserId};
use headliner_domain::role::Role;
use headliner_domain::user::User;
use uuid::Uuid;

use crate::Source;
use crate::outbox::OutboxMessage;
use crate::users::NewAccount;

#[derive(Debug, thiserror::Error)]
pub enum AccountRepoError {
    #[error("no such account")]
    NotFound,
    #[error("that email address is already registered")]
    EmailTaken,
    /// A talent account must be linked to an existing celebrity.
    #[error("no such celebrity")]
    UnknownCelebrity,
    #[error("the account store is unavailable")]
    Unavailable(#[source] Source),
}

/// What login and authentication need: the account, its password hash, its token version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
    pub token_version: i64,
}

/// A refresh token as stored: only its SHA-256 hash, never the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    pub id: Uuid,
    pub user_id: UserId,
    /// Every token rotated from one login shares the family of that login.
    pub family_id: Uuid,
    pub token_hash: Vec<u8>,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The outcome of presenting a refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// It was live: it is now spent and the new token (same family) is stored.
    Rotated { user_id: UserId },
    /// It was already spent: someone replayed it, so its whole family is now revoked.
    Reused { user_id: UserId },
    /// Unknown, expired or revoked.
    Invalid,
}

/// A password-reset token as stored: only its SHA-256 hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetToken {
    pub token_hash: Vec<u8>,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An admin's change to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessChange {
    pub role: Role,
    /// Required for talent, refused otherwise (the database checks it too).
    pub celebrity_id: Option<CelebrityId>,
    pub disabled: bool,
}

/// A page of accounts, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPage {
    pub items: Vec<User>,
    pub next: Option<(DateTime<Utc>, UserId)>,
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait AccountRepository: Send + Sync {
    /// Stores a new account and its welcome messages in one transaction.
    async fn register(&self, account: NewAccount, outbox: Vec<OutboxMessage>) -> Result<(), AccountRepoError>;

    /// The account with this address (compared ignoring case), if any.
    async fn credentials_by_email(&self, email: &EmailAddress) -> Result<Option<Credentials>, AccountRepoError>;

    async fn credentials(&self, id: UserId) -> Result<Credentials, AccountRepoError>;

    /// Stores the first refresh token of a new login.
    async fn start_session(&self, token: RefreshToken) -> Result<(), AccountRepoError>;

    /// Atomically spends the token whose hash is `presented` and stores `next` in its family
    /// (`next.user_id` and `next.family_id` are taken from the presented token), or, if it was
    /// spent already, revokes its whole family and raises the token version (so the thief's
    /// access token dies too). `now` decides expiry.
    async fn rotate_session(
        &self,
        presented: Vec<u8>,
        next: RefreshToken,
        now: DateTime<Utc>,
    ) -> Result<Rotation, AccountRepoError>;

    /// Logout: revokes the family of `presented` if it belongs to `user`, and raises the token
    /// version so access tokens already issued stop working; true if it did.
    async fn end_session(&self, user: UserId, presented: Vec<u8>, now: DateTime<Utc>)
    -> Result<bool, AccountRepoError>;

    /// Logout everywhere: revokes every refresh token and raises the token version.
    async fn end_all_sessions(&self, user: UserId, now: DateTime<Utc>) -> Result<(), AccountRepoError>;

    /// Stores a reset token and the email that carries it, in one transaction.
    async fn create_reset(&self, token: ResetToken, outbox: Vec<OutboxMessage>) -> Result<(), AccountRepoError>;

    /// Atomically, if the token is unused and unexpired at `now`: marks it (and every other
    /// unused reset token of the account) used, sets the new password hash, raises the token
    /// version and revokes every refresh token. `None` if the
    /// token is unknown, used or expired (nothing changes then).
    async fn redeem_reset(
        &self,
        token_hash: Vec<u8>,
        new_password_hash: String,
        now: DateTime<Utc>,
    ) -> Result<Option<UserId>, AccountRepoError>;

    /// Changes role, celebrity link and disabled flag; raises the token version; revokes every
    /// refresh token when the account is disabled or its role changes.
    async fn change_access(
        &self,
        id: UserId,
        change: AccessChange,
        now: DateTime<Utc>,
    ) -> Result<User, AccountRepoError>;

    /// Accounts oldest first, keyset-paginated on (created_at, id).
    async fn list_users(
        &self,
        after: Option<(DateTime<Utc>, UserId)>,
        limit: u32,
    ) -> Result<UserPage, AccountRepoError>;
}

/// Hashes and verifies passwords (argon2id in production). Slow on purpose, so adapters run
/// it off the async workers and bound how many run at once.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// A PHC string (`$argon2id$v=19$...`).
    async fn hash(&self, password: String) -> Result<String, Source>;

    /// False for a wrong password and for a hash that is not a valid PHC string.
    async fn verify(&self, password: String, hash: String) -> Result<bool, Source>;
}

/// Unguessable secrets for refresh and reset tokens.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait SecretSource: Send + Sync {
    /// 32 bytes from a cryptographically secure generator.
    fn secret(&self) -> [u8; 32];
}

/// What an access token says. Signing and checking are the app's (JWT); the use cases only
/// see these claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    pub user_id: UserId,
    pub role: Role,
    pub celebrity_id: Option<CelebrityId>,
    pub token_version: i64,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Bad signature, wrong algorithm, issuer, audience or type, expired, not yet valid,
    /// missing claims: all the same to the caller.
    #[error("the access token is not valid")]
    Invalid,
    #[error("signing the access token failed")]
    Signing(#[source] Source),
}

/// Issues and checks short-lived access tokens.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait AccessTokens: Send + Sync {
    fn issue(&self, claims: &AccessClaims) -> Result<String, TokenError>;

    fn check(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, TokenError>;
}
