//! RFC 9457 problem details: the one error shape every client sees.

use std::error::Error as StdError;

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem. `code` is the stable, machine-readable part clients switch on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:headliner:problem:<code>`.
    #[serde(rename = "type")]
    #[schema(example = "urn:headliner:problem:not_found")]
    pub type_uri: String,
    /// Short summary of the kind of problem; the same for every occurrence.
    #[schema(example = "Not Found")]
    pub title: String,
    /// The HTTP status code.
    #[schema(example = 404)]
    pub status: u16,
    /// What went wrong this time, for a human.
    #[schema(example = "No resource at GET /api/v1/nothing-here.")]
    pub detail: String,
    /// Stable snake_case code, e.g. `validation_failed`, `not_found`, `version_conflict`.
    #[schema(example = "not_found")]
    pub code: String,
    /// Per-field problems, present when the request body or query failed validation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's name as sent, dotted for nested fields.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            type_uri: format!("urn:headliner:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            errors: None,
        }
    }

    /// The response carrying this problem, with the right media type and no caching.
    pub fn into_response(self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body)
    }
}

/// The stable code for a bare HTTP status, used when the framework itself answers.
fn code_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        411 => "length_required",
        412 => "precondition_failed",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        422 => "validation_failed",
        429 => "rate_limited",
        431 => "request_header_fields_too_large",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        s if s >= 500 => "internal_error",
        _ => "bad_request",
    }
}

/// Every error the HTTP layer answers with. Each variant is one problem `code`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("No resource at {method} {path}.")]
    RouteNotFound { method: String, path: String },
    #[error("{method} is not allowed here; allowed: {allowed}.")]
    MethodNotAllowed { method: String, allowed: &'static str },
    #[error("The request body is larger than the {limit} bytes allowed.")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("The request is invalid; see `errors` for each field.")]
    Validation(Vec<FieldError>),
    /// No, a malformed, forged, expired or outdated access token, or wrong credentials.
    /// Answered with `WWW-Authenticate: Bearer`.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// The caller is known but its role may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The resource does not exist or is not visible to the caller.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the current state; `code` says how (e.g. `email_taken`).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// `If-Match` named another version than the current one.
    #[error("{0}")]
    PreconditionFailed(String),
    /// The payment gateway refused the money.
    #[error("{0}")]
    PaymentDeclined(String),
    /// Semantically invalid with a stable `code` of its own (e.g. `idempotency_key_reused`).
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String },
    /// A one-time token (password reset) is unknown, used or expired.
    #[error("{0}")]
    InvalidToken(&'static str),
    /// Too many attempts; try again after `retry_after_secs` (sent as `Retry-After`).
    #[error("Too many attempts; try again in {retry_after_secs} seconds.")]
    RateLimited { retry_after_secs: u64 },
    #[error("A dependency is unavailable; try again shortly.")]
    Unavailable,
    /// Like `Unavailable`, keeping the cause for the log (never for the client).
    #[error("A dependency is unavailable; try again shortly.")]
    DependencyFailed(#[source] Box<dyn StdError + Send + Sync>),
    #[error("An internal error occurred.")]
    Internal(#[source] Box<dyn StdError + Send + Sync>),
}

impl ApiError {
    fn code(&self) -> &'static str {
        match self {
            Self::RouteNotFound { .. } => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::BadRequest(_) => "bad_request",
            Self::Validation(_) => "validation_failed",
            Self::Unauthenticated(_) => "unauthenticated",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict { code, .. } => code,
            Self::InvalidToken(_) => "invalid_token",
            Self::PreconditionFailed(_) => "version_conflict",
            Self::PaymentDeclined(_) => "payment_declined",
            Self::Unprocessable { code, .. } => code,
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable | Self::DependencyFailed(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::RouteNotFound { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) | Self::InvalidToken(_) | Self::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PaymentDeclined(_) => StatusCode::PAYMENT_REQUIRED,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable | Self::DependencyFailed(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        let status = self.status_code();
        if status.is_server_error() {
            log_cause_chain(self);
        }
        let mut problem = Problem::new(status, self.code(), self.to_string());
        if let Self::Validation(errors) = self {
            problem.errors = Some(errors.clone());
        }
        if let Self::InvalidToken(_) = self {
            problem.errors =
                Some(vec![FieldError { field: "token".into(), message: "is unknown, used or expired".into() }]);
        }
        let mut response = problem.into_response();
        let headers = response.headers_mut();
        match self {
            Self::MethodNotAllowed { allowed, .. } => {
                headers.insert(header::ALLOW, HeaderValue::from_static(allowed));
            }
            Self::Unavailable | Self::DependencyFailed(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            Self::Unauthenticated(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"headliner\""));
            }
            Self::RateLimited { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            Self::RouteNotFound { .. }
            | Self::PayloadTooLarge { .. }
            | Self::UnsupportedMediaType(_)
            | Self::BadRequest(_)
            | Self::Validation(_)
            | Self::Forbidden(_)
            | Self::NotFound(_)
            | Self::Conflict { .. }
            | Self::InvalidToken(_)
            | Self::PreconditionFailed(_)
            | Self::PaymentDeclined(_)
            | Self::Unprocessable { .. }
            | Self::Internal(_) => {}
        }
        response
    }
}

/// Logs an error and every source under it; the client only ever sees the opaque message.
pub fn log_cause_chain(error: &(dyn StdError + 'static)) {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    tracing::error!(error.chain = %chain, "request failed");
}

/// The last line of defence: any error response that is not already problem+json (a framework
/// 404/405, an extractor's 400) is rewritten as one, keeping headers such as `Allow`. A 5xx
/// body never carries the framework's message.
pub fn rewrite_as_problem<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let already = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with(PROBLEM_JSON));
    if already {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, old) = res.into_parts();
    let detail = match old.error() {
        Some(e) if status.is_server_error() => {
            tracing::error!(error = %e, "request failed");
            "An internal error occurred.".to_owned()
        }
        Some(e) => e.to_string(),
        None => format!("{} {}: {}", req.method(), req.path(), status.canonical_reason().unwrap_or("error")),
    };
    let mut new = Problem::new(status, code_for(status), detail).into_response();
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH && name != header::CACHE_CONTROL {
            new.headers_mut().append(name.clone(), value.clone());
        }
    }

    let res: ServiceResponse<EitherBody<B>> = ServiceResponse::new(req, new).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}
