//! Who is calling: from an access token to the acting principal, checked against the store
//! on every request so logout-everywhere, password, role and disable changes apply at once.

use headliner_domain::role::Actor;
use headliner_domain::user::User;
use headliner_ports::accounts::{AccessClaims, AccountRepoError, Credentials};

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

/// The claims of a well-formed, genuine and unexpired access token. Nothing is read: the
/// account check ([`admit`]) must follow before the claims are trusted.
pub fn verify(ports: &AccountPorts, token: &str) -> Result<AccessClaims, AuthError> {
    ports.tokens.check(token, ports.clock.now()).map_err(|_| AuthError::Unauthenticated)
}

/// The account check: the principal of `claims`, given the account's stored credentials
/// (`None`: there is no such account). Refused unless the token is of the account's current
/// version (logout-everywhere and password changes raise it) and the account may act.
pub fn admit(claims: &AccessClaims, credentials: Option<Credentials>) -> Result<Principal, AuthError> {
    let credentials = credentials.ok_or(AuthError::Unauthenticated)?;
    if credentials.token_version != claims.token_version {
        return Err(AuthError::Unauthenticated);
    }
    let actor = credentials.user.actor().ok_or(AuthError::Unauthenticated)?;
    Ok(Principal { user: credentials.user, actor })
}

/// [`verify`], then [`admit`] with the account as stored now.
pub async fn authenticate(ports: &AccountPorts, token: &str) -> Result<Principal, AuthError> {
    let claims = verify(ports, token)?;
    let credentials = match ports.accounts.credentials(claims.user_id).await {
        Ok(credentials) => Some(credentials),
        Err(AccountRepoError::NotFound) => None,
        Err(
            e @ (AccountRepoError::EmailTaken | AccountRepoError::UnknownCelebrity | AccountRepoError::Unavailable(_)),
        ) => {
            return Err(AuthError::Unavailable(e.into()));
        }
    };
    admit(&claims, credentials)
}
