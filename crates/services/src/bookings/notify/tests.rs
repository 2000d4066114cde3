//! Routing by the workflow rules in force, through the use cases that store a change.

use std::sync::atomic::Ordering;

use chrono::Duration;
use headliner_domain::booking::{Booking, BookingRequest, BookingStatus, EventType};
use headliner_domain::templates::{TemplateData, TemplateKey};
use headliner_domain::time::{EventTimeZone, TimeRange};
use headliner_domain::workflow::{Recipient, WorkflowEvent, WorkflowRule};
use headliner_ports::outbox::{OutboxMessage, OutboxPayload};

use crate::bookings::ChangeError;
use crate::bookings::cancel::cancel_booking;
use crate::bookings::confirm::{ConfirmError, confirm_booking};
use crate::bookings::request::request_booking;
use crate::bookings::testing::*;

fn rule(event: WorkflowEvent, template: TemplateKey, recipients: &[Recipient], enabled: bool) -> WorkflowRule {
    WorkflowRule::new(event, template, recipients.iter().copied(), enabled).unwrap()
}

fn off(event: WorkflowEvent) -> WorkflowRule {
    rule(event, event.default_template(), &[], false)
}

fn pair(template: &str, to: &str) -> (String, String) {
    (template.to_owned(), to.to_owned())
}

/// The recipient name in the data of each email, in order.
fn names(outbox: &[OutboxMessage]) -> Vec<String> {
    outbox
        .iter()
        .filter_map(|m| match &m.payload {
            OutboxPayload::Email { data, .. } => Some(match data.as_ref() {
                TemplateData::PaymentReceived(p) | TemplateData::RefundIssued(p) => p.booking.recipient_name.clone(),
                TemplateData::BookingReminder(b) | TemplateData::BookingConfirmed(b) => b.recipient_name.clone(),
                other => panic!("unexpected data {:?}", other.key()),
            }),
            _ => None,
        })
        .collect()
}

/// Confirms the pending booking as its talent with `rules` stored; the outbox it was stored with.
async fn confirm_with(mut mocks: Mocks, rules: Vec<WorkflowRule>) -> Vec<OutboxMessage> {
    mocks.rules = rules;
    mocks.booking_is(pending_booking());
    mocks.payments.expect_capture().times(1).returning(|_, _, _| Ok(()));
    let stored = mocks.capture_apply_change();
    mocks.expect_publish(1);
    confirm_booking(&mocks.ports(), &talent(), booking_id(), None).await.unwrap();
    let (_, outbox) = stored.lock().unwrap().take().expect("apply_change called once");
    outbox
}

#[tokio::test]
async fn a_disabled_rule_sends_nothing_while_the_change_and_its_other_emails_are_stored() {
    let mut mocks = Mocks::new();
    mocks.expect_participants();
    let outbox = confirm_with(mocks, vec![off(WorkflowEvent::BookingConfirmed)]).await;
    assert_eq!(email_recipients(&outbox), [pair("payment_received", CUSTOMER_EMAIL)]);
}

#[tokio::test]
async fn a_retargeted_rule_sends_its_template_to_its_recipients_each_by_name() {
    let mut mocks = Mocks::new();
    mocks.expect_participants();
    mocks.expect_admins();
    let reminder = rule(
        WorkflowEvent::BookingConfirmed,
        TemplateKey::BookingReminder,
        &[Recipient::Talent, Recipient::Admins],
        true,
    );
    let outbox = confirm_with(mocks, vec![reminder]).await;
    assert_eq!(
        email_recipients(&outbox),
        [
            pair("booking_reminder", TALENT_EMAIL),
            pair("booking_reminder", ADMIN_EMAIL),
            pair("payment_received", CUSTOMER_EMAIL)
        ]
    );
    assert_eq!(names(&outbox), ["Tal Ent", "Ad Min", "Casey Customer"]);
}

