//! Backup and restore with the catalogue (generated search column, calendar rules) on
//! Postgres: each side gets its own fresh database. Backups hold every table of the schema.
#![allow(clippy::expect_used, reason = "tests fail loudly")]

use std::collections::BTreeSet;
use std::time::Duration;

use headliner_ports::backup::TABLES;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_cover_every_table_of_the_schema() {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
    }
    let test = "backups_cover_every_table_of_the_schema";
    let Some(database) = TestDatabase::create_or_skip(test).expect("the test Postgres server is usable") else {
        return;
    };
    drop(store(&database).await);
    let mut conn = PgConnection::establish(database.url()).expect("connects");
    let tables: BTreeSet<String> = diesel::sql_query(
        "SELECT table_name::text AS table_name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '__diesel_schema_migrations'",
    )
    .load::<Name>(&mut conn)
    .expect("tables")
    .into_iter()
    .map(|t| t.table_name)
    .collect();
    let backed_up: BTreeSet<String> = TABLES.iter().map(|t| t.name.to_owned()).collect();
    assert_eq!(tables, backed_up, "a table missing from headliner_ports::backup::TABLES is lost by a restore");
}
