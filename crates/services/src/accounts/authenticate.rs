//! Who is calling: from an access token to the acting principal, checked against the store
//! on every request so logout-everywhere, password, role and disable changes apply at once.

use headliner_domain::role::Actor;
use headliner_domain::user::User;
use headliner_ports::accounts::AccountRepoError;

use super::{AccountPorts, Unavailable};

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: User,
    pub actor: Actor,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Missing, malformed, forged, expired or outdated token, or an account that may not act.
    #[error("authentication is required")]
    Unauthenticated,
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
}

pub async fn authenticate(ports: &AccountPorts, token: &str) -> Result<Principal, AuthError> {
    let claims = ports.tokens.check(token, ports.clock.now()).map_err(|_| AuthError::Unauthenticated)?;
    let credentials = ports.accounts.credentials(claims.user_id).await.map_err(|e| match e {
        AccountRepoError::NotFound => AuthError::Unauthenticated,
        AccountRepoError::EmailTaken | AccountRepoError::UnknownCelebrity | AccountRepoError::Unavailable(_) => {
            AuthError::Unavailable(e.into())
        }
    })?;
    if credentials.token_version != claims.token_version {
        return Err(AuthError::Unauthenticated);
    }
    let actor = credentials.user.actor().ok_or(AuthError::Unauthenticated)?;
    Ok(Principal { user: credentials.user, actor })
}
