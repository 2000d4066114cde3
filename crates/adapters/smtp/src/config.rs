//! Which way mail leaves the app, decided once at start-up from `HEADLINER_SMTP_URL`.

use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use url::Url;

/// How the SMTP connection is secured (`?tls=` in the URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain text; only for a relay on a trusted network or loopback.
    None,
    /// Plain connection upgraded with STARTTLS (required, not opportunistic).
    StartTls,
    /// TLS from the first byte (implicit TLS, usually port 465).
    Tls,
}

impl fmt::Display for TlsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "none",
            Self::StartTls => "starttls",
            Self::Tls => "tls",
        })
    }
}

/// A parsed SMTP relay address.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub username: Option<String>,
    pub password: Option<SecretString>,
}

/// The two ways mail can go: a real relay, or `.eml` files in a folder (simulation mode).
#[derive(Debug, Clone)]
pub enum MailTransportConfig {
    Smtp(SmtpSettings),
    Files { dir: PathBuf },
}

/// Why `HEADLINER_SMTP_URL` was refused. The message never repeats the password.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SmtpUrlError {
    #[error("not a URL ({0}); expected smtp://[user:pass@]host[:port][?tls=none|starttls|tls]")]
    NotAUrl(String),
    #[error("unsupported scheme `{0}`; expected smtp:// or smtps://")]
    Scheme(String),
    #[error("no host given")]
    NoHost,
    #[error("unknown tls mode `{0}`; expected none, starttls or tls")]
    Tls(String),
    #[error("unknown query parameter `{0}`; only `tls` is understood")]
    Parameter(String),
    #[error("a password was given without a user name")]
    PasswordWithoutUser,
}

impl MailTransportConfig {
    /// `None` selects simulation mode: each mail becomes an `.eml` file under `<data_dir>/mail/`.
    pub fn from_url(url: Option<&str>, data_dir: &Path) -> Result<Self, SmtpUrlError> {
        let Some(raw) = url.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(Self::Files { dir: data_dir.join("mail") });
        };
        let url = Url::parse(raw).map_err(|e| SmtpUrlError::NotAUrl(e.to_string()))?;
        let implicit_tls = match url.scheme() {
            "smtp" => false,
            "smtps" => true,
            other => return Err(SmtpUrlError::Scheme(other.to_owned())),
        };
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or(SmtpUrlError::NoHost)?.to_owned();
        let mut tls = if implicit_tls { TlsMode::Tls } else { TlsMode::StartTls };
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "tls" => {
                    tls = match value.as_ref() {
                        "none" => TlsMode::None,
                        "starttls" => TlsMode::StartTls,
                        "tls" => TlsMode::Tls,
                        other => return Err(SmtpUrlError::Tls(other.to_owned())),
                    }
                }
                other => return Err(SmtpUrlError::Parameter(other.to_owned())),
            }
        }
        let default_port = match tls {
            TlsMode::Tls => 465,
            TlsMode::StartTls => 587,
            TlsMode::None => 25,
        };
        let username = Some(url.username()).filter(|u| !u.is_empty()).map(decode);
        let password = url.password().map(|p| SecretString::from(decode(p)));
        if username.is_none() && password.is_some() {
            return Err(SmtpUrlError::PasswordWithoutUser);
        }
        Ok(Self::Smtp(SmtpSettings { host, port: url.port().unwrap_or(default_port), tls, username, password }))
    }

    /// One line for the start-up log; never includes credentials.
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp(s) => format!(
                "SMTP relay {}:{} (tls={}, {})",
                s.host,
                s.port,
                s.tls,
                if s.username.is_some() { "authenticated" } else { "no auth" }
            ),
            Self::Files { dir } => {
                format!("simulation mode: each mail is written as an .eml file under {}", dir.display())
            }
        }
    }
}

/// Percent-decodes a URL user or password (`+` stays `+`: this is not a form body).
fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn parse(url: &str) -> Result<MailTransportConfig, SmtpUrlError> {
        MailTransportConfig::from_url(Some(url), Path::new("/srv/data"))
    }

    fn smtp(url: &str) -> SmtpSettings {
        match parse(url) {
            Ok(MailTransportConfig::Smtp(s)) => s,
            other => panic!("expected SMTP settings, got {other:?}"),
        }
    }

    #[test]
    fn unset_url_selects_eml_files_in_the_data_folder() {
        let cfg = MailTransportConfig::from_url(None, Path::new("/srv/data")).unwrap();
        assert!(matches!(cfg, MailTransportConfig::Files { ref dir } if dir == Path::new("/srv/data/mail")));
        assert!(
            MailTransportConfig::from_url(Some("  "), Path::new("d"))
                .is_ok_and(|c| matches!(c, MailTransportConfig::Files { .. }))
        );
    }

    #[test]
    fn smtp_url_defaults_to_required_starttls_on_587() {
        let s = smtp("smtp://mail.example.com");
        assert_eq!((s.host.as_str(), s.port, s.tls), ("mail.example.com", 587, TlsMode::StartTls));
        assert!(s.username.is_none() && s.password.is_none());
    }

    #[test]
    fn smtps_url_means_implicit_tls_on_465() {
        let s = smtp("smtps://mail.example.com");
        assert_eq!((s.port, s.tls), (465, TlsMode::Tls));
    }

    #[test]
    fn credentials_and_tls_mode_are_read_and_percent_decoded() {
        let s = smtp("smtp://user%40example.com:p%40ss%3Aw+rd@127.0.0.1:2525?tls=none");
        assert_eq!((s.host.as_str(), s.port, s.tls), ("127.0.0.1", 2525, TlsMode::None));
        assert_eq!(s.username.as_deref(), Some("user@example.com"));
        assert_eq!(s.password.as_ref().map(|p| p.expose_secret().to_owned()).as_deref(), Some("p@ss:w+rd"));
    }

    #[test]
    fn bad_urls_are_refused_with_a_reason() {
        assert_eq!(parse("http://x").unwrap_err(), SmtpUrlError::Scheme("http".into()));
        assert_eq!(parse("smtp://x?tls=maybe").unwrap_err(), SmtpUrlError::Tls("maybe".into()));
        assert_eq!(parse("smtp://x?timeout=3").unwrap_err(), SmtpUrlError::Parameter("timeout".into()));
        assert!(matches!(parse("not a url").unwrap_err(), SmtpUrlError::NotAUrl(_)));
    }

    #[test]
    fn describe_never_shows_the_password() {
        let cfg = parse("smtp://me:hunter2@mail.example.com").unwrap();
        let line = cfg.describe();
        assert!(line.contains("mail.example.com:587") && line.contains("authenticated"));
        assert!(!line.contains("hunter2"));
    }
}
