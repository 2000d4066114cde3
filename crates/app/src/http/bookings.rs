//! Bookings over HTTP: request (idempotent with `Idempotency-Key`), list, read, the lifecycle
//! changes (with optional `If-Match`), and the audit trail. Responses are private to the
//! people involved: `Cache-Control: private`, never cached by the server.

pub mod idempotency;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use headliner_domain::booking::TransitionError;
use headliner_domain::booking::{AuditEvent, Booking, BookingRequest, BookingStatus, EventType, RequestError};
use headliner_domain::ids::{BookingId, CelebrityId};
use headliner_domain::time::{EventTimeZone, TimeRange};
use headliner_services::bookings::cancel::{CancelError, cancel_booking};
use headliner_services::bookings::complete::complete_booking;
use headliner_services::bookings::confirm::{ConfirmError, confirm_booking};
use headliner_services::bookings::get::{GetBookingError, booking_audit_trail, get_booking};
use headliner_services::bookings::list::{BookingFilters, list_bookings};
use headliner_services::bookings::reject::reject_booking;
use headliner_services::bookings::request::{RequestBookingError, request_booking};
use headliner_services::bookings::{BookingPorts, ChangeError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::authn::Authenticated;
use crate::http::body::{MoneyBody, if_match_version, optional_json, required_json};
use crate::http::cache::{PRIVATE, ReadCache, Rendered, respond};
use crate::http::cursor::{bad_cursor, decode_time_cursor, encode_time_cursor, page_limit};
use crate::http::problem::{ApiError, FieldError, Problem};

fn field(field: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), message: message.into() }
}

const NOT_FOUND: &str = "No booking with this id is visible to you.";

impl From<GetBookingError> for ApiError {
    fn from(e: GetBookingError) -> Self {
        match e {
            GetBookingError::NotFound => ApiError::NotFound(NOT_FOUND.into()),
            GetBookingError::Unavailable(source) => ApiError::DependencyFailed(source),
        }
    }
}

impl From<RequestBookingError> for ApiError {
    fn from(e: RequestBookingError) -> Self {
        match e {
            RequestBookingError::Forbidden => ApiError::Forbidden("Only customer accounts request bookings."),
            RequestBookingError::CelebrityNotFound => {
                ApiError::Validation(vec![field("celebrity_id", "no bookable celebrity has this id")])
            }
            RequestBookingError::Invalid(e) => ApiError::Validation(vec![match e {
                RequestError::StartsInPast => field("starts_at", "must be in the future"),
                RequestError::TooLong => field("ends_at", "the event may last at most 24 hours"),
                RequestError::TextTooLong { field: name, max } => {
                    field(name, format!("may hold at most {max} characters"))
                }
                RequestError::MissingLocation => field("location", "must not be empty"),
            }]),
            RequestBookingError::Price(e) => ApiError::Validation(vec![field("ends_at", format!("no price: {e}"))]),
            RequestBookingError::Overlap => ApiError::Conflict {
                code: "booking_conflict",
                detail: "The celebrity is already booked or unavailable for (part of) that time.".into(),
            },
            RequestBookingError::PaymentDeclined(reason) => {
                ApiError::PaymentDeclined(format!("The payment was declined: {reason}."))
            }
            RequestBookingError::Unavailable(source) => ApiError::DependencyFailed(source),
        }
    }
}

