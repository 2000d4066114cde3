//! Rules the schema itself enforces, whatever code talks to it.
#![allow(clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use headliner_postgres::{PgConfig, PgStore};
use headliner_testkit::contract::{Repos, World};
use headliner_testkit::postgres::TestDatabase;

#[tokio::test]
async fn audit_rows_cannot_be_updated_deleted_or_truncated() {
    let Some(db) = TestDatabase::create_or_skip("audit_rows_cannot_be_updated_deleted_or_truncated").expect("server")
    else {
        return;
    };
    let config = PgConfig { url: db.url().to_owned().into(), pool_size: 2, connect_timeout: Duration::from_secs(10) };
    let store = PgStore::connect(config).await.expect("connects");
    store.run_pending_migrations().await.expect("migrates");
    let repos = Repos::of(store);
    let w = World::create(&repos).await;
    repos.bookings.insert(w.booking(w.celebrity, 1, 2), vec![]).await.expect("booked");

    let mut conn = PgConnection::establish(db.url()).expect("connects");
    for statement in [
        "UPDATE booking_events SET reason = 'rewritten'",
        "DELETE FROM booking_events",
        "TRUNCATE booking_events CASCADE",
    ] {
        let refused = diesel::sql_query(statement).execute(&mut conn).expect_err(statement);
        assert!(refused.to_string().contains("append-only"), "{statement}: {refused}");
    }
    let remaining: i64 =
        diesel::dsl::select(diesel::dsl::sql::<diesel::sql_types::BigInt>("(SELECT count(*) FROM booking_events)"))
            .get_result(&mut conn)
            .expect("count");
    assert_eq!(remaining, 1);
}
