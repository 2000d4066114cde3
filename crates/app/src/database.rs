//! Opens the store the settings chose and hands out its ports.

use std::sync::Arc;

use headliner_ports::Repositories;
use headliner_ports::backup::BackupStore;
use headliner_ports::health::HealthProbe;
use headliner_postgres::{PgConfig, PgStore};
use headliner_sqlite::{SqliteConfig, SqliteStore};

use crate::config::{DatabaseSettings, Settings};

/// The opened store. Both variants implement the same ports.
#[derive(Debug, Clone)]
pub enum Database {
    Postgres(PgStore),
    Sqlite(SqliteStore),
}

/// Why the store could not be opened or migrated; always names `DATABASE_URL` for the operator.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("DATABASE_URL: cannot reach {target}: {source}")]
    PostgresConnect {
        target: String,
        #[source]
        source: headliner_postgres::ConnectError,
    },
    #[error("DATABASE_URL (or HEADLINER_DATA_DIR): cannot open {target}: {source}")]
    SqliteConnect {
        target: String,
        #[source]
        source: headliner_sqlite::ConnectError,
    },
    #[error("migrating {target} failed: {source}")]
    PostgresMigrate {
        target: String,
        #[source]
        source: headliner_postgres::MigrationError,
    },
    #[error("migrating {target} failed: {source}")]
    SqliteMigrate {
        target: String,
        #[source]
        source: headliner_sqlite::MigrationError,
    },
}

impl Database {
    /// Connects to the configured store; fails fast (bounded by `db_connect_timeout`).
    pub async fn open(settings: &Settings) -> Result<Self, DatabaseError> {
        let target = settings.database.describe();
        match &settings.database {
            DatabaseSettings::Postgres { url } => {
                let config = PgConfig {
                    url: url.clone(),
                    pool_size: settings.db_pool_size,
                    connect_timeout: settings.db_connect_timeout,
                };
                PgStore::connect(config)
                    .await
                    .map(Self::Postgres)
                    .map_err(|source| DatabaseError::PostgresConnect { target, source })
            }
            DatabaseSettings::Sqlite { path } => {
                let config = SqliteConfig {
                    path: path.clone(),
                    pool_size: settings.db_pool_size,
                    connect_timeout: settings.db_connect_timeout,
                };
                SqliteStore::connect(config)
                    .await
                    .map(Self::Sqlite)
                    .map_err(|source| DatabaseError::SqliteConnect { target, source })
            }
        }
    }

    /// Applies pending migrations; returns the versions applied (empty when up to date).
    pub async fn migrate(&self, target: &str) -> Result<Vec<String>, DatabaseError> {
        let target = target.to_owned();
        match self {
            Self::Postgres(store) => {
                store.run_pending_migrations().await.map_err(|source| DatabaseError::PostgresMigrate { target, source })
            }
            Self::Sqlite(store) => {
                store.run_pending_migrations().await.map_err(|source| DatabaseError::SqliteMigrate { target, source })
            }
        }
    }

    /// Every repository port of this store.
    pub fn repositories(&self) -> Repositories {
        match self {
            Self::Postgres(store) => Repositories::of(store.clone()),
            Self::Sqlite(store) => Repositories::of(store.clone()),
        }
    }

    /// The store's backup and restore port.
    pub fn backup_store(&self) -> Arc<dyn BackupStore> {
        match self {
            Self::Postgres(store) => Arc::new(store.clone()),
            Self::Sqlite(store) => Arc::new(store.clone()),
        }
    }

    /// The readiness probe of this store.
    pub fn health_probe(&self) -> Arc<dyn HealthProbe> {
        match self {
            Self::Postgres(store) => Arc::new(store.clone()),
            Self::Sqlite(store) => Arc::new(store.clone()),
        }
    }
}
