//! Which emails a booking change sends, to whom: the workflow rules in force
//! (`headliner_domain::workflow`, edited through `services::workflow`). The outbox messages
//! are built here, before the change is stored, and stored by the repository in the same
//! transaction as the change.
//!
//! The rules are read once per change, before its transaction: a rule an admin changes while
//! a booking change is in flight applies from the next change (the rules read are the ones
//! used, all of them, never a mix). The built-in rules reproduce the routing Headliner had
//! before rules were editable: requested → customer and talent; confirmed, rejected,
//! completed → customer; cancelled → customer and talent; money captured on confirmation →
//! `payment_received`, a refund above zero → `refund_issued`, both to the customer. A
//! disabled rule sends nothing; a retargeted one sends its template (any template of the
//! event's data family) to its recipients, each with their own name in the data.

use chrono::{DateTime, Utc};
use headliner_domain::booking::{Booking, BookingEvent};
use headliner_domain::ids::{BookingId, OutboxMessageId, UserId};
use headliner_domain::money::Money;
use headliner_domain::templates::{BookingEmail, PaymentEmail, TemplateData};
use headliner_domain::user::User;
use headliner_domain::workflow::{Recipient, WorkflowEvent, WorkflowRule};
use headliner_ports::Source;
use headliner_ports::events::BookingNotice;
use headliner_ports::outbox::{OutboxMessage, OutboxPayload};

use super::BookingPorts;
use crate::workflow::rules_in_force;

/// A port failed while working out the emails of a change (rules or people unreadable, or
/// data that should exist missing); nothing was stored.
#[derive(Debug, thiserror::Error)]
#[error("could not work out the emails of a booking change")]
pub struct RecipientsUnavailable(#[source] pub Source);

/// Money that moved with a change, which people are told about in its own email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PaymentMail {
    /// Captured on confirmation: the `payment_received` rule.
    Received(Money),
    /// Refunded on cancellation: the `refund_issued` rule (only when above zero).
    Refunded(Money),
}

/// The outbox messages for `event` on `booking` (its state after the change), plus the
/// payment email when money moved, as the rules in force say.
pub(crate) async fn booking_emails(
    ports: &BookingPorts,
    booking: &Booking,
    event: BookingEvent,
    reason: Option<&str>,
    payment: Option<PaymentMail>,
    now: DateTime<Utc>,
) -> Result<Vec<OutboxMessage>, RecipientsUnavailable> {
    let failed = |e: Source| RecipientsUnavailable(e);
    let rules = rules_in_force(ports.workflow.as_ref()).await.map_err(|e| failed(Box::new(e)))?;
    let lifecycle = Some(rules.rule(WorkflowEvent::from(event))).filter(|r| r.is_enabled());
    let payment = match payment {
        Some(PaymentMail::Received(amount)) if amount.amount_minor > 0 => {
            Some((rules.rule(WorkflowEvent::PaymentReceived), amount))
        }
        Some(PaymentMail::Refunded(amount)) if amount.amount_minor > 0 => {
            Some((rules.rule(WorkflowEvent::RefundIssued), amount))
        }
        Some(PaymentMail::Received(_) | PaymentMail::Refunded(_)) | None => None,
    }
    .filter(|(rule, _)| rule.is_enabled());
    if lifecycle.is_none() && payment.is_none() {
        return Ok(Vec::new());
    }

    let customer = ports.users.get(booking.customer_id).await.map_err(|e| failed(Box::new(e)))?;
    let celebrity = ports.celebrities.get(booking.celebrity_id).await.map_err(|e| failed(Box::new(e)))?;
    let wanted = |recipient| lifecycle.iter().chain(payment.iter().map(|(r, _)| r)).any(|r| r.sends_to(recipient));
    let talent = if wanted(Recipient::Talent) {
        ports.users.talent_of(booking.celebrity_id).await.map_err(|e| failed(Box::new(e)))?
    } else {
        Vec::new()
    };
    let admins = if wanted(Recipient::Admins) {
        ports.users.admins().await.map_err(|e| failed(Box::new(e)))?
    } else {
        Vec::new()
    };
    let audience = |rule: &WorkflowRule| -> Vec<&User> {
        let mut seen: Vec<UserId> = Vec::new();
        let mut people = Vec::new();
        for recipient in rule.recipients() {
            let group: &[User] = match recipient {
                Recipient::Customer => std::slice::from_ref(&customer),
                Recipient::Talent => &talent,
                Recipient::Admins => &admins,
                // Never in a booking or payment rule: `WorkflowRule::new` refuses it.
                Recipient::AccountHolder => &[],
            };
            for person in group {
                if !seen.contains(&person.id) {
                    seen.push(person.id);
                    people.push(person);
                }
            }
        }
        people
    };
    let email_for = |recipient: &User| BookingEmail {
        recipient_name: recipient.display_name.clone(),
        customer_name: customer.display_name.clone(),
        celebrity_name: celebrity.name.clone(),
        booking_id: booking.id,
        event_type: booking.event_type,
        location: booking.location.clone(),
        during: booking.during,
        timezone: booking.timezone,
        price: booking.price,
        reason: reason.map(str::to_owned),
        booking_url: format!("{}/bookings/{}", ports.app_url.trim_end_matches('/'), booking.id),
    };
    let message = |to: &User, rule: &WorkflowRule, data: Option<TemplateData>| -> Result<_, RecipientsUnavailable> {
        let data = data.ok_or_else(|| {
            let fault = format!("the {} rule names `{}`, which takes other data", rule.event(), rule.template());
            failed(fault.into())
        })?;
        Ok(OutboxMessage {
            id: OutboxMessageId::from_uuid(ports.ids.new_id()),
            created_at: now,
            booking_id: Some(booking.id),
            payload: OutboxPayload::Email { to: to.email.clone(), template: data.key(), data: Box::new(data) },
        })
    };

    let mut messages = Vec::new();
    if let Some(rule) = lifecycle {
        for person in audience(rule) {
            messages.push(message(person, rule, TemplateData::booking(rule.template(), email_for(person)))?);
        }
    }
    if let Some((rule, amount)) = payment {
        for person in audience(rule) {
            let data = TemplateData::payment(rule.template(), PaymentEmail { booking: email_for(person), amount });
            messages.push(message(person, rule, data)?);
        }
    }
    Ok(messages)
}

/// An outbox message that is not an email (payment commands), tied to `booking_id` when that
/// booking is stored.
pub(crate) fn command(
    ports: &BookingPorts,
    booking_id: Option<BookingId>,
    payload: OutboxPayload,
    now: DateTime<Utc>,
) -> OutboxMessage {
    OutboxMessage { id: OutboxMessageId::from_uuid(ports.ids.new_id()), created_at: now, booking_id, payload }
}

/// Tells the people involved, live, about a committed change (best effort).
pub(crate) async fn announce(ports: &BookingPorts, booking: &Booking, event: BookingEvent) {
    let notice = BookingNotice {
        booking_id: booking.id,
        customer_id: booking.customer_id,
        celebrity_id: booking.celebrity_id,
        status: booking.status,
        version: booking.version,
        event,
    };
    ports.events.publish(notice).await;
}

#[cfg(test)]
mod tests;
