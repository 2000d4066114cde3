//! Accounts as the rest of the system sees them (credentials stay in the accounts use cases).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::email::EmailAddress;
use crate::ids::{CelebrityId, UserId};
use crate::role::{Actor, Role};

/// A registered account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: EmailAddress,
    pub display_name: String,
    pub role: Role,
    /// Set for talent accounts: the one celebrity they act for.
    pub celebrity_id: Option<CelebrityId>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl User {
    /// The principal this account acts as, or `None` when it may not act (disabled, or a
    /// talent account not linked to a celebrity).
    pub fn actor(&self) -> Option<Actor> {
        if self.disabled {
            return None;
        }
        match (self.role, self.celebrity_id) {
            (Role::Customer, _) => Some(Actor::Customer { user_id: self.id }),
            (Role::Talent, Some(celebrity_id)) => Some(Actor::Talent { user_id: self.id, celebrity_id }),
            (Role::Talent, None) => None,
            (Role::Admin, _) => Some(Actor::Admin { user_id: self.id }),
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn user(role: Role, celebrity: Option<CelebrityId>, disabled: bool) -> User {
        User {
            id: UserId::from_uuid(Uuid::from_u128(1)),
            email: EmailAddress::parse("a@example.com").unwrap(),
            display_name: "A".into(),
            role,
            celebrity_id: celebrity,
            disabled,
            created_at: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn accounts_act_by_role_and_disabled_or_unlinked_accounts_do_not_act() {
        let celeb = CelebrityId::from_uuid(Uuid::from_u128(9));
        assert!(matches!(user(Role::Customer, None, false).actor(), Some(Actor::Customer { .. })));
        assert!(
            matches!(user(Role::Talent, Some(celeb), false).actor(), Some(Actor::Talent { celebrity_id, .. }) if celebrity_id == celeb)
        );
        assert_eq!(user(Role::Talent, None, false).actor(), None);
        assert!(matches!(user(Role::Admin, None, false).actor(), Some(Actor::Admin { .. })));
        assert_eq!(user(Role::Admin, None, true).actor(), None);
    }
}
