//! Backup and restore with the catalogue (generated search column, calendar rules) on
//! Postgres: each side gets its own fresh database.
#![allow(clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use headliner_postgres::{PgConfig, PgStore};
use headliner_testkit::contract::{Repos, a_restored_catalogue_is_searchable_and_keeps_its_calendar_rules};
use headliner_testkit::postgres::TestDatabase;

async fn store(database: &TestDatabase) -> PgStore {
    let config =
        PgConfig { url: database.url().to_owned().into(), pool_size: 4, connect_timeout: Duration::from_secs(10) };
    let store = PgStore::connect(config).await.expect("connects");
    store.run_pending_migrations().await.expect("migrates");
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_recomputes_search_and_keeps_the_calendar_rules() {
    let test = "a_restore_recomputes_search_and_keeps_the_calendar_rules";
    let Some(a) = TestDatabase::create_or_skip(test).expect("the test Postgres server is usable") else { return };
    let b = TestDatabase::create(a.admin_url()).expect("second database");
    let (source, target) = (store(&a).await, store(&b).await);
    a_restored_catalogue_is_searchable_and_keeps_its_calendar_rules(
        &Repos::of(source.clone()),
        &source,
        &Repos::of(target.clone()),
        &target,
    )
    .await;
}
