//! The `Mailer` port: multipart (text + HTML) messages with a stable Message-ID, sent through
//! an SMTP relay (lettre) or written as `.eml` files (simulation mode).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use headliner_ports::mailer::{MailError, Mailer, OutgoingEmail};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::{MailTransportConfig, SmtpSettings, TlsMode};

/// Why no mailer could be built (a start-up error naming the setting).
#[derive(Debug, thiserror::Error)]
pub enum MailerSetupError {
    #[error("HEADLINER_MAIL_FROM: `{0}` is not a mailbox (e.g. `Headliner <no-reply@example.com>`)")]
    From(String),
    #[error("HEADLINER_SMTP_URL: {0}")]
    Smtp(String),
    #[error("HEADLINER_DATA_DIR: cannot create the mail folder {path}: {source}")]
    Folder {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Builds the configured mailer. `timeout` bounds every SMTP command (connect, each reply).
pub fn build_mailer(
    config: &MailTransportConfig,
    from: &str,
    timeout: Duration,
) -> Result<Arc<dyn Mailer>, MailerSetupError> {
    let from: Mailbox = from.parse().map_err(|_| MailerSetupError::From(from.to_owned()))?;
    Ok(match config {
        MailTransportConfig::Smtp(settings) => Arc::new(SmtpMailer::new(settings, from, timeout)?),
        MailTransportConfig::Files { dir } => Arc::new(FileMailer::new(dir, from)?),
    })
}

/// The message as it goes on the wire: `multipart/alternative` with the text part first (the
/// least preferred), then HTML; the Message-ID is the caller's (stable across retries).
pub fn build_message(from: &Mailbox, email: &OutgoingEmail) -> Result<Message, MailError> {
    let to: Mailbox = email
        .to
        .as_str()
        .parse()
        .map_err(|e| MailError::Rejected(format!("the recipient address cannot be used: {e}")))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .message_id(Some(email.message_id.clone()))
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(email.text.clone()))
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(email.html.clone())),
        )
        .map_err(|e| MailError::Rejected(format!("the message cannot be built: {e}")))
}

/// Sends through an SMTP relay: STARTTLS (required), implicit TLS or plain, optional AUTH,
/// every command bounded by a timeout.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The whole exchange's bound: lettre's timeout covers connecting and commands, but a relay
    /// that sends half a reply and then nothing would otherwise hold the send until it closes.
    deadline: Duration,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from).finish_non_exhaustive()
    }
}

impl SmtpMailer {
    pub fn new(settings: &SmtpSettings, from: Mailbox, timeout: Duration) -> Result<Self, MailerSetupError> {
        let tls = || {
            TlsParameters::new(settings.host.clone())
                .map_err(|e| MailerSetupError::Smtp(format!("TLS for {}: {e}", settings.host)))
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str())
            .port(settings.port)
            .timeout(Some(timeout))
            .tls(match settings.tls {
                TlsMode::None => Tls::None,
                TlsMode::StartTls => Tls::Required(tls()?),
                TlsMode::Tls => Tls::Wrapper(tls()?),
            });
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned()));
        }
        Ok(Self { transport: builder.build(), from, deadline: timeout.saturating_mul(3) })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: OutgoingEmail) -> Result<(), MailError> {
        let message = build_message(&self.from, &email)?;
        let sent = tokio::time::timeout(self.deadline, self.transport.send(message)).await.map_err(|_| {
            MailError::Unavailable(format!("no answer from the relay within {:?}", self.deadline).into())
        })?;
        match sent {
            Ok(_) => Ok(()),
            // A 5xx reply: the relay will never take this message (bad recipient, policy).
            Err(e) if e.is_permanent() => Err(MailError::Rejected(e.to_string())),
            // Connection, TLS, timeout, 4xx: worth another try later.
            Err(e) => Err(MailError::Unavailable(Box::new(e))),
        }
    }
}

/// Simulation mode: each message is written to `<dir>/<message id>.eml` (atomically: a
/// temporary file renamed into place), so a resend of the same message replaces its file.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl FileMailer {
    pub fn new(dir: &Path, from: Mailbox) -> Result<Self, MailerSetupError> {
        std::fs::create_dir_all(dir)
            .map_err(|source| MailerSetupError::Folder { path: dir.display().to_string(), source })?;
        Ok(Self { dir: dir.to_owned(), from })
    }

    /// The file a message is (or would be) written to.
    pub fn path_of(&self, message_id: &str) -> PathBuf {
        let name: String = message_id
            .trim_matches(['<', '>'])
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') { c } else { '_' })
            .collect();
        self.dir.join(format!("{name}.eml"))
    }
}

#[async_trait]
impl Mailer for FileMailer {
    async fn send(&self, email: OutgoingEmail) -> Result<(), MailError> {
        let bytes = build_message(&self.from, &email)?.formatted();
        let path = self.path_of(&email.message_id);
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || write_atomically(&dir, &path, &bytes))
            .await
            .map_err(|e| MailError::Unavailable(Box::new(e)))?
            .map_err(|e| MailError::Unavailable(Box::new(e)))
    }
}

fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}
