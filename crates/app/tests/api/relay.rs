//! The outbox relay inside `serve`, against a real SMTP server on loopback (aiosmtpd): a
//! committed email arrives rendered and escaped, with the Message-ID of its outbox row; two
//! instances on one Postgres drain one outbox without sending anything twice.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use headliner::startup::Application;
use headliner_ports::outbox::OutboxStatus;
use headliner_testkit::smtp::SmtpServer;
use mail_parser::MessageParser;

use crate::helpers::{Store, burst, postgres_or_skip, spawn_app_with, test_settings};

/// Waits until `smtp` holds `count` messages (or fails after `limit`).
async fn wait_for(smtp: &SmtpServer, count: usize, limit: Duration) -> Vec<Vec<u8>> {
    let started = Instant::now();
    loop {
        let received = smtp.received();
        if received.len() >= count || started.elapsed() > limit {
            return received;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_committed_email_reaches_a_real_smtp_server_rendered_escaped_and_with_its_outbox_id() {
    let Some(smtp) = SmtpServer::start_or_skip("relay_sends_through_smtp", false) else { return };
    let url = format!("smtp://127.0.0.1:{}?tls=none", smtp.port);
    let app =
        spawn_app_with(Store::Sqlite, &[("HEADLINER_SMTP_URL", &url), ("HEADLINER_OUTBOX_RELAY", "true")], None).await;
    let response = app.register("jo@example.com", crate::helpers::PASSWORD, "Jo <b>&</b>").await;
    assert_eq!(response.status().as_u16(), 201);

    let received = wait_for(&smtp, 1, Duration::from_secs(15)).await;
    assert_eq!(received.len(), 1, "the welcome email");
    let message = MessageParser::default().parse(&received[0]).unwrap();
    assert_eq!(message.to().and_then(|a| a.first()).and_then(|a| a.address()), Some("jo@example.com"));
    let html = message.body_html(0).unwrap();
    assert!(html.contains("Jo &lt;b&gt;&amp;&lt;/b&gt;") && !html.contains("<b>&</b>"), "{html}");
    assert!(message.body_text(0).unwrap().contains("Jo <b>&</b>"), "the text part is plain text");

    // The outbox row is marked sent, and the Message-ID names it.
    let sent = app.database.repositories().outbox.list(OutboxStatus::Sent, 10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(message.message_id(), Some(format!("{}@headliner", sent[0].id).as_str()));
    // The admin view counts it, for this instance's relay too.
    let admin = app.account_with_role("admin@example.com", headliner_domain::role::Role::Admin).await;
    let stats = app.call(reqwest::Method::GET, "/api/v1/admin/outbox/stats", None, Some(&admin.access), &[]).await;
    let stats: serde_json::Value = stats.json().await.unwrap();
    assert!(
        stats["sent"].as_u64().is_some_and(|n| n >= 1) && stats["relay"]["sent"].as_u64().is_some_and(|n| n >= 1),
        "{stats}"
    );
}

#[tokio::test]
async fn two_instances_on_one_postgres_drain_one_outbox_without_sending_anything_twice() {
    let Some(smtp) = SmtpServer::start_or_skip("relay_two_instances_on_postgres", false) else { return };
    let Some(store) = postgres_or_skip("relay_two_instances_on_postgres") else { return };
    let url = format!("smtp://127.0.0.1:{}?tls=none", smtp.port);
    let relay_on = [("HEADLINER_SMTP_URL", url.as_str()), ("HEADLINER_OUTBOX_RELAY", "true")];
    let first = spawn_app_with(store, &relay_on, None).await;
    // A second instance on the same database, with its own data folder.
    let database_url = first.postgres.as_ref().unwrap().url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let second = Application::build(&test_settings(dir.path(), Some(&database_url), &relay_on), None).await.unwrap();
    let second_counters = second.relay_counters().unwrap();
    let second_handle = second.handle();
    let second_server = tokio::spawn(second.run_until_stopped());

    let messages = burst(300);
    first.database.repositories().outbox.enqueue(messages.clone()).await.unwrap();
    let started = Instant::now();
    let received = wait_for(&smtp, 300, Duration::from_secs(60)).await;
    let took = started.elapsed();
    // Give a duplicate, if there were one, time to arrive too.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = if smtp.received().len() > received.len() { smtp.received() } else { received };

    let ids: BTreeSet<String> = received
        .iter()
        .map(|raw| MessageParser::default().parse(raw).unwrap().message_id().unwrap().to_owned())
        .collect();
    assert_eq!(received.len(), 300, "every message once, none twice");
    assert_eq!(ids.len(), 300);
    let expected: BTreeSet<String> = messages.iter().map(|m| format!("{}@headliner", m.id)).collect();
    assert_eq!(ids, expected);
    let by_second = second_counters.sent.load(std::sync::atomic::Ordering::Relaxed);
    headliner_testkit::skip::note(&format!(
        "relay: two instances delivered 300 emails into aiosmtpd in {took:.2?} ({:.0} messages/s; the second sent \
         {by_second})",
        300.0 / took.as_secs_f64()
    ));
    second_handle.stop(true).await;
    second_server.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_burst_of_1000_waits_out_an_smtp_outage_and_is_delivered_once_with_bounded_attempts() {
    // The relay's address, with nothing listening yet: the outage.
    let port = headliner_testkit::smtp::free_port();
    let url = format!("smtp://127.0.0.1:{port}?tls=none");
    let app =
        spawn_app_with(Store::Sqlite, &[("HEADLINER_SMTP_URL", &url), ("HEADLINER_OUTBOX_RELAY", "true")], None).await;
    let messages = burst(1000);
    app.database.repositories().outbox.enqueue(messages.clone()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let outbox = app.database.repositories().outbox;
    let during = outbox.stats(chrono::Utc::now()).await.unwrap();
    assert_eq!((during.sent, during.dead), (0, 0), "nothing sent, nothing given up while the relay is down");
    // The relay comes back on the same address.
    let Some(smtp) = SmtpServer::start_on_or_skip("relay_survives_an_smtp_outage", false, port) else { return };
    let started = Instant::now();
    let received = wait_for(&smtp, 1000, Duration::from_secs(120)).await;
    let delivered_after = started.elapsed();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received = if smtp.received().len() > received.len() { smtp.received() } else { received };
    let ids: BTreeSet<String> = received
        .iter()
        .map(|raw| MessageParser::default().parse(raw).unwrap().message_id().unwrap().to_owned())
        .collect();
    assert_eq!((received.len(), ids.len()), (1000, 1000), "every message, once");

    // Attempts stayed bounded: no message was tried more than a few times (no busy loop).
    let mut attempts = Vec::new();
    let mut after = None;
    loop {
        let page = outbox.list_details(OutboxStatus::Sent, 100, after).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some((last.message.created_at, last.message.id));
        attempts.extend(page.iter().map(|e| e.attempts));
    }
    assert_eq!(attempts.len(), 1000);
    let most = attempts.iter().max().copied().unwrap();
    let total: u32 = attempts.iter().sum();
    eprintln!(
        "outage test: delivered 1000 in {delivered_after:?} after the relay returned; attempts: total {total}, most {most}"
    );
    assert!(most <= 4, "at most a few attempts per message, got {most}");
}
