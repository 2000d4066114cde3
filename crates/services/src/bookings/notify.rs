//! Which emails a booking event sends, to whom. The outbox messages are built here and stored
//! by the repository in the same transaction as the change.
//!
//! Default routing (the email issue turns it into admin-editable workflow rules):
//! requested → customer and talent; confirmed, rejected, completed → customer;
//! cancelled → customer and talent; money captured on confirmation → `payment_received`, a
//! refund above zero → `refund_issued`, both to the customer.

use chrono::{DateTime, Utc};
use headliner_domain::booking::{Booking, BookingEvent};
use headliner_domain::ids::{BookingId, OutboxMessageId};
use headliner_domain::money::Money;
use headliner_domain::templates::{BookingEmail, PaymentEmail, TemplateData};
use headliner_domain::user::User;
use headliner_ports::Source;
use headliner_ports::events::BookingNotice;
use headliner_ports::outbox::{OutboxMessage, OutboxPayload};

use super::BookingPorts;

/// A port failed while gathering who to tell (store down, or data that should exist missing).
#[derive(Debug, thiserror::Error)]
#[error("could not gather the recipients of a booking email")]
pub struct RecipientsUnavailable(#[source] pub Source);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recipient {
    Customer,
    Talent,
}

fn routing(event: BookingEvent) -> &'static [Recipient] {
    match event {
        BookingEvent::Requested | BookingEvent::Cancelled { .. } => &[Recipient::Customer, Recipient::Talent],
        BookingEvent::Confirmed | BookingEvent::Rejected { .. } | BookingEvent::Completed { .. } => {
            &[Recipient::Customer]
        }
    }
}

fn data_for(event: BookingEvent, email: BookingEmail) -> TemplateData {
    match event {
        BookingEvent::Requested => TemplateData::BookingRequested(email),
        BookingEvent::Confirmed => TemplateData::BookingConfirmed(email),
        BookingEvent::Rejected { .. } => TemplateData::BookingRejected(email),
        BookingEvent::Cancelled { .. } => TemplateData::BookingCancelled(email),
        BookingEvent::Completed { .. } => TemplateData::BookingCompleted(email),
    }
}

/// Money that moved with a change, which the customer is told about in its own email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PaymentMail {
    /// Captured on confirmation: `payment_received`.
    Received(Money),
    /// Refunded on cancellation: `refund_issued` (only when above zero).
    Refunded(Money),
}

/// The outbox messages for `event` on `booking` (its state after the change), plus the
/// customer's payment email when money moved.
pub(crate) async fn booking_emails(
    ports: &BookingPorts,
    booking: &Booking,
    event: BookingEvent,
    reason: Option<&str>,
    payment: Option<PaymentMail>,
    now: DateTime<Utc>,
) -> Result<Vec<OutboxMessage>, RecipientsUnavailable> {
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| RecipientsUnavailable(e);
    let customer = ports.users.get(booking.customer_id).await.map_err(|e| failed(Box::new(e)))?;
    let celebrity = ports.celebrities.get(booking.celebrity_id).await.map_err(|e| failed(Box::new(e)))?;
    let routes = routing(event);
    let talent: Vec<User> = if routes.contains(&Recipient::Talent) {
        ports.users.talent_of(booking.celebrity_id).await.map_err(|e| failed(Box::new(e)))?
    } else {
        Vec::new()
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
    let message = |to: &User, data: TemplateData| OutboxMessage {
        id: OutboxMessageId::from_uuid(ports.ids.new_id()),
        created_at: now,
        booking_id: Some(booking.id),
        payload: OutboxPayload::Email { to: to.email.clone(), template: data.key(), data: Box::new(data) },
    };
    let mut messages = Vec::new();
    for route in routes {
        let people: &[User] = match route {
            Recipient::Customer => std::slice::from_ref(&customer),
            Recipient::Talent => &talent,
        };
        for person in people {
            messages.push(message(person, data_for(event, email_for(person))));
        }
    }
    let payment_data = match payment {
        Some(PaymentMail::Received(amount)) if amount.amount_minor > 0 => {
            Some(TemplateData::PaymentReceived(PaymentEmail { booking: email_for(&customer), amount }))
        }
        Some(PaymentMail::Refunded(amount)) if amount.amount_minor > 0 => {
            Some(TemplateData::RefundIssued(PaymentEmail { booking: email_for(&customer), amount }))
        }
        Some(PaymentMail::Received(_) | PaymentMail::Refunded(_)) | None => None,
    };
    if let Some(data) = payment_data {
        messages.push(message(&customer, data));
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
