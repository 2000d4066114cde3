//! Workflow rules: which email an event sends, with which template, to whom.
//!
//! Every [`WorkflowEvent`] has a built-in rule ([`WorkflowRule::default_for`]); admins may
//! override it: retarget the template or the recipients, disable or enable it. A rule is valid
//! by construction ([`WorkflowRule::new`] refuses anything else):
//!
//! - its template takes the data its event provides ([`DataFamily`]): a booking event may use
//!   any booking template (`booking_reminder` included), a payment event a payment template,
//!   `password_reset` only the `password_reset` template, `account_registered` only `welcome`;
//! - booking and payment events go to the booking's customer, its talent and/or the admins;
//!   account events only to the account holder, and a password-reset link never to anyone
//!   else (it lets whoever holds it take the account over);
//! - an enabled rule has at least one recipient (to send nothing, disable it).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::booking::BookingEvent;
use crate::templates::{DataFamily, TemplateKey};

/// Something that happened that people may be told about by email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowEvent {
    BookingRequested,
    BookingConfirmed,
    BookingRejected,
    BookingCancelled,
    BookingCompleted,
    /// Money captured when a booking is confirmed (only when above zero).
    PaymentReceived,
    /// Money refunded when a booking is cancelled (only when above zero).
    RefundIssued,
    /// Someone asked for a password-reset link.
    PasswordReset,
    /// A visitor registered an account.
    AccountRegistered,
}

/// A name that is not one of [`WorkflowEvent::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a workflow event")]
pub struct UnknownWorkflowEvent(pub String);

impl WorkflowEvent {
    /// Every event, in declaration order (the order lists show them in).
    pub const ALL: [WorkflowEvent; 9] = [
        Self::BookingRequested,
        Self::BookingConfirmed,
        Self::BookingRejected,
        Self::BookingCancelled,
        Self::BookingCompleted,
        Self::PaymentReceived,
        Self::RefundIssued,
        Self::PasswordReset,
        Self::AccountRegistered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BookingRequested => "booking_requested",
            Self::BookingConfirmed => "booking_confirmed",
            Self::BookingRejected => "booking_rejected",
            Self::BookingCancelled => "booking_cancelled",
            Self::BookingCompleted => "booking_completed",
            Self::PaymentReceived => "payment_received",
            Self::RefundIssued => "refund_issued",
            Self::PasswordReset => "password_reset",
            Self::AccountRegistered => "account_registered",
        }
    }

    pub fn parse(s: &str) -> Result<WorkflowEvent, UnknownWorkflowEvent> {
        Self::ALL.into_iter().find(|e| e.as_str() == s).ok_or_else(|| UnknownWorkflowEvent(s.to_owned()))
    }

    /// The data this event's emails are made of, and so the templates it can use.
    pub fn family(self) -> DataFamily {
        match self {
            Self::BookingRequested
            | Self::BookingConfirmed
            | Self::BookingRejected
            | Self::BookingCancelled
            | Self::BookingCompleted => DataFamily::Booking,
            Self::PaymentReceived | Self::RefundIssued => DataFamily::Payment,
            Self::PasswordReset => DataFamily::PasswordReset,
            Self::AccountRegistered => DataFamily::Welcome,
        }
    }

    /// Who may receive this event's emails: the parties of a booking, or the account holder.
    pub fn possible_recipients(self) -> &'static [Recipient] {
        match self.family() {
            DataFamily::Booking | DataFamily::Payment => &[Recipient::Customer, Recipient::Talent, Recipient::Admins],
            DataFamily::PasswordReset | DataFamily::Welcome => &[Recipient::AccountHolder],
        }
    }

    /// The template the built-in rule uses.
    pub fn default_template(self) -> TemplateKey {
        match self {
            Self::BookingRequested => TemplateKey::BookingRequested,
            Self::BookingConfirmed => TemplateKey::BookingConfirmed,
            Self::BookingRejected => TemplateKey::BookingRejected,
            Self::BookingCancelled => TemplateKey::BookingCancelled,
            Self::BookingCompleted => TemplateKey::BookingCompleted,
            Self::PaymentReceived => TemplateKey::PaymentReceived,
            Self::RefundIssued => TemplateKey::RefundIssued,
            Self::PasswordReset => TemplateKey::PasswordReset,
            Self::AccountRegistered => TemplateKey::Welcome,
        }
    }

    /// Position in [`Self::ALL`].
    fn index(self) -> usize {
        self as usize
    }
}

impl From<BookingEvent> for WorkflowEvent {
    fn from(event: BookingEvent) -> Self {
        match event {
            BookingEvent::Requested => Self::BookingRequested,
            BookingEvent::Confirmed => Self::BookingConfirmed,
            BookingEvent::Rejected { .. } => Self::BookingRejected,
            BookingEvent::Cancelled { .. } => Self::BookingCancelled,
            BookingEvent::Completed { .. } => Self::BookingCompleted,
        }
    }
}

impl fmt::Display for WorkflowEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who an email goes to, relative to the event. Ordered as messages are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// The customer who requested the booking.
    Customer,
    /// Every enabled talent account of the booked celebrity.
    Talent,
    /// Every enabled admin account.
    Admins,
    /// The account the event is about (account events only).
    AccountHolder,
}

/// A name that is not one of [`Recipient::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a recipient; use customer, talent, admins or account_holder")]
pub struct UnknownRecipient(pub String);