#[tokio::test]
async fn the_rules_are_read_once_per_change() {
    let mut mocks = Mocks::new();
    mocks.expect_participants();
    let reads = mocks.rule_reads.clone();
    confirm_with(mocks, Vec::new()).await;
    assert_eq!(reads.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn when_no_rule_of_a_change_sends_anything_nobody_is_looked_up() {
    let mut mocks = Mocks::new();
    mocks.users.expect_get().never();
    mocks.users.expect_talent_of().never();
    mocks.users.expect_admins().never();
    mocks.celebrities.expect_get().never();
    let silenced = vec![off(WorkflowEvent::BookingConfirmed), off(WorkflowEvent::PaymentReceived)];
    let outbox = confirm_with(mocks, silenced).await;
    assert!(email_recipients(&outbox).is_empty(), "{outbox:?}");
}

#[tokio::test]
async fn a_payment_email_follows_its_own_rule() {
    let mut mocks = Mocks::new();
    mocks.expect_participants();
    mocks.expect_admins();
    mocks.rules = vec![
        rule(WorkflowEvent::RefundIssued, TemplateKey::RefundIssued, &[Recipient::Customer, Recipient::Admins], true),
        off(WorkflowEvent::BookingCancelled),
    ];
    let mut confirmed = booking_in(BookingStatus::Confirmed);
    confirmed.during =
        TimeRange::new(now() + Duration::days(10), now() + Duration::days(10) + Duration::hours(1)).unwrap();
    mocks.booking_is(confirmed);
    let stored = mocks.capture_apply_change();
    mocks.expect_publish(1);
    cancel_booking(&mocks.ports(), &customer(), booking_id(), None, None).await.unwrap();
    let (_, outbox) = stored.lock().unwrap().take().unwrap();
    assert_eq!(email_recipients(&outbox), [pair("refund_issued", CUSTOMER_EMAIL), pair("refund_issued", ADMIN_EMAIL)]);
    assert!(outbox.iter().any(|m| matches!(m.payload, OutboxPayload::RefundPayment { .. })), "the refund itself");
}

#[tokio::test]
async fn a_request_routed_to_the_admins_only_reads_no_talent() {
    let mut mocks = Mocks::new();
    mocks.rules =
        vec![rule(WorkflowEvent::BookingRequested, TemplateKey::BookingRequested, &[Recipient::Admins], true)];
    mocks
        .users
        .expect_get()
        .returning(|id| Ok(person(id, CUSTOMER_EMAIL, "Casey Customer", headliner_domain::role::Role::Customer)));
    mocks.users.expect_talent_of().never();
    mocks.expect_admins();
    mocks.celebrities.expect_get().returning(|_| Ok(celebrity()));
    mocks.payments.expect_authorize().returning(|_, _, _| Ok(()));
    mocks.bookings.expect_insert().times(1).returning(|_, outbox| {
        assert_eq!(email_recipients(&outbox), [pair("booking_requested", ADMIN_EMAIL)]);
        Ok(())
    });
    mocks.expect_publish(1);
    let start = now() + Duration::days(5);
    let input = BookingRequest {
        celebrity_id: celebrity_id(),
        during: TimeRange::new(start, start + Duration::hours(1)).unwrap(),
        timezone: EventTimeZone::parse("Europe/Paris").unwrap(),
        event_type: EventType::Speech,
        location: "Salle Pleyel".into(),
        message: String::new(),
    };
    let booking: Booking = request_booking(&mocks.ports(), &customer(), input).await.unwrap();
    assert_eq!(booking.status, BookingStatus::Pending);
}

#[tokio::test]
async fn unreadable_rules_store_no_change_and_the_capture_is_refunded() {
    let mut mocks = Mocks::new();
    mocks.rules_unavailable = true;
    mocks.booking_is(pending_booking());
    mocks.payments.expect_capture().returning(|_, _, _| Ok(()));
    mocks.bookings.expect_apply_change().never();
    mocks.events.expect_publish().never();
    mocks.outbox.expect_enqueue().times(1).returning(|messages| {
        assert!(matches!(messages[0].payload, OutboxPayload::RefundPayment { .. }));
        Ok(())
    });
    let err = confirm_booking(&mocks.ports(), &talent(), booking_id(), None).await.unwrap_err();
    assert!(matches!(err, ConfirmError::Change(ChangeError::Unavailable(_))), "{err:?}");
}
