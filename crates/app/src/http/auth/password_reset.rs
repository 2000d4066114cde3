//! `POST /api/v1/auth/password-reset` and `/password-reset/confirm`.
//!
//! The request answers 202 whether or not the address has an account (so accounts cannot be
//! discovered); only an existing, enabled account gets the email, through the outbox. A
//! token that is unknown, used or expired is refused with 422 `invalid_token` (the request
//! is well-formed; what it refers to cannot be used), a weak new password with 422
//! `validation_failed`.

use actix_web::{HttpRequest, HttpResponse, web};
use headliner_services::accounts::AccountPorts;
use headliner_services::accounts::reset::{ConfirmResetError, confirm_reset, request_reset};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{field_errors, redacted_debug};
use crate::http::problem::{ApiError, Problem};
use crate::http::throttle::{Action, Throttle};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[schema(example = "ada@example.com")]
    pub email: String,
}
redacted_debug!(PasswordResetRequest { email });

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirmation {
    /// The token from the reset email's link.
    pub token: String,
    /// 8 to 128 characters, not one of the most common passwords.
    #[schema(example = "correct horse battery staple", format = Password, min_length = 8, max_length = 128)]
    pub new_password: String,
}
redacted_debug!(PasswordResetConfirmation {});

impl From<ConfirmResetError> for ApiError {
    fn from(e: ConfirmResetError) -> Self {
        match e {
            ConfirmResetError::Invalid(problems) => ApiError::Validation(field_errors(problems)),
            ConfirmResetError::InvalidToken => ApiError::InvalidToken("The reset token is unknown, used or expired."),
            ConfirmResetError::Unavailable(e) => e.into(),
        }
    }
}

/// Sends a reset link to the address if it has an account. Throttled per address and per
/// client.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-reset",
    tag = "accounts",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Accepted, whether or not the address has an account."),
        (status = 429, description = "`rate_limited`; see `Retry-After`.", body = Problem,
         content_type = "application/problem+json",
         headers(("Retry-After" = u64, description = "Seconds until the next attempt is allowed."))),
    )
)]
pub async fn request_password_reset(
    req: HttpRequest,
    ports: web::Data<AccountPorts>,
    throttle: web::Data<Throttle>,
    body: web::Json<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    throttle.attempt(Action::PasswordReset, &body.email, throttle.client_ip(&req))?;
    request_reset(&ports, &body.email).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a new password with a reset token. The token is single use; every session of the
/// account ends (refresh tokens revoked, access tokens invalid at once).
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-reset/confirm",
    tag = "accounts",
    request_body = PasswordResetConfirmation,
    responses(
        (status = 204, description = "The password is changed; sign in again."),
        (status = 422, description = "`invalid_token` (unknown, used or expired) or `validation_failed` (the new \
         password, with `errors`).", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn confirm_password_reset(
    req: HttpRequest,
    ports: web::Data<AccountPorts>,
    throttle: web::Data<Throttle>,
    body: web::Json<PasswordResetConfirmation>,
) -> Result<HttpResponse, ApiError> {
    let PasswordResetConfirmation { token, new_password } = body.into_inner();
    throttle.attempt(Action::ResetConfirm, &token, throttle.client_ip(&req))?;
    confirm_reset(&ports, &token, new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}
