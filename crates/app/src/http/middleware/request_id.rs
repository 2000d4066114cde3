//! `X-Request-Id`: taken from the client when sane, else generated; echoed on every response
//! and attached to every log line of the request.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;

/// The header name, in and out.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, available to handlers as an extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// A client id is kept only if it is short and plain, so it cannot forge log lines.
fn acceptable(value: &HeaderValue) -> Option<&str> {
    let s = value.to_str().ok()?;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/' | '+' | '=');
    (1..=128).contains(&s.len()).then_some(s).filter(|s| s.chars().all(plain))
}

/// Assigns the request id, runs the request inside a span carrying it, logs one line when
/// the response is ready, and echoes the id.
pub async fn request_id_and_access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(acceptable)
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.path());
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let header = HeaderValue::from_str(&id).ok();
    span.in_scope(|| match &result {
        Ok(res) => tracing::info!(status = res.status().as_u16(), elapsed_ms, "request completed"),
        Err(e) => tracing::info!(error = %e, elapsed_ms, "request failed"),
    });
    result.map(|mut res| {
        if let Some(header) = header {
            res.headers_mut().insert(REQUEST_ID_HEADER, header);
        }
        res
    })
}
