//! Typed data for each template key, and the flat display-ready variables computed from it.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{RenderError, TemplateKey};
use crate::booking::EventType;
use crate::ids::BookingId;
use crate::money::Money;
use crate::time::{EventTimeZone, TimeRange};

/// What every booking email knows about its booking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingEmail {
    pub recipient_name: String,
    pub customer_name: String,
    pub celebrity_name: String,
    pub booking_id: BookingId,
    pub event_type: EventType,
    pub location: String,
    pub during: TimeRange,
    pub timezone: EventTimeZone,
    pub price: Money,
    /// Why the booking was rejected or cancelled, when someone said.
    pub reason: Option<String>,
    pub booking_url: String,
}

/// A payment or refund on a booking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentEmail {
    pub booking: BookingEmail,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetEmail {
    pub recipient_name: String,
    pub reset_url: String,
    pub expires_in_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WelcomeEmail {
    pub recipient_name: String,
    pub app_url: String,
}

/// The data of one email, tagged with its key so that it can be stored as JSON (in the outbox)
/// and read back: `{"key": "booking_confirmed", "data": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "key", content = "data", rename_all = "snake_case")]
pub enum TemplateData {
    BookingRequested(BookingEmail),
    BookingConfirmed(BookingEmail),
    BookingRejected(BookingEmail),
    BookingCancelled(BookingEmail),
    BookingCompleted(BookingEmail),
    PaymentReceived(PaymentEmail),
    RefundIssued(PaymentEmail),
    BookingReminder(BookingEmail),
    PasswordReset(PasswordResetEmail),
    Welcome(WelcomeEmail),
}

impl TemplateData {
    pub fn key(&self) -> TemplateKey {
        match self {
            Self::BookingRequested(_) => TemplateKey::BookingRequested,
            Self::BookingConfirmed(_) => TemplateKey::BookingConfirmed,
            Self::BookingRejected(_) => TemplateKey::BookingRejected,
            Self::BookingCancelled(_) => TemplateKey::BookingCancelled,
            Self::BookingCompleted(_) => TemplateKey::BookingCompleted,
            Self::PaymentReceived(_) => TemplateKey::PaymentReceived,
            Self::RefundIssued(_) => TemplateKey::RefundIssued,
            Self::BookingReminder(_) => TemplateKey::BookingReminder,
            Self::PasswordReset(_) => TemplateKey::PasswordReset,
            Self::Welcome(_) => TemplateKey::Welcome,
        }
    }

    /// The data for `key` when it takes a [`BookingEmail`] (any [`super::DataFamily::Booking`] key:
    /// a lifecycle email can be sent with another booking template); `None` for other keys.
    pub fn booking(key: TemplateKey, email: BookingEmail) -> Option<TemplateData> {
        Some(match key {
            TemplateKey::BookingRequested => Self::BookingRequested(email),
            TemplateKey::BookingConfirmed => Self::BookingConfirmed(email),
            TemplateKey::BookingRejected => Self::BookingRejected(email),
            TemplateKey::BookingCancelled => Self::BookingCancelled(email),
            TemplateKey::BookingCompleted => Self::BookingCompleted(email),
            TemplateKey::BookingReminder => Self::BookingReminder(email),
            TemplateKey::PaymentReceived
            | TemplateKey::RefundIssued
            | TemplateKey::PasswordReset
            | TemplateKey::Welcome => return None,
        })
    }

    /// The data for `key` when it takes a [`PaymentEmail`] ([`super::DataFamily::Payment`]); `None`
    /// for other keys.
    pub fn payment(key: TemplateKey, email: PaymentEmail) -> Option<TemplateData> {
        Some(match key {
            TemplateKey::PaymentReceived => Self::PaymentReceived(email),
            TemplateKey::RefundIssued => Self::RefundIssued(email),
            TemplateKey::BookingRequested
            | TemplateKey::BookingConfirmed
            | TemplateKey::BookingRejected
            | TemplateKey::BookingCancelled
            | TemplateKey::BookingCompleted
            | TemplateKey::BookingReminder
            | TemplateKey::PasswordReset
            | TemplateKey::Welcome => return None,
        })
    }

    /// Reads the data of `key` from the JSON of that key's struct (e.g. a [`BookingEmail`] for
    /// `booking_confirmed`), as an admin gives it for a preview. Unknown fields are refused.
    pub fn from_json(key: TemplateKey, value: serde_json::Value) -> Result<TemplateData, RenderError> {
        fn parse<T: DeserializeOwned>(key: TemplateKey, value: serde_json::Value) -> Result<T, RenderError> {
            serde_json::from_value(value).map_err(|e| RenderError::Data { key, message: e.to_string() })
        }
        Ok(match key {
            TemplateKey::BookingRequested => Self::BookingRequested(parse(key, value)?),
            TemplateKey::BookingConfirmed => Self::BookingConfirmed(parse(key, value)?),
            TemplateKey::BookingRejected => Self::BookingRejected(parse(key, value)?),
            TemplateKey::BookingCancelled => Self::BookingCancelled(parse(key, value)?),
            TemplateKey::BookingCompleted => Self::BookingCompleted(parse(key, value)?),
            TemplateKey::PaymentReceived => Self::PaymentReceived(parse(key, value)?),
            TemplateKey::RefundIssued => Self::RefundIssued(parse(key, value)?),
            TemplateKey::BookingReminder => Self::BookingReminder(parse(key, value)?),
            TemplateKey::PasswordReset => Self::PasswordReset(parse(key, value)?),
            TemplateKey::Welcome => Self::Welcome(parse(key, value)?),
        })
    }

    /// The variables a template sees: display-ready strings, exactly the names that
    /// [`TemplateKey::variables`] declares for [`Self::key`].
    pub fn variables(&self) -> BTreeMap<&'static str, String> {
        match self {
            Self::BookingRequested(b)
            | Self::BookingConfirmed(b)
            | Self::BookingRejected(b)
            | Self::BookingCancelled(b)
            | Self::BookingCompleted(b)
            | Self::BookingReminder(b) => booking_variables(b),
            Self::PaymentReceived(p) | Self::RefundIssued(p) => {
                let mut vars = booking_variables(&p.booking);
                vars.insert("amount", p.amount.to_string());
                vars
            }
            Self::PasswordReset(r) => BTreeMap::from([
                ("recipient_name", r.recipient_name.clone()),
                ("reset_url", r.reset_url.clone()),
                ("expires_in_minutes", r.expires_in_minutes.to_string()),
            ]),
            Self::Welcome(w) => {
                BTreeMap::from([("recipient_name", w.recipient_name.clone()), ("app_url", w.app_url.clone())])
            }
        }
    }
}

