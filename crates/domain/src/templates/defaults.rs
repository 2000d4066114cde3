//! The built-in templates, embedded at compile time from `crates/domain/templates/<key>/`.

use super::TemplateSource;
use super::key::TemplateKey;

macro_rules! embedded {
    ($dir:literal) => {
        TemplateSource {
            subject: include_str!(concat!("../../templates/", $dir, "/subject.hbs")).trim_end().to_owned(),
            html: include_str!(concat!("../../templates/", $dir, "/body.html.hbs")).to_owned(),
            text: include_str!(concat!("../../templates/", $dir, "/body.txt.hbs")).to_owned(),
        }
    };
}

/// The template Headliner uses for `key` until an admin saves another.
pub fn default_template(key: TemplateKey) -> TemplateSource {
    match key {
        TemplateKey::BookingRequested => embedded!("booking_requested"),
        TemplateKey::BookingConfirmed => embedded!("booking_confirmed"),
        TemplateKey::BookingRejected => embedded!("booking_rejected"),
        TemplateKey::BookingCancelled => embedded!("booking_cancelled"),
        TemplateKey::BookingCompleted => embedded!("booking_completed"),
        TemplateKey::PaymentReceived => embedded!("payment_received"),
        TemplateKey::RefundIssued => embedded!("refund_issued"),
        TemplateKey::BookingReminder => embedded!("booking_reminder"),
        TemplateKey::PasswordReset => embedded!("password_reset"),
        TemplateKey::Welcome => embedded!("welcome"),
    }
}
