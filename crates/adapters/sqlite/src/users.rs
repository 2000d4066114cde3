//! `UserRepository` on SQLite. The unique index on `lower(email)` makes addresses unique
//! case-insensitively (addresses are ASCII, so SQLite's ASCII-only `lower` is enough).

use async_trait::async_trait;
use diesel::prelude::*;
use headliner_domain::ids::{CelebrityId, UserId};
use headliner_domain::user::User;
use headliner_ports::users::{NewAccount, UserRepoError, UserRepository};

use crate::SqliteStore;
use crate::blocking::with_connection;
use crate::errors::DbFailure;
use crate::rows::{NewUserRow, UserRow, id_text};
use crate::schema::users;

fn decode_all(rows: Vec<UserRow>) -> Result<Vec<User>, DbFailure> {
    rows.into_iter().map(|r| User::try_from(r).map_err(DbFailure::from)).collect()
}

#[async_trait]
impl UserRepository for SqliteStore {
    async fn get(&self, id: UserId) -> Result<User, UserRepoError> {
        with_connection(&self.pool, move |conn| {
            let row = users::table.find(id_text(id.as_uuid())).select(UserRow::as_select()).first(conn)?;
            Ok(User::try_from(row)?)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn insert(&self, account: NewAccount) -> Result<(), UserRepoError> {
        let row = NewUserRow::from(account);
        with_connection(&self.pool, move |conn| {
            diesel::insert_into(users::table).values(&row).execute(conn)?;
            Ok(())
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn talent_of(&self, celebrity: CelebrityId) -> Result<Vec<User>, UserRepoError> {
        with_connection(&self.pool, move |conn| {
            let rows = users::table
                .filter(users::celebrity_id.eq(id_text(celebrity.as_uuid())))
                .filter(users::role.eq("talent"))
                .filter(users::disabled.eq(false))
                .order((users::created_at.asc(), users::id.asc()))
                .select(UserRow::as_select())
                .load(conn)?;
            decode_all(rows)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }

    async fn admins(&self) -> Result<Vec<User>, UserRepoError> {
        with_connection(&self.pool, move |conn| {
            let rows = users::table
                // A literal, not a bound value, so the planner can use the partial index
                // `users_admin_idx ... WHERE role = 'admin'` with a generic plan.
                .filter(diesel::dsl::sql::<diesel::sql_types::Bool>("role = 'admin'"))
                .filter(users::disabled.eq(false))
                .order((users::created_at.asc(), users::id.asc()))
                .select(UserRow::as_select())
                .load(conn)?;
            decode_all(rows)
        })
        .await
        .map_err(|e| DbFailure::from(e).into())
    }
}
