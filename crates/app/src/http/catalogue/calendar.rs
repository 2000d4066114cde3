//! Availability (public busy intervals) and blocked periods (the talent's own calendar).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use headliner_domain::ids::BlockedPeriodId;
use headliner_domain::time::TimeRange;
use headliner_ports::celebrities::{BlockedPeriod, BusyKind};
use headliner_services::catalogue::CataloguePorts;
use headliner_services::catalogue::calendar::{availability, block_period, blocked_periods, unblock_period};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::celebrity_id;
use crate::http::authn::Authenticated;
use crate::http::cache::{PUBLIC, ReadCache, Rendered, Scope, respond};
use crate::http::problem::{ApiError, FieldError, Problem};

/// Why an interval is busy.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BusyKindBody {
    /// A pending or confirmed booking.
    Booked,
    /// Blocked by the celebrity's talent or an admin.
    Blocked,
}

/// A busy interval: times and kind only (no customer, no reason).
#[derive(Debug, Serialize, ToSchema)]
pub struct BusyBody {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub kind: BusyKindBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BusyList {
    /// By start.
    pub items: Vec<BusyBody>,
    /// Always null: the whole range is one page.
    pub next_cursor: Option<String>,
}

/// A range to read, `from` inclusive, `to` exclusive, at most 366 days.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// RFC 3339; default now.
    pub from: Option<DateTime<Utc>>,
    /// RFC 3339; default 90 days after `from`.
    pub to: Option<DateTime<Utc>>,
}

fn range(params: &RangeParams, now: DateTime<Utc>) -> Result<TimeRange, ApiError> {
    let from = params.from.unwrap_or(now);
    let to = params.to.unwrap_or(from + chrono::Duration::days(90));
    TimeRange::new(from, to).map_err(|_| {
        ApiError::Validation(vec![FieldError { field: "to".into(), message: "must be after `from`".into() }])
    })
}

/// When a live celebrity is busy in a range.
#[utoipa::path(
    get,
    path = "/api/v1/celebrities/{id}/availability",
    tag = "catalogue",
    params(("id" = Uuid, Path, description = "The celebrity's id."), RangeParams),
    responses(
        (status = 200, description = "Busy intervals by start. Carries an `ETag`.", body = BusyList),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
        (status = 404, description = "No live celebrity has this id.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: reversed or over-long range.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn get_availability(
    req: HttpRequest,
    ports: web::Data<CataloguePorts>,
    cache: web::Data<ReadCache>,
    id: web::Path<String>,
    params: web::Query<RangeParams>,
) -> Result<HttpResponse, ApiError> {
    let id = celebrity_id(&id)?;
    let range = range(&params, ports.clock.now())?;
    // Without explicit bounds the range moves with the clock: only explicit ranges are cached.
    let cacheable = params.from.is_some() && params.to.is_some();
    let render = async {
        let items = availability(&ports, id, range)
            .await?
            .into_iter()
            .map(|busy| BusyBody {
                starts_at: busy.during.start(),
                ends_at: busy.during.end(),
                kind: match busy.kind {
                    BusyKind::Booked => BusyKindBody::Booked,
                    BusyKind::Blocked => BusyKindBody::Blocked,
                },
            })
            .collect();
        Rendered::json(&BusyList { items, next_cursor: None })
    };
    let rendered = if cacheable {
        cache.get_or_render(Scope::Calendar, format!("busy:{id}:{range:?}"), render).await?
    } else {
        std::sync::Arc::new(render.await?)
    };
    Ok(respond(&req, &rendered, PUBLIC))
}

/// A blocked period, as its talent and admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlockedPeriodBody {
    pub id: Uuid,
    pub celebrity_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

impl From<BlockedPeriod> for BlockedPeriodBody {
    fn from(p: BlockedPeriod) -> Self {
        Self {
            id: p.id.as_uuid(),
            celebrity_id: p.celebrity_id.as_uuid(),
            starts_at: p.during.start(),
            ends_at: p.during.end(),
            reason: p.reason,
            created_at: p.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BlockedPeriodList {
    pub items: Vec<BlockedPeriodBody>,
    /// Always null: the whole range is one page.
    pub next_cursor: Option<String>,
}

/// The celebrity's blocked periods in a range (admins, its talent).
#[utoipa::path(
    get,
    path = "/api/v1/celebrities/{id}/blocked-periods",
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The celebrity's id."), RangeParams),
    responses(
        (status = 200, description = "Blocked periods by start, with reasons.", body = BlockedPeriodList),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor this celebrity's talent.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No live celebrity has this id.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: reversed or over-long range.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn list_blocked_periods(
    Authenticated(principal): Authenticated,
    ports: web::Data<CataloguePorts>,
    id: web::Path<String>,
    params: web::Query<RangeParams>,
) -> Result<HttpResponse, ApiError> {
    let id = celebrity_id(&id)?;
    let range = range(&params, ports.clock.now())?;
    let items = blocked_periods(&ports, &principal.actor, id, range).await?.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(BlockedPeriodList { items, next_cursor: None }))
}

/// A period to block.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockPeriodRequest {
    /// RFC 3339 with offset.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Private note (at most 1000 characters).
    #[serde(default)]
    pub reason: String,
}

/// Blocks a period in the celebrity's calendar (admins, its talent).
#[utoipa::path(
    post,
    path = "/api/v1/celebrities/{id}/blocked-periods",
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The celebrity's id.")),
    request_body = BlockPeriodRequest,
    responses(
        (status = 201, description = "The blocked period.", body = BlockedPeriodBody),
        (status = 400, description = "Malformed JSON or an unknown field.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor this celebrity's talent.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No live celebrity has this id.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`calendar_conflict`: overlaps a booking or another blocked period.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: reversed, past or over-long period, or reason too long.",
         body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_blocked_period(
    Authenticated(principal): Authenticated,
    ports: web::Data<CataloguePorts>,
    cache: web::Data<ReadCache>,
    id: web::Path<String>,
    body: web::Json<BlockPeriodRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = celebrity_id(&id)?;
    let body = body.into_inner();
    let during = TimeRange::new(body.starts_at, body.ends_at).map_err(|_| {
        ApiError::Validation(vec![FieldError { field: "ends_at".into(), message: "must be after starts_at".into() }])
    })?;
    let period = block_period(&ports, &principal.actor, id, during, body.reason).await?;
    cache.calendar_changed();
    let body = BlockedPeriodBody::from(period);
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/celebrities/{}/blocked-periods/{}", body.celebrity_id, body.id),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body))
}

/// Unblocks a period (admins, its talent).
#[utoipa::path(
    delete,
    path = "/api/v1/celebrities/{id}/blocked-periods/{period_id}",
    tag = "catalogue",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The celebrity's id."),
        ("period_id" = Uuid, Path, description = "The blocked period's id."),
    ),
    responses(
        (status = 204, description = "Removed."),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor this celebrity's talent.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The celebrity has no blocked period with this id.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn delete_blocked_period(
    Authenticated(principal): Authenticated,
    ports: web::Data<CataloguePorts>,
    cache: web::Data<ReadCache>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, period) = path.into_inner();
    let id = celebrity_id(&id)?;
    let period: BlockedPeriodId =
        period.parse().map_err(|_| ApiError::NotFound("The celebrity has no blocked period with this id.".into()))?;
    unblock_period(&ports, &principal.actor, id, period).await?;
    cache.calendar_changed();
    Ok(HttpResponse::NoContent().finish())
}
