//! Money: an integer amount of minor units plus an ISO 4217 currency. Never floats.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a currency code or an amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("`{0}` is not an ISO 4217 currency we accept")]
    UnknownCurrency(String),
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(Currency, Currency),
    #[error("the amount is out of range")]
    Overflow,
    #[error("the amount must not be negative")]
    Negative,
}

/// (code, minor units) of the ISO 4217 currencies Headliner accepts.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AUD", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("MYR", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PHP", 2),
    ("PLN", 2),
    ("QAR", 2),
    ("RON", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TRY", 2),
    ("TWD", 2),
    ("USD", 2),
    ("VND", 0),
    ("ZAR", 2),
];

/// An ISO 4217 currency from [`CURRENCIES`], with its number of minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

impl Currency {
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == code)
            .and_then(|(c, units)| Some(Self { code: c.as_bytes().try_into().ok()?, minor_units: *units }))
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Digits after the decimal point (2 for USD, 0 for JPY, 3 for KWD).
    pub fn minor_units(&self) -> u8 {
        self.minor_units
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code().to_owned()
    }
}

/// An amount in minor units (cents for USD) of one currency. Read from JSON it must be
/// exactly `{"amount_minor": <non-negative integer>, "currency": "<ISO code>"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawMoney")]
pub struct Money {
    pub amount_minor: i64,
    pub currency: Currency,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMoney {
    amount_minor: i64,
    currency: Currency,
}

impl TryFrom<RawMoney> for Money {
    type Error = MoneyError;

    fn try_from(raw: RawMoney) -> Result<Self, Self::Error> {
        Self::non_negative(raw.amount_minor, raw.currency)
    }
}

impl Money {
    pub const fn new(amount_minor: i64, currency: Currency) -> Self {
        Self { amount_minor, currency }
    }

    /// A non-negative amount, as prices and payments must be.
    pub fn non_negative(amount_minor: i64, currency: Currency) -> Result<Self, MoneyError> {
        if amount_minor < 0 {
            return Err(MoneyError::Negative);
        }
        Ok(Self { amount_minor, currency })
    }

    pub const fn zero(currency: Currency) -> Self {
        Self { amount_minor: 0, currency }
    }

    pub fn checked_add(self, other: Self) -> Result<Self, MoneyError> {
        self.same_currency(other)?;
        let sum = self.amount_minor.checked_add(other.amount_minor).ok_or(MoneyError::Overflow)?;
        Ok(Self { amount_minor: sum, ..self })
    }

    pub fn checked_sub(self, other: Self) -> Result<Self, MoneyError> {
        self.same_currency(other)?;
        let diff = self.amount_minor.checked_sub(other.amount_minor).ok_or(MoneyError::Overflow)?;
        Ok(Self { amount_minor: diff, ..self })
    }

    /// `self × numerator / denominator`, rounded half away from zero, computed in 128 bits so
    /// intermediate products cannot overflow.
    pub fn checked_mul_ratio(self, numerator: u64, denominator: u64) -> Result<Self, MoneyError> {
        if denominator == 0 {
            return Err(MoneyError::Overflow);
        }
        let product = i128::from(self.amount_minor) * i128::from(numerator);
        let den = i128::from(denominator);
        let half = den / 2;
        let rounded = if product >= 0 { (product + half) / den } else { (product - half) / den };
        let amount_minor = i64::try_from(rounded).map_err(|_| MoneyError::Overflow)?;
        Ok(Self { amount_minor, ..self })
    }

    fn same_currency(self, other: Self) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }
}

impl fmt::Display for Money {
    /// `2,500.00 USD`, `250,000 JPY`, `-1.500 KWD`: grouped digits, the currency's own
    /// number of decimals, then the code (unambiguous in every locale).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = u32::from(self.currency.minor_units());
        let scale = 10_u128.pow(units);
        let abs = u128::from(self.amount_minor.unsigned_abs());
        let (major, minor) = (abs / scale, abs % scale);
        let digits = major.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        if units == 0 {
            write!(f, "{sign}{grouped} {}", self.currency)
        } else {
            write!(f, "{sign}{grouped}.{minor:0width$} {}", self.currency, width = units as usize)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::parse("USD").unwrap())
    }

    #[test]
    fn currencies_are_iso_codes_with_their_minor_units() {
        assert_eq!(Currency::parse("USD").unwrap().minor_units(), 2);
        assert_eq!(Currency::parse("JPY").unwrap().minor_units(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().minor_units(), 3);
        assert_eq!(Currency::parse("usd"), Err(MoneyError::UnknownCurrency("usd".into())));
        assert_eq!(Currency::parse("XXX"), Err(MoneyError::UnknownCurrency("XXX".into())));
    }

    #[test]
    fn arithmetic_is_checked_and_refuses_mixed_currencies() {
        assert_eq!(usd(150).checked_add(usd(250)), Ok(usd(400)));
        assert_eq!(usd(i64::MAX).checked_add(usd(1)), Err(MoneyError::Overflow));
        assert_eq!(usd(i64::MIN).checked_sub(usd(1)), Err(MoneyError::Overflow));
        let eur = Money::new(1, Currency::parse("EUR").unwrap());
        assert!(matches!(usd(1).checked_add(eur), Err(MoneyError::CurrencyMismatch(..))));
    }

    #[test]
    fn ratios_round_half_away_from_zero_without_overflow() {
        assert_eq!(usd(101).checked_mul_ratio(1, 2), Ok(usd(51)));
        assert_eq!(usd(100).checked_mul_ratio(1, 3), Ok(usd(33)));
        assert_eq!(usd(200).checked_mul_ratio(1, 3), Ok(usd(67)));
        assert_eq!(usd(i64::MAX).checked_mul_ratio(3, 3), Ok(usd(i64::MAX)));
        assert_eq!(usd(i64::MAX).checked_mul_ratio(2, 1), Err(MoneyError::Overflow));
        assert_eq!(usd(1).checked_mul_ratio(1, 0), Err(MoneyError::Overflow));
    }

    #[test]
    fn display_uses_the_currencys_decimals_and_groups_thousands() {
        assert_eq!(usd(25_000_000).to_string(), "250,000.00 USD");
        assert_eq!(usd(5).to_string(), "0.05 USD");
        assert_eq!(usd(-123_456).to_string(), "-1,234.56 USD");
        assert_eq!(Money::new(250_000, Currency::parse("JPY").unwrap()).to_string(), "250,000 JPY");
        assert_eq!(Money::new(1_500, Currency::parse("KWD").unwrap()).to_string(), "1.500 KWD");
    }

    #[test]
    fn serializes_as_the_api_shape() {
        let json = serde_json::to_value(usd(250_000)).unwrap();
        assert_eq!(json, serde_json::json!({"amount_minor": 250_000, "currency": "USD"}));
        assert!(serde_json::from_value::<Money>(serde_json::json!({"amount_minor": 1, "currency": "ABC"})).is_err());
        assert!(serde_json::from_value::<Money>(serde_json::json!({"amount_minor": 1.5, "currency": "USD"})).is_err());
        assert!(serde_json::from_value::<Money>(serde_json::json!({"amount_minor": -1, "currency": "USD"})).is_err());
        let extra = serde_json::json!({"amount_minor": 1, "currency": "USD", "discount": 1});
        assert!(serde_json::from_value::<Money>(extra).is_err());
    }

    #[test]
    fn negative_prices_are_refused() {
        assert_eq!(Money::non_negative(-1, Currency::parse("USD").unwrap()), Err(MoneyError::Negative));
    }
}
