//! Which email a template is for, and the variables each one may use.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One email Headliner sends. Each key has its own typed data and its own set of variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKey {
    BookingRequested,
    BookingConfirmed,
    BookingRejected,
    BookingCancelled,
    BookingCompleted,
    PaymentReceived,
    RefundIssued,
    BookingReminder,
    PasswordReset,
    Welcome,
}

/// The kind of typed data a template key takes (see [`super::TemplateData`]). Keys of one
/// family can stand in for each other: the same data renders with any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataFamily {
    /// A [`super::BookingEmail`]: the five lifecycle keys and `booking_reminder`.
    Booking,
    /// A [`super::PaymentEmail`]: `payment_received`, `refund_issued`.
    Payment,
    /// A [`super::PasswordResetEmail`]: `password_reset` only.
    PasswordReset,
    /// A [`super::WelcomeEmail`]: `welcome` only.
    Welcome,
}

impl DataFamily {
    /// The keys that take this family's data, in [`TemplateKey::ALL`] order.
    pub fn keys(self) -> impl Iterator<Item = TemplateKey> {
        TemplateKey::ALL.into_iter().filter(move |key| key.family() == self)
    }

    /// As people read it in a message: "booking", "payment", ...
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booking => "booking",
            Self::Payment => "payment",
            Self::PasswordReset => "password reset",
            Self::Welcome => "welcome",
        }
    }
}

/// A name that is not one of [`TemplateKey::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a template key")]
pub struct UnknownTemplateKey(pub String);

/// A variable a template may use, as shown to the admins who edit templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VariableSpec {
    pub name: &'static str,
    pub description: &'static str,
}

const fn var(name: &'static str, description: &'static str) -> VariableSpec {
    VariableSpec { name, description }
}

/// The booking variables followed by `amount`, which only the payment keys have.
const PAYMENT_VARIABLES: &[VariableSpec] = &[
    var("recipient_name", "Name of the person this email is sent to"),
    var("customer_name", "Name of the customer who made the booking"),
    var("celebrity_name", "Name of the booked celebrity"),
    var("booking_id", "Booking reference"),
    var("event_type", "Kind of event in words, e.g. \"personalised video\""),
    var("location", "Where the event takes place"),
    var("event_start", "Start in the event's time zone, e.g. \"Sunday, 8 March 2026, 01:30 EST\""),
    var("event_end", "End in the event's time zone, e.g. \"Sunday, 8 March 2026, 03:30 EDT\""),
    var("time_zone", "The event's IANA time zone, e.g. \"America/New_York\""),
    var("price", "Price of the booking, e.g. \"2,500.00 USD\""),
    var("reason", "Reason given for the change; empty when none was given (use {{#if reason}})"),
    var("booking_url", "Link to the booking in Headliner"),
    var("amount", "Amount paid or refunded, e.g. \"1,250.00 USD\""),
];

const BOOKING_VARIABLES: &[VariableSpec] = PAYMENT_VARIABLES.split_at(12).0;

const PASSWORD_RESET_VARIABLES: &[VariableSpec] = &[
    var("recipient_name", "Name of the person this email is sent to"),
    var("reset_url", "Link that lets the recipient choose a new password"),
    var("expires_in_minutes", "Minutes until the reset link stops working"),
];

const WELCOME_VARIABLES: &[VariableSpec] =
    &[var("recipient_name", "Name of the person this email is sent to"), var("app_url", "Link to Headliner")];

