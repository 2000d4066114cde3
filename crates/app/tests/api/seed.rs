//! `headliner seed --demo` as a newcomer runs it, checked through the repository ports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use headliner::database::Database;
use headliner::seed::{CELEBRITY_COUNT, celebrity_id};
use headliner_domain::booking::{Booking, BookingStatus};
use headliner_domain::role::Role;
use headliner_ports::Repositories;
use headliner_ports::bookings::{BookingQuery, BookingScope};
use headliner_ports::celebrities::CelebrityRepoError;
use headliner_testkit::postgres::TestDatabase;

use crate::helpers::test_settings;

/// `headliner seed --demo` in `dir` (so SQLite lands in `dir/data`), or on `database_url`.
fn seed_demo(dir: &Path, database_url: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_headliner"));
    cmd.current_dir(dir).env_clear().env("HEADLINER_LOG_FORMAT", "json").args(["seed", "--demo"]);
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd.stdin(Stdio::null()).output().expect("the binary runs")
}

async fn open(dir: &Path, database_url: Option<&str>) -> Repositories {
    let settings = test_settings(&dir.join("data"), database_url, &[]);
    Database::open(&settings).await.expect("the seeded store opens").repositories()
}

/// Every booking, through the port, page by page.
async fn all_bookings(repos: &Repositories) -> Vec<Booking> {
    let mut bookings = Vec::new();
    let mut after = None;
    loop {
        let query = BookingQuery {
            scope: BookingScope::All,
            status: None,
            celebrity_id: None,
            from: None,
            to: None,
            limit: 40,
            after,
        };
        let page = repos.bookings.list(query).await.unwrap();
        bookings.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => return bookings,
        }
    }
}

/// Seeds an empty store, checks what a newcomer would see, and checks that a second run is
/// refused with one line.
async fn seeds_once_then_refuses(database_url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let output = seed_demo(dir.path(), database_url);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let logs = String::from_utf8_lossy(&output.stdout);
    assert!(logs.contains("demo data written"), "{logs}");

    let repos = open(dir.path(), database_url).await;

    assert_eq!(celebrity_id(0).to_string(), "5eed0000-0002-8000-8000-000000000001", "ids are deterministic");
    let mut categories = BTreeSet::new();
    let mut currencies = BTreeSet::new();
    let mut readable = 0;
    loop {
        let celebrity = match repos.celebrities.get(celebrity_id(readable)).await {
            Ok(celebrity) => celebrity,
            Err(CelebrityRepoError::NotFound) => break,
            Err(e) => panic!("{e}"),
        };
        readable += 1;
        assert!(!celebrity.bio.is_empty() && celebrity.base_price.amount_minor > 0, "{celebrity:?}");
        categories.insert(celebrity.category);
        currencies.insert(celebrity.base_price.currency.code().to_owned());
        let talent = repos.users.talent_of(celebrity.id).await.unwrap();
        assert_eq!(talent.len(), 1, "one talent account per celebrity");
        // Every demo celebrity has a portrait, stored under the data folder, that decodes.
        let image = repos.celebrities.profile(celebrity.id).await.unwrap().image.expect("a portrait");
        let bytes = std::fs::read(dir.path().join("data/images").join(image.as_str())).expect("the portrait file");
        assert!(image::load_from_memory(&bytes).is_ok_and(|i| i.width() == 256), "{image}");
        assert_eq!((talent[0].role, talent[0].celebrity_id), (Role::Talent, Some(celebrity.id)));
    }
    assert!(readable >= 50, "{readable} celebrities");
    assert_eq!(readable, CELEBRITY_COUNT);
    assert!(categories.len() >= 6, "{categories:?}");
    assert!(currencies.len() >= 3, "{currencies:?}");
    assert!(!repos.users.admins().await.unwrap().is_empty());

    let bookings = all_bookings(&repos).await;
    assert!(bookings.len() >= 50, "{} bookings", bookings.len());
    let ids: BTreeSet<_> = bookings.iter().map(|b| b.id).collect();
    assert_eq!(ids.len(), bookings.len(), "paging neither repeats nor skips");
    let mut by_status = BTreeMap::new();
    for booking in &bookings {
        *by_status.entry(booking.status).or_insert(0) += 1;
        let customer = repos.users.get(booking.customer_id).await.unwrap();
        assert_eq!(customer.role, Role::Customer);

        let trail = repos.bookings.audit_trail(booking.id).await.unwrap();
        assert!(!trail.is_empty(), "{booking:?}");
        assert_eq!((trail[0].from, trail[0].to), (None, BookingStatus::Pending), "{trail:?}");
        assert_eq!(trail[0].at, booking.created_at);
        for pair in trail.windows(2) {
            assert_eq!(pair[1].from, Some(pair[0].to), "{trail:?}");
            assert!(pair[0].at <= pair[1].at, "{trail:?}");
        }
        let last = trail.last().unwrap();
        assert_eq!(last.to, booking.status, "{trail:?}");
        assert_eq!(last.at, booking.updated_at);
        assert_eq!(booking.version, i64::try_from(trail.len()).unwrap(), "one version per change");
    }
    for status in BookingStatus::ALL {
        assert!(by_status.get(&status).is_some_and(|n| *n >= 2), "{status}: {by_status:?}");
    }
    assert!(
        repos.outbox.list(headliner_ports::outbox::OutboxStatus::Pending, 10).await.unwrap().is_empty(),
        "demo data sends no mail"
    );

    let again = seed_demo(dir.path(), database_url);
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("headliner: seeding failed: the database is not empty ("), "{stderr}");
    assert_eq!(all_bookings(&repos).await.len(), bookings.len(), "the refused run wrote nothing");
}

#[tokio::test]
async fn seed_demo_fills_an_empty_sqlite_database_and_refuses_to_run_twice() {
    seeds_once_then_refuses(None).await;
}

#[tokio::test]
async fn seed_demo_fills_an_empty_postgres_database_and_refuses_to_run_twice() {
    let Some(db) =
        TestDatabase::create_or_skip("seed_demo_fills_an_empty_postgres_database_and_refuses_to_run_twice").unwrap()
    else {
        return;
    };
    seeds_once_then_refuses(Some(db.url())).await;
}

#[tokio::test]
async fn seeding_two_empty_databases_gives_the_same_ids_and_statuses() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let dir = tempfile::tempdir().unwrap();
        let output = seed_demo(dir.path(), None);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let repos = open(dir.path(), None).await;
        let mut rows: Vec<_> =
            all_bookings(&repos).await.into_iter().map(|b| (b.id, b.celebrity_id, b.customer_id, b.status)).collect();
        rows.sort();
        runs.push(rows);
    }
    assert_eq!(runs[0], runs[1]);
}
