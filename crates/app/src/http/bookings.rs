//! Bookings over HTTP: request (idempotent with `Idempotency-Key`), list, read, the lifecycle
//! changes (with optional `If-Match`), and the audit trail. Responses are private to the
//! people involved: `Cache-Control: private`, never cached by the server.

mod errors;
pub mod idempotency;
pub mod lifecycle;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use headliner_domain::booking::{Booking, BookingRequest, BookingStatus, EventType};
use headliner_domain::ids::{BookingId, CelebrityId};
use headliner_domain::time::{EventTimeZone, TimeRange};
use headliner_services::bookings::BookingPorts;
use headliner_services::bookings::get::get_booking_as;
use headliner_services::bookings::list::{BookingFilters, list_bookings};
use headliner_services::bookings::request::request_booking;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::authn::{Authenticated, VerifiedToken};
use crate::http::body::{MoneyBody, required_json};
use crate::http::cache::{PRIVATE, ReadCache, Rendered, respond};
use crate::http::cursor::{CURSOR_PROBLEM, decode_time_cursor, encode_time_cursor, page_limit};
use crate::http::problem::{ApiError, FieldError, Problem};

fn field(field: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), message: message.into() }
}

const NOT_FOUND: &str = "No booking with this id is visible to you.";

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
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, description = "1 to 255 visible ASCII characters, unique per request.", pattern = "^[!-~]{1,255}$")),
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
    #[param(minimum = 1, maximum = 100)]
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
    let after = params.cursor.as_deref().map(decode_time_cursor::<BookingId>);
    if let Some(None) = after {
        errors.push(field("cursor", CURSOR_PROBLEM));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let filters = BookingFilters {
        status,
        celebrity_id: params.celebrity_id.map(CelebrityId::from_uuid),
        from: params.from,
        to: params.to,
        limit: limit.ok(),
        after: after.flatten(),
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
    VerifiedToken(claims): VerifiedToken,
    ports: web::Data<BookingPorts>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    // The account check and the read in one trip to the store (the hottest authenticated read).
    let (_, booking) = get_booking_as(&ports, &claims, booking_id(&id)?).await?;
    // The version is the ETag: a conditional read by someone who may see it is a 304.
    let etag = format!("\"{}\"", booking.version);
    let body = serde_json::to_vec(&BookingBody::from(booking)).map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(respond(&req, &Rendered::with_etag(body.into(), etag), PRIVATE))
}
