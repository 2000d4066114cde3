//! Backup and restore with the catalogue (FTS5 index, calendar rules) on SQLite, the
//! schema-version parity that lets archives move between the two stores, and backups holding
//! every table of the schema.
#![allow(clippy::expect_used, reason = "tests fail loudly")]

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use diesel::{Connection, RunQueryDsl, SqliteConnection};
use headliner_ports::backup::{BackupStore, TABLES};
use headliner_sqlite::{SqliteConfig, SqliteStore};
use headliner_testkit::contract::{Repos, a_restored_catalogue_is_searchable_and_keeps_its_calendar_rules};

async fn store(folder: &Path) -> SqliteStore {
    let config =
        SqliteConfig { path: folder.join("headliner.db"), pool_size: 4, connect_timeout: Duration::from_secs(10) };
    let store = SqliteStore::connect(config).await.expect("opens");
    store.run_pending_migrations().await.expect("migrates");
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_rebuilds_the_search_index_through_its_triggers() {
    let (a, b) = (tempfile::tempdir().expect("folder"), tempfile::tempdir().expect("folder"));
    let (source, target) = (store(a.path()).await, store(b.path()).await);
    a_restored_catalogue_is_searchable_and_keeps_its_calendar_rules(
        &Repos::of(source.clone()),
        &source,
        &Repos::of(target.clone()),
        &target,
    )
    .await;

    // The external-content index agrees with the `celebrities` rows it indexes.
    let path = b.path().join("headliner.db");
    let mut conn = SqliteConnection::establish(path.to_str().expect("utf-8 path")).expect("opens");
    diesel::sql_query("INSERT INTO celebrities_fts (celebrities_fts, rank) VALUES ('integrity-check', 1)")
        .execute(&mut conn)
        .expect("the FTS5 index matches its content table");
}

#[tokio::test]
async fn both_stores_have_the_same_schema_versions_so_archives_restore_across_them() {
    let versions = |store: &str| -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../migrations").join(store);
        std::fs::read_dir(&dir)
            .expect("migrations folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().split('_').next().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        versions("sqlite"),
        versions("postgres"),
        "a migration in one store needs one of the same version in the other"
    );
    let store = store(tempfile::tempdir().expect("folder").path()).await;
    let newest = versions("sqlite").into_iter().max().expect("a migration").replace('-', "");
    assert_eq!(store.schema_version().await.expect("version"), newest);
}

#[tokio::test]
async fn backups_cover_every_table_of_the_schema() {
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let folder = tempfile::tempdir().expect("folder");
    store(folder.path()).await;
    let path = folder.path().join("headliner.db");
    let mut conn = SqliteConnection::establish(path.to_str().expect("utf-8 path")).expect("opens");
    // Left out: SQLite's own tables, diesel's migration log, and the FTS5 index (rebuilt by
    // its triggers as a restore inserts `celebrities`).
    let tables: BTreeSet<String> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE 'celebrities_fts%' AND name <> '__diesel_schema_migrations'",
    )
    .load::<Name>(&mut conn)
    .expect("tables")
    .into_iter()
    .map(|t| t.name)
    .collect();
    let backed_up: BTreeSet<String> = TABLES.iter().map(|t| t.name.to_owned()).collect();
    assert_eq!(tables, backed_up, "a table missing from headliner_ports::backup::TABLES is lost by a restore");
}
