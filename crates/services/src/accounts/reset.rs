//! Password reset: a single-use, expiring token sent by email through the outbox.

use headliner_domain::email::EmailAddress;
use headliner_domain::ids::OutboxMessageId;
use headliner_domain::templates::{PasswordResetEmail, TemplateData};
use headliner_domain::workflow::{Recipient, WorkflowEvent};
use headliner_ports::accounts::ResetToken;
use headliner_ports::outbox::{OutboxMessage, OutboxPayload};

use super::register::FieldProblem;
use super::{AccountPorts, Unavailable, new_secret, password, sha256, unhex};
use crate::workflow::rules_in_force;

/// Starts a reset. Answers the same whether or not the address has an account, so accounts
/// cannot be discovered; only an existing, enabled account gets the email, and only while the
/// `password_reset` workflow rule is enabled (it can only ever send to the account holder).
/// The rule is read before the account is looked up, so both cases do the same reads; with
/// the rule disabled no link is made at all, for anyone.
pub async fn request_reset(ports: &AccountPorts, email: &str) -> Result<(), Unavailable> {
    let Ok(email) = EmailAddress::parse(email) else { return Ok(()) };
    let rules = rules_in_force(ports.workflow.as_ref()).await?;
    if !rules.rule(WorkflowEvent::PasswordReset).sends_to(Recipient::AccountHolder) {
        return Ok(());
    }
    let Some(credentials) = ports.accounts.credentials_by_email(&email).await? else { return Ok(()) };
    if credentials.user.actor().is_none() {
        return Ok(());
    }
    let now = ports.clock.now();
    let (token, token_hash) = new_secret(ports);
    let minutes = ports.policy.reset_ttl.num_minutes();
    let data = TemplateData::PasswordReset(PasswordResetEmail {
        recipient_name: credentials.user.display_name.clone(),
        reset_url: format!("{}/reset-password?token={token}", ports.app_url.trim_end_matches('/')),
        expires_in_minutes: u32::try_from(minutes).unwrap_or(u32::MAX),
    });
    let mail = OutboxMessage {
        id: OutboxMessageId::from_uuid(ports.ids.new_id()),
        created_at: now,
        booking_id: None,
        payload: OutboxPayload::Email {
            to: credentials.user.email.clone(),
            template: data.key(),
            data: Box::new(data),
        },
    };
    let stored = ResetToken {
        token_hash,
        user_id: credentials.user.id,
        created_at: now,
        expires_at: now + ports.policy.reset_ttl,
    };
    Ok(ports.accounts.create_reset(stored, vec![mail]).await?)
}

#[derive(Debug, thiserror::Error)]
pub enum ConfirmResetError {
    #[error("the new password is not acceptable")]
    Invalid(Vec<FieldProblem>),
    /// Unknown, used or expired.
    #[error("the reset token is not valid")]
    InvalidToken,
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
}

/// Sets the new password if the token is valid; every session of the account ends.
pub async fn confirm_reset(ports: &AccountPorts, token: &str, new_password: String) -> Result<(), ConfirmResetError> {
    if let Err(e) = password::check(&new_password) {
        return Err(ConfirmResetError::Invalid(vec![FieldProblem { field: "new_password", message: e.to_string() }]));
    }
    let bytes = unhex(token).ok_or(ConfirmResetError::InvalidToken)?;
    let hash = ports.hasher.hash(new_password).await.map_err(Unavailable)?;
    let redeemed =
        ports.accounts.redeem_reset(sha256(&bytes), hash, ports.clock.now()).await.map_err(Unavailable::from)?;
    redeemed.map(|_| ()).ok_or(ConfirmResetError::InvalidToken)
}