fn booking_variables(b: &BookingEmail) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("recipient_name", b.recipient_name.clone()),
        ("customer_name", b.customer_name.clone()),
        ("celebrity_name", b.celebrity_name.clone()),
        ("booking_id", b.booking_id.to_string()),
        ("event_type", event_type_words(b.event_type).to_owned()),
        ("location", b.location.clone()),
        ("event_start", b.timezone.format_local(b.during.start())),
        ("event_end", b.timezone.format_local(b.during.end())),
        ("time_zone", b.timezone.name().to_owned()),
        ("price", b.price.to_string()),
        ("reason", b.reason.clone().unwrap_or_default()),
        ("booking_url", b.booking_url.clone()),
    ])
}

/// The event type as people write it: "personalised video", not `personalised_video`.
pub fn event_type_words(event_type: EventType) -> &'static str {
    match event_type {
        EventType::Appearance => "appearance",
        EventType::Performance => "performance",
        EventType::Speech => "speech",
        EventType::PersonalisedVideo => "personalised video",
        EventType::Other => "event",
    }
}

#[cfg(test)]
mod tests {
    use super::super::DataFamily;
    use super::*;

    #[test]
    fn booking_and_payment_data_fit_exactly_the_keys_of_their_family() {
        let TemplateData::BookingConfirmed(booking) = TemplateData::sample(TemplateKey::BookingConfirmed) else {
            panic!("the sample of booking_confirmed is a BookingEmail")
        };
        let TemplateData::PaymentReceived(payment) = TemplateData::sample(TemplateKey::PaymentReceived) else {
            panic!("the sample of payment_received is a PaymentEmail")
        };
        for key in TemplateKey::ALL {
            let as_booking = TemplateData::booking(key, booking.clone());
            assert_eq!(as_booking.is_some(), key.family() == DataFamily::Booking, "{key}");
            assert!(as_booking.is_none_or(|data| data.key() == key), "{key}");
            let as_payment = TemplateData::payment(key, payment.clone());
            assert_eq!(as_payment.is_some(), key.family() == DataFamily::Payment, "{key}");
            assert!(as_payment.is_none_or(|data| data.key() == key), "{key}");
        }
    }
}
