//! Rules the schema itself enforces, whatever code talks to it.
#![allow(clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use diesel::{Connection, RunQueryDsl, SqliteConnection};
use headliner_sqlite::{SqliteConfig, SqliteStore};
use headliner_testkit::contract::{Repos, World};

#[tokio::test]
async fn audit_rows_cannot_be_updated_or_deleted() {
    let folder = tempfile::tempdir().expect("folder");
    let path = folder.path().join("headliner.db");
    let config = SqliteConfig { path: path.clone(), pool_size: 2, connect_timeout: Duration::from_secs(10) };
    let store = SqliteStore::connect(config).await.expect("opens");
    store.run_pending_migrations().await.expect("migrates");
    let repos = Repos::of(store);
    let w = World::create(&repos).await;
    repos.bookings.insert(w.booking(w.celebrity, 1, 2), vec![]).await.expect("booked");

    let mut conn = SqliteConnection::establish(path.to_str().expect("utf-8 path")).expect("opens");
    for statement in ["UPDATE booking_events SET reason = 'rewritten'", "DELETE FROM booking_events"] {
        let refused = diesel::sql_query(statement).execute(&mut conn).expect_err(statement);
        assert!(refused.to_string().contains("append-only"), "{statement}: {refused}");
    }
}
