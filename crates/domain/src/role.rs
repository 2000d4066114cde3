//! Who is acting: roles of accounts, and the acting principal of a use case.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::{CelebrityId, UserId};

/// The role an account holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Customer,
    Talent,
    Admin,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Talent => "talent",
            Self::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a role; expected customer, talent or admin")]
pub struct InvalidRole(pub String);

impl FromStr for Role {
    type Err = InvalidRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "customer" => Ok(Self::Customer),
            "talent" => Ok(Self::Talent),
            "admin" => Ok(Self::Admin),
            other => Err(InvalidRole(other.to_owned())),
        }
    }
}

/// The principal a use case acts for. Talent always acts for exactly one celebrity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    Customer {
        user_id: UserId,
    },
    Talent {
        user_id: UserId,
        celebrity_id: CelebrityId,
    },
    Admin {
        user_id: UserId,
    },
    /// The scheduler and workers (expiring requests, completing past events).
    System,
}

impl Actor {
    /// The acting account, if a person acts.
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Self::Customer { user_id } | Self::Talent { user_id, .. } | Self::Admin { user_id } => Some(*user_id),
            Self::System => None,
        }
    }

    /// `customer`, `talent`, `admin` or `system`, as written in the audit trail.
    pub fn role_name(&self) -> &'static str {
        match self {
            Self::Customer { .. } => "customer",
            Self::Talent { .. } => "talent",
            Self::Admin { .. } => "admin",
            Self::System => "system",
        }
    }
}
