//! The HTTP adapter: routes, extractor configuration, and the error shape.

pub mod admin_email;
pub mod admin_users;
pub mod admin_workflow;
pub mod auth;
pub mod authn;
pub mod body;
pub mod bookings;
pub mod cache;
pub mod catalogue;
pub mod cursor;
pub mod docs;
pub mod health;
pub mod me;
pub mod middleware;
pub mod problem;
pub mod rate_limit;
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
    // The hot public reads first: routing tries resources in order, and the docs' catch-all
    // patterns cost a regex match for every request that reaches them.
    catalogue(cfg);
    booking_routes(cfg);
    accounts(cfg);
    docs::configure(cfg);
}

fn user_only(route: actix_web::Route) -> actix_web::Route {
    route.wrap(from_fn(authn::users_only))
}

/// The catalogue: public reads, writes for admins and the celebrity's talent.
fn catalogue(cfg: &mut web::ServiceConfig) {
    use catalogue::{calendar, images};
    cfg.service(resource("/api/v1/categories", "GET").route(web::get().to(catalogue::list_categories)))
        .service(
            resource("/api/v1/celebrities", "GET, POST")
                .route(web::get().to(catalogue::list_celebrities))
                .route(user_only(web::post().to(catalogue::create_celebrity))),
        )
        .service(
            resource("/api/v1/celebrities/{id}", "GET, PATCH, DELETE")
                .route(web::get().to(catalogue::get_celebrity))
                .route(user_only(web::patch().to(catalogue::update_celebrity)))
                .route(user_only(web::delete().to(catalogue::delete_celebrity))),
        )
        .service(resource("/api/v1/celebrities/{id}/image", "POST").route(user_only(web::post().to(images::upload))))
        .service(
            resource("/api/v1/celebrities/{id}/availability", "GET").route(web::get().to(calendar::get_availability)),
        )
        .service(
            resource("/api/v1/celebrities/{id}/blocked-periods", "GET, POST")
                .route(user_only(web::get().to(calendar::list_blocked_periods)))
                .route(user_only(web::post().to(calendar::create_blocked_period))),
        )
        .service(
            resource("/api/v1/celebrities/{id}/blocked-periods/{period_id}", "DELETE")
                .route(user_only(web::delete().to(calendar::delete_blocked_period))),
        )
        .service(resource("/api/v1/images/{file}", "GET").route(web::get().to(images::serve)));
}

/// Bookings: every route needs a signed-in account. `GET /bookings/{id}` checks it in the same
/// trip to the store as its read (`authn::VerifiedToken` + `get_booking_as`); the rest are
/// wrapped in `authn::users_only`.
fn booking_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/api/v1/bookings", "GET, POST")
            .route(user_only(web::get().to(bookings::list)))
            .route(user_only(web::post().to(bookings::create))),
    )
    .service(resource("/api/v1/bookings/{id}", "GET").route(web::get().to(bookings::get)))
    .service(
        resource("/api/v1/bookings/{id}/confirm", "POST")
            .route(user_only(web::post().to(bookings::lifecycle::confirm))),
    )
    .service(
        resource("/api/v1/bookings/{id}/reject", "POST").route(user_only(web::post().to(bookings::lifecycle::reject))),
    )
    .service(
        resource("/api/v1/bookings/{id}/cancel", "POST").route(user_only(web::post().to(bookings::lifecycle::cancel))),
    )
    .service(
        resource("/api/v1/bookings/{id}/complete", "POST")
            .route(user_only(web::post().to(bookings::lifecycle::complete))),
    )
    .service(
        resource("/api/v1/bookings/{id}/events", "GET").route(user_only(web::get().to(bookings::lifecycle::events))),
    );
}

/// Accounts: sign-up, sessions, password reset and the caller's account. Routes that need a
/// user are wrapped in `authn::users_only`, which answers 401 before the body is read.
fn accounts(cfg: &mut web::ServiceConfig) {
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
        .service(resource("/users/{id}", "PATCH").route(web::patch().to(admin_users::change)))
        .service(resource("/email-templates", "GET").route(web::get().to(admin_email::list_templates)))
        .service(
            resource("/email-templates/{key}", "GET, PUT, DELETE")
                .route(web::get().to(admin_email::get))
                .route(web::put().to(admin_email::put))
                .route(web::delete().to(admin_email::reset)),
        )
        .service(resource("/email-templates/{key}/preview", "POST").route(web::post().to(admin_email::preview)))
        .service(resource("/workflow-rules", "GET").route(web::get().to(admin_workflow::list)))
        .service(
            resource("/workflow-rules/{event}", "PUT, DELETE")
                .route(web::put().to(admin_workflow::put))
                .route(web::delete().to(admin_workflow::reset)),
        )
        .service(resource("/outbox", "GET").route(web::get().to(admin_email::outbox)))
        .service(resource("/outbox/stats", "GET").route(web::get().to(admin_email::stats)))
        .service(resource("/outbox/{id}/retry", "POST").route(web::post().to(admin_email::retry)));
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