impl From<ChangeError> for ApiError {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::NotFound => ApiError::NotFound(NOT_FOUND.into()),
            ChangeError::Transition(TransitionError::Forbidden { .. }) => {
                ApiError::Forbidden("Your role may not make this change to this booking.")
            }
            ChangeError::Transition(t) => ApiError::Conflict {
                code: "invalid_status_transition",
                detail: format!("{}.", capitalised(&t.to_string())),
            },
            ChangeError::StaleVersion { expected, actual } => ApiError::PreconditionFailed(format!(
                "If-Match names version {expected}, but the booking is at version {actual}; read it again."
            )),
            ChangeError::VersionConflict => ApiError::Conflict {
                code: "version_conflict",
                detail: "The booking was changed by someone else at the same time; read it again.".into(),
            },
            ChangeError::Unavailable(source) => ApiError::DependencyFailed(source),
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

impl From<ConfirmError> for ApiError {
    fn from(e: ConfirmError) -> Self {
        match e {
            ConfirmError::Change(c) => c.into(),
            ConfirmError::PaymentDeclined(reason) => {
                ApiError::PaymentDeclined(format!("The capture was declined: {reason}."))
            }
        }
    }
}

impl From<CancelError> for ApiError {
    fn from(e: CancelError) -> Self {
        match e {
            CancelError::Change(c) => c.into(),
            CancelError::Refund(source) => ApiError::Internal(Box::new(source)),
        }
    }
}

/// A booking as its customer, its celebrity's talent and admins see it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BookingBody {
    pub id: Uuid,
    pub celebrity_id: Uuid,
    pub customer_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// IANA name of the event's local time zone.
    #[schema(example = "Europe/London")]
    pub timezone: String,
    /// `appearance`, `performance`, `speech`, `personalised_video` or `other`.
    pub event_type: String,
    pub location: String,
    pub message: String,
    /// `pending`, `confirmed`, `cancelled`, `completed` or `rejected`.
    pub status: String,
    /// The quote: base price per hour × billed time.
    pub price: MoneyBody,
    /// Starts at 1 and grows with every change; send it as `If-Match` to change safely.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Booking> for BookingBody {
    fn from(b: Booking) -> Self {
        Self {
            id: b.id.as_uuid(),
            celebrity_id: b.celebrity_id.as_uuid(),
            customer_id: b.customer_id.as_uuid(),
            starts_at: b.during.start(),
            ends_at: b.during.end(),
            timezone: b.timezone.name().to_owned(),
            event_type: b.event_type.as_str().to_owned(),
            location: b.location,
            message: b.message,
            status: b.status.as_str().to_owned(),
            price: b.price.into(),
            version: b.version,
            created_at: b.created_at,
            updated_at: b.updated_at,
        }
    }
}

fn booking_response(mut builder: actix_web::HttpResponseBuilder, booking: Booking) -> HttpResponse {
    let etag = format!("\"{}\"", booking.version);
    builder
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::ETAG, etag))
        .json(BookingBody::from(booking))
}

/// A booking request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBookingRequest {
    pub celebrity_id: Uuid,
    /// RFC 3339 with offset; in the future.
    pub starts_at: DateTime<Utc>,
    /// After `starts_at`, at most 24 hours later.
    pub ends_at: DateTime<Utc>,
    /// IANA time zone of the event, e.g. `Europe/London`.
    pub timezone: String,
    /// `appearance`, `performance`, `speech`, `personalised_video` or `other`.
    pub event_type: String,
    /// Where the event takes place (1 to 500 characters).
    pub location: String,
    /// A note to the talent (at most 5000 characters).
    #[serde(default)]
    pub message: String,
}

