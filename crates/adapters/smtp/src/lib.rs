#![doc = include_str!("../README.md")]

mod config;
mod send;

pub use config::{MailTransportConfig, SmtpSettings, SmtpUrlError, TlsMode};
pub use send::{FileMailer, MailerSetupError, SmtpMailer, build_mailer, build_message};
