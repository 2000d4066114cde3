//! The app's implementations of the security ports: JWT access tokens, argon2id password
//! hashes, OS randomness, the system clock, and the JWT signing secret.

mod hashing;
mod jwt;
mod secret;

use chrono::{DateTime, Utc};
use headliner_ports::accounts::SecretSource;
use headliner_ports::clock::{Clock, IdGenerator};

pub use hashing::Argon2Hasher;
pub use jwt::JwtTokens;
pub use secret::{JwtSecret, jwt_secret};

/// `Utc::now()`: the one place the app reads the clock for the use cases.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// UUID v4 ids.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl IdGenerator for RandomIds {
    fn new_id(&self) -> uuid::Uuid {
        uuid::Uuid::new_v4()
    }
}

/// 256-bit secrets from the operating system's CSPRNG.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsSecrets;

impl SecretSource for OsSecrets {
    fn secret(&self) -> [u8; 32] {
        let mut bytes = [0_u8; 32];
        if let Err(e) = getrandom::fill(&mut bytes) {
            // Without randomness no secret can be made safely; continuing would hand out
            // guessable tokens.
            tracing::error!(error = %e, "the operating system's random source failed");
            std::process::abort();
        }
        bytes
    }
}
