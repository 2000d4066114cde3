//! The repository contract suite (headliner-testkit), run against SQLite: each test gets a
//! fresh database file in its own temporary folder, removed afterwards.
#![allow(clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use headliner_sqlite::{SqliteConfig, SqliteStore};
use headliner_testkit::contract::Repos;

struct Fixture {
    repos: Repos,
    _folder: tempfile::TempDir,
}

impl AsRef<Repos> for Fixture {
    fn as_ref(&self) -> &Repos {
        &self.repos
    }
}

async fn fixture(_test: &str) -> Option<Fixture> {
    let folder = tempfile::tempdir().expect("temporary folder");
    let config = SqliteConfig {
        path: folder.path().join("headliner.db"),
        pool_size: 8,
        connect_timeout: Duration::from_secs(10),
    };
    let store = SqliteStore::connect(config).await.expect("opens");
    store.run_pending_migrations().await.expect("migrates");
    Some(Fixture { repos: Repos::of(store), _folder: folder })
}

headliner_testkit::repository_contract_tests!(fixture);
