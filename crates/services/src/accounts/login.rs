//! Log in with email and password. Every failure looks the same and costs the same time.

use headliner_domain::email::EmailAddress;

use super::{AccountPorts, Session, Unavailable, start_session};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown email, wrong password, disabled account: one answer for all, so accounts
    /// cannot be discovered.
    #[error("the email or password is wrong")]
    InvalidCredentials,
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
}

/// Verifies the password against the stored hash, or against a dummy hash when the email is
/// unknown (same work, same answer), then starts a session.
pub async fn login(ports: &AccountPorts, email: &str, password: String) -> Result<Session, LoginError> {
    let credentials = match EmailAddress::parse(email) {
        Ok(email) => ports.accounts.credentials_by_email(&email).await.map_err(Unavailable::from)?,
        Err(_) => None,
    };
    let Some(credentials) = credentials else {
        ports.hasher.verify(password, ports.dummy_hash.clone()).await.map_err(Unavailable)?;
        return Err(LoginError::InvalidCredentials);
    };
    let matches = ports.hasher.verify(password, credentials.password_hash.clone()).await.map_err(Unavailable)?;
    if !matches || credentials.user.actor().is_none() {
        return Err(LoginError::InvalidCredentials);
    }
    Ok(start_session(ports, credentials).await?)
}
