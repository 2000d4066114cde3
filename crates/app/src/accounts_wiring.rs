//! Builds the ports the account use cases run on: the store's account repository, argon2id
//! hashing, JWT access tokens signed with the configured (or generated) secret, OS
//! randomness, the system clock and UUID v4 ids.

use std::sync::Arc;

use headliner_ports::Source;
use headliner_services::accounts::{AccountPorts, SessionPolicy};

use crate::config::Settings;
use crate::database::Database;
use crate::security::{Argon2Hasher, JwtTokens, OsSecrets, RandomIds, SystemClock, jwt_secret};

/// Why the account ports could not be built.
#[derive(Debug, thiserror::Error)]
pub enum AccountsWiringError {
    /// The message names `HEADLINER_JWT_SECRET` or the data folder's secret file.
    #[error("JWT signing secret: {0}")]
    JwtSecret(String),
    #[error("the password hasher cannot run: {0}")]
    Hasher(#[source] Source),
}

/// The account ports for `database`, with the default session policy (access tokens 15
/// minutes, refresh tokens 30 days, reset links 30 minutes).
pub async fn account_ports(settings: &Settings, database: &Database) -> Result<AccountPorts, AccountsWiringError> {
    let secret = jwt_secret(settings).map_err(AccountsWiringError::JwtSecret)?;
    tracing::info!(origin = secret.origin, "JWT signing secret ready");
    let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
    let hasher = Argon2Hasher::new(cores);
    let dummy_hash = Argon2Hasher::dummy_hash();
    let repositories = database.repositories();
    Ok(AccountPorts {
        accounts: repositories.accounts,
        hasher: Arc::new(hasher),
        tokens: Arc::new(JwtTokens::new(&secret.bytes)),
        secrets: Arc::new(OsSecrets),
        clock: Arc::new(SystemClock),
        ids: Arc::new(RandomIds),
        workflow: repositories.workflow,
        policy: SessionPolicy::default(),
        app_url: settings.app_url.clone(),
        dummy_hash,
    })
}
