//! Rendering: the defaults (snapshotted), the variables each key exposes, escaping, subjects,
//! and the JSON shape of the data.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use proptest::prelude::*;

use super::*;
use crate::booking::EventType;
use crate::time::{EventTimeZone, TimeRange};

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
}

/// The three parts of an email as one readable document, for snapshots.
fn document(email: &RenderedEmail) -> String {
    format!(
        "Subject: {}\n\n========== text ==========\n{}\n========== html ==========\n{}",
        email.subject, email.text, email.html
    )
}

fn booking_of(data: &mut TemplateData) -> &mut BookingEmail {
    match data {
        TemplateData::BookingRequested(b)
        | TemplateData::BookingConfirmed(b)
        | TemplateData::BookingRejected(b)
        | TemplateData::BookingCancelled(b)
        | TemplateData::BookingCompleted(b)
        | TemplateData::BookingReminder(b) => b,
        TemplateData::PaymentReceived(p) | TemplateData::RefundIssued(p) => &mut p.booking,
        other => panic!("{:?} has no booking", other.key()),
    }
}

#[test]
fn every_default_template_renders_with_sample_data_as_snapshotted() {
    for key in TemplateKey::ALL {
        let email = render(&default_template(key), &TemplateData::sample(key)).unwrap();
        insta::assert_snapshot!(key.as_str(), document(&email));
    }
}

#[test]
fn a_booking_across_the_daylight_saving_change_shows_both_zone_abbreviations() {
    // Clocks in New York jump from 02:00 EST to 03:00 EDT on 8 March 2026.
    let mut data = TemplateData::sample(TemplateKey::BookingConfirmed);
    let booking = booking_of(&mut data);
    booking.during = TimeRange::new(at("2026-03-08T06:30:00Z"), at("2026-03-08T07:30:00Z")).unwrap();
    booking.timezone = EventTimeZone::parse("America/New_York").unwrap();
    booking.event_type = EventType::PersonalisedVideo;
    let email = render(&default_template(TemplateKey::BookingConfirmed), &data).unwrap();
    for part in [&email.subject, &email.html, &email.text] {
        assert!(part.contains("Sunday, 8 March 2026, 01:30 EST"), "{part}");
    }
    for part in [&email.html, &email.text] {
        assert!(part.contains("Sunday, 8 March 2026, 03:30 EDT"), "{part}");
    }
    insta::assert_snapshot!("booking_confirmed_across_the_dst_change", document(&email));
}

#[test]
fn every_key_has_sample_data_that_sets_exactly_its_declared_variables() {
    for key in TemplateKey::ALL {
        let data = TemplateData::sample(key);
        assert_eq!(data.key(), key);
        let declared: BTreeSet<_> = key.variables().iter().map(|v| v.name).collect();
        let exposed: BTreeSet<_> = data.variables().into_keys().collect();
        assert_eq!(declared, exposed, "{key}");
        assert_eq!(declared.len(), key.variables().len(), "{key} declares a variable twice");
        assert!(key.variables().iter().all(|v| !v.description.is_empty()));
    }
}

#[test]
fn booking_variables_are_display_ready_strings() {
    let vars = TemplateData::sample(TemplateKey::RefundIssued).variables();
    assert_eq!(vars["event_start"], "Saturday, 20 June 2026, 19:00 EDT");
    assert_eq!(vars["event_end"], "Saturday, 20 June 2026, 21:00 EDT");
    assert_eq!(vars["time_zone"], "America/New_York");
    assert_eq!(vars["price"], "2,500.00 USD");
    assert_eq!(vars["amount"], "1,250.00 USD");
    assert_eq!(vars["event_type"], "appearance");
    assert_eq!(vars["booking_id"], "01952f3e-8c1a-7d42-9b6e-5a4c3d2e1f0a");
    assert_eq!(TemplateData::sample(TemplateKey::BookingConfirmed).variables()["reason"], "");
    assert_eq!(TemplateData::sample(TemplateKey::PasswordReset).variables()["expires_in_minutes"], "30");
    assert_eq!(event_type_words(EventType::PersonalisedVideo), "personalised video");
}

