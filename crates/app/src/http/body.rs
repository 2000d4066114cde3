//! Shared request and response pieces: money, and JSON bodies read as bytes (for handlers
//! that must also see the raw body, e.g. to fingerprint it for idempotency).

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest};
use headliner_domain::money::{Currency, Money};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::problem::{ApiError, FieldError};

/// An amount in minor units (cents for USD) of an ISO 4217 currency.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyBody {
    #[schema(example = 250_000)]
    pub amount_minor: i64,
    #[schema(example = "USD")]
    pub currency: String,
}

impl From<Money> for MoneyBody {
    fn from(m: Money) -> Self {
        Self { amount_minor: m.amount_minor, currency: m.currency.code().to_owned() }
    }
}

impl MoneyBody {
    /// The domain amount, or a field error per problem under `field`.
    pub fn to_money(&self, field: &str, errors: &mut Vec<FieldError>) -> Option<Money> {
        let currency = Currency::parse(&self.currency)
            .map_err(|_| {
                errors.push(FieldError {
                    field: format!("{field}.currency"),
                    message: "must be an ISO 4217 code such as USD".into(),
                });
            })
            .ok();
        if self.amount_minor < 0 {
            errors.push(FieldError { field: format!("{field}.amount_minor"), message: "must not be negative".into() });
            return None;
        }
        currency.map(|c| Money::new(self.amount_minor, c))
    }
}

/// Parses a JSON body the way `web::Json` would (415 unless `application/json`, 400 for
/// malformed JSON or unknown fields). An empty body is `None`, for endpoints whose body is
/// optional.
pub fn optional_json<T: DeserializeOwned>(req: &HttpRequest, bytes: &[u8]) -> Result<Option<T>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let is_json = req.mime_type().ok().flatten().is_some_and(|m| {
        m.type_().as_str() == "application"
            && (m.subtype().as_str() == "json" || m.suffix().is_some_and(|s| s.as_str() == "json"))
    });
    if !is_json {
        return Err(ApiError::UnsupportedMediaType("The request body must be application/json.".into()));
    }
    serde_json::from_slice(bytes).map(Some).map_err(|e| ApiError::BadRequest(format!("The JSON body is invalid: {e}.")))
}

/// Like [`optional_json`], but the body is required.
pub fn required_json<T: DeserializeOwned>(req: &HttpRequest, bytes: &[u8]) -> Result<T, ApiError> {
    optional_json(req, bytes)?.ok_or_else(|| ApiError::BadRequest("The request needs a JSON body.".into()))
}

/// A list response: `{"items": [...], "next_cursor": ...}`.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// `If-Match: <version>` (bare, quoted or weak); `*` and absence mean no check.
pub fn if_match_version(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else { return Ok(None) };
    let text = value.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    let bare = text.trim_start_matches("W/").trim_matches('"');
    bare.parse::<i64>()
        .ok()
        .filter(|v| *v >= 1)
        .map(Some)
        .ok_or_else(|| ApiError::BadRequest("If-Match must name a version, e.g. `If-Match: \"3\"`.".into()))
}
