//! Which store: `postgres://` selects PostgreSQL, `sqlite://PATH` or nothing selects SQLite.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

/// The database the app uses.
#[derive(Debug, Clone)]
pub enum DatabaseSettings {
    Postgres { url: SecretString },
    Sqlite { path: PathBuf },
}

impl DatabaseSettings {
    pub(super) fn parse(url: Option<&str>, data_dir: &Path) -> Result<Self, String> {
        let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(Self::Sqlite { path: data_dir.join("headliner.db") });
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let parsed = url::Url::parse(url).map_err(|e| format!("not a valid postgres:// URL: {e}"))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err("a postgres:// URL needs a host".into());
            }
            return Ok(Self::Postgres { url: SecretString::from(url.to_owned()) });
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() || path == ":memory:" {
                return Err("sqlite:// needs a file path, e.g. sqlite://./data/headliner.db".into());
            }
            return Ok(Self::Sqlite { path: PathBuf::from(path) });
        }
        let scheme = url.split_once(':').map_or(url, |(s, _)| s);
        Err(format!("unsupported database `{scheme}`; expected postgres://... or sqlite://PATH"))
    }

    /// One line for logs; a Postgres password is never shown.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite { path } => format!("SQLite at {}", path.display()),
            Self::Postgres { url } => {
                let shown = url::Url::parse(url.expose_secret()).map_or_else(
                    |_| "postgres://(unparsable)".to_owned(),
                    |mut u| {
                        if u.password().is_some() {
                            let _ = u.set_password(Some("***"));
                        }
                        u.to_string()
                    },
                );
                format!("PostgreSQL at {shown}")
            }
        }
    }
}