#[test]
fn every_default_template_passes_validation_and_uses_the_recipients_name() {
    for key in TemplateKey::ALL {
        let source = default_template(key);
        assert_eq!(validate_template(key, &source), Ok(()), "{key}");
        assert!(!source.subject.is_empty() && !source.subject.contains('\n'), "{key}");
        assert!(source.html.contains("{{recipient_name}}") && source.text.contains("{{recipient_name}}"), "{key}");
    }
}

#[test]
fn default_html_parts_are_small_self_contained_documents() {
    for key in TemplateKey::ALL {
        let html = render(&default_template(key), &TemplateData::sample(key)).unwrap().html;
        assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"), "{key}");
        assert!(html.len() < 8 * 1024, "{key} is {} bytes", html.len());
        for external in ["src=", "<link", "<script", "<img", "url(", "@import"] {
            assert!(!html.contains(external), "{key} contains {external}");
        }
    }
}

#[test]
fn the_html_part_escapes_markup_in_variables_while_the_text_part_keeps_it_verbatim() {
    let mut data = TemplateData::sample(TemplateKey::BookingRequested);
    booking_of(&mut data).customer_name = "<script>alert(1)</script>".to_owned();
    let email = render(&default_template(TemplateKey::BookingRequested), &data).unwrap();
    assert!(!email.html.contains("<script>"));
    assert!(email.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(email.text.contains("<script>alert(1)</script> has requested Maya Rivers"));
}

#[test]
fn a_line_break_in_a_variable_cannot_add_a_header_through_the_subject() {
    let mut data = TemplateData::sample(TemplateKey::BookingConfirmed);
    booking_of(&mut data).celebrity_name = "Maya\r\nBcc: x@y.z".to_owned();
    let email = render(&default_template(TemplateKey::BookingConfirmed), &data).unwrap();
    assert_eq!(email.subject, "Booking confirmed: Maya Bcc: x@y.z, Saturday, 20 June 2026, 19:00 EDT");
    assert!(!email.subject.contains(['\r', '\n']));
}

#[test]
fn a_subject_written_over_several_lines_comes_out_on_one() {
    let source = TemplateSource {
        subject: "  Welcome,\r\n  {{recipient_name}}!\n".to_owned(),
        html: String::new(),
        text: String::new(),
    };
    let email = render(&source, &TemplateData::sample(TemplateKey::Welcome)).unwrap();
    assert_eq!(email.subject, "Welcome, Jordan Ellis!");
}

#[test]
fn the_reason_block_shows_only_when_a_reason_was_given() {
    let source = TemplateSource {
        subject: "Declined".to_owned(),
        html: "{{#if reason}}Because: {{reason}}{{else}}No reason given{{/if}}".to_owned(),
        text: "{{#unless reason}}none{{/unless}}".to_owned(),
    };
    let mut data = TemplateData::sample(TemplateKey::BookingRejected);
    let with_reason = render(&source, &data).unwrap();
    assert!(with_reason.html.starts_with("Because: Maya is on tour"));
    assert_eq!(with_reason.text, "");
    booking_of(&mut data).reason = None;
    let without = render(&source, &data).unwrap();
    assert_eq!((without.html.as_str(), without.text.as_str()), ("No reason given", "none"));
}

#[test]
fn rendering_refuses_a_template_that_does_not_fit_the_datas_key() {
    let reset = default_template(TemplateKey::PasswordReset);
    let error = render(&reset, &TemplateData::sample(TemplateKey::Welcome)).unwrap_err();
    let RenderError::InvalidTemplate(invalid) = &error else { panic!("{error:?}") };
    assert!(invalid.problems.iter().any(|p| p.message.contains("`reset_url` is not a variable of the `welcome`")));
    assert!(error.to_string().starts_with("the template is not valid: the template has"));
}

#[test]
fn rendering_refuses_an_invalid_template_instead_of_panicking() {
    let source = TemplateSource {
        subject: "{{> evil}}".to_owned(),
        html: "{{#if reason}}".repeat(5000),
        text: "{{{reason}}}".to_owned(),
    };
    let error = render(&source, &TemplateData::sample(TemplateKey::BookingCancelled)).unwrap_err();
    let RenderError::InvalidTemplate(invalid) = error else { panic!("expected an invalid template") };
    let parts: Vec<_> = invalid.problems.iter().map(|p| p.part).collect();
    assert_eq!(parts, [TemplatePart::Subject, TemplatePart::Html, TemplatePart::Text]);
}

#[test]
fn template_data_of_every_key_round_trips_through_json() {
    for key in TemplateKey::ALL {
        let data = TemplateData::sample(key);
        let json = serde_json::to_value(&data).unwrap();
        assert_eq!(json["key"], key.as_str());
        assert_eq!(serde_json::from_value::<TemplateData>(json.clone()).unwrap(), data);
        assert_eq!(TemplateData::from_json(key, json["data"].clone()).unwrap(), data);
    }
}

#[test]
fn stored_booking_data_has_a_readable_shape() {
    let json = serde_json::to_value(TemplateData::sample(TemplateKey::BookingConfirmed)).unwrap();
    let data = &json["data"];
    assert_eq!(data["event_type"], "appearance");
    assert_eq!(data["timezone"], "America/New_York");
    assert_eq!(data["price"], serde_json::json!({"amount_minor": 250_000, "currency": "USD"}));
    assert_eq!(data["during"]["start"], "2026-06-20T23:00:00Z");
    assert_eq!(data["reason"], serde_json::Value::Null);
}

#[test]
fn from_json_refuses_data_of_the_wrong_shape() {
    let booking = serde_json::to_value(booking_of(&mut TemplateData::sample(TemplateKey::BookingReminder))).unwrap();
    let wrong_key = TemplateData::from_json(TemplateKey::PasswordReset, booking.clone()).unwrap_err();
    assert!(matches!(&wrong_key, RenderError::Data { key: TemplateKey::PasswordReset, .. }), "{wrong_key:?}");
    assert!(wrong_key.to_string().starts_with("the data does not fit the `password_reset` template: "));

    let mut missing = booking.clone();
    missing.as_object_mut().unwrap().remove("price");
    assert!(TemplateData::from_json(TemplateKey::BookingReminder, missing).is_err());
    let mut extra = booking.clone();
    extra["unexpected"] = serde_json::json!(1);
    assert!(TemplateData::from_json(TemplateKey::BookingReminder, extra).is_err());
    let mut reversed = booking;
    reversed["during"] = serde_json::json!({"start": "2026-06-21T01:00:00Z", "end": "2026-06-20T23:00:00Z"});
    assert!(TemplateData::from_json(TemplateKey::BookingReminder, reversed).is_err());
    assert!(TemplateData::from_json(TemplateKey::Welcome, serde_json::json!("hello")).is_err());
    assert!(serde_json::from_value::<TemplateData>(serde_json::json!({"key": "nope", "data": {}})).is_err());
}

proptest! {
    #[test]
    fn any_variable_values_render_every_default_with_a_one_line_subject(
        name in any::<String>(),
        location in any::<String>(),
    ) {
        for key in TemplateKey::ALL {
            let mut data = TemplateData::sample(key);
            match &mut data {
                TemplateData::PasswordReset(r) => r.recipient_name.clone_from(&name),
                TemplateData::Welcome(w) => w.recipient_name.clone_from(&name),
                other => {
                    let booking = booking_of(other);
                    booking.celebrity_name.clone_from(&name);
                    booking.location.clone_from(&location);
                }
            }
            let email = render(&default_template(key), &data).unwrap();
            prop_assert!(!email.subject.contains(|c: char| c.is_control()));
            if name.contains("<script") {
                prop_assert!(!email.html.contains("<script"));
            }
        }
    }
}
