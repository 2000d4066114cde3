//! Liveness and readiness probes for orchestrators and load balancers.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use headliner_ports::health::HealthProbe;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::problem::ApiError;

/// What the readiness probe checks, shared by every worker.
#[derive(Clone)]
pub struct HealthState {
    pub probes: Vec<Arc<dyn HealthProbe>>,
    /// Upper bound for the whole readiness check, so a stuck dependency answers 503, not a hang.
    pub deadline: Duration,
}

impl std::fmt::Debug for HealthState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self.probes.iter().map(|p| p.name()).collect();
        f.debug_struct("HealthState").field("probes", &names).field("deadline", &self.deadline).finish()
    }
}

/// The body of a successful probe.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatus {
    /// `live` or `ready`.
    #[schema(example = "ready")]
    pub status: &'static str,
    /// Each dependency checked, with `ok`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckStatus>,
}

/// One dependency's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckStatus {
    #[schema(example = "database")]
    pub name: &'static str,
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// 200 while the process runs; touches nothing else.
#[utoipa::path(
    get,
    path = "/health/live",
    tag = "operations",
    responses((status = 200, description = "The process is running.", body = HealthStatus))
)]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(HealthStatus { status: "live", checks: Vec::new() })
}

/// 200 when every dependency (the database) answers, else 503.
#[utoipa::path(
    get,
    path = "/health/ready",
    tag = "operations",
    responses(
        (status = 200, description = "Every dependency answers.", body = HealthStatus),
        (status = 503, description = "A dependency does not answer.", body = crate::http::problem::Problem,
         content_type = "application/problem+json")
    )
)]
pub async fn ready(state: web::Data<HealthState>) -> Result<HttpResponse, ApiError> {
    let check = headliner_services::health::check_readiness(&state.probes);
    let Ok(readiness) = tokio::time::timeout(state.deadline, check).await else {
        tracing::warn!(deadline_ms = state.deadline.as_millis() as u64, "readiness check timed out");
        return Err(ApiError::Unavailable);
    };
    for probe in readiness.probes.iter() {
        if let Err(e) = &probe.outcome {
            tracing::warn!(probe = probe.name, error = %e, cause = ?std::error::Error::source(e).map(ToString::to_string), "not ready");
        }
    }
    if !readiness.is_ready() {
        return Err(ApiError::Unavailable);
    }
    let checks = readiness.probes.iter().map(|p| CheckStatus { name: p.name, status: "ok" }).collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(HealthStatus { status: "ready", checks }))
}
