use super::*;
use crate::booking::Party;

use Recipient::{AccountHolder, Admins, Customer, Talent};

fn rule(
    event: WorkflowEvent,
    template: TemplateKey,
    recipients: &[Recipient],
    enabled: bool,
) -> Result<WorkflowRule, InvalidRule> {
    WorkflowRule::new(event, template, recipients.iter().copied(), enabled)
}

fn problems(result: Result<WorkflowRule, InvalidRule>) -> Vec<RuleProblem> {
    result.expect_err("the rule is refused").problems
}

#[test]
fn the_default_rules_are_the_routing_headliner_had_before_rules_were_editable() {
    let table: Vec<(&str, &str, Vec<Recipient>, bool)> = WorkflowRules::defaults()
        .iter()
        .map(|r| (r.event().as_str(), r.template().as_str(), r.recipients().iter().copied().collect(), r.is_enabled()))
        .collect();
    assert_eq!(
        table,
        [
            ("booking_requested", "booking_requested", vec![Customer, Talent], true),
            ("booking_confirmed", "booking_confirmed", vec![Customer], true),
            ("booking_rejected", "booking_rejected", vec![Customer], true),
            ("booking_cancelled", "booking_cancelled", vec![Customer, Talent], true),
            ("booking_completed", "booking_completed", vec![Customer], true),
            ("payment_received", "payment_received", vec![Customer], true),
            ("refund_issued", "refund_issued", vec![Customer], true),
            ("password_reset", "password_reset", vec![AccountHolder], true),
            ("account_registered", "welcome", vec![AccountHolder], true),
        ]
    );
}

#[test]
fn every_default_rule_passes_its_own_validation() {
    for event in WorkflowEvent::ALL {
        let default = WorkflowRule::default_for(event);
        let again = WorkflowRule::new(event, default.template(), default.recipients().iter().copied(), true);
        assert_eq!(again, Ok(default), "{event}");
    }
}

#[test]
fn a_rule_is_accepted_exactly_when_template_recipients_and_enabled_fit_its_event() {
    // Every event × template × subset of recipients × enabled: 2880 cases.
    for event in WorkflowEvent::ALL {
        for template in TemplateKey::ALL {
            for mask in 0..16_u8 {
                let recipients: Vec<Recipient> = Recipient::ALL
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, r)| r)
                    .collect();
                for enabled in [true, false] {
                    let fits = template.family() == event.family()
                        && recipients.iter().all(|r| event.possible_recipients().contains(r))
                        && !(enabled && recipients.is_empty());
                    let result = rule(event, template, &recipients, enabled);
                    assert_eq!(result.is_ok(), fits, "{event} {template} {recipients:?} enabled={enabled}: {result:?}");
                }
            }
        }
    }
}

#[test]
fn a_booking_event_may_use_any_booking_template_the_reminder_included() {
    let retargeted = rule(WorkflowEvent::BookingConfirmed, TemplateKey::BookingReminder, &[Customer], true).unwrap();
    assert_eq!(retargeted.template(), TemplateKey::BookingReminder);
    assert!(rule(WorkflowEvent::BookingRequested, TemplateKey::BookingCompleted, &[Admins], true).is_ok());
    assert!(rule(WorkflowEvent::RefundIssued, TemplateKey::PaymentReceived, &[Customer, Admins], true).is_ok());
}

#[test]
fn a_template_of_another_data_family_is_refused_naming_the_ones_that_fit() {
    let refused = problems(rule(WorkflowEvent::BookingConfirmed, TemplateKey::Welcome, &[Customer], true));
    assert_eq!(
        refused,
        [RuleProblem::TemplateDoesNotFit { event: WorkflowEvent::BookingConfirmed, template: TemplateKey::Welcome }]
    );
    assert_eq!(refused[0].field(), "template");
    let message = refused[0].to_string();
    assert!(message.contains("`welcome` is a welcome template") && message.contains("booking_reminder"), "{message}");
    for template in [TemplateKey::PaymentReceived, TemplateKey::PasswordReset] {
        assert!(rule(WorkflowEvent::BookingRequested, template, &[Customer], true).is_err(), "{template}");
    }
    for template in [TemplateKey::BookingConfirmed, TemplateKey::Welcome] {
        assert!(rule(WorkflowEvent::PasswordReset, template, &[AccountHolder], true).is_err(), "{template}");
    }
    assert!(rule(WorkflowEvent::AccountRegistered, TemplateKey::PasswordReset, &[AccountHolder], true).is_err());
    assert!(rule(WorkflowEvent::PaymentReceived, TemplateKey::BookingConfirmed, &[Customer], true).is_err());
}

#[test]
fn a_password_reset_link_never_goes_to_anyone_but_the_account_holder() {
    for stranger in [Customer, Talent, Admins] {
        for enabled in [true, false] {
            let refused = problems(rule(
                WorkflowEvent::PasswordReset,
                TemplateKey::PasswordReset,
                &[AccountHolder, stranger],
                enabled,
            ));
            assert_eq!(refused, [RuleProblem::ResetLinkOnlyToHolder], "{stranger} enabled={enabled}");
            assert_eq!(refused[0].field(), "recipients");
        }
    }
}

