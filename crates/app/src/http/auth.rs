//! `/api/v1/auth/*`: register, log in, refresh, log out (here or everywhere), and reset a
//! forgotten password. Token responses are never cached.

pub mod password_reset;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use headliner_services::accounts::login::LoginError;
use headliner_services::accounts::refresh::RefreshError;
use headliner_services::accounts::register::{FieldProblem, RegisterError, Registration};
use headliner_services::accounts::{self, AccountPorts, Session, Unavailable};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::authn::Authenticated;
use crate::http::me::UserResponse;
use crate::http::problem::{ApiError, FieldError, Problem};
use crate::http::throttle::{Action, Throttle};

/// A new session: the account, a short-lived access token and a refresh token.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    pub user: UserResponse,
    /// A JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Opaque; trade it at `/api/v1/auth/refresh` for a new pair. Single use.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
}

impl From<Session> for SessionResponse {
    fn from(s: Session) -> Self {
        Self {
            user: s.user.into(),
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            expires_in: s.expires_in,
            token_type: "Bearer",
        }
    }
}

/// Debug output of request bodies never shows passwords or tokens.
macro_rules! redacted_debug {
    ($name:ident { $($shown:ident),* }) => {
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))$(.field(stringify!($shown), &self.$shown))*.finish_non_exhaustive()
            }
        }
    };
}
pub(crate) use redacted_debug;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(example = "ada@example.com")]
    pub email: String,
    /// 8 to 128 characters, not one of the most common passwords.
    #[schema(example = "correct horse battery staple", format = Password, min_length = 8, max_length = 128)]
    pub password: String,
    /// 1 to 200 characters.
    #[schema(example = "Ada Lovelace", min_length = 1, max_length = 200)]
    pub display_name: String,
}
redacted_debug!(RegisterRequest { email, display_name });

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "ada@example.com")]
    pub email: String,
    #[schema(example = "correct horse battery staple", format = Password)]
    pub password: String,
}
redacted_debug!(LoginRequest { email });

/// A refresh token, to trade (`/refresh`) or to revoke (`/logout`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshTokenRequest {
    pub refresh_token: String,
}
redacted_debug!(RefreshTokenRequest {});

pub(crate) fn field_errors(problems: Vec<FieldProblem>) -> Vec<FieldError> {
    problems.into_iter().map(|p| FieldError { field: p.field.to_owned(), message: p.message }).collect()
}

impl From<Unavailable> for ApiError {
    fn from(e: Unavailable) -> Self {
        ApiError::DependencyFailed(Box::new(e))
    }
}

impl From<RegisterError> for ApiError {
    fn from(e: RegisterError) -> Self {
        match e {
            RegisterError::Invalid(problems) => ApiError::Validation(field_errors(problems)),
            RegisterError::EmailTaken => ApiError::Conflict {
                code: "email_taken",
                detail: "An account with this email address exists already.".into(),
            },
            RegisterError::Unavailable(e) => e.into(),
        }
    }
}

/// One answer for an unknown email, a wrong password and a disabled account.
const WRONG_CREDENTIALS: &str = "The email or password is wrong.";

impl From<LoginError> for ApiError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::InvalidCredentials => ApiError::Unauthenticated(WRONG_CREDENTIALS),
            LoginError::Unavailable(e) => e.into(),
        }
    }
}

impl From<RefreshError> for ApiError {
    fn from(e: RefreshError) -> Self {
        match e {
            RefreshError::Invalid => {
                ApiError::Unauthenticated("The refresh token is unknown, expired, revoked or already used.")
            }
            RefreshError::Unavailable(e) => e.into(),
        }
    }
}

fn session_response(status: actix_web::http::StatusCode, session: Session) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::CACHE_CONTROL, "no-store")).json(SessionResponse::from(session))
}

/// Creates a customer account and signs it in.
#[utoipa::path(
    post,
    path = "/api/v1/auth/register",
    tag = "accounts",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and signed in.", body = SessionResponse),
        (status = 400, description = "Malformed JSON or unknown fields.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken`: the address is registered (compared ignoring case).", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, with `errors` per field.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn register(
    req: HttpRequest,
    ports: web::Data<AccountPorts>,
    throttle: web::Data<Throttle>,
    body: web::Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let RegisterRequest { email, password, display_name } = body.into_inner();
    throttle.attempt(Action::Register, &email, throttle.client_ip(&req))?;
    let session = accounts::register::register(&ports, Registration { email, password, display_name }).await?;
    let mut response = session_response(actix_web::http::StatusCode::CREATED, session);
    response.headers_mut().insert(header::LOCATION, header::HeaderValue::from_static("/api/v1/me"));
    Ok(response)
}

/// Signs in with email and password. Throttled per account and per client address.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = SessionResponse),
        (status = 400, description = "Malformed JSON or unknown fields.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: the same answer for an unknown email, a wrong password and a \
         disabled account.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many attempts for this account or from this address; see \
         `Retry-After`.", body = Problem, content_type = "application/problem+json",
         headers(("Retry-After" = u64, description = "Seconds until the next attempt is allowed."))),
    )
)]
pub async fn login(
    req: HttpRequest,
    ports: web::Data<AccountPorts>,
    throttle: web::Data<Throttle>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    throttle.attempt(Action::Login, &email, throttle.client_ip(&req))?;
    let session = accounts::login::login(&ports, &email, password).await?;
    Ok(session_response(actix_web::http::StatusCode::OK, session))
}

/// Trades a refresh token for a new pair. The presented token is spent; presenting a spent
/// token again revokes every token of its login (someone copied it).
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "accounts",
    request_body = RefreshTokenRequest,
    responses(
        (status = 200, description = "A new access token and a new refresh token.", body = SessionResponse),
        (status = 401, description = "`unauthenticated`: unknown, expired, revoked or already used.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn refresh(
    ports: web::Data<AccountPorts>,
    body: web::Json<RefreshTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let session = accounts::refresh::refresh(&ports, &body.refresh_token).await?;
    Ok(session_response(actix_web::http::StatusCode::OK, session))
}

/// Ends the session the refresh token belongs to (if it is the caller's). Access tokens
/// already issued live until they expire; use `logout-all` to end them at once.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "accounts",
    security(("bearer" = [])),
    request_body = RefreshTokenRequest,
    responses(
        (status = 204, description = "Logged out (also when the token was unknown or spent already)."),
        (status = 401, description = "No or an invalid access token.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn logout(
    Authenticated(principal): Authenticated,
    ports: web::Data<AccountPorts>,
    body: web::Json<RefreshTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    accounts::refresh::logout(&ports, principal.user.id, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Logout everywhere: every refresh token of the account is revoked and every access token
/// issued so far stops working at once. (An addition to the contract.)
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout-all",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Every session of the account has ended."),
        (status = 401, description = "No or an invalid access token.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn logout_all(
    Authenticated(principal): Authenticated,
    ports: web::Data<AccountPorts>,
) -> Result<HttpResponse, ApiError> {
    accounts::refresh::logout_everywhere(&ports, principal.user.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
