//! What a booking costs, and how much of it comes back on cancellation.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::booking::Party;
use crate::money::{Money, MoneyError};
use crate::time::TimeRange;

/// How a celebrity's base price becomes a quote.
///
/// The base price buys one hour. Events are billed in increments of `increment_minutes`
/// (rounded up), with at least `minimum_minutes` billed; the price is pro rata to the billed
/// minutes, rounded to the nearest minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricingPolicy {
    pub minimum_minutes: u32,
    pub increment_minutes: u32,
}

impl Default for PricingPolicy {
    fn default() -> Self {
        Self { minimum_minutes: 60, increment_minutes: 30 }
    }
}

impl PricingPolicy {
    /// Minutes billed for an event of this length.
    pub fn billed_minutes(&self, during: &TimeRange) -> u64 {
        let seconds = u64::try_from(during.duration().num_seconds()).unwrap_or(0);
        let minutes = seconds.div_ceil(60);
        let step = u64::from(self.increment_minutes.max(1));
        minutes.div_ceil(step).saturating_mul(step).max(u64::from(self.minimum_minutes))
    }

    pub fn quote(&self, base_price_per_hour: Money, during: &TimeRange) -> Result<Money, MoneyError> {
        base_price_per_hour.checked_mul_ratio(self.billed_minutes(during), 60)
    }
}

/// The refund on cancellation. Customers get `full` refund with at least
/// `full_refund_notice` before the event, `partial_percent` with at least
/// `partial_refund_notice`, nothing with less. Cancellations by talent or an admin refund in
/// full. Boundaries are inclusive: exactly 72 h before is a full refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPolicy {
    pub full_refund_notice_hours: u32,
    pub partial_refund_notice_hours: u32,
    pub partial_percent: u8,
}

impl Default for RefundPolicy {
    fn default() -> Self {
        Self { full_refund_notice_hours: 72, partial_refund_notice_hours: 24, partial_percent: 50 }
    }
}

impl RefundPolicy {
    /// The amount to refund of `paid` when `by` cancels at `cancelled_at` an event starting at
    /// `event_start`.
    pub fn refund(
        &self,
        paid: Money,
        by: Party,
        cancelled_at: DateTime<Utc>,
        event_start: DateTime<Utc>,
    ) -> Result<Money, MoneyError> {
        if by != Party::Customer {
            return Ok(paid);
        }
        let notice = event_start - cancelled_at;
        if notice >= Duration::hours(i64::from(self.full_refund_notice_hours)) {
            Ok(paid)
        } else if notice >= Duration::hours(i64::from(self.partial_refund_notice_hours)) {
            paid.checked_mul_ratio(u64::from(self.partial_percent.min(100)), 100)
        } else {
            Ok(Money::zero(paid.currency))
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::money::Currency;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::parse("USD").unwrap())
    }

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 18, 0, 0).unwrap()
    }

    fn lasting(minutes: i64) -> TimeRange {
        TimeRange::new(start(), start() + Duration::minutes(minutes)).unwrap()
    }

    #[test]
    fn quotes_bill_at_least_an_hour_in_half_hour_steps() {
        let p = PricingPolicy::default();
        assert_eq!(p.quote(usd(100_000), &lasting(20)), Ok(usd(100_000)), "minimum one hour");
        assert_eq!(p.quote(usd(100_000), &lasting(60)), Ok(usd(100_000)));
        assert_eq!(p.quote(usd(100_000), &lasting(61)), Ok(usd(150_000)), "a started half hour counts");
        assert_eq!(p.quote(usd(100_000), &lasting(90)), Ok(usd(150_000)));
        assert_eq!(p.quote(usd(100_000), &lasting(24 * 60)), Ok(usd(2_400_000)));
        assert_eq!(p.quote(usd(333), &lasting(90)), Ok(usd(500)), "rounded half away from zero (499.5)");
    }

    #[test]
    fn quotes_overflow_is_an_error_not_a_wrap() {
        assert_eq!(PricingPolicy::default().quote(usd(i64::MAX), &lasting(120)), Err(MoneyError::Overflow));
    }

    #[test]
    fn customer_refunds_follow_the_notice_period_with_inclusive_boundaries() {
        let p = RefundPolicy::default();
        let paid = usd(100_001);
        let at = |hours_before: i64| start() - Duration::hours(hours_before);
        assert_eq!(p.refund(paid, Party::Customer, at(100), start()), Ok(paid));
        assert_eq!(p.refund(paid, Party::Customer, at(72), start()), Ok(paid));
        assert_eq!(
            p.refund(paid, Party::Customer, at(72) + Duration::seconds(1), start()),
            Ok(usd(50_001)),
            "just under 72 h: half, rounded half up"
        );
        assert_eq!(p.refund(paid, Party::Customer, at(24), start()), Ok(usd(50_001)));
        assert_eq!(p.refund(paid, Party::Customer, at(24) + Duration::seconds(1), start()), Ok(usd(0)));
        assert_eq!(p.refund(paid, Party::Customer, start() + Duration::hours(1), start()), Ok(usd(0)));
    }

    #[test]
    fn talent_and_admin_cancellations_refund_in_full_at_any_time() {
        let p = RefundPolicy::default();
        for by in [Party::Talent, Party::Admin] {
            assert_eq!(p.refund(usd(9_999), by, start() - Duration::minutes(5), start()), Ok(usd(9_999)));
        }
    }

    #[test]
    fn the_policy_is_configurable() {
        let p = RefundPolicy { full_refund_notice_hours: 168, partial_refund_notice_hours: 48, partial_percent: 25 };
        assert_eq!(p.refund(usd(1000), Party::Customer, start() - Duration::hours(100), start()), Ok(usd(250)));
    }
}
