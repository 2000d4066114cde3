//! The OpenAPI document, generated from the handlers' annotations, and the docs page.
//!
//! The page is Swagger UI served from assets compiled into the binary (the
//! `utoipa-swagger-ui-vendored` crate ships them), so neither the build nor the browser
//! downloads anything. The document is serialised once at start-up and served as bytes.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use utoipa::OpenApi;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::http::{health, problem, resource};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Headliner API",
        description = "Book celebrities and talent: catalogue, bookings, payments, notifications.\n\n\
            Errors are RFC 9457 `application/problem+json` bodies with a stable `code`.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(health::live, health::ready),
    components(schemas(problem::Problem, problem::FieldError, health::HealthStatus, health::CheckStatus)),
    tags((name = "operations", description = "Probes, metrics and documentation."))
)]
pub struct ApiDoc;

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
