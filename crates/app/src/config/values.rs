//! Setting values with their own syntax; each parses from a TOML value and from an env string.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-friendly, coloured; the default on a terminal.
    Pretty,
    /// One JSON object per line; the default otherwise.
    Json,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pretty" => Ok(Self::Pretty),
            "json" => Ok(Self::Json),
            _ => Err("expected `pretty` or `json`".into()),
        }
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pretty => "pretty",
            Self::Json => "json",
        })
    }
}

/// Browser origins allowed to call the API cross-site: a TOML array, or a comma-separated
/// list in the environment. Each is `scheme://host[:port]` exactly as browsers send it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OriginList(pub Vec<String>);

impl OriginList {
    fn parse_all<'a>(items: impl Iterator<Item = &'a str>) -> Result<Self, String> {
        let mut origins = Vec::new();
        for item in items.map(str::trim).filter(|s| !s.is_empty()) {
            let url = url::Url::parse(item).map_err(|e| format!("`{item}` is not an origin: {e}"))?;
            let origin = url.origin().ascii_serialization();
            if origin == "null" || !matches!(url.scheme(), "http" | "https") || origin != item.trim_end_matches('/') {
                return Err(format!("`{item}` is not an origin; expected scheme://host[:port] with no path"));
            }
            origins.push(origin);
        }
        Ok(Self(origins))
    }
}

impl FromStr for OriginList {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_all(s.split(','))
    }
}

impl<'de> Deserialize<'de> for OriginList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            List(Vec<String>),
            Text(String),
        }
        let parsed = match Either::deserialize(deserializer)? {
            Either::List(items) => Self::parse_all(items.iter().map(String::as_str)),
            Either::Text(text) => text.parse(),
        };
        parsed.map_err(serde::de::Error::custom)
    }
}

/// Addresses of reverse proxies whose `X-Forwarded-For` is believed: a TOML array, or a
/// comma-separated list in the environment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IpList(pub Vec<std::net::IpAddr>);

impl FromStr for IpList {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| item.parse().map_err(|_| format!("`{item}` is not an IP address")))
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }
}

impl<'de> Deserialize<'de> for IpList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            List(Vec<String>),
            Text(String),
        }
        let text = match Either::deserialize(deserializer)? {
            Either::List(items) => items.join(","),
            Either::Text(text) => text,
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A request rate for one role: `<requests>/<period>` with the period `s`, `min` or `h`
/// (e.g. `300/min`), or `off`. Enforced as a token bucket holding `requests` tokens, refilled
/// evenly over the period, so a client may burst the whole allowance and then keeps its rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateSpec {
    Off,
    Limit { requests: u32, period: std::time::Duration },
}

impl FromStr for RateSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") {
            return Ok(Self::Off);
        }
        let usage = || format!("`{s}` is not a rate: use `<requests>/<s|min|h>` (e.g. `300/min`) or `off`");
        let (requests, unit) = s.split_once('/').ok_or_else(usage)?;
        let requests: u32 = requests.trim().parse().map_err(|_| usage())?;
        let period = match unit.trim() {
            "s" | "sec" => std::time::Duration::from_secs(1),
            "min" | "m" => std::time::Duration::from_secs(60),
            "h" | "hour" => std::time::Duration::from_secs(3600),
            _ => return Err(usage()),
        };
        if requests == 0 || requests > 1_000_000 {
            return Err(format!("`{s}`: requests must be 1..=1000000 (or say `off`)"));
        }
        Ok(Self::Limit { requests, period })
    }
}

impl<'de> Deserialize<'de> for RateSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}
