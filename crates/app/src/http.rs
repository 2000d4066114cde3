//! The HTTP adapter: routes, extractor configuration, and the error shape.

pub mod docs;
pub mod health;
pub mod middleware;
pub mod problem;

use actix_web::error::{JsonPayloadError, QueryPayloadError};
use actix_web::{HttpRequest, HttpResponse, Resource, web};

use problem::ApiError;

/// A resource that answers every method it does not route with 405 problem+json and an
/// `Allow` header listing `allowed`.
pub fn resource(path: &str, allowed: &'static str) -> Resource {
    web::resource(path).default_service(web::to(move |req: HttpRequest| async move {
        Err::<HttpResponse, _>(ApiError::MethodNotAllowed { method: req.method().to_string(), allowed })
    }))
}

/// Every route of the app.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/health/live", "GET, HEAD").route(web::get().to(health::live)).route(web::head().to(health::live)),
    )
    .service(
        resource("/health/ready", "GET, HEAD").route(web::get().to(health::ready)).route(web::head().to(health::ready)),
    );
    docs::configure(cfg);
}

/// The app's answer for a path no route matches.
pub async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::RouteNotFound { method: req.method().to_string(), path: req.path().to_owned() })
}

/// JSON bodies: size-limited, and every failure a problem+json 400/413/415.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default().limit(limit).error_handler(move |err, _req| {
        let api = match err {
            JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
                ApiError::PayloadTooLarge { limit }
            }
            JsonPayloadError::ContentType => {
                ApiError::UnsupportedMediaType("The request body must be application/json.".into())
            }
            JsonPayloadError::Deserialize(e) => ApiError::BadRequest(format!("The JSON body is invalid: {e}.")),
            // The enum is non-exhaustive; anything else is a malformed or interrupted body.
            other => ApiError::BadRequest(format!("The request body could not be read: {other}.")),
        };
        api.into()
    })
}

/// Query strings: a malformed one is a problem+json 400 naming the parser's complaint.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let detail = match err {
            QueryPayloadError::Deserialize(e) => format!("The query string is invalid: {e}."),
            other => format!("The query string is invalid: {other}."),
        };
        ApiError::BadRequest(detail).into()
    })
}
