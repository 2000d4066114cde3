//! `/api/v1/admin/email-templates` and `/api/v1/admin/outbox`: the templates (with their
//! declared variables), validated edits, previews, resets; the outbox by status and the retry
//! of dead messages. Admins only (the admin scope, and the use cases again).

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use headliner_domain::ids::OutboxMessageId;
use headliner_domain::templates::{RenderError, TemplateKey, TemplateSource};
use headliner_ports::clock::Clock;
use headliner_ports::outbox::{OutboxEntry, OutboxPayload, OutboxRepository, OutboxStatus};
use headliner_services::outbox_admin::{OutboxAdminError, list_outbox, outbox_stats, retry_dead};
use headliner_services::templates::TemplatePorts;
use headliner_services::templates::preview::{PreviewError, preview_template};
use headliner_services::templates::update::{
    CurrentTemplate, TemplateError, get_template, reset_template, update_template,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::authn::AdminPrincipal;
use crate::http::body::optional_json;
use crate::http::cursor::{bad_cursor, decode_time_cursor, encode_time_cursor, page_limit};
use crate::http::problem::{ApiError, FieldError, Problem};
use crate::relay::RelayCounters;

/// The outbox, the clock and this process's relay totals (when it runs), as app data.
#[derive(Clone)]
pub struct OutboxAdmin {
    pub outbox: Arc<dyn OutboxRepository>,
    pub clock: Arc<dyn Clock>,
    pub relay: Option<Arc<RelayCounters>>,
}

impl std::fmt::Debug for OutboxAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutboxAdmin")
    }
}

const ADMINS: &str = "Only admins may manage email.";

impl From<TemplateError> for ApiError {
    fn from(e: TemplateError) -> Self {
        match e {
            TemplateError::Forbidden => ApiError::Forbidden(ADMINS),
            TemplateError::Invalid(invalid) => ApiError::Validation(
                invalid
                    .problems
                    .into_iter()
                    .map(|p| FieldError { field: p.part.as_str().to_owned(), message: p.to_string() })
                    .collect(),
            ),
            TemplateError::Unavailable(source) => ApiError::DependencyFailed(source),
        }
    }
}

impl From<PreviewError> for ApiError {
    fn from(e: PreviewError) -> Self {
        match e {
            PreviewError::Forbidden => ApiError::Forbidden(ADMINS),
            PreviewError::Render(render) => {
                let field = if matches!(render, RenderError::Data { .. }) { "data" } else { "template" };
                ApiError::Validation(vec![FieldError { field: field.into(), message: render.to_string() }])
            }
            PreviewError::Unavailable(source) => ApiError::DependencyFailed(source),
        }
    }
}

impl From<OutboxAdminError> for ApiError {
    fn from(e: OutboxAdminError) -> Self {
        match e {
            OutboxAdminError::Forbidden => ApiError::Forbidden(ADMINS),
            OutboxAdminError::NotFound => ApiError::NotFound("No outbox message has this id.".into()),
            OutboxAdminError::NotDead => {
                ApiError::Conflict { code: "not_dead", detail: "Only dead messages can be retried.".into() }
            }
            OutboxAdminError::Unavailable(source) => ApiError::DependencyFailed(source),
        }
    }
}

fn key(text: &str) -> Result<TemplateKey, ApiError> {
    TemplateKey::parse(text).map_err(|_| ApiError::NotFound(format!("No email template is called `{text}`.")))
}

/// A variable a template may use.
#[derive(Debug, Serialize, ToSchema)]
pub struct VariableBody {
    pub name: String,
    pub description: String,
}

fn variables(key: TemplateKey) -> Vec<VariableBody> {
    key.variables().iter().map(|v| VariableBody { name: v.name.into(), description: v.description.into() }).collect()
}

/// A template in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateBody {
    #[schema(example = "booking_confirmed")]
    pub key: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// True while no admin has changed it (or after a reset).
    pub is_default: bool,
    pub variables: Vec<VariableBody>,
}