impl TemplateKey {
    pub const ALL: [TemplateKey; 10] = [
        Self::BookingRequested,
        Self::BookingConfirmed,
        Self::BookingRejected,
        Self::BookingCancelled,
        Self::BookingCompleted,
        Self::PaymentReceived,
        Self::RefundIssued,
        Self::BookingReminder,
        Self::PasswordReset,
        Self::Welcome,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::BookingRequested => "booking_requested",
            Self::BookingConfirmed => "booking_confirmed",
            Self::BookingRejected => "booking_rejected",
            Self::BookingCancelled => "booking_cancelled",
            Self::BookingCompleted => "booking_completed",
            Self::PaymentReceived => "payment_received",
            Self::RefundIssued => "refund_issued",
            Self::BookingReminder => "booking_reminder",
            Self::PasswordReset => "password_reset",
            Self::Welcome => "welcome",
        }
    }

    pub fn parse(s: &str) -> Result<TemplateKey, UnknownTemplateKey> {
        Self::ALL.into_iter().find(|key| key.as_str() == s).ok_or_else(|| UnknownTemplateKey(s.to_owned()))
    }

    /// Exactly the variables a template of this key can use; [`super::TemplateData::variables`]
    /// sets each of them and nothing else.
    pub fn variables(&self) -> &'static [VariableSpec] {
        match self {
            Self::BookingRequested
            | Self::BookingConfirmed
            | Self::BookingRejected
            | Self::BookingCancelled
            | Self::BookingCompleted
            | Self::BookingReminder => BOOKING_VARIABLES,
            Self::PaymentReceived | Self::RefundIssued => PAYMENT_VARIABLES,
            Self::PasswordReset => PASSWORD_RESET_VARIABLES,
            Self::Welcome => WELCOME_VARIABLES,
        }
    }

    /// The kind of data this key's template is rendered with.
    pub fn family(&self) -> DataFamily {
        match self {
            Self::BookingRequested
            | Self::BookingConfirmed
            | Self::BookingRejected
            | Self::BookingCancelled
            | Self::BookingCompleted
            | Self::BookingReminder => DataFamily::Booking,
            Self::PaymentReceived | Self::RefundIssued => DataFamily::Payment,
            Self::PasswordReset => DataFamily::PasswordReset,
            Self::Welcome => DataFamily::Welcome,
        }
    }

    /// Whether `name` is one of [`Self::variables`].
    pub fn declares(&self, name: &str) -> bool {
        self.variables().iter().any(|spec| spec.name == name)
    }
}

impl fmt::Display for TemplateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TemplateKey {
    type Err = UnknownTemplateKey;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses_back_from_its_name_and_serializes_as_it() {
        for key in TemplateKey::ALL {
            assert_eq!(TemplateKey::parse(key.as_str()), Ok(key));
            assert_eq!(serde_json::to_value(key).unwrap(), serde_json::json!(key.as_str()));
        }
        assert_eq!(TemplateKey::parse("Welcome"), Err(UnknownTemplateKey("Welcome".into())));
        assert_eq!(UnknownTemplateKey("nope".into()).to_string(), "`nope` is not a template key");
    }

    #[test]
    fn payment_keys_have_the_booking_variables_plus_amount() {
        let names = |key: TemplateKey| key.variables().iter().map(|v| v.name).collect::<Vec<_>>();
        let mut booking = names(TemplateKey::BookingConfirmed);
        booking.push("amount");
        assert_eq!(names(TemplateKey::PaymentReceived), booking);
        assert_eq!(names(TemplateKey::Welcome), ["recipient_name", "app_url"]);
    }

    #[test]
    fn keys_of_one_family_declare_the_same_variables() {
        for key in TemplateKey::ALL {
            for other in key.family().keys() {
                assert_eq!(key.variables(), other.variables(), "{key} and {other}");
            }
        }
        let booking: Vec<_> = DataFamily::Booking.keys().map(|k| k.as_str()).collect();
        assert_eq!(
            booking,
            [
                "booking_requested",
                "booking_confirmed",
                "booking_rejected",
                "booking_cancelled",
                "booking_completed",
                "booking_reminder"
            ]
        );
        assert_eq!(DataFamily::PasswordReset.keys().collect::<Vec<_>>(), [TemplateKey::PasswordReset]);
    }

    #[test]
    fn no_variable_shadows_a_handlebars_builtin_helper() {
        let builtins = [
            "if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte", "and", "or",
            "not", "len", "else", "this",
        ];
        for key in TemplateKey::ALL {
            for spec in key.variables() {
                assert!(!builtins.contains(&spec.name), "{} shadows a builtin", spec.name);
            }
        }
    }
}
