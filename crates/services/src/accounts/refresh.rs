//! Refresh: trade a refresh token for a new pair; the old one is spent. Presenting a spent
//! token again revokes its whole family (someone copied it).

use headliner_domain::ids::UserId;
use headliner_ports::accounts::{AccountRepoError, Rotation};

use super::{AccountPorts, Session, Unavailable, access_token, refresh_token, sha256, unhex};

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// Unknown, expired, revoked or reused (then its family is revoked), or the account may no
    /// longer log in.
    #[error("the refresh token is not valid")]
    Invalid,
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
}

pub async fn refresh(ports: &AccountPorts, presented: &str) -> Result<Session, RefreshError> {
    let bytes = unhex(presented).ok_or(RefreshError::Invalid)?;
    // The adapter takes the user and family from the presented token.
    let (token, next) = refresh_token(ports, UserId::from_uuid(uuid::Uuid::nil()), uuid::Uuid::nil());
    let rotation =
        ports.accounts.rotate_session(sha256(&bytes), next, ports.clock.now()).await.map_err(Unavailable::from)?;
    let user_id = match rotation {
        Rotation::Rotated { user_id } => user_id,
        Rotation::Reused { .. } | Rotation::Invalid => return Err(RefreshError::Invalid),
    };
    let credentials = ports.accounts.credentials(user_id).await.map_err(|e| match e {
        AccountRepoError::NotFound => RefreshError::Invalid,
        AccountRepoError::EmailTaken | AccountRepoError::UnknownCelebrity | AccountRepoError::Unavailable(_) => {
            RefreshError::Unavailable(e.into())
        }
    })?;
    if credentials.user.actor().is_none() {
        return Err(RefreshError::Invalid);
    }
    let access = access_token(ports, &credentials).map_err(Unavailable::from)?;
    Ok(Session {
        user: credentials.user,
        access_token: access,
        refresh_token: token,
        expires_in: ports.policy.access_ttl.num_seconds(),
    })
}

/// Logout: the presented refresh token's family is revoked (if it is the caller's). Always
/// succeeds for a well-formed request, so logging out twice is harmless.
pub async fn logout(ports: &AccountPorts, user: UserId, presented: &str) -> Result<(), Unavailable> {
    if let Some(bytes) = unhex(presented) {
        ports.accounts.end_session(user, sha256(&bytes), ports.clock.now()).await?;
    }
    Ok(())
}

/// Logout everywhere: every refresh token revoked and every access token invalidated.
pub async fn logout_everywhere(ports: &AccountPorts, user: UserId) -> Result<(), Unavailable> {
    Ok(ports.accounts.end_all_sessions(user, ports.clock.now()).await?)
}
