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
    /// A whole number of minor units, never negative. `250000.0` is read as `250000` (JSON
    /// does not tell the two apart); a fraction is refused.
    #[schema(example = 250_000, minimum = 0)]
    #[serde(deserialize_with = "whole_number")]
    pub amount_minor: i64,
    #[schema(example = "USD")]
    pub currency: String,
}

/// A JSON integer, or a number with no fraction that an `f64` holds exactly (|x| ≤ 2^53).
fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Whole(i64),
        Float(f64),
    }
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match Number::deserialize(deserializer)? {
        Number::Whole(n) => Ok(n),
        #[allow(clippy::cast_possible_truncation, reason = "a whole number within ±2^53 converts exactly")]
        Number::Float(x) if x.fract() == 0.0 && x.abs() <= EXACT => Ok(x as i64),
        Number::Float(_) => Err(serde::de::Error::custom("expected a whole number of minor units")),
    }
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
/// malformed JSON or unknown fields). An empty body, or the JSON `null`, is `None`, for
/// endpoints whose body is optional.
pub fn optional_json<T: DeserializeOwned>(req: &HttpRequest, bytes: &[u8]) -> Result<Option<T>, ApiError> {
    let content = bytes.trim_ascii();
    if content.is_empty() {
        return Ok(None);
    }
    let is_json = req.mime_type().ok().flatten().is_some_and(|m| {
        m.type_().as_str() == "application"
            && (m.subtype().as_str() == "json" || m.suffix().is_some_and(|s| s.as_str() == "json"))
    });
    if !is_json {
        return Err(ApiError::UnsupportedMediaType("The request body must be application/json.".into()));
    }
    if content == b"null" {
        return Ok(None);
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

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn amounts_are_whole_numbers_and_an_integral_float_counts_as_one() {
        let read = |json: &str| serde_json::from_str::<MoneyBody>(json).map(|m| m.amount_minor);
        assert_eq!(read(r#"{"amount_minor": 250000, "currency": "USD"}"#).unwrap(), 250_000);
        assert_eq!(read(r#"{"amount_minor": 250000.0, "currency": "USD"}"#).unwrap(), 250_000);
        assert_eq!(read(r#"{"amount_minor": -5.0, "currency": "USD"}"#).unwrap(), -5, "the domain refuses it, as 422");
        assert!(read(r#"{"amount_minor": 2.5, "currency": "USD"}"#).is_err(), "no fractions of a minor unit");
        assert!(read(r#"{"amount_minor": 1e300, "currency": "USD"}"#).is_err(), "beyond what an f64 holds exactly");
        assert!(read(r#"{"amount_minor": "5", "currency": "USD"}"#).is_err());
    }

    #[test]
    fn an_optional_body_may_be_empty_or_null_but_not_of_another_type() {
        let json = TestRequest::default().insert_header((header::CONTENT_TYPE, "application/json")).to_http_request();
        let text = TestRequest::default().insert_header((header::CONTENT_TYPE, "text/plain")).to_http_request();
        let read = |req: &HttpRequest, body: &[u8]| optional_json::<serde_json::Value>(req, body);
        assert!(read(&text, b"  \n").unwrap().is_none(), "empty needs no content type");
        assert!(read(&json, b" null ").unwrap().is_none());
        assert!(matches!(read(&text, b"null"), Err(ApiError::UnsupportedMediaType(_))));
        assert_eq!(read(&json, br#"{"a": 1}"#).unwrap(), Some(serde_json::json!({"a": 1})));
        assert!(matches!(read(&json, b"{"), Err(ApiError::BadRequest(_))));
    }
}
