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

use crate::http::{admin_users, auth, health, me, problem, resource};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Headliner API",
        description = "Book celebrities and talent: catalogue, bookings, payments, notifications.\n\n\
            Errors are RFC 9457 `application/problem+json` bodies with a stable `code`.\n\n\
            Endpoints marked with a lock take `Authorization: Bearer <access_token>`; without a \
            valid one they answer 401 with `WWW-Authenticate: Bearer`.",
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
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "operations", description = "Probes, metrics and documentation."),
        (name = "accounts", description = "Registration, sessions (JWT access tokens, rotating refresh tokens), \
            password reset, the caller's account. Login and password reset are throttled per account and per \
            client address (429 with `Retry-After`)."),
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
