//! `Idempotency-Key` for booking requests: the first request with a key runs and its answer is
//! stored; a retry with the same key and the same body gets that answer again (marked
//! `Idempotent-Replayed: true`); the same key with another body is a 422
//! `idempotency_key_reused`; a retry while the first is still running is a 409
//! `idempotency_in_flight`. Keys are per account.
//!
//! Answers worth replaying are stored (2xx and 4xx: the outcome of the request itself); a 5xx
//! releases the key so the client can simply retry. A claim whose request never finished (the
//! process died) is taken over after [`ABANDONED_AFTER`].

use std::future::Future;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use chrono::{DateTime, Duration, Utc};
use headliner_domain::ids::UserId;
use headliner_ports::idempotency::{IdempotencyError, IdempotencyRecord, IdempotencyRepository, StoredResponse};
use sha2::{Digest, Sha256};

use crate::http::problem::ApiError;

/// After this long without an answer, a claimed key counts as abandoned.
pub const ABANDONED_AFTER: Duration = Duration::seconds(60);

/// The key store, as app data.
#[derive(Clone)]
pub struct IdempotencyStore(pub Arc<dyn IdempotencyRepository>);

impl std::fmt::Debug for IdempotencyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdempotencyStore")
    }
}

impl From<IdempotencyError> for ApiError {
    fn from(e: IdempotencyError) -> Self {
        ApiError::DependencyFailed(Box::new(e))
    }
}

/// The request's `Idempotency-Key`, if any: 1 to 255 visible ASCII characters.
pub fn key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else { return Ok(None) };
    let text = value.to_str().unwrap_or("");
    if text.is_empty() || text.len() > 255 || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::BadRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.".into()));
    }
    Ok(Some(text.to_owned()))
}

/// What makes two requests "the same": method, path and the body (JSON compared by value, so
/// key order and spacing do not matter).
fn fingerprint(req: &HttpRequest, body: &[u8]) -> String {
    let canonical = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_vec(&v).ok())
        .unwrap_or_else(|| body.to_vec());
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(req.path().as_bytes());
    hasher.update(b"\n");
    hasher.update(&canonical);
    headliner_services::hex::encode(&hasher.finalize())
}

fn replay(stored: StoredResponse) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() { "application/json" } else { "application/problem+json" };
    let mut builder = HttpResponse::build(status);
    builder
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header(("idempotent-replayed", "true"));
    if status == StatusCode::CREATED
        && let Some(id) = serde_json::from_slice::<serde_json::Value>(&stored.body)
            .ok()
            .and_then(|v| v.get("id").and_then(|id| id.as_str().map(str::to_owned)))
    {
        builder.insert_header((header::LOCATION, format!("/api/v1/bookings/{id}")));
    }
    builder.body(stored.body)
}

/// Runs `run` at most once per (user, key), as the module explains.
pub async fn once<F>(
    store: &dyn IdempotencyRepository,
    now: DateTime<Utc>,
    user: UserId,
    key: String,
    req: &HttpRequest,
    body: &[u8],
    run: F,
) -> Result<HttpResponse, ApiError>
where
    F: Future<Output = Result<HttpResponse, ApiError>>,
{
    let fingerprint = fingerprint(req, body);
    let record = IdempotencyRecord {
        user_id: user,
        key: key.clone(),
        request_fingerprint: fingerprint.clone(),
        response: None,
        created_at: now,
    };
    let mut attempts = 0;
    loop {
        attempts += 1;
        match store.claim(record.clone()).await {
            Ok(()) => break,
            Err(IdempotencyError::KeyExists) => {}
            Err(e) => return Err(e.into()),
        }
        let Some(existing) = store.get(user, key.clone()).await? else {
            // Released between our claim and our read: claim again (once).
            if attempts < 2 {
                continue;
            }
            return Err(in_flight());
        };
        if existing.request_fingerprint != fingerprint {
            return Err(ApiError::Unprocessable {
                code: "idempotency_key_reused",
                detail: "This Idempotency-Key was used for a different request; use a new key.".into(),
            });
        }
        match existing.response {
            Some(stored) => return Ok(replay(stored)),
            None if now - existing.created_at > ABANDONED_AFTER && attempts < 2 => {
                store.release(user, key.clone()).await?;
            }
            None => return Err(in_flight()),
        }
    }
    let response = match run.await {
        Ok(response) => response,
        Err(error) => error.error_response(),
    };
    let status = response.status();
    if status.is_server_error() {
        // Nothing worth replaying: let the client retry with the same key.
        let _ = store.release(user, key).await;
        return Ok(response);
    }
    let (head, body) = response.into_parts();
    let bytes = body.try_into_bytes().map_err(|_| ApiError::Internal("a streaming body cannot be stored".into()))?;
    store.complete(user, key, StoredResponse { status: status.as_u16(), body: bytes.to_vec() }).await?;
    Ok(head.set_body(actix_web::body::BoxBody::new(bytes)))
}

fn in_flight() -> ApiError {
    ApiError::Conflict {
        code: "idempotency_in_flight",
        detail: "A request with this Idempotency-Key is still being processed; retry shortly.".into(),
    }
}
