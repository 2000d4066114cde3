//! Throw-away PostgreSQL databases: one per test, dropped when the test ends.

use diesel::{Connection, PgConnection, RunQueryDsl};
use url::Url;

/// The environment variable naming the Postgres server tests may use.
pub const TEST_DATABASE_URL_VAR: &str = "HEADLINER_TEST_DATABASE_URL";

/// Why a test database could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TestDbError {
    #[error("{TEST_DATABASE_URL_VAR} is not a usable URL: {0}")]
    BadUrl(#[source] url::ParseError),
    #[error("cannot connect to the server in {TEST_DATABASE_URL_VAR}: {0}")]
    Connect(#[source] diesel::ConnectionError),
    #[error("cannot create or drop a test database: {0}")]
    Query(#[source] diesel::result::Error),
}

/// A database created for one test on the server named by `HEADLINER_TEST_DATABASE_URL`,
/// dropped (with `FORCE`, so lingering pool connections do not keep it alive) on drop.
#[derive(Debug)]
pub struct TestDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TestDatabase {
    /// Creates a fresh database, or returns `None` after announcing that `test` was skipped
    /// because no server was given. A server that is given but unusable is an error, not a skip.
    pub fn create_or_skip(test: &str) -> Result<Option<Self>, TestDbError> {
        match std::env::var(TEST_DATABASE_URL_VAR) {
            Ok(url) if !url.trim().is_empty() => Self::create(&url).map(Some),
            _ => {
                crate::skip::announce(
                    test,
                    &format!("{TEST_DATABASE_URL_VAR} is not set, no Postgres server to test against"),
                );
                Ok(None)
            }
        }
    }

    /// Creates a fresh, empty database on the server at `server_url`.
    pub fn create(server_url: &str) -> Result<Self, TestDbError> {
        // Before libpq's first TLS use, as the app does (see `PgStore::connect`).
        openssl_sys::init();
        let name = format!("headliner_test_{}", uuid::Uuid::new_v4().simple());
        let mut url = Url::parse(server_url).map_err(TestDbError::BadUrl)?;
        let mut admin = PgConnection::establish(server_url).map_err(TestDbError::Connect)?;
        diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut admin).map_err(TestDbError::Query)?;
        url.set_path(&name);
        Ok(Self { admin_url: server_url.to_owned(), name, url: url.into() })
    }

    /// The URL of this test's own database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name, for tests that talk to the server about it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL of the server's maintenance database this one was created from.
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }

    /// Drops the database now, cutting every open connection to it.
    pub fn drop_now(&self) -> Result<(), TestDbError> {
        let mut admin = PgConnection::establish(&self.admin_url).map_err(TestDbError::Connect)?;
        diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name))
            .execute(&mut admin)
            .map_err(TestDbError::Query)?;
        Ok(())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Err(e) = self.drop_now() {
            crate::skip::warn(&format!("could not drop test database {}: {e}", self.name));
        }
    }
}

impl TestDatabase {
    /// Whether a table of that name exists in this database's `public` schema.
    pub fn has_table(&self, table: &str) -> Result<bool, TestDbError> {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = PgConnection::establish(&self.url).map_err(TestDbError::Connect)?;
        let row: Count = diesel::sql_query(
            "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1",
        )
        .bind::<diesel::sql_types::Text, _>(table)
        .get_result(&mut conn)
        .map_err(TestDbError::Query)?;
        Ok(row.n > 0)
    }
}