impl Recipient {
    pub const ALL: [Recipient; 4] = [Self::Customer, Self::Talent, Self::Admins, Self::AccountHolder];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Talent => "talent",
            Self::Admins => "admins",
            Self::AccountHolder => "account_holder",
        }
    }

    pub fn parse(s: &str) -> Result<Recipient, UnknownRecipient> {
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownRecipient(s.to_owned()))
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong with a rule. [`RuleProblem::field`] names the part of the rule at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleProblem {
    #[error(
        "`{template}` is a {} template, but {event} emails carry {} data; use one of: {}",
        template.family().as_str(),
        event.family().as_str(),
        names(event.family().keys().map(|k| k.as_str()))
    )]
    TemplateDoesNotFit { event: WorkflowEvent, template: TemplateKey },
    #[error("a password-reset link goes only to the account holder (it lets whoever has it take over the account)")]
    ResetLinkOnlyToHolder,
    #[error(
        "{event} emails cannot go to {recipient}; possible recipients: {}",
        names(event.possible_recipients().iter().map(|r| r.as_str()))
    )]
    NotARecipientOf { event: WorkflowEvent, recipient: Recipient },
    #[error("an enabled rule needs at least one recipient (disable the rule to send nothing)")]
    NoRecipients,
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

impl RuleProblem {
    /// `template` or `recipients`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::TemplateDoesNotFit { .. } => "template",
            Self::ResetLinkOnlyToHolder | Self::NotARecipientOf { .. } | Self::NoRecipients => "recipients",
        }
    }
}

/// Why a rule was refused: every problem at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the rule for {event} is invalid: {}", self.problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct InvalidRule {
    pub event: WorkflowEvent,
    pub problems: Vec<RuleProblem>,
}

/// What one event sends: its template, to whom, and whether it sends at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRule {
    event: WorkflowEvent,
    template: TemplateKey,
    recipients: BTreeSet<Recipient>,
    enabled: bool,
}

impl WorkflowRule {
    /// A rule, if it is valid (see the module documentation). Repeated recipients count once.
    pub fn new(
        event: WorkflowEvent,
        template: TemplateKey,
        recipients: impl IntoIterator<Item = Recipient>,
        enabled: bool,
    ) -> Result<WorkflowRule, InvalidRule> {
        let recipients: BTreeSet<Recipient> = recipients.into_iter().collect();
        let mut problems = Vec::new();
        if template.family() != event.family() {
            problems.push(RuleProblem::TemplateDoesNotFit { event, template });
        }
        let strangers = recipients.iter().filter(|r| !event.possible_recipients().contains(r));
        if event == WorkflowEvent::PasswordReset {
            if strangers.count() > 0 {
                problems.push(RuleProblem::ResetLinkOnlyToHolder);
            }
        } else {
            problems.extend(strangers.map(|&recipient| RuleProblem::NotARecipientOf { event, recipient }));
        }
        if enabled && recipients.is_empty() {
            problems.push(RuleProblem::NoRecipients);
        }
        if problems.is_empty() {
            Ok(Self { event, template, recipients, enabled })
        } else {
            Err(InvalidRule { event, problems })
        }
    }

    /// The built-in rule: the routing Headliner had before rules were editable.
    ///
    /// | event | template | recipients |
    /// |---|---|---|
    /// | booking_requested, booking_cancelled | same name | customer, talent |
    /// | booking_confirmed, booking_rejected, booking_completed | same name | customer |
    /// | payment_received, refund_issued | same name | customer |
    /// | password_reset | password_reset | account holder |
    /// | account_registered | welcome | account holder |
    pub fn default_for(event: WorkflowEvent) -> WorkflowRule {
        use Recipient::{AccountHolder, Customer, Talent};
        let recipients: &[Recipient] = match event {
            WorkflowEvent::BookingRequested | WorkflowEvent::BookingCancelled => &[Customer, Talent],
            WorkflowEvent::BookingConfirmed
            | WorkflowEvent::BookingRejected
            | WorkflowEvent::BookingCompleted
            | WorkflowEvent::PaymentReceived
            | WorkflowEvent::RefundIssued => &[Customer],
            WorkflowEvent::PasswordReset | WorkflowEvent::AccountRegistered => &[AccountHolder],
        };
        Self {
            event,
            template: event.default_template(),
            recipients: recipients.iter().copied().collect(),
            enabled: true,
        }
    }

    pub fn event(&self) -> WorkflowEvent {
        self.event
    }

    /// Always of the event's [`DataFamily`].
    pub fn template(&self) -> TemplateKey {
        self.template
    }

    /// In [`Recipient`] order; never empty while the rule is enabled.
    pub fn recipients(&self) -> &BTreeSet<Recipient> {
        &self.recipients
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Whether the event sends `recipient` an email under this rule.
    pub fn sends_to(&self, recipient: Recipient) -> bool {
        self.enabled && self.recipients.contains(&recipient)
    }
}

/// The rule in force for every event: stored overrides over the built-in defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRules {
    /// Indexed by [`WorkflowEvent::index`].
    rules: [WorkflowRule; 9],
}

impl WorkflowRules {
    pub fn defaults() -> Self {
        Self { rules: WorkflowEvent::ALL.map(WorkflowRule::default_for) }
    }

    /// The defaults, with each override replacing the rule of its event (a later one wins).
    pub fn with_overrides(overrides: impl IntoIterator<Item = WorkflowRule>) -> Self {
        let mut rules = Self::defaults();
        for rule in overrides {
            let index = rule.event.index();
            rules.rules[index] = rule;
        }
        rules
    }

    pub fn rule(&self, event: WorkflowEvent) -> &WorkflowRule {
        &self.rules[event.index()]
    }

    /// Every rule, in [`WorkflowEvent::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = &WorkflowRule> {
        self.rules.iter()
    }
}

impl Default for WorkflowRules {
    fn default() -> Self {
        Self::defaults()
    }
}

#[cfg(test)]
mod tests;
