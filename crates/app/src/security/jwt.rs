//! Access tokens: HS256 JWTs with the algorithm pinned and every claim checked.

use chrono::{DateTime, Utc};
use headliner_domain::ids::{CelebrityId, UserId};
use headliner_domain::role::Role;
use headliner_ports::accounts::{AccessClaims, AccessTokens, TokenError};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

const ISSUER: &str = "headliner";
const AUDIENCE: &str = "headliner-api";
/// `typ` of access tokens, so no other token we might sign one day passes as one.
const ACCESS: &str = "access";
/// Clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: i64 = 5;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    typ: String,
    role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cel: Option<String>,
    ver: i64,
}

/// Signs and checks access tokens with one HMAC-SHA256 key.
pub struct JwtTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtTokens").field("algorithm", &"HS256").finish_non_exhaustive()
    }
}

impl JwtTokens {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        // Expiry and not-before are checked once, in `check`, against the caller's clock (the
        // library would check them again against the system clock).
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation }
    }
}

impl AccessTokens for JwtTokens {
    fn issue(&self, c: &AccessClaims) -> Result<String, TokenError> {
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: c.user_id.to_string(),
            iat: c.issued_at.timestamp(),
            nbf: c.issued_at.timestamp(),
            exp: c.expires_at.timestamp(),
            typ: ACCESS.into(),
            role: c.role,
            cel: c.celebrity_id.map(|id| id.to_string()),
            ver: c.token_version,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| TokenError::Signing(Box::new(e)))
    }

    /// The library checks signature, algorithm (only HS256), `iss`, `aud` and that the
    /// standard claims are present; expiry and not-before are checked here against `now` (with
    /// 5 s of leeway), and `typ` must say `access`.
    fn check(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, TokenError> {
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|_| TokenError::Invalid)?;
        let c = data.claims;
        if c.typ != ACCESS || c.exp <= now.timestamp() - LEEWAY_SECS || c.nbf > now.timestamp() + LEEWAY_SECS {
            return Err(TokenError::Invalid);
        }
        let user_id = c.sub.parse::<UserId>().map_err(|_| TokenError::Invalid)?;
        let celebrity_id = c.cel.map(|cel| cel.parse::<CelebrityId>()).transpose().map_err(|_| TokenError::Invalid)?;
        let at = |secs: i64| DateTime::from_timestamp(secs, 0).ok_or(TokenError::Invalid);
        Ok(AccessClaims {
            user_id,
            role: c.role,
            celebrity_id,
            token_version: c.ver,
            issued_at: at(c.iat)?,
            expires_at: at(c.exp)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use uuid::Uuid;

    use super::*;

    fn claims(now: DateTime<Utc>) -> AccessClaims {
        AccessClaims {
            user_id: UserId::from_uuid(Uuid::from_u128(1)),
            role: Role::Talent,
            celebrity_id: Some(CelebrityId::from_uuid(Uuid::from_u128(2))),
            token_version: 4,
            issued_at: now,
            expires_at: now + Duration::minutes(15),
        }
    }

    #[test]
    fn a_token_round_trips_its_claims() {
        let tokens = JwtTokens::new(&[7; 32]);
        let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
        let token = tokens.issue(&claims(now)).unwrap();
        assert_eq!(tokens.check(&token, now).unwrap(), claims(now));
    }

    #[test]
    fn another_key_or_a_later_clock_refuses_it() {
        let now = Utc::now();
        let token = JwtTokens::new(&[7; 32]).issue(&claims(now)).unwrap();
        assert!(JwtTokens::new(&[8; 32]).check(&token, now).is_err());
        assert!(JwtTokens::new(&[7; 32]).check(&token, now + Duration::minutes(16)).is_err());
    }
}
