//! Event time: a half-open UTC instant range plus the event's own IANA time zone.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Why a time range or zone was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("the end must be after the start")]
    EmptyOrReversed,
    #[error("`{0}` is not an IANA time zone name (e.g. Europe/Paris)")]
    UnknownZone(String),
}

/// `[start, end)` in UTC: `start` is inside, `end` is not, so back-to-back ranges do not
/// overlap. Always non-empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRange")]
pub struct TimeRange {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl TryFrom<RawRange> for TimeRange {
    type Error = TimeError;

    fn try_from(raw: RawRange) -> Result<Self, Self::Error> {
        Self::new(raw.start, raw.end)
    }
}

impl TimeRange {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, TimeError> {
        if end <= start {
            return Err(TimeError::EmptyOrReversed);
        }
        Ok(Self { start, end })
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    pub fn duration(&self) -> Duration {
        self.end - self.start
    }

    /// True when the two share at least one instant (half-open: touching ends do not).
    pub fn overlaps(&self, other: &Self) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(&self, instant: DateTime<Utc>) -> bool {
        self.start <= instant && instant < self.end
    }
}

/// An IANA time zone, e.g. `America/New_York`. Local times shown to people are computed from
/// the UTC instant in this zone, so they are right on both sides of a daylight-saving change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EventTimeZone(Tz);

impl EventTimeZone {
    pub fn parse(name: &str) -> Result<Self, TimeError> {
        name.parse::<Tz>().map(Self).map_err(|_| TimeError::UnknownZone(name.to_owned()))
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    pub fn tz(&self) -> Tz {
        self.0
    }

    /// `Sunday, 8 March 2026, 03:30 EDT`: the local wall time with the zone's abbreviation in
    /// force at that instant.
    pub fn format_local(&self, instant: DateTime<Utc>) -> String {
        instant.with_timezone(&self.0).format("%A, %-d %B %Y, %H:%M %Z").to_string()
    }

    /// `03:30 EDT`: the local time of day with its abbreviation.
    pub fn format_local_time(&self, instant: DateTime<Utc>) -> String {
        instant.with_timezone(&self.0).format("%H:%M %Z").to_string()
    }
}

impl fmt::Display for EventTimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl TryFrom<String> for EventTimeZone {
    type Error = TimeError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EventTimeZone> for String {
    fn from(value: EventTimeZone) -> Self {
        value.name().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn range(a: &str, b: &str) -> TimeRange {
        TimeRange::new(at(a), at(b)).unwrap()
    }

    #[test]
    fn ranges_must_be_non_empty_and_forward() {
        assert_eq!(
            TimeRange::new(at("2026-01-01T10:00:00Z"), at("2026-01-01T10:00:00Z")),
            Err(TimeError::EmptyOrReversed)
        );
        assert_eq!(
            TimeRange::new(at("2026-01-01T11:00:00Z"), at("2026-01-01T10:00:00Z")),
            Err(TimeError::EmptyOrReversed)
        );
    }

    #[test]
    fn back_to_back_ranges_do_not_overlap_but_shared_minutes_do() {
        let a = range("2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z");
        let b = range("2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z");
        let c = range("2026-01-01T10:59:00Z", "2026-01-01T11:30:00Z");
        assert!(!a.overlaps(&b) && !b.overlaps(&a));
        assert!(a.overlaps(&c) && c.overlaps(&b));
        assert!(a.overlaps(&a));
        assert!(a.contains(at("2026-01-01T10:00:00Z")) && !a.contains(at("2026-01-01T11:00:00Z")));
    }

    #[test]
    fn zones_are_iana_names() {
        assert_eq!(EventTimeZone::parse("Europe/Paris").unwrap().name(), "Europe/Paris");
        assert_eq!(EventTimeZone::parse("Mars/Olympus"), Err(TimeError::UnknownZone("Mars/Olympus".into())));
    }

    #[test]
    fn local_time_is_right_on_both_sides_of_a_daylight_saving_change() {
        let ny = EventTimeZone::parse("America/New_York").unwrap();
        // Clocks in New York jump from 02:00 EST to 03:00 EDT on 8 March 2026 (07:00 UTC).
        assert_eq!(ny.format_local(at("2026-03-08T06:30:00Z")), "Sunday, 8 March 2026, 01:30 EST");
        assert_eq!(ny.format_local(at("2026-03-08T07:30:00Z")), "Sunday, 8 March 2026, 03:30 EDT");
    }

    #[test]
    fn deserializing_a_reversed_range_fails() {
        let json = serde_json::json!({"start": "2026-01-01T11:00:00Z", "end": "2026-01-01T10:00:00Z"});
        assert!(serde_json::from_value::<TimeRange>(json).is_err());
    }
}
