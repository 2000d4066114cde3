//! Accounts as the booking use cases need them (the accounts issue adds credentials).

use async_trait::async_trait;
use headliner_domain::ids::{CelebrityId, UserId};
use headliner_domain::user::User;

use crate::Source;

#[derive(Debug, thiserror::Error)]
pub enum UserRepoError {
    #[error("no such user")]
    NotFound,
    #[error("that email address is already registered")]
    EmailTaken,
    #[error("the user store is unavailable")]
    Unavailable(#[source] Source),
}

/// A new account with its password hash (argon2id PHC string, computed by the accounts use
/// case; the store never sees a password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub user: User,
    pub password_hash: String,
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    async fn get(&self, id: UserId) -> Result<User, UserRepoError>;

    /// `EmailTaken` when the address is registered already (compared case-insensitively).
    async fn insert(&self, account: NewAccount) -> Result<(), UserRepoError>;

    /// Enabled talent accounts acting for this celebrity.
    async fn talent_of(&self, celebrity: CelebrityId) -> Result<Vec<User>, UserRepoError>;

    /// Enabled admin accounts.
    async fn admins(&self) -> Result<Vec<User>, UserRepoError>;
}
