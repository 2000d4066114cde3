//! The HTTP adapter: routes, extractor configuration, and the error shape.

pub mod admin_users;
pub mod auth;
pub mod authn;
pub mod docs;
pub mod health;
pub mod me;
pub mod middleware;
pub mod problem;
pub mod throttle;

use actix_web::error::{JsonPayloadError, QueryPayloadError};
use actix_web::middleware::from_fn;
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
    accounts(cfg);
}

/// Accounts: sign-up, sessions, password reset and the caller's account. Routes that need a
/// user are wrapped in `authn::users_only`, which answers 401 before the body is read.
fn accounts(cfg: &mut web::ServiceConfig) {
    let user_only = |route: actix_web::Route| route.wrap(from_fn(authn::users_only));
    cfg.service(resource("/api/v1/auth/register", "POST").route(web::post().to(auth::register)))
        .service(resource("/api/v1/auth/login", "POST").route(web::post().to(auth::login)))
        .service(resource("/api/v1/auth/refresh", "POST").route(web::post().to(auth::refresh)))
        .service(resource("/api/v1/auth/logout", "POST").route(user_only(web::post().to(auth::logout))))
        .service(resource("/api/v1/auth/logout-all", "POST").route(user_only(web::post().to(auth::logout_all))))
        .service(
            resource("/api/v1/auth/password-reset", "POST")
                .route(web::post().to(auth::password_reset::request_password_reset)),
        )
        .service(
            resource("/api/v1/auth/password-reset/confirm", "POST")
                .route(web::post().to(auth::password_reset::confirm_password_reset)),
        )
        .service(resource("/api/v1/me", "GET").route(user_only(web::get().to(me::me))))
        .service(
            web::scope("/api/v1/admin")
                .wrap(from_fn(authn::admins_only))
                .configure(admin)
                .default_service(web::to(route_not_found)),
        );
}

/// Everything under `/api/v1/admin`, as paths relative to that scope. The scope answers 401
/// to anonymous callers and 403 to non-admins before any route is looked at, so every admin
/// route denies by default. Add admin endpoints HERE: a `/api/v1/admin/...` resource
/// registered anywhere else is never reached (this scope takes the whole prefix, and an
/// unknown path in it is a 404 for admins only).
fn admin(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/users", "GET").route(web::get().to(admin_users::list)))
        .service(resource("/users/{id}", "PATCH").route(web::patch().to(admin_users::change)));
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
