//! `/api/v1/admin/workflow-rules`: which email each event sends, with which template, to whom.
//! List every event's rule in force, change one (retarget, enable, disable; validated), or
//! reset it to the built-in rule. Admins only (the admin scope, and the use cases again).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use headliner_domain::templates::TemplateKey;
use headliner_domain::workflow::{Recipient, WorkflowEvent};
use headliner_services::workflow::WorkflowPorts;
use headliner_services::workflow::admin::{
    EffectiveRule, RuleChange, WorkflowError, list_rules, reset_rule, update_rule,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::authn::AdminPrincipal;
use crate::http::problem::{ApiError, FieldError, Problem};

impl From<WorkflowError> for ApiError {
    fn from(e: WorkflowError) -> Self {
        match e {
            WorkflowError::Forbidden => ApiError::Forbidden("Only admins may manage workflow rules."),
            WorkflowError::Invalid(invalid) => ApiError::Validation(
                invalid
                    .problems
                    .iter()
                    .map(|p| FieldError { field: p.field().to_owned(), message: p.to_string() })
                    .collect(),
            ),
            WorkflowError::Unavailable(source) => ApiError::DependencyFailed(source),
        }
    }
}

fn event(name: &str) -> Result<WorkflowEvent, ApiError> {
    WorkflowEvent::parse(name).map_err(|_| ApiError::NotFound(format!("No workflow event is called `{name}`.")))
}

/// One event's rule in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleBody {
    /// booking_requested, booking_confirmed, booking_rejected, booking_cancelled,
    /// booking_completed, payment_received, refund_issued, password_reset or account_registered.
    #[schema(example = "booking_confirmed")]
    pub event: String,
    /// The email template sent.
    #[schema(example = "booking_confirmed")]
    pub template: String,
    /// `customer`, `talent`, `admins` (booking and payment events) or `account_holder` (account
    /// events), in that order.
    #[schema(example = json!(["customer"]))]
    pub recipients: Vec<String>,
    /// A disabled rule sends nothing.
    pub enabled: bool,
    /// True while no admin has changed the rule (or after a reset).
    pub is_default: bool,
    /// When and by whom the rule was last changed; null for the built-in rule.
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<Uuid>,
}

impl From<EffectiveRule> for RuleBody {
    fn from(r: EffectiveRule) -> Self {
        Self {
            event: r.rule.event().as_str().into(),
            template: r.rule.template().as_str().into(),
            recipients: r.rule.recipients().iter().map(|x| x.as_str().to_owned()).collect(),
            enabled: r.rule.is_enabled(),
            is_default: r.is_default,
            updated_at: r.updated_at,
            updated_by: r.updated_by.map(|u| u.as_uuid()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleList {
    /// Every event, in a fixed order.
    pub items: Vec<RuleBody>,
    /// Always null: every event fits one page.
    pub next_cursor: Option<String>,
}

fn no_store(body: impl Serialize) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(body)
}

/// Every event with the rule in force.
#[utoipa::path(get, path = "/api/v1/admin/workflow-rules", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every event's rule.", body = RuleList),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<WorkflowPorts>,
) -> Result<HttpResponse, ApiError> {
    let rules = list_rules(&ports, &admin.actor).await?;
    Ok(no_store(RuleList { items: rules.into_iter().map(RuleBody::from).collect(), next_cursor: None }))
}

/// An event's new rule: all three parts at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleRequest {
    /// A template that takes the event's data: any booking template (`booking_reminder`
    /// included) for a booking event, `payment_received` or `refund_issued` for a payment
    /// event, `password_reset` and `welcome` for their account events.
    #[schema(example = "booking_confirmed")]
    pub template: String,
    /// Who receives it; may be empty only while the rule is disabled. A password-reset link
    /// goes only to `account_holder`.
    #[schema(example = json!(["customer", "admins"]))]
    pub recipients: Vec<String>,
    pub enabled: bool,
}

/// The names in `request` as domain values, or a field problem per unknown name.
fn parse(request: RuleRequest) -> Result<RuleChange, ApiError> {
    let mut problems = Vec::new();
    let template = TemplateKey::parse(&request.template)
        .map_err(|e| problems.push(FieldError { field: "template".into(), message: e.to_string() }))
        .ok();
    let mut recipients = Vec::with_capacity(request.recipients.len());
    for (i, name) in request.recipients.iter().enumerate() {
        match Recipient::parse(name) {
            Ok(recipient) => recipients.push(recipient),
            Err(e) => problems.push(FieldError { field: format!("recipients[{i}]"), message: e.to_string() }),
        }
    }
    match template {
        Some(template) if problems.is_empty() => Ok(RuleChange { template, recipients, enabled: request.enabled }),
        Some(_) | None => Err(ApiError::Validation(problems)),
    }
}

/// Retargets, enables or disables an event's rule (validated; stored with who and when).
#[utoipa::path(put, path = "/api/v1/admin/workflow-rules/{event}", tag = "admin", security(("bearer" = [])),
    params(("event" = String, Path, description = "A workflow event.")),
    request_body = RuleRequest,
    responses(
        (status = 200, description = "The rule now in force.", body = RuleBody),
        (status = 400, description = "Malformed JSON, a missing or an unknown field.", body = Problem,
         content_type = "application/problem+json"),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: each problem names its field (`template`, `recipients`) \
         and why: a template of other data, a recipient the event cannot have, no recipient while enabled.",
         body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put(
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<WorkflowPorts>,
    name: web::Path<String>,
    body: web::Json<RuleRequest>,
) -> Result<HttpResponse, ApiError> {
    let event = event(&name)?;
    let rule = update_rule(&ports, &admin.actor, event, parse(body.into_inner())?).await?;
    Ok(no_store(RuleBody::from(rule)))
}

/// Back to the event's built-in rule.
#[utoipa::path(delete, path = "/api/v1/admin/workflow-rules/{event}", tag = "admin", security(("bearer" = [])),
    params(("event" = String, Path, description = "A workflow event.")),
    responses(
        (status = 200, description = "The built-in rule, now in force.", body = RuleBody),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event.", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reset(
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<WorkflowPorts>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let rule = reset_rule(&ports, &admin.actor, event(&name)?).await?;
    Ok(no_store(RuleBody::from(rule)))
}