fn booking_request(body: CreateBookingRequest) -> Result<BookingRequest, ApiError> {
    let mut errors = Vec::new();
    let during = TimeRange::new(body.starts_at, body.ends_at)
        .map_err(|_| errors.push(field("ends_at", "must be after starts_at")))
        .ok();
    let timezone = EventTimeZone::parse(&body.timezone)
        .map_err(|_| errors.push(field("timezone", "is not an IANA time zone name")))
        .ok();
    let event_type = EventType::parse(&body.event_type)
        .ok_or_else(|| {
            errors.push(field("event_type", "must be appearance, performance, speech, personalised_video or other"));
        })
        .ok();
    match (during, timezone, event_type) {
        (Some(during), Some(timezone), Some(event_type)) if errors.is_empty() => Ok(BookingRequest {
            celebrity_id: CelebrityId::from_uuid(body.celebrity_id),
            during,
            timezone,
            event_type,
            location: body.location,
            message: body.message,
        }),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// Requests a booking (customers). With `Idempotency-Key`, a retry with the same key and body
/// gets the first answer again (with `Idempotent-Replayed: true`).
#[utoipa::path(
    post,
    path = "/api/v1/bookings",
    tag = "bookings",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1 to 255 visible ASCII characters, unique per request.")),
    request_body = CreateBookingRequest,
    responses(
        (status = 201, description = "Requested: `pending`, with its price and version. The hold is placed.", body = BookingBody),
        (status = 400, description = "Malformed JSON, an unknown field or a malformed key.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 402, description = "`payment_declined`.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only customers request bookings.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`booking_conflict`: the time overlaps another booking or a blocked period; \
         `idempotency_in_flight`: the first request with this key is still running.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (each field named), or `idempotency_key_reused` with another body.",
         body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    req: HttpRequest,
    Authenticated(principal): Authenticated,
    ports: web::Data<BookingPorts>,
    cache: web::Data<ReadCache>,
    keys: web::Data<idempotency::IdempotencyStore>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let run = async {
        let request = booking_request(required_json(&req, &body)?)?;
        let booking = request_booking(&ports, &principal.actor, request).await?;
        cache.calendar_changed();
        let location = format!("/api/v1/bookings/{}", booking.id);
        Ok(booking_response(HttpResponse::Created().insert_header((header::LOCATION, location)).take(), booking))
    };
    match idempotency::key(&req)? {
        None => run.await,
        Some(key) => {
            let user =
                principal.actor.user_id().ok_or(ApiError::Forbidden("Only customer accounts request bookings."))?;
            idempotency::once(keys.0.as_ref(), ports.clock.now(), user, key, &req, &body, run).await
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BookingListParams {
    /// Only bookings in this status.
    pub status: Option<String>,
    pub celebrity_id: Option<Uuid>,
    /// Only bookings whose event ends after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only bookings whose event starts before this instant.
    pub to: Option<DateTime<Utc>>,
    /// 1 to 100; default 20.
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookingList {
    /// Newest request first.
    pub items: Vec<BookingBody>,
    pub next_cursor: Option<String>,
}

/// The caller's bookings: a customer's own, a talent's celebrity's, all for admins.
#[utoipa::path(
    get,
    path = "/api/v1/bookings",
    tag = "bookings",
    security(("bearer" = [])),
    params(BookingListParams),
    responses(
        (status = 200, description = "A page, newest first.", body = BookingList),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: unknown status, bad range, limit or cursor.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn list(
    req: HttpRequest,
    Authenticated(principal): Authenticated,
    ports: web::Data<BookingPorts>,
    params: web::Query<BookingListParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let mut errors = Vec::new();
    let status = params
        .status
        .as_deref()
        .and_then(|s| s.parse::<BookingStatus>().map_err(|e| errors.push(field("status", e.to_string()))).ok());
    if let (Some(from), Some(to)) = (params.from, params.to)
        && to <= from
    {
        errors.push(field("to", "must be after from"));
    }
    let limit = page_limit(params.limit);
    if let Err(ApiError::Validation(e)) = &limit {
        errors.extend(e.iter().cloned());
    }
    let after = match params.cursor.as_deref() {
        None => None,
        Some(c) => match decode_time_cursor::<BookingId>(c) {
            Some(after) => Some(after),
            None => {
                if let ApiError::Validation(mut e) = bad_cursor() {
                    errors.append(&mut e);
                }
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let filters = BookingFilters {
        status,
        celebrity_id: params.celebrity_id.map(CelebrityId::from_uuid),
        from: params.from,
        to: params.to,
        limit: limit.ok(),
        after,
    };
    let page = list_bookings(&ports, &principal.actor, filters).await?;
    let body = BookingList {
        items: page.items.into_iter().map(BookingBody::from).collect(),
        next_cursor: page.next.map(encode_time_cursor),
    };
    Ok(respond(&req, &Rendered::json(&body)?, PRIVATE))
}

fn booking_id(id: &str) -> Result<BookingId, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound(NOT_FOUND.into()))
}

/// One booking (its customer, its celebrity's talent, admins; anyone else gets 404).
#[utoipa::path(
    get,
    path = "/api/v1/bookings/{id}",
    tag = "bookings",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The booking's id.")),
    responses(
        (status = 200, description = "The booking; `ETag` is its version.", body = BookingBody),
        (status = 304, description = "Unchanged since the `If-None-Match` version."),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Missing or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    Authenticated(principal): Authenticated,
    ports: web::Data<BookingPorts>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let booking = get_booking(&ports, &principal.actor, booking_id(&id)?).await?;
    let etag = format!("\"{}\"", booking.version);
    let mut builder =
        if crate::http::cache::not_modified(&req, &etag) { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    builder
        .insert_header((header::CACHE_CONTROL, PRIVATE))
        .insert_header((header::VARY, "Authorization"))
        .insert_header((header::ETAG, etag.clone()));
    if crate::http::cache::not_modified(&req, &etag) {
        return Ok(builder.finish());
    }
    Ok(builder.json(BookingBody::from(booking)))
}

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
                ("If-Match" = Option<String>, Header, description = "The version you last read; a stale one → 412."),
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
