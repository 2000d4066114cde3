//! Opaque list cursors. Clients pass back what they were given; anything else is a 422.

use std::fmt::Display;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::http::problem::{ApiError, FieldError};

/// `<seconds>_<nanoseconds>_<id>` of the last item of a newest- or oldest-first page.
pub fn encode_time_cursor<I: Display>((at, id): (DateTime<Utc>, I)) -> String {
    format!("{}_{}_{}", at.timestamp(), at.timestamp_subsec_nanos(), id)
}

pub fn decode_time_cursor<I: FromStr>(cursor: &str) -> Option<(DateTime<Utc>, I)> {
    let mut parts = cursor.splitn(3, '_');
    let secs = parts.next()?.parse().ok()?;
    let nanos = parts.next()?.parse().ok()?;
    let id = parts.next()?.parse().ok()?;
    Some((DateTime::from_timestamp(secs, nanos)?, id))
}

/// What is wrong with a cursor this API did not issue.
pub const CURSOR_PROBLEM: &str = "is not a cursor this API issued";

/// The 422 for a cursor this API did not issue.
pub fn bad_cursor() -> ApiError {
    ApiError::Validation(vec![FieldError { field: "cursor".into(), message: CURSOR_PROBLEM.into() }])
}

/// `limit` within 1..=100 (default 20), else a 422 naming it.
pub fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    let limit = limit.unwrap_or(20);
    if (1..=100).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::Validation(vec![FieldError {
            field: "limit".into(),
            message: "must be between 1 and 100".into(),
        }]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_to_the_nanosecond_and_garbage_is_refused() {
        let at = DateTime::from_timestamp(1_767_225_600, 123_456_789).unwrap();
        let id: uuid::Uuid = "0190f3c2-1111-7000-8000-000000000001".parse().unwrap();
        assert_eq!(decode_time_cursor(&encode_time_cursor((at, id))), Some((at, id)));
        for bad in ["", "abc", "1_2", "1_2_not-a-uuid", "x_0_0190f3c2-1111-7000-8000-000000000001"] {
            assert_eq!(decode_time_cursor::<uuid::Uuid>(bad), None, "{bad}");
        }
    }
}
