//! Register: a new customer account, a welcome email (unless its workflow rule is disabled),
//! and a first session.

use headliner_domain::email::EmailAddress;
use headliner_domain::ids::{OutboxMessageId, UserId};
use headliner_domain::role::Role;
use headliner_domain::templates::{TemplateData, WelcomeEmail};
use headliner_domain::user::User;
use headliner_domain::workflow::{Recipient, WorkflowEvent};
use headliner_ports::accounts::{AccountRepoError, Credentials};
use headliner_ports::outbox::{OutboxMessage, OutboxPayload};
use headliner_ports::users::NewAccount;

use super::{AccountPorts, Session, Unavailable, password, start_session};
use crate::workflow::rules_in_force;

/// What a visitor sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

/// One invalid field, named as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// Every invalid field at once; nothing was stored.
    #[error("the registration is invalid")]
    Invalid(Vec<FieldProblem>),
    #[error("that email address is already registered")]
    EmailTaken,
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
}

/// Display names: 1 to 200 characters after trimming, no control characters.
pub fn check_display_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err("must be 1 to 200 characters long".into());
    }
    if name.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(name.to_owned())
}

/// Validates every field, hashes the password, stores the customer with its welcome email (as
/// the `account_registered` rule says: to the new account holder with its template, or none
/// when disabled) in one transaction, and starts a session.
pub async fn register(ports: &AccountPorts, input: Registration) -> Result<Session, RegisterError> {
    let mut problems = Vec::new();
    let email = EmailAddress::parse(&input.email)
        .map_err(|e| problems.push(FieldProblem { field: "email", message: e.to_string() }))
        .ok();
    let display_name = check_display_name(&input.display_name)
        .map_err(|message| problems.push(FieldProblem { field: "display_name", message }))
        .ok();
    if let Err(e) = password::check(&input.password) {
        problems.push(FieldProblem { field: "password", message: e.to_string() });
    }
    let (Some(email), Some(display_name), true) = (email, display_name, problems.is_empty()) else {
        return Err(RegisterError::Invalid(problems));
    };

    let rules = rules_in_force(ports.workflow.as_ref()).await.map_err(Unavailable::from)?;
    let welcome_rule = rules.rule(WorkflowEvent::AccountRegistered);
    let password_hash = ports.hasher.hash(input.password).await.map_err(Unavailable)?;
    let now = ports.clock.now();
    let user = User {
        id: UserId::from_uuid(ports.ids.new_id()),
        email: email.clone(),
        display_name: display_name.clone(),
        role: Role::Customer,
        celebrity_id: None,
        disabled: false,
        created_at: now,
    };
    // The rule's only possible recipient is the account holder, and its only template `welcome`.
    let welcome = welcome_rule.sends_to(Recipient::AccountHolder).then(|| {
        let data = TemplateData::Welcome(WelcomeEmail { recipient_name: display_name, app_url: ports.app_url.clone() });
        OutboxMessage {
            id: OutboxMessageId::from_uuid(ports.ids.new_id()),
            created_at: now,
            booking_id: None,
            payload: OutboxPayload::Email { to: email, template: data.key(), data: Box::new(data) },
        }
    });
    let account = NewAccount { user: user.clone(), password_hash: password_hash.clone() };
    ports.accounts.register(account, welcome.into_iter().collect()).await.map_err(|e| match e {
        AccountRepoError::EmailTaken => RegisterError::EmailTaken,
        AccountRepoError::NotFound | AccountRepoError::UnknownCelebrity | AccountRepoError::Unavailable(_) => {
            RegisterError::Unavailable(e.into())
        }
    })?;
    Ok(start_session(ports, Credentials { user, password_hash, token_version: 0 }).await?)
}
