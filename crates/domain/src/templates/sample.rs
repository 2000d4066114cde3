//! Fixed, realistic sample data for template previews. Pure: the same values every time.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::TemplateKey;
use super::data::{BookingEmail, PasswordResetEmail, PaymentEmail, TemplateData, WelcomeEmail};
use crate::booking::EventType;
use crate::ids::BookingId;
use crate::money::{Currency, Money};
use crate::time::{EventTimeZone, TimeRange};

const SAMPLE_BOOKING_ID: BookingId = BookingId::from_uuid(Uuid::from_u128(0x0195_2f3e_8c1a_7d42_9b6e_5a4c_3d2e_1f0a));
const APP_URL: &str = "https://headliner.example";

/// Unwraps a value built from the constants in this file. They are all valid, and
/// `tests_render::every_key_has_sample_data_that_sets_exactly_its_declared_variables` builds
/// every sample, so this cannot fail at run time.
#[allow(clippy::expect_used, reason = "fixed sample constants, every one built by the tests")]
fn fixed<T, E: std::fmt::Debug>(value: Result<T, E>) -> T {
    value.expect("sample constants are valid")
}

fn utc(rfc3339: &str) -> DateTime<Utc> {
    fixed(DateTime::parse_from_rfc3339(rfc3339)).with_timezone(&Utc)
}

fn usd(amount_minor: i64) -> Money {
    Money::new(amount_minor, fixed(Currency::parse("USD")))
}

/// A two-hour appearance on Saturday 20 June 2026, 19:00–21:00 EDT, in New York.
fn sample_booking(recipient_name: &str, reason: Option<&str>) -> BookingEmail {
    BookingEmail {
        recipient_name: recipient_name.to_owned(),
        customer_name: "Jordan Ellis".to_owned(),
        celebrity_name: "Maya Rivers".to_owned(),
        booking_id: SAMPLE_BOOKING_ID,
        event_type: EventType::Appearance,
        location: "The Grand Ballroom, 301 Park Avenue, New York".to_owned(),
        during: fixed(TimeRange::new(utc("2026-06-20T23:00:00Z"), utc("2026-06-21T01:00:00Z"))),
        timezone: fixed(EventTimeZone::parse("America/New_York")),
        price: usd(250_000),
        reason: reason.map(str::to_owned),
        booking_url: format!("{APP_URL}/bookings/{SAMPLE_BOOKING_ID}"),
    }
}

impl TemplateData {
    /// Realistic sample data for previewing a template of `key`.
    pub fn sample(key: TemplateKey) -> TemplateData {
        let customer = "Jordan Ellis";
        match key {
            TemplateKey::BookingRequested => Self::BookingRequested(sample_booking("Maya Rivers", None)),
            TemplateKey::BookingConfirmed => Self::BookingConfirmed(sample_booking(customer, None)),
            TemplateKey::BookingRejected => Self::BookingRejected(sample_booking(
                customer,
                Some("Maya is on tour in Europe that week and cannot travel to New York."),
            )),
            TemplateKey::BookingCancelled => {
                Self::BookingCancelled(sample_booking(customer, Some("The gala has been postponed to the autumn.")))
            }
            TemplateKey::BookingCompleted => Self::BookingCompleted(sample_booking(customer, None)),
            TemplateKey::PaymentReceived => {
                Self::PaymentReceived(PaymentEmail { booking: sample_booking(customer, None), amount: usd(250_000) })
            }
            TemplateKey::RefundIssued => Self::RefundIssued(PaymentEmail {
                booking: sample_booking(customer, Some("Cancelled by the customer 48 hours before the event.")),
                amount: usd(125_000),
            }),
            TemplateKey::BookingReminder => Self::BookingReminder(sample_booking(customer, None)),
            TemplateKey::PasswordReset => Self::PasswordReset(PasswordResetEmail {
                recipient_name: customer.to_owned(),
                reset_url: format!("{APP_URL}/reset-password?token=sample-reset-token"),
                expires_in_minutes: 30,
            }),
            TemplateKey::Welcome => {
                Self::Welcome(WelcomeEmail { recipient_name: customer.to_owned(), app_url: APP_URL.to_owned() })
            }
        }
    }
}
