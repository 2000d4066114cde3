//! The repository contract suite (headliner-testkit), run against Postgres: each test gets a
//! fresh database on the server named by HEADLINER_TEST_DATABASE_URL, dropped afterwards.
#![allow(clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use headliner_postgres::{PgConfig, PgStore};
use headliner_testkit::contract::Repos;
use headliner_testkit::postgres::TestDatabase;

struct Fixture {
    repos: Repos,
    _database: TestDatabase,
}

impl AsRef<Repos> for Fixture {
    fn as_ref(&self) -> &Repos {
        &self.repos
    }
}

async fn fixture(test: &str) -> Option<Fixture> {
    let database = TestDatabase::create_or_skip(test).expect("the test Postgres server is usable")?;
    let config =
        PgConfig { url: database.url().to_owned().into(), pool_size: 16, connect_timeout: Duration::from_secs(10) };
    let store = PgStore::connect(config).await.expect("connects");
    store.run_pending_migrations().await.expect("migrates");
    Some(Fixture { repos: Repos::of(store), _database: database })
}

headliner_testkit::repository_contract_tests!(fixture);
