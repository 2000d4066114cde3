//! `CelebrityRepository` on Postgres.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use headliner_domain::celebrity::{Category, Celebrity};
use headliner_domain::ids::CelebrityId;
use headliner_ports::celebrities::{CelebrityRepoError, CelebrityRepository};

use crate::PgStore;
use crate::blocking::with_connection;
use crate::errors::DbFailure;
use crate::rows::CelebrityRow;
use crate::schema::{categories, celebrities};

#[async_trait]
impl CelebrityRepository for PgStore {
    async fn get(&self, id: CelebrityId) -> Result<Celebrity, CelebrityRepoError> {
        with_connection(&self.pool, move |conn| {
            let row = celebrities::table.find(id.as_uuid()).select(CelebrityRow::as_select()).first(conn)?;
            Ok(Celebrity::try_from(row)?)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn insert(&self, celebrity: Celebrity) -> Result<(), CelebrityRepoError> {
        let row = CelebrityRow::from(&celebrity);
        with_connection(&self.pool, move |conn| {
            diesel::insert_into(celebrities::table).values(&row).execute(conn)?;
            Ok(())
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn upsert_category(&self, category: Category) -> Result<(), CelebrityRepoError> {
        let created_at: DateTime<Utc> = Utc::now();
        with_connection(&self.pool, move |conn| {
            diesel::insert_into(categories::table)
                .values((
                    categories::slug.eq(category.slug.as_str()),
                    categories::name.eq(&category.name),
                    categories::created_at.eq(created_at),
                ))
                .on_conflict(categories::slug)
                .do_update()
                .set(categories::name.eq(excluded(categories::name)))
                .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }
}
