//! The OpenAPI document, generated from the handlers' annotations, and the docs page.
//!
//! The page is Swagger UI served from assets compiled into the binary (the
//! `utoipa-swagger-ui-vendored` crate ships them), so neither the build nor the browser
//! downloads anything.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::http::{health, problem};

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

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/api/docs/")).finish()
}

/// Registers `/api/openapi.json`, `/api/docs/` and the redirect from `/api/docs`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/docs", web::get().to(docs_redirect))
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", ApiDoc::openapi()));
}
