//! The outbox relay's one step: claim due messages, do what each says (render and mail an
//! email with the template in force now; release or refund a payment), and record the outcome
//! under the claim's lease. The app runs it in a loop (see `headliner::relay`).
//!
//! - Sent: `mark_sent`, dropping any secret the payload carried (`OutboxPayload::scrubbed`).
//!   A message is sent at most once per claim; a crash between sending and marking means the
//!   lease expires and the message is sent again (at-least-once), with the same Message-ID,
//!   derived from the outbox id, so receivers can drop the duplicate.
//! - Retryable failure (relay or gateway unavailable, template cannot be rendered): the next
//!   attempt waits `base × 2^attempts`, capped at `max_backoff`, times a jitter factor in
//!   [0.5, 1) derived from the message id and attempt (different messages spread out; the same
//!   message and attempt always wait the same, which keeps tests exact).
//! - Permanent failure (the relay rejects the recipient, the gateway declines) or the last
//!   allowed attempt failing: `mark_dead`; an admin can retry it.
//! - `LeaseLost`: another relay took the message over (our lease had expired); its outcome
//!   wins and ours is dropped.

use std::collections::HashMap;
use std::pin::pin;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures_util::future::{self, Either};
use futures_util::stream::{self, StreamExt};
use headliner_domain::ids::OutboxMessageId;
use headliner_domain::templates::{RenderedEmail, TemplateData, TemplateKey, TemplateSource, render};
use headliner_ports::Source;
use headliner_ports::clock::Clock;
use headliner_ports::mailer::{MailError, Mailer, OutgoingEmail};
use headliner_ports::outbox::{ClaimedMessage, OutboxPayload, OutboxRepoError, OutboxRepository, clip_error};
use headliner_ports::payments::{PaymentError, PaymentGateway};
use headliner_ports::templates::TemplateRepository;

use crate::templates::TemplatePorts;
use crate::templates::update::current_template;

/// The ports the relay needs.
#[derive(Clone)]
pub struct RelayPorts {
    pub outbox: Arc<dyn OutboxRepository>,
    pub templates: Arc<dyn TemplateRepository>,
    pub mailer: Arc<dyn Mailer>,
    pub payments: Arc<dyn PaymentGateway>,
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for RelayPorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayPorts").finish_non_exhaustive()
    }
}

/// How the relay claims and retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayPolicy {
    /// How long a claim is ours; longer than the slowest send of a whole batch.
    pub lease: Duration,
    /// Messages claimed at once.
    pub batch: u32,
    /// Attempts before a message is dead (the last failure kills it).
    pub max_attempts: u32,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// Messages of a batch delivered at once (each on its own SMTP connection from the pool).
    pub concurrency: usize,
}

impl Default for RelayPolicy {
    /// Lease 2 min, batches of 20 delivered 8 at a time, 10 attempts, backoff from 10 s
    /// doubling up to 1 h (about 3 hours in all before a message is dead).
    fn default() -> Self {
        Self {
            lease: Duration::minutes(2),
            batch: 20,
            max_attempts: 10,
            base_backoff: Duration::seconds(10),
            max_backoff: Duration::hours(1),
            concurrency: 8,
        }
    }
}

/// What one step did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub claimed: usize,
    pub sent: usize,
    pub failed: usize,
    pub dead: usize,
    /// Outcomes dropped because another relay had taken the message over.
    pub lost: usize,
    /// Claims given back unrecorded because the batch was abandoned (shutdown deadline).
    pub released: usize,
}

/// The Message-ID of an outbox message: stable across retries and relays.
pub fn message_id(message: &ClaimedMessage) -> String {
    format!("<{}@headliner>", message.message.id)
}

/// The wait before attempt `attempts + 1`, for the message `seed` (see the module docs).
pub fn backoff(policy: &RelayPolicy, attempts: u32, seed: u128) -> Duration {
    let exponent = attempts.min(30);
    let full = policy.base_backoff.checked_mul(1 << exponent).unwrap_or(policy.max_backoff).min(policy.max_backoff);
    // A cheap, well-spread hash of (message, attempt): SplitMix64's finaliser.
    let mut x = (seed as u64) ^ ((seed >> 64) as u64) ^ u64::from(attempts).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    let per_mille = 500 + i32::try_from(x % 500).unwrap_or(0);
    full * per_mille / 1000
}

