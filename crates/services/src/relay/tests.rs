use std::sync::{Arc, Mutex};

use chrono::TimeZone;
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::{BookingId, OutboxMessageId};
use headliner_domain::templates::{PasswordResetEmail, TemplateData, TemplateKey};
use headliner_ports::clock::MockClock;
use headliner_ports::mailer::MockMailer;
use headliner_ports::outbox::{MockOutboxRepository, OutboxMessage};
use headliner_ports::payments::MockPaymentGateway;
use headliner_ports::templates::MockTemplateRepository;
use uuid::Uuid;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap()
}

fn lease() -> DateTime<Utc> {
    now() + Duration::minutes(2)
}

fn reset_email(n: u128, attempts: u32) -> ClaimedMessage {
    let data = TemplateData::PasswordReset(PasswordResetEmail {
        recipient_name: "<b>Jo</b>".into(),
        reset_url: "https://app.example/reset?token=abc".into(),
        expires_in_minutes: 30,
    });
    ClaimedMessage {
        message: OutboxMessage {
            id: OutboxMessageId::from_uuid(Uuid::from_u128(n)),
            created_at: now(),
            booking_id: None,
            payload: OutboxPayload::Email {
                to: EmailAddress::parse("jo@example.com").unwrap(),
                template: TemplateKey::PasswordReset,
                data: Box::new(data),
            },
        },
        attempts,
        lease_until: lease(),
    }
}

struct Mocks {
    outbox: MockOutboxRepository,
    mailer: MockMailer,
    payments: MockPaymentGateway,
}

impl Mocks {
    fn claiming(claims: Vec<ClaimedMessage>) -> Self {
        let mut outbox = MockOutboxRepository::new();
        let claims = Mutex::new(Some(claims));
        outbox
            .expect_claim_due()
            .times(1)
            .returning(move |_, _, _| Ok(claims.lock().unwrap().take().unwrap_or_default()));
        Self { outbox, mailer: MockMailer::new(), payments: MockPaymentGateway::new() }
    }

    fn ports(self) -> RelayPorts {
        let mut templates = MockTemplateRepository::new();
        templates.expect_get().returning(|_| Ok(None));
        let mut clock = MockClock::new();
        clock.expect_now().return_const(now());
        RelayPorts {
            outbox: Arc::new(self.outbox),
            templates: Arc::new(templates),
            mailer: Arc::new(self.mailer),
            payments: Arc::new(self.payments),
            clock: Arc::new(clock),
        }
    }
}

#[tokio::test]
async fn an_email_is_rendered_with_escaped_variables_sent_with_its_stable_id_and_marked_under_its_lease() {
    let mut mocks = Mocks::claiming(vec![reset_email(1, 0)]);
    let seen = Arc::new(Mutex::new(None));
    let store = seen.clone();
    mocks.mailer.expect_send().times(1).returning(move |email| {
        *store.lock().unwrap() = Some(email);
        Ok(())
    });
    mocks
        .outbox
        .expect_mark_sent()
        .withf(|_, lease_until, at, scrubbed| {
            *lease_until == lease()
                && *at == now()
                && scrubbed.as_ref().is_some_and(|p| !format!("{p:?}").contains("token=abc"))
        })
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    let report = relay_batch(&mocks.ports(), &RelayPolicy::default()).await.unwrap();
    assert_eq!(report, BatchReport { claimed: 1, sent: 1, ..BatchReport::default() });
    let email = seen.lock().unwrap().take().unwrap();
    assert_eq!(email.message_id, "<00000000-0000-0000-0000-000000000001@headliner>");
    assert_eq!(email.to.as_str(), "jo@example.com");
    assert!(email.html.contains("&lt;b&gt;Jo&lt;/b&gt;") && !email.html.contains("<b>Jo</b>"), "{}", email.html);
    assert!(email.text.contains("https://app.example/reset?token=abc"));
}

#[tokio::test]
async fn an_unavailable_relay_schedules_a_retry_with_exponential_backoff_and_jitter() {
    let mut mocks = Mocks::claiming(vec![reset_email(2, 3)]);
    mocks.mailer.expect_send().returning(|_| Err(MailError::Unavailable("connection refused".into())));
    let policy = RelayPolicy::default();
    let expected = now() + backoff(&policy, 3, 2);
    mocks
        .outbox
        .expect_mark_failed()
        .withf(move |_, _, error, next| error.contains("connection refused") && *next == expected)
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    let report = relay_batch(&mocks.ports(), &policy).await.unwrap();
    assert_eq!((report.failed, report.sent, report.dead), (1, 0, 0));
}

