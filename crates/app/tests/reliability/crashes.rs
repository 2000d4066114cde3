//! Crashes and stops of the real binary while it relays a burst of 1000 emails to a real SMTP
//! server (aiosmtpd): SIGKILL five times loses nothing (duplicates counted: at most one batch
//! per kill); SIGTERM under HTTP load answers what it accepted and leaves no claim behind.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use headliner_ports::outbox::OutboxMessage;
use headliner_testkit::postgres::TestDatabase;
use headliner_testkit::skip::note;
use headliner_testkit::smtp::SmtpServer;
use mail_parser::MessageParser;

use crate::helpers::burst;
use crate::server::{Server, open_store};

/// Messages a relay claims at once (`RelayPolicy::default().batch`).
const BATCH: usize = 20;

fn message_ids(received: &[Vec<u8>]) -> Vec<String> {
    received.iter().map(|raw| MessageParser::default().parse(raw).unwrap().message_id().unwrap().to_owned()).collect()
}

/// Waits until `smtp` has `count` distinct messages (or `limit` passes); returns all received.
async fn wait_for_distinct(smtp: &SmtpServer, count: usize, limit: Duration) -> Vec<String> {
    let started = Instant::now();
    loop {
        let ids = message_ids(&smtp.received());
        let distinct: BTreeSet<&String> = ids.iter().collect();
        if distinct.len() >= count || started.elapsed() > limit {
            return ids;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn expected_ids(messages: &[OutboxMessage]) -> BTreeSet<String> {
    messages.iter().map(|m| format!("{}@headliner", m.id)).collect()
}

struct Setup {
    db: TestDatabase,
    smtp: SmtpServer,
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

fn setup(test: &str, lease_secs: &str) -> Option<Setup> {
    let db = TestDatabase::create_or_skip(test).unwrap()?;
    let smtp = SmtpServer::start_or_skip(test, false)?;
    let env = vec![
        ("DATABASE_URL".to_owned(), db.url().to_owned()),
        ("HEADLINER_SMTP_URL".to_owned(), format!("smtp://127.0.0.1:{}?tls=none", smtp.port)),
        ("HEADLINER_OUTBOX_LEASE_SECS".to_owned(), lease_secs.to_owned()),
        ("HEADLINER_CACHE_TTL_SECS".to_owned(), "0".to_owned()),
    ];
    Some(Setup { db, smtp, dir: tempfile::tempdir().unwrap(), env })
}

impl Setup {
    fn start(&self) -> Server {
        let env: Vec<(&str, &str)> = self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Server::start(self.dir.path(), &env)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_five_times_during_a_burst_of_1000_emails_loses_none() {
    // A short lease, so a killed instance's claims are taken over within seconds.
    let Some(setup) = setup("reliability_sigkill_during_a_mail_burst", "2") else { return };
    let mut server = setup.start();
    let messages = burst(1000);
    open_store(setup.db.url()).await.repositories().outbox.enqueue(messages.clone()).await.unwrap();
    let started = Instant::now();
    let mut kills = Vec::new();
    for round in 1..=5 {
        // Kill mid-burst: once another 150 have arrived since the last restart.
        let ids = wait_for_distinct(&setup.smtp, round * 150, Duration::from_secs(60)).await;
        server.kill_hard();
        kills.push(ids.len());
        server = setup.start();
    }
    wait_for_distinct(&setup.smtp, 1000, Duration::from_secs(120)).await;
    let took = started.elapsed();
    // Give a late duplicate, if any, the time to arrive too (the maildir only grows).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let ids = message_ids(&setup.smtp.received());
    let distinct: BTreeSet<String> = ids.iter().cloned().collect();
    let duplicates = ids.len() - distinct.len();
    note(&format!(
        "reliability: SIGKILL x5 during a 1000-email burst: {} of 1000 delivered, 0 lost, {duplicates} duplicates \
         (bound {}), received count at each kill {kills:?}, all delivered {took:.1?} after the burst was queued",
        distinct.len(),
        5 * BATCH
    ));
    assert_eq!(distinct, expected_ids(&messages), "every message arrived: none lost");
    assert!(duplicates <= 5 * BATCH, "at most one in-flight batch per kill is sent twice, got {duplicates}");
    let stats = open_store(setup.db.url()).await.repositories().outbox.stats(chrono::Utc::now()).await.unwrap();
    assert_eq!((stats.sent, stats.pending, stats.dead), (1000, 0, 0), "every row marked sent");
    drop(server);
}

/// What the HTTP load saw.
#[derive(Default)]
struct Load {
    answered: u32,
    not_accepted: u32,
    broken: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_answers_accepted_requests_and_leaves_no_claim_behind() {
    // The default two-minute lease: a claim left behind would hold its mail back that long.
    let Some(setup) = setup("reliability_sigterm_under_load", "120") else { return };
    let server = setup.start();
    let messages = burst(1000);
    open_store(setup.db.url()).await.repositories().outbox.enqueue(messages.clone()).await.unwrap();
    wait_for_distinct(&setup.smtp, 200, Duration::from_secs(60)).await;

    // HTTP load: clients hammering a database-backed read until the server is gone.
    let stop = Arc::new(AtomicBool::new(false));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let mut load = Vec::new();
    for _ in 0..16 {
        let (client, url, stop) =
            (client.clone(), format!("{}/api/v1/celebrities?limit=20", server.address), stop.clone());
        load.push(tokio::spawn(async move {
            let mut tally = Load::default();
            while !stop.load(Ordering::Relaxed) {
                match client.get(&url).send().await {
                    Ok(response) if response.status().as_u16() == 200 => match response.bytes().await {
                        Ok(_) => tally.answered += 1,
                        Err(e) => tally.broken.push(format!("body cut short: {e}")),
                    },
                    Ok(response) => tally.broken.push(format!("status {}", response.status())),
                    // No response started: the connection was refused, or closed by the server
                    // before it read the request (an idle keep-alive connection, or one still in
                    // the kernel's backlog when the listener closed).
                    Err(_) => {
                        tally.not_accepted += 1;
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
            }
            tally
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stopping = Instant::now();
    let status =
        tokio::task::spawn_blocking(move || server.signal_and_wait("TERM", Duration::from_secs(30))).await.unwrap();
    let stopped_in = stopping.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut load_total = Load::default();
    for task in load {
        let tally = task.await.unwrap();
        load_total.answered += tally.answered;
        load_total.not_accepted += tally.not_accepted;
        load_total.broken.extend(tally.broken);
    }
    let Load { answered, not_accepted, broken } = load_total;
    assert!(status.success(), "exit status {status:?}");
    let before_restart = message_ids(&setup.smtp.received()).len();

    // A new instance finishes the burst at once: nothing is held by a stale lease.
    let restarted = Instant::now();
    let server = setup.start();
    wait_for_distinct(&setup.smtp, 1000, Duration::from_secs(60)).await;
    let finished_in = restarted.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let ids = message_ids(&setup.smtp.received());
    let distinct: BTreeSet<String> = ids.iter().cloned().collect();
    note(&format!(
        "reliability: SIGTERM under load: exit 0 in {stopped_in:.1?}; {answered} requests answered 200 in full, \
         {not_accepted} not accepted once stopping (no response begun), {} cut short or failed; {before_restart} of 1000 emails sent before the stop, the \
         rest {finished_in:.1?} after a restart; {} duplicates",
        broken.len(),
        ids.len() - distinct.len()
    ));
    assert!(broken.is_empty(), "every response begun is finished, and nothing but 200: {broken:?}");
    assert!(answered > 0);
    assert_eq!(distinct, expected_ids(&messages), "nothing lost");
    assert_eq!(ids.len(), distinct.len(), "a graceful stop records what it sent: no duplicates");
    assert!(finished_in < Duration::from_secs(60), "no claim was left to expire");
    drop(server);
}
