//! A booking and its lifecycle: every change yields the new state, its audit event and the
//! domain event that triggers notifications and payments. Nothing here reads a clock.

mod status;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use status::{BookingStatus, Party, TransitionError, UnknownStatus};

use crate::ids::{BookingId, CelebrityId, UserId};
use crate::money::Money;
use crate::role::Actor;
use crate::time::{EventTimeZone, TimeRange};

/// The kinds of engagement the catalogue sells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Appearance,
    Performance,
    Speech,
    PersonalisedVideo,
    Other,
}

impl EventType {
    pub const ALL: [Self; 5] =
        [Self::Appearance, Self::Performance, Self::Speech, Self::PersonalisedVideo, Self::Other];

    /// The stored and wire name, e.g. `personalised_video`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Appearance => "appearance",
            Self::Performance => "performance",
            Self::Speech => "speech",
            Self::PersonalisedVideo => "personalised_video",
            Self::Other => "other",
        }
    }
}

/// Longest event a single booking may cover.
pub const MAX_EVENT_LENGTH: Duration = Duration::hours(24);
/// Longest free-text location, message or reason, in characters.
pub const MAX_LOCATION_CHARS: usize = 500;
pub const MAX_MESSAGE_CHARS: usize = 5000;
pub const MAX_REASON_CHARS: usize = 1000;

/// Why a booking request was refused before anything was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the event must start in the future")]
    StartsInPast,
    #[error("the event may last at most 24 hours")]
    TooLong,
    #[error("`{field}` may hold at most {max} characters")]
    TextTooLong { field: &'static str, max: usize },
    #[error("`location` must not be empty")]
    MissingLocation,
}

/// What a customer asks for; validated by [`Booking::request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRequest {
    pub celebrity_id: CelebrityId,
    pub during: TimeRange,
    pub timezone: EventTimeZone,
    pub event_type: EventType,
    pub location: String,
    pub message: String,
}

/// A booking as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub id: BookingId,
    pub customer_id: UserId,
    pub celebrity_id: CelebrityId,
    pub during: TimeRange,
    pub timezone: EventTimeZone,
    pub event_type: EventType,
    pub location: String,
    pub message: String,
    pub price: Money,
    pub status: BookingStatus,
    /// Optimistic concurrency: starts at 1, +1 on every change.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One row of the audit trail: who moved the booking from where to where, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub booking_id: BookingId,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub actor_role: String,
    /// `None` for the request that created the booking.
    pub from: Option<BookingStatus>,
    pub to: BookingStatus,
    pub reason: Option<String>,
}

/// What happened, for the workflows (emails, payments, live notifications) to react to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingEvent {
    Requested,
    Confirmed,
    Rejected { by: Party },
    Cancelled { by: Party },
    Completed { by: Party },
}

impl BookingEvent {
    fn for_change(to: BookingStatus, by: Party) -> Self {
        match to {
            BookingStatus::Pending => Self::Requested,
            BookingStatus::Confirmed => Self::Confirmed,
            BookingStatus::Rejected => Self::Rejected { by },
            BookingStatus::Cancelled => Self::Cancelled { by },
            BookingStatus::Completed => Self::Completed { by },
        }
    }
}

/// A newly requested booking with its first audit row and event, ready to be stored together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBooking {
    pub booking: Booking,
    pub audit: AuditEvent,
    pub event: BookingEvent,
}

/// An accepted status change: the booking as it becomes, the version it must still have in
/// storage (else someone else changed it first), its audit row and its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub booking: Booking,
    pub expected_version: i64,
    pub audit: AuditEvent,
    pub event: BookingEvent,
}

fn clean_text(field: &'static str, text: &str, max: usize) -> Result<String, RequestError> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(RequestError::TextTooLong { field, max });
    }
    Ok(text.to_owned())
}

/// A reason is optional; blank counts as none; over [`MAX_REASON_CHARS`] it is cut there.
fn clean_reason(reason: Option<&str>) -> Option<String> {
    reason.map(str::trim).filter(|r| !r.is_empty()).map(|r| r.chars().take(MAX_REASON_CHARS).collect())
}

impl Booking {
    /// Validates a request `customer` made at `now` and builds the pending booking, priced at
    /// `price`.
    pub fn request(
        id: BookingId,
        customer: UserId,
        request: BookingRequest,
        price: Money,
        now: DateTime<Utc>,
    ) -> Result<NewBooking, RequestError> {
        if request.during.start() <= now {
            return Err(RequestError::StartsInPast);
        }
        if request.during.duration() > MAX_EVENT_LENGTH {
            return Err(RequestError::TooLong);
        }
        let location = clean_text("location", &request.location, MAX_LOCATION_CHARS)?;
        if location.is_empty() {
            return Err(RequestError::MissingLocation);
        }
        let message = clean_text("message", &request.message, MAX_MESSAGE_CHARS)?;
        let booking = Self {
            id,
            customer_id: customer,
            celebrity_id: request.celebrity_id,
            during: request.during,
            timezone: request.timezone,
            event_type: request.event_type,
            location,
            message,
            price,
            status: BookingStatus::Pending,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let audit = AuditEvent {
            booking_id: id,
            at: now,
            actor_id: Some(customer),
            actor_role: "customer".to_owned(),
            from: None,
            to: BookingStatus::Pending,
            reason: None,
        };
        Ok(NewBooking { booking, audit, event: BookingEvent::Requested })
    }

    /// How `actor` relates to this booking.
    pub fn party(&self, actor: &Actor) -> Party {
        match actor {
            Actor::Customer { user_id } if *user_id == self.customer_id => Party::Customer,
            Actor::Talent { celebrity_id, .. } if *celebrity_id == self.celebrity_id => Party::Talent,
            Actor::Admin { .. } => Party::Admin,
            Actor::System => Party::System,
            Actor::Customer { .. } | Actor::Talent { .. } => Party::Unrelated,
        }
    }

    /// Whether `actor` may see this booking at all (others must not learn that it exists).
    pub fn is_visible_to(&self, actor: &Actor) -> bool {
        self.party(actor) != Party::Unrelated
    }

    /// Moves the booking to `to` on behalf of `actor` at `at`, enforcing the lifecycle table by
    /// status and by party, and time: a request cannot be confirmed once its event has started,
    /// and a booking is completed only once its event has ended. The booking itself is
    /// unchanged; the result carries its next state.
    pub fn transition(
        &self,
        to: BookingStatus,
        actor: &Actor,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<StatusChange, TransitionError> {
        let party = self.party(actor);
        let status = self.status.transition(to, party)?;
        if status == BookingStatus::Confirmed && at >= self.during.start() {
            return Err(TransitionError::EventStarted);
        }
        if status == BookingStatus::Completed && at < self.during.end() {
            return Err(TransitionError::EventNotOver);
        }
        let mut next = self.clone();
        next.status = status;
        next.version = self.version + 1;
        next.updated_at = at;
        let audit = AuditEvent {
            booking_id: self.id,
            at,
            actor_id: actor.user_id(),
            actor_role: actor.role_name().to_owned(),
            from: Some(self.status),
            to: status,
            reason: clean_reason(reason),
        };
        Ok(StatusChange {
            booking: next,
            expected_version: self.version,
            audit,
            event: BookingEvent::for_change(to, party),
        })
    }
}

#[cfg(test)]
mod tests;
