//! Wires settings, adapters and the HTTP layer into a running server.

use std::net::TcpListener;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{Compress, ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, http, web};

use crate::accounts_wiring::{AccountsWiringError, account_ports};
use crate::config::Settings;
use crate::database::{Database, DatabaseError};
use crate::http::bookings::idempotency::IdempotencyStore;
use crate::http::cache::ReadCache;
use crate::http::catalogue::images::UploadLimit;
use crate::http::docs::OpenApiJson;
use crate::http::health::HealthState;
use crate::http::middleware::{
    BodyLimit, REQUEST_ID_HEADER, reject_oversized_bodies, request_id_and_access_log, security_headers,
};
use crate::http::problem::rewrite_as_problem;
use crate::http::rate_limit::{RateLimiter, limit_rate};
use crate::http::throttle::Throttle;
use crate::relay::Relay;
use crate::wiring::{BookingEvents, booking_ports, catalogue_ports, relay_ports};
use headliner_services::relay::RelayPolicy;

/// Why the server could not start. Each message names the setting to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error(transparent)]
    Accounts(#[from] AccountsWiringError),
    #[error("{0}")]
    Images(String),
    #[error("{0}")]
    Mail(String),
    #[error("the OpenAPI document cannot be serialised: {0}")]
    OpenApi(#[source] serde_json::Error),
    #[error("HEADLINER_BIND: cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    database: Database,
    events: std::sync::Arc<BookingEvents>,
    relay: Option<Relay>,
    grace: Duration,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application").field("port", &self.port).field("database", &self.database).finish()
    }
}

/// Extra routes a caller mounts next to the app's own (tests use it for a deliberately slow
/// route when proving graceful shutdown).
pub type ExtraRoutes = fn(&mut web::ServiceConfig);

