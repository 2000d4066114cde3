//! The lifecycle changes (confirm, reject, cancel, complete, each with optional `If-Match`)
//! and the audit trail they leave.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use headliner_domain::booking::AuditEvent;
use headliner_services::bookings::BookingPorts;
use headliner_services::bookings::cancel::cancel_booking;
use headliner_services::bookings::complete::complete_booking;
use headliner_services::bookings::confirm::confirm_booking;
use headliner_services::bookings::get::booking_audit_trail;
use headliner_services::bookings::reject::reject_booking;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{BookingBody, booking_id, booking_response, field};
use crate::http::authn::Authenticated;
use crate::http::body::{if_match_version, optional_json};
use crate::http::cache::{PRIVATE, ReadCache, Rendered, respond};
use crate::http::problem::{ApiError, Problem};

/// Why a booking is rejected or cancelled.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// At most 1000 characters; blank counts as none.
    pub reason: Option<String>,
}

fn reason(req: &HttpRequest, body: &[u8]) -> Result<Option<String>, ApiError> {
    let reason = optional_json::<ReasonRequest>(req, body)?.and_then(|r| r.reason);
    if reason.as_ref().is_some_and(|r| r.chars().count() > headliner_domain::booking::MAX_REASON_CHARS) {
        return Err(ApiError::Validation(vec![field("reason", "may hold at most 1000 characters")]));
    }
    Ok(reason)
}

/// No body is expected; an empty JSON object is tolerated.
fn no_body(req: &HttpRequest, body: &[u8]) -> Result<(), ApiError> {
    optional_json::<EmptyRequest>(req, body).map(|_| ())
}

/// One lifecycle endpoint: its handler and its OpenAPI description.
macro_rules! change_handler {
    ($name:ident, $variant:ident, $path:literal, $summary:literal, $who:literal, $body:ty) => {
        #[utoipa::path(
            post,
            path = $path,
            tag = "bookings",
            security(("bearer" = [])),
            params(
                ("id" = Uuid, Path, description = "The booking's id."),
                ("If-Match" = Option<String>, Header, nullable = false, description = "The version you last read; a stale one → 412.",
                    pattern = r#"^(\*|(W/)?"?[1-9][0-9]{0,17}"?)$"#),
            ),
            request_body(content = Option<$body>, description = "Optional."),
            responses(
                (status = 200, description = $summary, body = BookingBody),
                (status = 400, description = "Malformed JSON, an unknown field or a malformed If-Match.", body = Problem,
                 content_type = "application/problem+json"),
                (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
                (status = 402, description = "`payment_declined` (confirm: the capture was refused).", body = Problem,
                 content_type = "application/problem+json"),
                (status = 403, description = $who, body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "Missing or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "`invalid_status_transition` (the lifecycle forbids it) or `version_conflict` \
                 (changed concurrently).", body = Problem, content_type = "application/problem+json"),
                (status = 412, description = "`version_conflict`: If-Match names an older version.", body = Problem,
                 content_type = "application/problem+json"),
                (status = 422, description = "`validation_failed`: reason too long.", body = Problem, content_type = "application/problem+json"),
            )
        )]
        pub async fn $name(
            req: HttpRequest,
            principal: Authenticated,
            ports: web::Data<BookingPorts>,
            cache: web::Data<ReadCache>,
            id: web::Path<String>,
            body: web::Bytes,
        ) -> Result<HttpResponse, ApiError> {
            change(req, principal, ports, cache, id, body, Change::$variant).await
        }
    };
}

change_handler!(
    confirm,
    Confirm,
    "/api/v1/bookings/{id}/confirm",
    "Confirmed; the held payment is captured.",
    "Only the celebrity's talent or an admin confirms.",
    EmptyRequest
);
change_handler!(
    reject,
    Reject,
    "/api/v1/bookings/{id}/reject",
    "Rejected; the hold is released.",
    "Only the celebrity's talent or an admin rejects.",
    ReasonRequest
);
change_handler!(
    cancel,
    Cancel,
    "/api/v1/bookings/{id}/cancel",
    "Cancelled; the hold is released, or the payment \
    refunded per the refund policy.",
    "The customer, the celebrity's talent or an admin cancels.",
    ReasonRequest
);
change_handler!(
    complete,
    Complete,
    "/api/v1/bookings/{id}/complete",
    "Completed (only after the event ended).",
    "Only the celebrity's talent or an admin completes.",
    EmptyRequest
);

/// Confirm and complete take no body; an empty object is accepted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyRequest {}

/// The lifecycle changes.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    Confirm,
    Reject,
    Cancel,
    Complete,
}

async fn change(
    req: HttpRequest,
    Authenticated(principal): Authenticated,
    ports: web::Data<BookingPorts>,
    cache: web::Data<ReadCache>,
    id: web::Path<String>,
    body: web::Bytes,
    which: Change,
) -> Result<HttpResponse, ApiError> {
    let id = booking_id(&id)?;
    let if_match = if_match_version(&req)?;
    let actor = &principal.actor;
    let booking = match which {
        Change::Confirm => {
            no_body(&req, &body)?;
            confirm_booking(&ports, actor, id, if_match).await?
        }
        Change::Reject => reject_booking(&ports, actor, id, reason(&req, &body)?.as_deref(), if_match).await?,
        Change::Cancel => cancel_booking(&ports, actor, id, reason(&req, &body)?.as_deref(), if_match).await?,
        Change::Complete => {
            no_body(&req, &body)?;
            complete_booking(&ports, actor, id, if_match).await?
        }
    };
    cache.calendar_changed();
    Ok(booking_response(HttpResponse::Ok(), booking))
}

/// One step of the audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditBody {
    pub at: DateTime<Utc>,
    /// Null for the system (scheduler).
    pub actor_id: Option<Uuid>,
    /// `customer`, `talent`, `admin` or `system`.
    pub actor_role: String,
    /// Null for the request that created the booking.
    pub from: Option<String>,
    pub to: String,
    pub reason: Option<String>,
}

impl From<AuditEvent> for AuditBody {
    fn from(e: AuditEvent) -> Self {
        Self {
            at: e.at,
            actor_id: e.actor_id.map(|id| id.as_uuid()),
            actor_role: e.actor_role,
            from: e.from.map(|s| s.as_str().to_owned()),
            to: e.to.as_str().to_owned(),
            reason: e.reason,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    /// Oldest first.
    pub items: Vec<AuditBody>,
    /// Always null: the whole trail is one page.
    pub next_cursor: Option<String>,
}

/// The booking's audit trail, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/bookings/{id}/events",
    tag = "bookings",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The booking's id.")),
    responses(
        (status = 200, description = "Every change, oldest first.", body = AuditList),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Missing or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn events(
    req: HttpRequest,
    Authenticated(principal): Authenticated,
    ports: web::Data<BookingPorts>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let trail = booking_audit_trail(&ports, &principal.actor, booking_id(&id)?).await?;
    let body = AuditList { items: trail.into_iter().map(AuditBody::from).collect(), next_cursor: None };
    Ok(respond(&req, &Rendered::json(&body)?, PRIVATE))
}
