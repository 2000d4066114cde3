//! The booking lifecycle table of PRODUCT.md, as data.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where a booking is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BookingStatus {
    Pending,
    Confirmed,
    Cancelled,
    Completed,
    Rejected,
}

/// How the acting principal relates to one booking. Computed by [`crate::booking::Booking`]
/// from an [`crate::role::Actor`]: a customer is `Customer` only for their own booking, a
/// talent is `Talent` only for bookings of their celebrity; anyone else is `Unrelated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    Customer,
    Talent,
    Admin,
    System,
    Unrelated,
}

impl Party {
    pub const ALL: [Self; 5] = [Self::Customer, Self::Talent, Self::Admin, Self::System, Self::Unrelated];
}

/// Why a status change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The lifecycle has no such edge (including any change out of a terminal state).
    #[error("a booking cannot go from {from} to {to}")]
    InvalidTransition { from: BookingStatus, to: BookingStatus },
    /// The edge exists but this party may not take it.
    #[error("{party:?} may not move a booking from {from} to {to}")]
    Forbidden { party: Party, from: BookingStatus, to: BookingStatus },
    /// A request cannot be confirmed once its event has started (it can only be rejected).
    #[error("the event has already started, so the request can no longer be confirmed")]
    EventStarted,
    /// A booking is completed only after its event has ended.
    #[error("the event has not ended yet, so the booking cannot be completed")]
    EventNotOver,
}

impl BookingStatus {
    pub const ALL: [Self; 5] = [Self::Pending, Self::Confirmed, Self::Cancelled, Self::Completed, Self::Rejected];

    /// Cancelled, completed and rejected bookings never change again.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Cancelled | Self::Completed | Self::Rejected)
    }

    /// Pending and confirmed bookings hold their time slot (the overlap rule applies to them).
    pub fn holds_slot(self) -> bool {
        matches!(self, Self::Pending | Self::Confirmed)
    }

    /// Who may take the edge `self → to`; `None` when the lifecycle has no such edge.
    fn allowed(self, to: Self) -> Option<&'static [Party]> {
        use BookingStatus::*;
        use Party::*;
        match (self, to) {
            (Pending, Confirmed) => Some(&[Talent, Admin]),
            (Pending, Rejected) => Some(&[Talent, Admin, System]),
            (Pending, Cancelled) => Some(&[Customer, Admin]),
            (Confirmed, Completed) => Some(&[Talent, Admin, System]),
            (Confirmed, Cancelled) => Some(&[Customer, Talent, Admin]),
            _ => None,
        }
    }

    /// Checks the edge `self → to` for `party`: an edge the lifecycle lacks is
    /// `InvalidTransition`, an edge this party may not take is `Forbidden`.
    pub fn transition(self, to: Self, party: Party) -> Result<Self, TransitionError> {
        let allowed = self.allowed(to).ok_or(TransitionError::InvalidTransition { from: self, to })?;
        if allowed.contains(&party) { Ok(to) } else { Err(TransitionError::Forbidden { party, from: self, to }) }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Completed => "completed",
            Self::Rejected => "rejected",
        }
    }
}

impl fmt::Display for BookingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a booking status")]
pub struct UnknownStatus(pub String);

impl FromStr for BookingStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::BookingStatus::*;
    use super::Party::*;
    use super::*;

    /// PRODUCT.md's table, written out independently of `allowed`: (from, to, who).
    const TABLE: &[(BookingStatus, BookingStatus, &[Party])] = &[
        (Pending, Confirmed, &[Talent, Admin]),
        (Pending, Rejected, &[Talent, Admin, System]),
        (Pending, Cancelled, &[Customer, Admin]),
        (Confirmed, Completed, &[Talent, Admin, System]),
        (Confirmed, Cancelled, &[Customer, Talent, Admin]),
    ];

    #[test]
    fn every_status_status_party_combination_follows_the_product_table() {
        let mut checked = 0;
        for from in BookingStatus::ALL {
            for to in BookingStatus::ALL {
                for party in Party::ALL {
                    let row = TABLE.iter().find(|(f, t, _)| *f == from && *t == to);
                    let expected = match row {
                        None => Err(TransitionError::InvalidTransition { from, to }),
                        Some((_, _, who)) if who.contains(&party) => Ok(to),
                        Some(_) => Err(TransitionError::Forbidden { party, from, to }),
                    };
                    assert_eq!(from.transition(to, party), expected, "{from} -> {to} by {party:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 125);
    }

    #[test]
    fn terminal_states_have_no_way_out_for_anyone() {
        for from in BookingStatus::ALL.into_iter().filter(|s| s.is_terminal()) {
            for to in BookingStatus::ALL {
                for party in Party::ALL {
                    assert_eq!(from.transition(to, party), Err(TransitionError::InvalidTransition { from, to }));
                }
            }
        }
    }

    #[test]
    fn a_status_never_transitions_to_itself() {
        for s in BookingStatus::ALL {
            assert!(s.transition(s, Admin).is_err());
        }
    }

    #[test]
    fn status_names_round_trip() {
        for s in BookingStatus::ALL {
            assert_eq!(s.as_str().parse::<BookingStatus>(), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!("done".parse::<BookingStatus>().is_err());
    }
}
