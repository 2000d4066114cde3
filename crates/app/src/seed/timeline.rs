//! Every demo instant derives from the one reading of the clock `demo` makes, so events land
//! in the near past and near future of the day the seed runs.
//!
//! The arithmetic uses `std::time::SystemTime`; values become the domain's UTC instants
//! (`From<SystemTime>`) only where they enter a domain type.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::DataError;

const SECONDS_PER_DAY: u64 = 86_400;
const MINUTES_PER_DAY: i64 = 1_440;

/// The seed's "now" and the UTC midnight that starts its day.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timeline {
    now: SystemTime,
    today: SystemTime,
}

impl Timeline {
    pub(super) fn anchored_at(now: SystemTime) -> Self {
        let into_day = now
            .duration_since(UNIX_EPOCH)
            .map(|since| Duration::new(since.as_secs() % SECONDS_PER_DAY, since.subsec_nanos()))
            .unwrap_or(Duration::ZERO);
        Self { now, today: now.checked_sub(into_day).unwrap_or(now) }
    }

    pub(super) fn now(&self) -> SystemTime {
        self.now
    }

    /// UTC midnight `days` after today (negative: before), plus `minutes`.
    pub(super) fn day(&self, days: i64, minutes: i64) -> Result<SystemTime, DataError> {
        let total = days.checked_mul(MINUTES_PER_DAY).and_then(|m| m.checked_add(minutes));
        shift(self.today, total.ok_or(DataError::TimeOutOfRange)?)
    }
}

/// `instant` moved by `minutes` (negative: earlier).
pub(super) fn shift(instant: SystemTime, minutes: i64) -> Result<SystemTime, DataError> {
    let by = Duration::from_secs(minutes.unsigned_abs().saturating_mul(60));
    let moved = if minutes >= 0 { instant.checked_add(by) } else { instant.checked_sub(by) };
    moved.ok_or(DataError::TimeOutOfRange)
}
