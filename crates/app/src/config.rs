//! Configuration: built-in defaults, then an optional TOML file, then the environment.
//!
//! Every key has one TOML name and one environment name (see [`KEYS`] and README's table).
//! Anything unknown or unparsable is refused with one line that names the key, so a typo
//! never silently falls back to a default.

mod database;
mod raw;
mod values;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use headliner_smtp::MailTransportConfig;
use secrecy::SecretString;

pub use database::DatabaseSettings;
pub use raw::KEYS;
pub use values::{IpList, LogFormat, OriginList, RateSpec};

use raw::RawSettings;

/// The file read when neither `--config` nor `HEADLINER_CONFIG` names one (it may be absent).
pub const DEFAULT_CONFIG_FILE: &str = "headliner.toml";
/// Environment variables that start with `HEADLINER_` but are not settings keys.
const NON_SETTING_VARS: &[&str] = &["HEADLINER_CONFIG", "HEADLINER_TEST_DATABASE_URL"];

/// The process environment as plain strings (a snapshot, so tests can pass their own).
pub type Env = BTreeMap<String, String>;

/// Everything the app was told, resolved and validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database: DatabaseSettings,
    pub db_pool_size: u32,
    pub db_connect_timeout: Duration,
    pub auto_migrate: bool,
    pub mail: MailTransportConfig,
    pub mail_from: String,
    pub jwt_secret: Option<SecretString>,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub cors_allowed_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub shutdown_timeout: Duration,
    pub workers: usize,
    /// Base URL of the web client, used in links in emails.
    pub app_url: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Request rates per role (see [`RateSpec`]).
    pub rate_limits: RateLimits,
    /// Largest image upload.
    pub image_max_bytes: usize,
    /// How long a cached catalogue read may be served, and how many are kept.
    pub cache_ttl: Duration,
    pub cache_max_entries: u64,
    /// Whether `serve` runs the outbox relay (sending mail and payment follow-ups).
    pub outbox_relay: bool,
    /// How long the relay holds a claimed batch before another instance may take it over
    /// (how soon mail a crashed instance had claimed goes out).
    pub outbox_lease: Duration,
    /// Messages the relay sends at once.
    pub outbox_concurrency: usize,
    /// Where the settings came from, for the start-up log.
    pub config_file: Option<PathBuf>,
}

/// Request rates per role, slowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub anonymous: RateSpec,
    pub customer: RateSpec,
    pub talent: RateSpec,
    pub admin: RateSpec,
}

impl Default for RateLimits {
    /// 120, 300, 600 and 1200 requests a minute.
    fn default() -> Self {
        let per_minute = |requests| RateSpec::Limit { requests, period: Duration::from_secs(60) };
        Self { anonymous: per_minute(120), customer: per_minute(300), talent: per_minute(600), admin: per_minute(1200) }
    }
}

/// A refused configuration. `Display` is the one line the operator sees.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path}: cannot read it: {source}")]
    ReadFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {path}{location}: {message}")]
    File { path: String, location: String, message: String },
    #[error("{var}: {message}")]
    Env { var: String, message: String },
    #[error("{key}: {message}")]
    Invalid { key: String, message: String },
}

impl Settings {
    /// Reads the real process environment and the config file it names.
    pub fn from_process(cli_config: Option<PathBuf>) -> Result<Self, ConfigError> {
        let mut env = Env::new();
        for (key, value) in std::env::vars_os() {
            let Some(key) = key.to_str() else { continue };
            if key == "DATABASE_URL" || key.starts_with("HEADLINER_") {
                let value = value
                    .into_string()
                    .map_err(|_| ConfigError::Env { var: key.to_owned(), message: "is not valid UTF-8".into() })?;
                env.insert(key.to_owned(), value);
            }
        }
        Self::load(&env, cli_config, std::io::IsTerminal::is_terminal(&std::io::stdout()))
    }