#[test]
fn backoff_doubles_is_capped_and_jitter_stays_within_half_to_full() {
    let policy = RelayPolicy::default();
    for attempts in 0..20 {
        let full = (policy.base_backoff * 2i32.pow(attempts.min(20))).min(policy.max_backoff);
        for seed in 0..50u128 {
            let wait = backoff(&policy, attempts, seed * 7919);
            assert!(wait >= full / 2 && wait < full, "attempt {attempts}: {wait} vs {full}");
        }
    }
    let spread: std::collections::BTreeSet<_> = (0..100u128).map(|s| backoff(&policy, 4, s)).collect();
    assert!(spread.len() > 50, "different messages wait different times");
    assert_eq!(backoff(&policy, 4, 9), backoff(&policy, 4, 9), "deterministic per message and attempt");
}

#[tokio::test]
async fn the_last_allowed_attempt_and_a_rejection_make_a_message_dead() {
    let policy = RelayPolicy { max_attempts: 4, ..RelayPolicy::default() };
    let mut mocks = Mocks::claiming(vec![reset_email(3, 3), reset_email(4, 0)]);
    mocks.mailer.expect_send().returning(|email| {
        if email.message_id.contains("0003") {
            Err(MailError::Unavailable("timeout".into()))
        } else {
            Err(MailError::Rejected("550 no such user".into()))
        }
    });
    mocks.outbox.expect_mark_dead().times(2).returning(|_, _, _, _| Ok(()));
    let report = relay_batch(&mocks.ports(), &policy).await.unwrap();
    assert_eq!((report.dead, report.failed), (2, 0));
}

#[tokio::test]
async fn an_outcome_for_a_message_another_relay_took_over_is_dropped_not_fatal() {
    let mut mocks = Mocks::claiming(vec![reset_email(5, 0), reset_email(6, 0)]);
    mocks.mailer.expect_send().times(2).returning(|_| Ok(()));
    let mut first = true;
    mocks.outbox.expect_mark_sent().times(2).returning(move |_, _, _, _| {
        let lost = std::mem::replace(&mut first, false);
        if lost { Err(OutboxRepoError::LeaseLost) } else { Ok(()) }
    });
    let report = relay_batch(&mocks.ports(), &RelayPolicy::default()).await.unwrap();
    assert_eq!((report.sent, report.lost), (1, 1));
}

#[tokio::test]
async fn payment_commands_use_stable_idempotency_keys() {
    let booking = BookingId::from_uuid(Uuid::from_u128(0xB00C));
    let mut release = reset_email(7, 0);
    release.message.payload = OutboxPayload::ReleasePayment { booking_id: booking };
    let mut mocks = Mocks::claiming(vec![release]);
    mocks
        .payments
        .expect_release()
        .withf(move |b, key| *b == booking && key == &format!("booking:{booking}:release"))
        .times(1)
        .returning(|_, _| Ok(()));
    mocks.outbox.expect_mark_sent().times(1).returning(|_, _, _, _| Ok(()));
    assert_eq!(relay_batch(&mocks.ports(), &RelayPolicy::default()).await.unwrap().sent, 1);
}

/// Sends the message whose id ends in 1 at once and never finishes any other.
struct HangingMailer;

#[async_trait::async_trait]
impl Mailer for HangingMailer {
    async fn send(&self, email: OutgoingEmail) -> Result<(), MailError> {
        if email.message_id.contains("0001@") { Ok(()) } else { std::future::pending().await }
    }
}

#[tokio::test]
async fn an_abandoned_batch_records_what_finished_and_releases_only_the_rest() {
    let mut mocks = Mocks::claiming(vec![reset_email(1, 0), reset_email(2, 0), reset_email(3, 0)]);
    mocks.outbox.expect_mark_sent().times(1).returning(|_, _, _, _| Ok(()));
    mocks
        .outbox
        .expect_release()
        .withf(|claims| {
            let mut ids: Vec<u128> = claims.iter().map(|(id, _)| id.as_uuid().as_u128()).collect();
            ids.sort_unstable();
            ids == [2, 3] && claims.iter().all(|(_, lease_until)| *lease_until == lease())
        })
        .times(1)
        .returning(|claims| Ok(claims.len() as u64));
    let mut ports = mocks.ports();
    ports.mailer = Arc::new(HangingMailer);
    let abandon = tokio::time::sleep(std::time::Duration::from_millis(50));
    let report = relay_batch_until(&ports, &RelayPolicy::default(), abandon).await.unwrap();
    assert_eq!(report, BatchReport { claimed: 3, sent: 1, released: 2, ..BatchReport::default() });
}

#[tokio::test]
async fn a_batch_reads_each_template_once_however_many_messages_use_it() {
    let mut mocks = Mocks::claiming((10..15).map(|n| reset_email(n, 0)).collect());
    mocks.mailer.expect_send().times(5).returning(|_| Ok(()));
    mocks.outbox.expect_mark_sent().times(5).returning(|_, _, _, _| Ok(()));
    let mut templates = MockTemplateRepository::new();
    templates.expect_get().times(1).returning(|_| Ok(None));
    let mut ports = mocks.ports();
    ports.templates = Arc::new(templates);
    assert_eq!(relay_batch(&ports, &RelayPolicy::default()).await.unwrap().sent, 5);
}