/// Why the step stopped before finishing its batch (only the outbox itself failing).
#[derive(Debug, thiserror::Error)]
#[error("the outbox is unavailable")]
pub struct RelayUnavailable(#[source] pub Source);

enum Outcome {
    Sent,
    Retry(String),
    Dead(String),
}

/// The templates in force for the keys a batch needs, read once per batch (a failed read is
/// the reason its messages are retried).
type Templates = HashMap<TemplateKey, Result<TemplateSource, String>>;

async fn templates_for(ports: &RelayPorts, claims: &[ClaimedMessage]) -> Templates {
    let store = TemplatePorts { templates: ports.templates.clone(), clock: ports.clock.clone() };
    let mut templates = Templates::new();
    for claimed in claims {
        if let OutboxPayload::Email { template, .. } = &claimed.message.payload
            && !templates.contains_key(template)
        {
            let current = current_template(&store, *template).await;
            templates.insert(*template, current.map(|c| c.source).map_err(|e| format!("template store: {e}")));
        }
    }
    templates
}

fn rendered(templates: &Templates, template: TemplateKey, data: &TemplateData) -> Result<RenderedEmail, String> {
    let source = match templates.get(&template) {
        Some(Ok(source)) => source,
        Some(Err(why)) => return Err(why.clone()),
        None => return Err(format!("template {} was not loaded", template.as_str())),
    };
    render(source, data).map_err(|e| format!("template {} does not render: {e}", template.as_str()))
}

async fn deliver(ports: &RelayPorts, templates: &Templates, claimed: &ClaimedMessage) -> Outcome {
    let message = &claimed.message;
    match &message.payload {
        OutboxPayload::Email { to, template, data } => {
            let email = match rendered(templates, *template, data) {
                Ok(email) => email,
                Err(why) => return Outcome::Retry(why),
            };
            let outgoing = OutgoingEmail {
                to: to.clone(),
                subject: email.subject,
                html: email.html,
                text: email.text,
                message_id: message_id(claimed),
            };
            match ports.mailer.send(outgoing).await {
                Ok(()) => Outcome::Sent,
                Err(MailError::Rejected(why)) => Outcome::Dead(format!("rejected by the relay: {why}")),
                Err(MailError::Unavailable(e)) => Outcome::Retry(format!("mail relay unavailable: {}", chain(&*e))),
            }
        }
        OutboxPayload::ReleasePayment { booking_id } => {
            payment(ports.payments.release(*booking_id, format!("booking:{booking_id}:release")).await)
        }
        OutboxPayload::RefundPayment { booking_id, amount } => {
            let key = format!("booking:{booking_id}:refund:{}", message.id);
            payment(ports.payments.refund(*booking_id, *amount, key).await)
        }
    }
}

fn payment(result: Result<(), PaymentError>) -> Outcome {
    match result {
        Ok(()) => Outcome::Sent,
        Err(PaymentError::Declined(why)) => Outcome::Dead(format!("declined by the gateway: {why}")),
        Err(PaymentError::Unavailable(e)) => Outcome::Retry(format!("payment gateway unavailable: {}", chain(&*e))),
    }
}

fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// How one claim ended, as recorded.
enum Tally {
    Sent,
    Failed,
    Dead,
    Lost,
}

/// Delivers one claimed message and records the outcome under its lease.
async fn handle(
    ports: &RelayPorts,
    policy: &RelayPolicy,
    templates: &Templates,
    claimed: ClaimedMessage,
) -> Result<Tally, RelayUnavailable> {
    let id = claimed.message.id;
    let lease = claimed.lease_until;
    let outcome = deliver(ports, templates, &claimed).await;
    let at: DateTime<Utc> = ports.clock.now();
    let recorded = match outcome {
        Outcome::Sent => {
            let scrubbed = claimed.message.payload.scrubbed();
            ports.outbox.mark_sent(id, lease, at, scrubbed).await.map(|()| Tally::Sent)
        }
        Outcome::Retry(why) if claimed.attempts + 1 < policy.max_attempts => {
            let next = at + backoff(policy, claimed.attempts, id.as_uuid().as_u128());
            tracing::warn!(message = %id, attempt = claimed.attempts + 1, retry_at = %next, error = %why,
                "outbox message failed; will retry");
            ports.outbox.mark_failed(id, lease, clip_error(&why), next).await.map(|()| Tally::Failed)
        }
        Outcome::Retry(why) | Outcome::Dead(why) => {
            tracing::error!(message = %id, attempts = claimed.attempts + 1, error = %why, "outbox message is dead");
            ports.outbox.mark_dead(id, lease, clip_error(&why), at).await.map(|()| Tally::Dead)
        }
    };
    match recorded {
        Ok(tally) => Ok(tally),
        Err(OutboxRepoError::LeaseLost | OutboxRepoError::NotFound) => Ok(Tally::Lost),
        Err(e @ (OutboxRepoError::NotDead | OutboxRepoError::Unavailable(_))) => Err(unavailable(e)),
    }
}

/// Claims one batch and handles it. `Ok` with an empty report means nothing was due.
pub async fn relay_batch(ports: &RelayPorts, policy: &RelayPolicy) -> Result<BatchReport, RelayUnavailable> {
    relay_batch_until(ports, policy, std::future::pending()).await
}

/// [`relay_batch`], abandoned when `abandon` completes first: deliveries still in flight are
/// dropped and every claim not yet recorded is released (a message whose sending was cut
/// short may have gone out; it is sent again later with the same Message-ID).
///
/// Up to `policy.concurrency` messages are delivered at once; each outcome is recorded as
/// soon as it is known. When recording fails because the outbox is unavailable, the rest of
/// the batch is still handled and the first such error is returned (those claims expire).
pub async fn relay_batch_until(
    ports: &RelayPorts,
    policy: &RelayPolicy,
    abandon: impl Future<Output = ()>,
) -> Result<BatchReport, RelayUnavailable> {
    let now = ports.clock.now();
    let claims = ports.outbox.claim_due(now, policy.lease, policy.batch).await.map_err(unavailable)?;
    let mut report = BatchReport { claimed: claims.len(), ..BatchReport::default() };
    if claims.is_empty() {
        return Ok(report);
    }
    let templates = templates_for(ports, &claims).await;
    let mut open: HashMap<OutboxMessageId, DateTime<Utc>> =
        claims.iter().map(|c| (c.message.id, c.lease_until)).collect();
    let mut work = stream::iter(claims)
        .map(|claimed| {
            let id = claimed.message.id;
            let templates = &templates;
            async move { (id, handle(ports, policy, templates, claimed).await) }
        })
        .buffer_unordered(policy.concurrency.max(1));
    let mut abandon = pin!(abandon);
    let mut failure = None;
    let mut abandoned = false;
    loop {
        match future::select(work.next(), abandon.as_mut()).await {
            Either::Left((Some((id, result)), _)) => {
                open.remove(&id);
                match result {
                    Ok(Tally::Sent) => report.sent += 1,
                    Ok(Tally::Failed) => report.failed += 1,
                    Ok(Tally::Dead) => report.dead += 1,
                    Ok(Tally::Lost) => report.lost += 1,
                    Err(e) => {
                        failure.get_or_insert(e);
                    }
                }
            }
            Either::Left((None, _)) => break,
            Either::Right(((), _)) => {
                abandoned = true;
                break;
            }
        }
    }
    drop(work);
    if abandoned && !open.is_empty() {
        let claims: Vec<_> = open.into_iter().collect();
        let released = ports.outbox.release(claims).await.map_err(unavailable)?;
        report.released = usize::try_from(released).unwrap_or(usize::MAX);
        tracing::warn!(released = report.released, "outbox relay abandoned its batch; unsent claims released");
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

fn unavailable(e: OutboxRepoError) -> RelayUnavailable {
    RelayUnavailable(Box::new(e))
}

#[cfg(test)]
mod tests;