#[test]
fn account_events_go_to_the_holder_and_booking_events_to_the_booking_parties() {
    let refused = problems(rule(WorkflowEvent::AccountRegistered, TemplateKey::Welcome, &[Admins], true));
    assert_eq!(refused, [RuleProblem::NotARecipientOf { event: WorkflowEvent::AccountRegistered, recipient: Admins }]);
    assert!(refused[0].to_string().contains("possible recipients: account_holder"), "{}", refused[0]);
    let refused =
        problems(rule(WorkflowEvent::BookingCancelled, TemplateKey::BookingCancelled, &[AccountHolder], true));
    assert_eq!(refused[0].field(), "recipients");
    assert!(refused[0].to_string().contains("customer, talent, admins"), "{}", refused[0]);
}

#[test]
fn an_enabled_rule_needs_a_recipient_and_a_disabled_one_may_have_none() {
    let refused = problems(rule(WorkflowEvent::BookingConfirmed, TemplateKey::BookingConfirmed, &[], true));
    assert_eq!(refused, [RuleProblem::NoRecipients]);
    let off = rule(WorkflowEvent::BookingConfirmed, TemplateKey::BookingConfirmed, &[], false).unwrap();
    assert!(!off.is_enabled() && !off.sends_to(Customer));
    assert!(rule(WorkflowEvent::PasswordReset, TemplateKey::PasswordReset, &[], false).is_ok());
}

#[test]
fn every_problem_is_reported_at_once_and_repeated_recipients_count_once() {
    let error = rule(WorkflowEvent::PasswordReset, TemplateKey::Welcome, &[Admins], true).unwrap_err();
    assert_eq!(error.problems.iter().map(RuleProblem::field).collect::<Vec<_>>(), ["template", "recipients"]);
    assert!(error.to_string().starts_with("the rule for password_reset is invalid: `welcome`"), "{error}");
    let twice = rule(WorkflowEvent::BookingRequested, TemplateKey::BookingRequested, &[Talent, Customer, Talent], true);
    assert_eq!(twice.unwrap().recipients().iter().copied().collect::<Vec<_>>(), [Customer, Talent]);
}

#[test]
fn a_disabled_rule_sends_to_nobody() {
    let default = WorkflowRule::default_for(WorkflowEvent::BookingRequested);
    assert!(default.sends_to(Customer) && default.sends_to(Talent) && !default.sends_to(Admins));
    let off = rule(WorkflowEvent::BookingRequested, TemplateKey::BookingRequested, &[Customer, Talent], false).unwrap();
    assert!(Recipient::ALL.iter().all(|r| !off.sends_to(*r)));
}

#[test]
fn overrides_replace_the_rule_of_their_own_event_only() {
    let admins_only = rule(WorkflowEvent::BookingRequested, TemplateKey::BookingRequested, &[Admins], true).unwrap();
    let rules = WorkflowRules::with_overrides([admins_only.clone()]);
    assert_eq!(rules.rule(WorkflowEvent::BookingRequested), &admins_only);
    for event in WorkflowEvent::ALL.into_iter().filter(|e| *e != WorkflowEvent::BookingRequested) {
        assert_eq!(rules.rule(event), &WorkflowRule::default_for(event), "{event}");
    }
    assert_eq!(WorkflowRules::with_overrides([]), WorkflowRules::default());
}

#[test]
fn events_and_recipients_parse_back_from_their_names_and_serialize_as_them() {
    for (i, event) in WorkflowEvent::ALL.into_iter().enumerate() {
        assert_eq!(event.index(), i);
        assert_eq!(WorkflowEvent::parse(event.as_str()), Ok(event));
        assert_eq!(serde_json::to_value(event).unwrap(), serde_json::json!(event.as_str()));
    }
    for recipient in Recipient::ALL {
        assert_eq!(Recipient::parse(recipient.as_str()), Ok(recipient));
        assert_eq!(serde_json::to_value(recipient).unwrap(), serde_json::json!(recipient.as_str()));
    }
    assert_eq!(WorkflowEvent::parse("welcome"), Err(UnknownWorkflowEvent("welcome".into())));
    assert!(Recipient::parse("Admins").is_err());
}

#[test]
fn each_booking_event_has_the_workflow_event_of_the_same_name() {
    let by = Party::Customer;
    let pairs = [
        (BookingEvent::Requested, "booking_requested"),
        (BookingEvent::Confirmed, "booking_confirmed"),
        (BookingEvent::Rejected { by }, "booking_rejected"),
        (BookingEvent::Cancelled { by }, "booking_cancelled"),
        (BookingEvent::Completed { by }, "booking_completed"),
    ];
    for (event, name) in pairs {
        assert_eq!(WorkflowEvent::from(event).as_str(), name);
    }
}
