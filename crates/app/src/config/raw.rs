//! The unresolved layers: every key optional, typed, with one TOML name and one env name.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;

use super::values::{IpList, LogFormat, OriginList, RateSpec};
use super::{ConfigError, Env};

/// A settings key as operators know it.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// Its name in the TOML file.
    pub toml: &'static str,
    /// Its environment variable.
    pub env: &'static str,
}

/// Declares the keys once: the raw struct, the key table, the env reader and the overlay.
macro_rules! settings_keys {
    ($( $field:ident : $ty:ty => $env:literal ),* $(,)?) => {
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(super) struct RawSettings {
            $( pub(super) $field: Option<$ty>, )*
        }

        /// Every settings key, in README's order.
        pub const KEYS: &[Key] = &[ $( Key { toml: stringify!($field), env: $env }, )* ];

        impl RawSettings {
            pub(super) fn from_env(env: &Env) -> Result<Self, ConfigError> {
                let mut raw = Self::default();
                // An empty variable counts as unset, so `DATABASE_URL=` never silently beats
                // the file's value with a default.
                $( if let Some(value) = env.get($env).filter(|v| !v.trim().is_empty()) {
                    raw.$field = Some(parse_env::<$ty>($env, value)?);
                } )*
                Ok(raw)
            }

            /// `top` wins wherever it has a value.
            pub(super) fn overlay(self, top: Self) -> Self {
                Self { $( $field: top.$field.or(self.$field), )* }
            }
        }
    };
}

settings_keys! {
    bind: SocketAddr => "HEADLINER_BIND",
    database_url: String => "DATABASE_URL",
    data_dir: PathBuf => "HEADLINER_DATA_DIR",
    db_pool_size: u32 => "HEADLINER_DB_POOL_SIZE",
    db_connect_timeout_secs: u64 => "HEADLINER_DB_CONNECT_TIMEOUT_SECS",
    auto_migrate: bool => "HEADLINER_AUTO_MIGRATE",
    smtp_url: String => "HEADLINER_SMTP_URL",
    mail_from: String => "HEADLINER_MAIL_FROM",
    jwt_secret: String => "HEADLINER_JWT_SECRET",
    log_format: LogFormat => "HEADLINER_LOG_FORMAT",
    log: String => "HEADLINER_LOG",
    cors_allowed_origins: OriginList => "HEADLINER_CORS_ALLOWED_ORIGINS",
    max_body_bytes: usize => "HEADLINER_MAX_BODY_BYTES",
    shutdown_timeout_secs: u64 => "HEADLINER_SHUTDOWN_TIMEOUT_SECS",
    workers: usize => "HEADLINER_WORKERS",
    app_url: String => "HEADLINER_APP_URL",
    trusted_proxies: IpList => "HEADLINER_TRUSTED_PROXIES",
    rate_limit_anonymous: RateSpec => "HEADLINER_RATE_LIMIT_ANONYMOUS",
    rate_limit_customer: RateSpec => "HEADLINER_RATE_LIMIT_CUSTOMER",
    rate_limit_talent: RateSpec => "HEADLINER_RATE_LIMIT_TALENT",
    rate_limit_admin: RateSpec => "HEADLINER_RATE_LIMIT_ADMIN",
    image_max_bytes: usize => "HEADLINER_IMAGE_MAX_BYTES",
    cache_ttl_secs: u64 => "HEADLINER_CACHE_TTL_SECS",
    cache_max_entries: u64 => "HEADLINER_CACHE_MAX_ENTRIES",
    outbox_relay: bool => "HEADLINER_OUTBOX_RELAY",
    outbox_lease_secs: u64 => "HEADLINER_OUTBOX_LEASE_SECS",
    outbox_concurrency: usize => "HEADLINER_OUTBOX_CONCURRENCY",
}

fn parse_env<T>(var: &str, value: &str) -> Result<T, ConfigError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    value
        .trim()
        .parse::<T>()
        .map_err(|e| ConfigError::Env { var: var.to_owned(), message: format!("cannot use `{value}`: {e}") })
}

impl RawSettings {
    pub(super) fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile { path: shown.clone(), source })?;
        toml::from_str(&text).map_err(|e| {
            let location = e.span().map_or_else(String::new, |span| {
                let line_no = text[..span.start.min(text.len())].matches('\n').count() + 1;
                let line = text.lines().nth(line_no - 1).unwrap_or("").trim();
                match line.split_once('=') {
                    Some((key, _)) => format!(" line {line_no}, key `{}`", key.trim()),
                    None => format!(" line {line_no}"),
                }
            });
            ConfigError::File { path: shown, location, message: e.message().trim().to_owned() }
        })
    }
}
