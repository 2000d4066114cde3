//! The OpenAPI document, generated from the handlers' annotations, and the docs page.
//!
//! The page is Swagger UI served from assets compiled into the binary (the
//! `utoipa-swagger-ui-vendored` crate ships them), so neither the build nor the browser
//! downloads anything. The document is serialised once at start-up and served as bytes.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::{Config, SwaggerUi};

mod standard;

use standard::StandardProblems;

use crate::http::{
    admin_email, admin_users, admin_workflow, auth, body, bookings, catalogue, health, me, problem, resource,
};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Headliner API",
        description = "Book celebrities and talent: catalogue, bookings, payments, notifications.\n\n\
            Errors are RFC 9457 `application/problem+json` bodies with a stable `code`.\n\n\
            Endpoints marked with a lock take `Authorization: Bearer <access_token>`; without a \
            valid one they answer 401 with `WWW-Authenticate: Bearer`.\n\n\
            Every `/api/v1` request is rate limited per account (allowance by role) or, without a token, per \
            client address; answers carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`, and a \
            refused request gets 429 `rate_limited` with `Retry-After`.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        health::live,
        health::ready,
        auth::register,
        auth::login,
        auth::refresh,
        auth::logout,
        auth::logout_all,
        auth::password_reset::request_password_reset,
        auth::password_reset::confirm_password_reset,
        me::me,
        admin_users::list,
        admin_users::change,
        admin_email::list_templates,
        admin_email::get,
        admin_email::put,
        admin_email::reset,
        admin_email::preview,
        admin_email::outbox,
        admin_email::retry,
        admin_email::stats,
        admin_workflow::list,
        admin_workflow::put,
        admin_workflow::reset,
        catalogue::list_categories,
        catalogue::list_celebrities,
        catalogue::create_celebrity,
        catalogue::get_celebrity,
        catalogue::update_celebrity,
        catalogue::delete_celebrity,
        catalogue::images::upload,
        catalogue::images::serve,
        catalogue::calendar::get_availability,
        catalogue::calendar::list_blocked_periods,
        catalogue::calendar::create_blocked_period,
        catalogue::calendar::delete_blocked_period,
        bookings::create,
        bookings::list,
        bookings::get,
        bookings::lifecycle::confirm,
        bookings::lifecycle::reject,
        bookings::lifecycle::cancel,
        bookings::lifecycle::complete,
        bookings::lifecycle::events,
    ),
    components(schemas(
        problem::Problem,
        problem::FieldError,
        health::HealthStatus,
        health::CheckStatus,
        auth::RegisterRequest,
        auth::LoginRequest,
        auth::RefreshTokenRequest,
        auth::SessionResponse,
        auth::password_reset::PasswordResetRequest,
        auth::password_reset::PasswordResetConfirmation,
        me::UserResponse,
        me::AccountRole,
        admin_users::UserList,
        admin_users::ChangeAccessRequest,
        admin_email::VariableBody,
        admin_email::TemplateBody,
        admin_email::TemplateSummary,
        admin_email::TemplateList,
        admin_email::TemplateRequest,
        admin_email::PreviewRequest,
        admin_email::PreviewBody,
        admin_email::OutboxBody,
        admin_email::OutboxList,
        admin_email::OutboxStatsBody,
        admin_email::RelayTotals,
        admin_workflow::RuleBody,
        admin_workflow::RuleList,
        admin_workflow::RuleRequest,
        body::MoneyBody,
        catalogue::CategoryBody,
        catalogue::CategoryList,
        catalogue::CelebrityBody,
        catalogue::CelebrityList,
        catalogue::CreateCelebrityRequest,
        catalogue::UpdateCelebrityRequest,
        catalogue::SortParam,
        catalogue::images::ImageBody,
        catalogue::images::ImageUpload,
        catalogue::calendar::BusyKindBody,
        catalogue::calendar::BusyBody,
        catalogue::calendar::BusyList,
        catalogue::calendar::BlockedPeriodBody,
        catalogue::calendar::BlockedPeriodList,
        catalogue::calendar::BlockPeriodRequest,
        bookings::BookingBody,
        bookings::BookingList,
        bookings::CreateBookingRequest,
        bookings::lifecycle::ReasonRequest,
        bookings::lifecycle::EmptyRequest,
        bookings::lifecycle::AuditBody,
        bookings::lifecycle::AuditList,
    )),
    modifiers(&BearerAuth, &StandardProblems),
    tags(
        (name = "operations", description = "Probes, metrics and documentation."),
        (name = "accounts", description = "Registration, sessions (JWT access tokens, rotating refresh tokens), \
            password reset, the caller's account. Login and password reset are throttled per account and per \
            client address (429 with `Retry-After`)."),
        (name = "catalogue", description = "Categories, celebrity profiles, search, images, availability and blocked \
            periods. Public reads carry an `ETag` and answer `If-None-Match` with 304."),
        (name = "bookings", description = "Requesting and managing bookings. `Idempotency-Key` makes a request safe to \
            retry; `If-Match` makes a change safe against concurrent edits. Each account sees only the bookings it \
            is involved in (404 otherwise)."),
        (name = "admin", description = "Admin only; every route under `/api/v1/admin` denies anyone else (403)."),
    )
)]
pub struct ApiDoc;

/// The `bearer` security scheme the protected operations name: a JWT access token.
#[derive(Debug)]
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// The OpenAPI document as served: serialised once.
#[derive(Debug, Clone)]
pub struct OpenApiJson(Bytes);

impl OpenApiJson {
    pub fn build() -> Result<Self, serde_json::Error> {
        serde_json::to_vec(&ApiDoc::openapi()).map(|v| Self(Bytes::from(v)))
    }
}

async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(doc.0.clone())
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/api/docs/")).finish()
}

/// Registers `/api/openapi.json`, `/api/docs/` and the redirect from `/api/docs`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/api/openapi.json", "GET, HEAD")
            .route(web::get().to(openapi_json))
            .route(web::head().to(openapi_json)),
    )
    .service(resource("/api/docs", "GET").route(web::get().to(docs_redirect)))
    .service(SwaggerUi::new("/api/docs/{_:.*}").config(Config::from("/api/openapi.json")))
    // Swagger UI's own routes are GET-only guards; any other method on its paths lands here.
    .service(resource("/api/docs/{_:.*}", "GET"));
}
