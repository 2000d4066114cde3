use async_trait::async_trait;
use diesel::RunQueryDsl;
use headliner_ports::health::{HealthError, HealthProbe};

use crate::SqliteStore;
use crate::blocking::{BlockingError, with_connection};

#[async_trait]
impl HealthProbe for SqliteStore {
    fn name(&self) -> &'static str {
        "database"
    }

    async fn check(&self) -> Result<(), HealthError> {
        with_connection(&self.pool, |conn| diesel::sql_query("SELECT 1").execute(conn)).await.map(|_| ()).map_err(|e| {
            let source: Box<dyn std::error::Error + Send + Sync> = match e {
                BlockingError::Pool(e) => Box::new(e),
                BlockingError::Join(e) => Box::new(e),
                e @ BlockingError::Busy => Box::new(e),
                BlockingError::Op(e) => Box::new(e),
            };
            HealthError::Unavailable { what: "database", source }
        })
    }
}