impl From<CurrentTemplate> for TemplateBody {
    fn from(t: CurrentTemplate) -> Self {
        Self {
            key: t.key.as_str().into(),
            subject: t.source.subject,
            html: t.source.html,
            text: t.source.text,
            is_default: t.is_default,
            variables: variables(t.key),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateSummary {
    pub key: String,
    pub variables: Vec<VariableBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateList {
    pub items: Vec<TemplateSummary>,
    /// Always null: every key fits one page.
    pub next_cursor: Option<String>,
}

/// Every template key with its declared variables.
#[utoipa::path(get, path = "/api/v1/admin/email-templates", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every key.", body = TemplateList),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_templates(AdminPrincipal(_): AdminPrincipal) -> HttpResponse {
    let items =
        TemplateKey::ALL.iter().map(|k| TemplateSummary { key: k.as_str().into(), variables: variables(*k) }).collect();
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(TemplateList { items, next_cursor: None })
}

/// The template in force for a key.
#[utoipa::path(get, path = "/api/v1/admin/email-templates/{key}", tag = "admin", security(("bearer" = [])),
    params(("key" = String, Path, description = "A template key.")),
    responses(
        (status = 200, description = "The template.", body = TemplateBody),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key.", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<TemplatePorts>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let current = get_template(&ports, &admin.actor, key(&name)?).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(TemplateBody::from(current)))
}

/// A template's new text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRequest {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Replaces a template (validated: syntax and declared variables; audited).
#[utoipa::path(put, path = "/api/v1/admin/email-templates/{key}", tag = "admin", security(("bearer" = [])),
    params(("key" = String, Path, description = "A template key.")),
    request_body = TemplateRequest,
    responses(
        (status = 200, description = "The template now in force.", body = TemplateBody),
        (status = 400, description = "Malformed JSON or an unknown field.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: each problem names its part, line and column.", body = Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn put(
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<TemplatePorts>,
    name: web::Path<String>,
    body: web::Json<TemplateRequest>,
) -> Result<HttpResponse, ApiError> {
    let TemplateRequest { subject, html, text } = body.into_inner();
    let current = update_template(&ports, &admin.actor, key(&name)?, TemplateSource { subject, html, text }).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(TemplateBody::from(current)))
}

/// Back to the built-in default (audited).
#[utoipa::path(delete, path = "/api/v1/admin/email-templates/{key}", tag = "admin", security(("bearer" = [])),
    params(("key" = String, Path, description = "A template key.")),
    responses(
        (status = 200, description = "The default, now in force.", body = TemplateBody),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key.", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reset(
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<TemplatePorts>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let current = reset_template(&ports, &admin.actor, key(&name)?).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(TemplateBody::from(current)))
}

/// What to preview: a draft (else the template in force) with data (else sample data).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub draft: Option<TemplateRequest>,
    /// The key's variables as a JSON object.
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
}

/// A rendered email.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewBody {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Renders a template; nothing is stored or sent.
#[utoipa::path(post, path = "/api/v1/admin/email-templates/{key}/preview", tag = "admin", security(("bearer" = [])),
    params(("key" = String, Path, description = "A template key.")),
    request_body(content = Option<PreviewRequest>, description = "Optional."),
    responses(
        (status = 200, description = "The rendered email.", body = PreviewBody),
        (status = 400, description = "Malformed JSON or an unknown field.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The draft or the data does not fit the key.", body = Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn preview(
    req: HttpRequest,
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<TemplatePorts>,
    name: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request = optional_json::<PreviewRequest>(&req, &body)?;
    let (draft, data) = match request {
        Some(PreviewRequest { draft, data }) => {
            (draft.map(|d| TemplateSource { subject: d.subject, html: d.html, text: d.text }), data)
        }
        None => (None, None),
    };
    let email = preview_template(&ports, &admin.actor, key(&name)?, draft, data).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(PreviewBody {
        subject: email.subject,
        html: email.html,
        text: email.text,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// `pending` (default), `sent` or `dead`.
    #[param(pattern = "^(pending|sent|dead)$")]
    pub status: Option<String>,
    /// 1 to 100; default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One outbox message as admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxBody {
    pub id: Uuid,
    pub booking_id: Option<Uuid>,
    /// `email`, `release_payment` or `refund_payment`.
    pub kind: String,
    /// Email only: recipient and template key.
    pub to: Option<String>,
    pub template: Option<String>,
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<OutboxEntry> for OutboxBody {
    fn from(e: OutboxEntry) -> Self {
        let (kind, to, template) = match &e.message.payload {
            OutboxPayload::Email { to, template, .. } => {
                ("email", Some(to.to_string()), Some(template.as_str().into()))
            }
            OutboxPayload::ReleasePayment { .. } => ("release_payment", None, None),
            OutboxPayload::RefundPayment { .. } => ("refund_payment", None, None),
        };
        Self {
            id: e.message.id.as_uuid(),
            booking_id: e.message.booking_id.map(|b| b.as_uuid()),
            kind: kind.into(),
            to,
            template,
            status: match e.status {
                OutboxStatus::Pending => "pending",
                OutboxStatus::Sent => "sent",
                OutboxStatus::Dead => "dead",
            }
            .into(),
            attempts: e.attempts,
            next_attempt_at: e.next_attempt_at,
            last_error: e.last_error,
            created_at: e.message.created_at,
            sent_at: e.sent_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxList {
    /// Oldest first.
    pub items: Vec<OutboxBody>,
    pub next_cursor: Option<String>,
}

/// Outbox messages by status (no message bodies: they may hold reset links).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "admin", security(("bearer" = [])),
    params(OutboxParams),
    responses(
        (status = 200, description = "A page, oldest first.", body = OutboxList),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status, bad limit or cursor.", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn outbox(
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<OutboxAdmin>,
    params: web::Query<OutboxParams>,
) -> Result<HttpResponse, ApiError> {
    let status = match params.status.as_deref().unwrap_or("pending") {
        "pending" => OutboxStatus::Pending,
        "sent" => OutboxStatus::Sent,
        "dead" => OutboxStatus::Dead,
        _ => {
            return Err(ApiError::Validation(vec![FieldError {
                field: "status".into(),
                message: "must be pending, sent or dead".into(),
            }]));
        }
    };
    let limit = page_limit(params.limit)?;
    let after = match params.cursor.as_deref() {
        None => None,
        Some(c) => Some(decode_time_cursor::<OutboxMessageId>(c).ok_or_else(bad_cursor)?),
    };
    let entries = list_outbox(ports.outbox.as_ref(), &admin.actor, status, limit + 1, after).await?;
    let more = entries.len() > limit as usize;
    let items: Vec<OutboxBody> = entries.into_iter().take(limit as usize).map(OutboxBody::from).collect();
    let next_cursor = if more { items.last().map(|i| encode_time_cursor((i.created_at, i.id))) } else { None };
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(OutboxList { items, next_cursor }))
}

/// Sends a dead message again: back to pending, due now, attempts reset.
#[utoipa::path(post, path = "/api/v1/admin/outbox/{id}/retry", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The outbox message's id.")),
    responses(
        (status = 204, description = "Pending again."),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_dead`: only dead messages are retried.", body = Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn retry(
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<OutboxAdmin>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: OutboxMessageId = id.parse().map_err(|_| ApiError::NotFound("No outbox message has this id.".into()))?;
    retry_dead(ports.outbox.as_ref(), ports.clock.as_ref(), &admin.actor, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The outbox now, and what this instance's relay did since it started.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxStatsBody {
    pub pending: u64,
    /// Pending and due now: the backlog.
    pub due: u64,
    pub dead: u64,
    pub sent: u64,
    /// Seconds the oldest due message has waited; null when nothing is due.
    pub oldest_due_age_secs: Option<i64>,
    /// This instance's relay since start (null when it does not run one).
    pub relay: Option<RelayTotals>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelayTotals {
    pub sent: u64,
    pub failed: u64,
    pub dead: u64,
    /// Outcomes dropped because another relay had taken the message over.
    pub lost: u64,
    /// Claims given back unsent when a shutdown abandoned a batch.
    pub released: u64,
}

/// Outbox counts and relay totals (metrics-ready numbers).
#[utoipa::path(get, path = "/api/v1/admin/outbox/stats", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "Counts now, and this instance's relay totals.", body = OutboxStatsBody),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn stats(
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<OutboxAdmin>,
) -> Result<HttpResponse, ApiError> {
    use std::sync::atomic::Ordering::Relaxed;
    let now = outbox_stats(ports.outbox.as_ref(), ports.clock.as_ref(), &admin.actor).await?;
    let relay = ports.relay.as_ref().map(|c| RelayTotals {
        sent: c.sent.load(Relaxed),
        failed: c.failed.load(Relaxed),
        dead: c.dead.load(Relaxed),
        lost: c.lost.load(Relaxed),
        released: c.released.load(Relaxed),
    });
    let body = OutboxStatsBody {
        pending: now.pending,
        due: now.due,
        dead: now.dead,
        sent: now.sent,
        oldest_due_age_secs: now.oldest_due_age.map(|d| d.num_seconds()),
        relay,
    };
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(body))
}