    /// Layers defaults ← file ← `env`. The file is `cli_config`, else `HEADLINER_CONFIG`, else
    /// `headliner.toml` when it exists. `on_terminal` decides the default log format.
    pub fn load(env: &Env, cli_config: Option<PathBuf>, on_terminal: bool) -> Result<Self, ConfigError> {
        reject_unknown_env(env)?;
        let named = cli_config.or_else(|| env.get("HEADLINER_CONFIG").filter(|p| !p.is_empty()).map(PathBuf::from));
        let (file, config_file) = match named {
            Some(path) => (RawSettings::from_file(&path)?, Some(path)),
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                let path = PathBuf::from(DEFAULT_CONFIG_FILE);
                (RawSettings::from_file(&path)?, Some(path))
            }
            None => (RawSettings::default(), None),
        };
        let raw = file.overlay(RawSettings::from_env(env)?);
        Self::resolve(raw, config_file, on_terminal)
    }

    fn resolve(raw: RawSettings, config_file: Option<PathBuf>, on_terminal: bool) -> Result<Self, ConfigError> {
        let data_dir = raw.data_dir.unwrap_or_else(|| PathBuf::from("./data"));
        let database = DatabaseSettings::parse(raw.database_url.as_deref(), &data_dir)
            .map_err(|message| invalid("database_url", message))?;
        let mail = MailTransportConfig::from_url(raw.smtp_url.as_deref(), &data_dir)
            .map_err(|e| invalid("smtp_url", e.to_string()))?;
        let db_pool_size = in_range("db_pool_size", raw.db_pool_size.unwrap_or(16), 1, 1000)?;
        let db_connect_timeout_secs =
            in_range("db_connect_timeout_secs", raw.db_connect_timeout_secs.unwrap_or(5), 1, 600)?;
        let max_body_bytes = in_range("max_body_bytes", raw.max_body_bytes.unwrap_or(1024 * 1024), 1024, 1 << 30)?;
        let shutdown_timeout_secs =
            in_range("shutdown_timeout_secs", raw.shutdown_timeout_secs.unwrap_or(30), 0, 3600)?;
        let default_workers = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
        let workers = in_range("workers", raw.workers.unwrap_or(default_workers), 1, 1024)?;
        let jwt_secret = match raw.jwt_secret {
            Some(s) if s.len() < 32 => {
                return Err(invalid("jwt_secret", "must be at least 32 bytes (256 bits) long".into()));
            }
            other => other.map(SecretString::from),
        };
        let app_url = raw.app_url.unwrap_or_else(|| "http://127.0.0.1:8080".to_owned());
        let parsed_app_url = url::Url::parse(&app_url).map_err(|e| invalid("app_url", format!("`{app_url}`: {e}")))?;
        if !matches!(parsed_app_url.scheme(), "http" | "https") {
            return Err(invalid("app_url", format!("`{app_url}` must be an http or https URL")));
        }
        let mail_from = raw.mail_from.unwrap_or_else(|| "Headliner <no-reply@headliner.localhost>".to_owned());
        if mail_from.trim().is_empty() || !mail_from.contains('@') || mail_from.contains(['\r', '\n']) {
            return Err(invalid("mail_from", format!("`{mail_from}` is not a mail address")));
        }
        let defaults = RateLimits::default();
        let rate_limits = RateLimits {
            anonymous: raw.rate_limit_anonymous.unwrap_or(defaults.anonymous),
            customer: raw.rate_limit_customer.unwrap_or(defaults.customer),
            talent: raw.rate_limit_talent.unwrap_or(defaults.talent),
            admin: raw.rate_limit_admin.unwrap_or(defaults.admin),
        };
        let image_max_bytes =
            in_range("image_max_bytes", raw.image_max_bytes.unwrap_or(10 * 1024 * 1024), 1024, 100 * 1024 * 1024)?;
        let cache_ttl_secs = in_range("cache_ttl_secs", raw.cache_ttl_secs.unwrap_or(30), 0, 86_400)?;
        let cache_max_entries = in_range("cache_max_entries", raw.cache_max_entries.unwrap_or(10_000), 0, 10_000_000)?;
        let outbox_lease_secs = in_range("outbox_lease_secs", raw.outbox_lease_secs.unwrap_or(120), 2, 3600)?;
        let outbox_concurrency = in_range("outbox_concurrency", raw.outbox_concurrency.unwrap_or(8), 1, 64)?;
        Ok(Self {
            bind: raw.bind.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir,
            database,
            db_pool_size,
            db_connect_timeout: Duration::from_secs(db_connect_timeout_secs),
            auto_migrate: raw.auto_migrate.unwrap_or(true),
            mail,
            mail_from,
            jwt_secret,
            log_format: raw.log_format.unwrap_or(if on_terminal { LogFormat::Pretty } else { LogFormat::Json }),
            log_filter: raw.log.unwrap_or_else(|| "info".to_owned()),
            cors_allowed_origins: raw.cors_allowed_origins.map(|o| o.0).unwrap_or_default(),
            max_body_bytes,
            shutdown_timeout: Duration::from_secs(shutdown_timeout_secs),
            workers,
            app_url: app_url.trim_end_matches('/').to_owned(),
            trusted_proxies: raw.trusted_proxies.map(|p| p.0).unwrap_or_default(),
            rate_limits,
            image_max_bytes,
            cache_ttl: Duration::from_secs(cache_ttl_secs),
            cache_max_entries,
            outbox_relay: raw.outbox_relay.unwrap_or(true),
            outbox_lease: Duration::from_secs(outbox_lease_secs),
            outbox_concurrency,
            config_file,
        })
    }
}

/// Variables Kubernetes injects for a Service named `headliner` (`HEADLINER_SERVICE_HOST`,
/// `HEADLINER_PORT_8080_TCP`, ...): not ours, never refused.
fn injected_by_kubernetes(var: &str) -> bool {
    var.starts_with("HEADLINER_SERVICE_") || var == "HEADLINER_PORT" || var.starts_with("HEADLINER_PORT_")
}

fn reject_unknown_env(env: &Env) -> Result<(), ConfigError> {
    for var in env.keys().filter(|k| k.starts_with("HEADLINER_")) {
        if !NON_SETTING_VARS.contains(&var.as_str())
            && !injected_by_kubernetes(var)
            && !KEYS.iter().any(|k| k.env == var)
        {
            return Err(ConfigError::Env {
                var: var.clone(),
                message: "unknown setting (see the configuration table in README.md)".into(),
            });
        }
    }
    Ok(())
}

/// Names a key by both of its names so the operator finds it wherever it was set.
fn invalid(key: &str, message: String) -> ConfigError {
    let env = KEYS.iter().find(|k| k.toml == key).map_or("", |k| k.env);
    ConfigError::Invalid { key: format!("{key} ({env})"), message }
}

fn in_range<T: PartialOrd + std::fmt::Display + Copy>(key: &str, value: T, min: T, max: T) -> Result<T, ConfigError> {
    if value < min || value > max {
        return Err(invalid(key, format!("{value} is out of range, expected {min}..={max}")));
    }
    Ok(value)
}

#[cfg(test)]
mod tests;
