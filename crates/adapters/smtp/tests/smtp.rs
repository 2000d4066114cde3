//! The mail adapter against a real SMTP server on loopback (aiosmtpd from PyPI, started per
//! test by `headliner_testkit::smtp`): what arrives is parsed and checked. Without
//! `python3 -m aiosmtpd` on the machine the SMTP tests report themselves skipped (`.ci/run`
//! installs it, so CI never skips them).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

use std::path::Path;
use std::time::Duration;

use headliner_domain::email::EmailAddress;
use headliner_ports::mailer::{MailError, OutgoingEmail};
use headliner_smtp::{FileMailer, MailTransportConfig, build_mailer};
use headliner_testkit::smtp::{SmtpServer, free_port};
use mail_parser::MessageParser;

const FROM: &str = "Headliner <no-reply@headliner.test>";

fn email(n: u32) -> OutgoingEmail {
    OutgoingEmail {
        to: EmailAddress::parse("fan@example.com").unwrap(),
        subject: format!("Your booking #{n} with Zoë Keys is confirmed"),
        html: "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;, see you on <b>Friday</b>.</p>".into(),
        text: "Hello <script>alert(1)</script>, see you on Friday.".into(),
        message_id: format!("<0190f3c2-0000-7000-8000-{n:012}@headliner>"),
    }
}

fn smtp_url(port: u16, credentials: &str) -> MailTransportConfig {
    let url = format!("smtp://{credentials}127.0.0.1:{port}?tls=none");
    MailTransportConfig::from_url(Some(&url), Path::new("/unused")).unwrap()
}

#[tokio::test]
async fn a_multipart_message_arrives_with_its_recipient_subject_parts_and_message_id() {
    let Some(server) = SmtpServer::start_or_skip("smtp_delivers_multipart", false) else { return };
    let mailer = build_mailer(&smtp_url(server.port, ""), FROM, Duration::from_secs(5)).unwrap();
    mailer.send(email(1)).await.unwrap();

    let messages = server.received();
    assert_eq!(messages.len(), 1);
    let raw = &messages[0];
    let parsed = MessageParser::default().parse(raw).unwrap();
    assert_eq!(parsed.subject(), Some("Your booking #1 with Zoë Keys is confirmed"));
    assert_eq!(parsed.message_id(), Some("0190f3c2-0000-7000-8000-000000000001@headliner"));
    assert_eq!(parsed.to().and_then(|a| a.first()).and_then(|a| a.address()), Some("fan@example.com"));
    assert_eq!(parsed.from().and_then(|a| a.first()).and_then(|a| a.address()), Some("no-reply@headliner.test"));
    // The envelope as the server saw it (aiosmtpd adds these headers).
    let text = String::from_utf8_lossy(raw);
    assert!(text.contains("X-RcptTo: fan@example.com"), "{text}");
    assert!(text.contains("X-MailFrom: no-reply@headliner.test"), "{text}");
    // Both parts, decoded; the HTML keeps its escaping, the text part is plain.
    assert!(text.contains("Content-Type: multipart/alternative"), "{text}");
    let html = parsed.body_html(0).unwrap();
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"), "{html}");
    assert_eq!(parsed.body_text(0).unwrap().trim(), "Hello <script>alert(1)</script>, see you on Friday.");
}

#[tokio::test]
async fn auth_is_used_when_configured_and_wrong_credentials_are_refused_within_the_deadline() {
    let Some(server) = SmtpServer::start_or_skip("smtp_auth", true) else { return };
    let good = build_mailer(&smtp_url(server.port, "relay:secret@"), FROM, Duration::from_secs(5)).unwrap();
    good.send(email(2)).await.unwrap();
    // Wrong credentials: refused (aiosmtpd's reply to a failed AUTH is not one lettre parses
    // cleanly, so either kind of error), and within the deadline rather than the server's
    // 5-minute idle timeout.
    let started = std::time::Instant::now();
    let bad = build_mailer(&smtp_url(server.port, "relay:wrong@"), FROM, Duration::from_secs(1)).unwrap();
    assert!(bad.send(email(3)).await.is_err(), "wrong credentials");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    let anonymous = build_mailer(&smtp_url(server.port, ""), FROM, Duration::from_secs(1)).unwrap();
    assert!(anonymous.send(email(4)).await.is_err(), "the server requires AUTH");
    assert_eq!(server.received().len(), 1, "only the authenticated message arrived");
}

#[tokio::test]
async fn required_starttls_is_never_downgraded_to_plain_text() {
    let Some(server) = SmtpServer::start_or_skip("smtp_starttls_required", false) else { return };
    let url = format!("smtp://127.0.0.1:{}?tls=starttls", server.port);
    let config = MailTransportConfig::from_url(Some(&url), Path::new("/unused")).unwrap();
    let mailer = build_mailer(&config, FROM, Duration::from_secs(5)).unwrap();
    let refused = mailer.send(email(5)).await;
    assert!(refused.is_err(), "the server offers no STARTTLS, so nothing may be sent");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_relay_that_is_down_is_a_retryable_failure_within_the_timeout() {
    let port = free_port(); // nobody listens here
    let mailer = build_mailer(&smtp_url(port, ""), FROM, Duration::from_secs(2)).unwrap();
    let started = std::time::Instant::now();
    let failed = mailer.send(email(6)).await;
    assert!(matches!(failed, Err(MailError::Unavailable(_))), "{failed:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn simulation_mode_writes_one_eml_file_per_message_id_and_a_resend_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = MailTransportConfig::from_url(None, dir.path()).unwrap();
    let mailer = build_mailer(&config, FROM, Duration::from_secs(5)).unwrap();
    mailer.send(email(7)).await.unwrap();
    mailer.send(email(7)).await.unwrap();
    mailer.send(email(8)).await.unwrap();
    let files: Vec<_> = std::fs::read_dir(dir.path().join("mail")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let file = FileMailer::new(&dir.path().join("mail"), FROM.parse().unwrap()).unwrap().path_of(&email(7).message_id);
    let parsed_bytes = std::fs::read(file).unwrap();
    let parsed = MessageParser::default().parse(&parsed_bytes).unwrap();
    assert_eq!(parsed.subject(), Some("Your booking #7 with Zoë Keys is confirmed"));
    assert!(parsed.body_html(0).unwrap().contains("<b>Friday</b>"));
}
