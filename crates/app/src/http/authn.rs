//! Who is calling: the `Authorization: Bearer <access token>` header, checked by the
//! `authenticate` use case on every request (so logout-everywhere, password, role and disable
//! changes apply at once).
//!
//! Two ways in, same check:
//! - the extractors [`Authenticated`] and [`AdminPrincipal`] for handlers;
//! - the middlewares [`users_only`] and [`admins_only`], which run before any of a handler's
//!   extractors (so a refused caller gets 401/403 before its body is even read) and leave the
//!   principal for the extractors. The whole `/api/v1/admin` scope is wrapped in
//!   [`admins_only`]: every admin route, present or future, denies by default.
//!
//! A third way, for a hot read that does the account check in the same trip to the store as
//! its read (`get_booking_as`, behind `GET /bookings/{id}`): [`VerifiedToken`] checks the
//! token's signature and expiry only, and the use case admits the account.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use headliner_domain::role::Actor;
use headliner_ports::accounts::AccessClaims;
use headliner_services::accounts::AccountPorts;
use headliner_services::accounts::authenticate::{AuthError, Principal, authenticate, verify};

use crate::http::problem::ApiError;

const MISSING: &str = "This endpoint needs an access token: `Authorization: Bearer <access_token>`.";
const INVALID: &str = "The access token is missing, malformed, expired or no longer valid.";
const ADMINS_ONLY: &str = "Only admins may use this endpoint.";

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Unauthenticated => ApiError::Unauthenticated(INVALID),
            AuthError::Unavailable(e) => ApiError::DependencyFailed(Box::new(e)),
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header (scheme compared ignoring case).
fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else { return Err(ApiError::Unauthenticated(MISSING)) };
    let value = value.to_str().map_err(|_| ApiError::Unauthenticated(INVALID))?;
    match value.trim().split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::Unauthenticated(INVALID)),
    }
}

/// The principal of `req`: the one a middleware already found, or checked now. The header
/// is read before the first await, so a missing or malformed one is refused at once.
fn principal_of(req: &HttpRequest) -> impl Future<Output = Result<Principal, ApiError>> + 'static {
    let known = req.extensions().get::<Principal>().cloned();
    let ports = account_ports(req);
    let token = bearer_token(req);
    async move {
        if let Some(principal) = known {
            return Ok(principal);
        }
        let (token, ports) = (token?, ports?);
        Ok(authenticate(&ports, &token).await?)
    }
}

fn account_ports(req: &HttpRequest) -> Result<web::Data<AccountPorts>, ApiError> {
    req.app_data::<web::Data<AccountPorts>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("the account ports are not registered".into()))
}

fn require_admin(principal: Principal) -> Result<Principal, ApiError> {
    match principal.actor {
        Actor::Admin { .. } => Ok(principal),
        Actor::Customer { .. } | Actor::Talent { .. } | Actor::System => Err(ApiError::Forbidden(ADMINS_ONLY)),
    }
}

/// Any signed-in account that may act.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Principal);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let principal = principal_of(req);
        Box::pin(async move { principal.await.map(Self) })
    }
}

/// The claims of a genuine, unexpired access token, with the account NOT yet checked: only
/// for a handler whose use case admits the account itself, in the same trip to the store as
/// its read (`headliner_services::bookings::get::get_booking_as`). A missing or invalid token
/// is refused with 401 before any other extractor runs, as by [`users_only`].
#[derive(Debug, Clone)]
pub struct VerifiedToken(pub AccessClaims);

impl FromRequest for VerifiedToken {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = bearer_token(req).and_then(|token| {
            let ports = account_ports(req)?;
            Ok(verify(&ports, &token)?)
        });
        std::future::ready(claims.map(Self))
    }
}

/// A signed-in admin; anyone else is refused with 403 (deny by default).
#[derive(Debug, Clone)]
pub struct AdminPrincipal(pub Principal);

impl FromRequest for AdminPrincipal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let principal = principal_of(req);
        Box::pin(async move { principal.await.and_then(require_admin).map(Self) })
    }
}

/// Refuses anonymous callers with 401 before the handler runs.
pub async fn users_only<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    guard(req, next, Ok).await
}

/// Refuses anonymous callers with 401 and non-admins with 403 before the handler runs.
pub async fn admins_only<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    guard(req, next, require_admin).await
}

/// Answers a refusal itself (a response, not an `Err`), so the outer middleware still adds
/// its headers and request id to it.
async fn guard<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
    allow: fn(Principal) -> Result<Principal, ApiError>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    match principal_of(req.request()).await.and_then(allow) {
        Ok(principal) => {
            req.extensions_mut().insert(principal);
            next.call(req).await.map(ServiceResponse::map_into_left_body)
        }
        Err(e) => Ok(req.error_response(e).map_into_right_body()),
    }
}