impl Application {
    /// Opens the database (migrating it unless `auto_migrate` is off), binds the listener and
    /// builds the server. Port 0 binds a free port; see [`Application::port`].
    pub async fn build(settings: &Settings, extra_routes: Option<ExtraRoutes>) -> Result<Self, StartupError> {
        let database = Database::open(settings).await?;
        let target = settings.database.describe();
        if settings.auto_migrate {
            let applied = database.migrate(&target).await?;
            tracing::info!(applied = applied.len(), versions = ?applied, "migrations applied on start-up");
        } else {
            tracing::info!("auto-migration disabled (HEADLINER_AUTO_MIGRATE=false); run `headliner migrate`");
        }
        let accounts = web::Data::new(account_ports(settings, &database).await?);
        let throttle = web::Data::new(Throttle::new(settings.trusted_proxies.clone()));
        let events = std::sync::Arc::new(BookingEvents::new(1024));
        let catalogue = web::Data::new(catalogue_ports(settings, &database).map_err(StartupError::Images)?);
        let bookings = web::Data::new(booking_ports(settings, &database, events.clone()));
        let read_cache = web::Data::new(ReadCache::new(settings.cache_ttl, settings.cache_max_entries));
        let rate_limiter = web::Data::new(RateLimiter::new(settings.rate_limits));
        let idempotency = web::Data::new(IdempotencyStore(database.repositories().idempotency));
        let upload_limit = web::Data::new(UploadLimit(settings.image_max_bytes));
        let repositories = database.repositories();
        let clock: std::sync::Arc<dyn headliner_ports::clock::Clock> =
            std::sync::Arc::new(crate::security::SystemClock);
        let templates = web::Data::new(headliner_services::templates::TemplatePorts {
            templates: repositories.templates.clone(),
            clock: clock.clone(),
        });
        let workflow = web::Data::new(headliner_services::workflow::WorkflowPorts {
            rules: repositories.workflow.clone(),
            clock: clock.clone(),
        });
        let relay_counters = settings.outbox_relay.then(|| std::sync::Arc::new(crate::relay::RelayCounters::default()));
        let outbox_admin = web::Data::new(crate::http::admin_email::OutboxAdmin {
            outbox: repositories.outbox,
            clock,
            relay: relay_counters.clone(),
        });
        let listener =
            TcpListener::bind(settings.bind).map_err(|source| StartupError::Bind { addr: settings.bind, source })?;
        let local = listener.local_addr().map_err(|source| StartupError::Bind { addr: settings.bind, source })?;
        let health =
            web::Data::new(HealthState { probes: vec![database.health_probe()], deadline: Duration::from_secs(3) });
        let body_limit = web::Data::new(BodyLimit(settings.max_body_bytes));
        let openapi = web::Data::new(OpenApiJson::build().map_err(StartupError::OpenApi)?);
        let origins = settings.cors_allowed_origins.clone();
        let limit = settings.max_body_bytes;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(health.clone())
                .app_data(body_limit.clone())
                .app_data(openapi.clone())
                .app_data(accounts.clone())
                .app_data(throttle.clone())
                .app_data(catalogue.clone())
                .app_data(bookings.clone())
                .app_data(read_cache.clone())
                .app_data(rate_limiter.clone())
                .app_data(idempotency.clone())
                .app_data(upload_limit.clone())
                .app_data(templates.clone())
                .app_data(workflow.clone())
                .app_data(outbox_admin.clone())
                .app_data(crate::http::json_config(limit))
                .app_data(web::PayloadConfig::new(limit))
                .app_data(crate::http::query_config())
                .configure(crate::http::configure)
                .configure(|cfg| {
                    if let Some(extra) = extra_routes {
                        extra(cfg);
                    }
                })
                .default_service(web::to(crate::http::route_not_found))
                // Innermost first: the body limit sits inside CORS (a 413 still carries CORS
                // headers), CORS inside the problem rewriter (its refusals become problem+json),
                // and compression outside it (problem bodies are compressed like any other).
                // The rate limit first (innermost), so a refused request is cheap but still gets
                // the outer layers' headers.
                .wrap(from_fn(limit_rate))
                .wrap(from_fn(reject_oversized_bodies))
                .wrap(cors(&origins))
                .wrap(ErrorHandlers::new().default_handler(rewrite_as_problem))
                .wrap(Compress::default())
                .wrap(from_fn(security_headers))
                .wrap(from_fn(request_id_and_access_log))
        })
        .workers(settings.workers)
        .shutdown_timeout(settings.shutdown_timeout.as_secs())
        // Signals are handled by the caller, which decides when to stop (see `cli::serve`).
        .disable_signals()
        .listen(listener)
        .map_err(|source| StartupError::Bind { addr: settings.bind, source })?
        .run();
        tracing::info!(address = %local, "listening");
        let relay = if let Some(counters) = relay_counters {
            let ports = relay_ports(settings, &database).map_err(StartupError::Mail)?;
            tracing::info!("outbox relay running");
            let policy = RelayPolicy {
                lease: chrono::Duration::from_std(settings.outbox_lease).unwrap_or(chrono::Duration::minutes(2)),
                concurrency: settings.outbox_concurrency,
                ..RelayPolicy::default()
            };
            Some(Relay::spawn(ports, policy, Duration::from_millis(500), counters))
        } else {
            tracing::info!("outbox relay off (HEADLINER_OUTBOX_RELAY=false): messages wait in the outbox");
            None
        };
        Ok(Self { port: local.port(), server, database, events, relay, grace: settings.shutdown_timeout })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The opened store (tests use it to inspect state).
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// Live booking notices of this process.
    pub fn events(&self) -> &BookingEvents {
        &self.events
    }

    /// A handle to stop the server: `stop(true)` finishes in-flight requests first.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// The relay's totals, when it runs.
    pub fn relay_counters(&self) -> Option<std::sync::Arc<crate::relay::RelayCounters>> {
        self.relay.as_ref().map(|r| r.counters.clone())
    }

    /// Serves until stopped through a [`ServerHandle`]; then stops the relay after its batch
    /// in flight (within the shutdown grace period).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(relay) = self.relay {
            relay.stop(self.grace).await;
        }
        served
    }
}

/// Cross-origin calls are allowed only from the configured origins. Other origins simply get
/// no CORS headers (the browser then withholds the response); same-origin calls are untouched.
fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .block_on_origin_mismatch(false)
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            http::header::AUTHORIZATION,
            http::header::CONTENT_TYPE,
            http::header::IF_MATCH,
            http::header::IF_NONE_MATCH,
            http::header::HeaderName::from_static("idempotency-key"),
            REQUEST_ID_HEADER,
        ])
        .expose_headers([
            REQUEST_ID_HEADER,
            http::header::ETAG,
            http::header::RETRY_AFTER,
            http::header::LOCATION,
            http::header::HeaderName::from_static("ratelimit-limit"),
            http::header::HeaderName::from_static("ratelimit-remaining"),
            http::header::HeaderName::from_static("ratelimit-reset"),
            http::header::HeaderName::from_static("idempotent-replayed"),
        ])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}
