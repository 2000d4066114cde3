//! Postgres restarted under load (a private server, so no other test is disturbed): while it
//! is down, database-backed requests get a quick 503, never a 500 and never a hang; once it is
//! back, the app recovers on its own, with no restart of the app.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headliner_testkit::pg_cluster::PrivateCluster;
use headliner_testkit::skip::note;

use crate::server::Server;

/// One request's outcome: when it started (since the load began), its status (0 = no
/// response), how long it took.
type Sample = (Duration, u16, Duration);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_under_load_gives_503s_then_recovers_without_500s_or_hangs() {
    let Some(cluster) = PrivateCluster::start_or_skip("reliability_postgres_restart_under_load") else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = cluster.url();
    let server = Server::start(
        dir.path(),
        &[
            ("DATABASE_URL", &url),
            ("HEADLINER_DB_CONNECT_TIMEOUT_SECS", "2"),
            ("HEADLINER_CACHE_TTL_SECS", "0"),
            ("HEADLINER_OUTBOX_RELAY", "false"),
        ],
    );
    let client = reqwest::Client::builder().timeout(Duration::from_secs(15)).build().unwrap();
    let samples: Arc<Mutex<Vec<Sample>>> = Arc::default();
    let began = Instant::now();
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut load = Vec::new();
    for n in 0..8 {
        let path = if n % 2 == 0 { "/api/v1/celebrities?limit=20" } else { "/api/v1/categories" };
        let (client, url, samples, running) =
            (client.clone(), format!("{}{path}", server.address), samples.clone(), running.clone());
        load.push(tokio::spawn(async move {
            while running.load(std::sync::atomic::Ordering::Relaxed) {
                let started = Instant::now();
                let status = match client.get(&url).send().await {
                    Ok(response) => response.status().as_u16(),
                    Err(_) => 0,
                };
                samples.lock().unwrap().push((started - began, status, started.elapsed()));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let stopped_at = began.elapsed();
    let cluster = Arc::new(cluster);
    let pg = cluster.clone();
    tokio::task::spawn_blocking(move || pg.stop()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let restarted_at = began.elapsed();
    let pg = cluster.clone();
    tokio::task::spawn_blocking(move || pg.start()).await.unwrap();
    // Run on until the app has answered 200 for a whole second, at most 20 s.
    let recovered_at = loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = began.elapsed();
        let samples = samples.lock().unwrap();
        let recent: Vec<&Sample> = samples.iter().filter(|s| s.0 + Duration::from_secs(1) >= now).collect();
        if now > restarted_at + Duration::from_secs(1) && !recent.is_empty() && recent.iter().all(|s| s.1 == 200) {
            break samples.iter().filter(|s| s.0 >= restarted_at && s.1 == 200).map(|s| s.0).min();
        }
        assert!(now < restarted_at + Duration::from_secs(20), "the app did not recover within 20 s of Postgres");
    };
    running.store(false, std::sync::atomic::Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }
    let samples = samples.lock().unwrap().clone();
    let during: Vec<&Sample> = samples.iter().filter(|s| s.0 > stopped_at && s.0 < restarted_at).collect();
    let count = |status: u16| samples.iter().filter(|s| s.1 == status).count();
    let slowest = samples.iter().map(|s| s.2).max().unwrap();
    let recovered_in = recovered_at.map(|at| at - restarted_at);
    note(&format!(
        "reliability: Postgres restarted under load: {} requests; 200: {}, 503: {}, other: {}; {} during the \
         4 s outage ({} of them 503); slowest answer {slowest:.2?}; first 200 {recovered_in:.2?} after Postgres \
         was back",
        samples.len(),
        count(200),
        count(503),
        samples.len() - count(200) - count(503),
        during.len(),
        during.iter().filter(|s| s.1 == 503).count(),
    ));
    let odd: Vec<&Sample> = samples.iter().filter(|s| s.1 != 200 && s.1 != 503).collect();
    assert!(odd.is_empty(), "only 200 or 503, never a 500 or a dropped connection: {odd:?}");
    assert!(during.iter().any(|s| s.1 == 503), "the outage is reported as 503");
    assert!(slowest < Duration::from_secs(5), "no request hangs: slowest {slowest:?}");
    drop(server);
}
