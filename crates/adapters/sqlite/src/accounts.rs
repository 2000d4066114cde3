//! `AccountRepository` on SQLite: credentials, refresh-token families, password resets and
//! admin changes. Each write is one IMMEDIATE transaction: it takes the database's write lock
//! before reading, so a concurrent use of the same token waits, then reads what the first one
//! committed. Email addresses are ASCII, so SQLite's ASCII-only `lower` matches Postgres'.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::UserId;
use headliner_domain::user::User;
use headliner_ports::Source;
use headliner_ports::accounts::{
    AccessChange, AccountRepoError, AccountRepository, Credentials, RefreshToken, ResetToken, Rotation, UserPage,
};
use headliner_ports::outbox::OutboxMessage;
use headliner_ports::users::NewAccount;

use crate::SqliteStore;
use crate::blocking::{BlockingError, with_connection};
use crate::errors::DbFailure;
use crate::outbox::insert_messages;
use crate::rows::{NewUserRow, UserRow, id_text, micros, uuid};
use crate::schema::{password_reset_tokens, refresh_tokens, users};

diesel::define_sql_function! {
    /// SQL `lower(text)`, the expression `users_email_idx` indexes.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Which rows a write touches decides what a refused key means.
#[derive(Debug, Clone, Copy)]
enum Touches {
    /// A `users` row: a taken key is the email, a missing reference the celebrity.
    Account,
    /// A token row: a missing reference is the account, a taken key a colliding hash or id.
    Token,
}

/// A CHECK constraint refused an account row, e.g. a celebrity link on a non-talent account:
/// the use case should have refused it first, so this is a bug, reported as unavailable.
#[derive(Debug, thiserror::Error)]
#[error("the account store refused a row its schema forbids (a celebrity link is allowed only on talent accounts)")]
struct RefusedByCheck(#[source] Source);

fn port_error(e: BlockingError<DbFailure>, touches: Touches) -> AccountRepoError {
    match DbFailure::from(e) {
        DbFailure::NotFound => AccountRepoError::NotFound,
        DbFailure::Unique => match touches {
            Touches::Account => AccountRepoError::EmailTaken,
            Touches::Token => AccountRepoError::Unavailable("a token with this hash or id is stored already".into()),
        },
        DbFailure::MissingReference => match touches {
            Touches::Account => AccountRepoError::UnknownCelebrity,
            Touches::Token => AccountRepoError::NotFound,
        },
        DbFailure::Check(source) => AccountRepoError::Unavailable(Box::new(RefusedByCheck(source))),
        e @ (DbFailure::Overlap | DbFailure::VersionMismatch) => {
            AccountRepoError::Unavailable(format!("account write refused: {e:?}").into())
        }
        DbFailure::Other(source) => AccountRepoError::Unavailable(source),
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_default_value = false)]
struct NewRefreshRow {
    id: String,
    user_id: String,
    family_id: String,
    token_hash: Vec<u8>,
    issued_at: i64,
    expires_at: i64,
}

impl From<RefreshToken> for NewRefreshRow {
    fn from(t: RefreshToken) -> Self {
        Self {
            id: id_text(t.id),
            user_id: id_text(t.user_id.as_uuid()),
            family_id: id_text(t.family_id),
            token_hash: t.token_hash,
            issued_at: micros(t.issued_at),
            expires_at: micros(t.expires_at),
        }
    }
}

/// The state of a presented refresh token.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::sqlite::Sqlite))]
struct PresentedRow {
    id: String,
    user_id: String,
    family_id: String,
    expires_at: i64,
    spent_at: Option<i64>,
    revoked_at: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = password_reset_tokens, check_for_backend(diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_default_value = false)]
struct NewResetRow {
    token_hash: Vec<u8>,
    user_id: String,
    expires_at: i64,
    created_at: i64,
}

type CredentialsRow = (UserRow, String, i64);

fn credentials((user, password_hash, token_version): CredentialsRow) -> Result<Credentials, DbFailure> {
    Ok(Credentials { user: User::try_from(user)?, password_hash, token_version })
}

/// The account `id`'s credentials (`None`: no such account): the account check of every
/// authenticated request, alone or ahead of the read it guards (`BookingRepository::get_as`).
pub(crate) fn find_credentials(conn: &mut SqliteConnection, id: UserId) -> Result<Option<Credentials>, DbFailure> {
    let row: Option<CredentialsRow> = users::table
        .find(id_text(id.as_uuid()))
        .select((UserRow::as_select(), users::password_hash, users::token_version))
        .first(conn)
        .optional()?;
    row.map(credentials).transpose()
}

fn user_id(text: &str) -> Result<UserId, DbFailure> {
    Ok(UserId::from_uuid(uuid("token user id", text)?))
}

/// Revokes every token of `family` not revoked yet; the number revoked.
fn raise_token_version(conn: &mut SqliteConnection, user: &str) -> Result<(), DbFailure> {
    diesel::update(users::table.find(user)).set(users::token_version.eq(users::token_version + 1)).execute(conn)?;
    Ok(())
}

fn revoke_family(conn: &mut SqliteConnection, family: &str, now: i64) -> Result<usize, DbFailure> {
    let live =
        refresh_tokens::table.filter(refresh_tokens::family_id.eq(family)).filter(refresh_tokens::revoked_at.is_null());
    Ok(diesel::update(live).set(refresh_tokens::revoked_at.eq(now)).execute(conn)?)
}

/// Revokes every token of `user` not revoked yet.
fn revoke_all(conn: &mut SqliteConnection, user: &str, now: i64) -> Result<(), DbFailure> {
    let live =
        refresh_tokens::table.filter(refresh_tokens::user_id.eq(user)).filter(refresh_tokens::revoked_at.is_null());
    diesel::update(live).set(refresh_tokens::revoked_at.eq(now)).execute(conn)?;
    Ok(())
}

#[async_trait]
impl AccountRepository for SqliteStore {
    async fn register(&self, account: NewAccount, outbox: Vec<OutboxMessage>) -> Result<(), AccountRepoError> {
        let row = NewUserRow::from(account);
        with_connection(&self.pool, move |conn| {
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                diesel::insert_into(users::table).values(&row).execute(conn)?;
                insert_messages(conn, &outbox)
            })
        })
        .await
        .map_err(|e| port_error(e, Touches::Account))
    }

    async fn credentials_by_email(&self, email: &EmailAddress) -> Result<Option<Credentials>, AccountRepoError> {
        let email = email.as_str().to_owned();
        with_connection(&self.pool, move |conn| {
            // `lower(email) = lower(?)`: the expression the unique index `users_email_idx` holds.
            let row: Option<CredentialsRow> = users::table
                .filter(lower(users::email).eq(lower(email)))
                .select((UserRow::as_select(), users::password_hash, users::token_version))
                .first(conn)
                .optional()?;
            row.map(credentials).transpose()
        })
        .await
        .map_err(|e| port_error(e, Touches::Account))
    }

    async fn credentials(&self, id: UserId) -> Result<Credentials, AccountRepoError> {
        with_connection(&self.pool, move |conn| find_credentials(conn, id)?.ok_or(DbFailure::NotFound))
            .await
            .map_err(|e| port_error(e, Touches::Account))
    }

    async fn start_session(&self, token: RefreshToken) -> Result<(), AccountRepoError> {
        let row = NewRefreshRow::from(token);
        with_connection(&self.pool, move |conn| {
            diesel::insert_into(refresh_tokens::table).values(&row).execute(conn)?;
            Ok(())
        })
        .await
        .map_err(|e| port_error(e, Touches::Token))
    }

    async fn rotate_session(
        &self,
        presented: Vec<u8>,
        next: RefreshToken,
        now: DateTime<Utc>,
    ) -> Result<Rotation, AccountRepoError> {
        let now = micros(now);
        with_connection(&self.pool, move |conn| {
            // IMMEDIATE: a concurrent rotation of the same token waits for the write lock until
            // the first commits, then reads the token as spent: the second use is a replay.
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                let token: Option<PresentedRow> = refresh_tokens::table
                    .filter(refresh_tokens::token_hash.eq(&presented))
                    .select(PresentedRow::as_select())
                    .first(conn)
                    .optional()?;
                let Some(token) = token else { return Ok(Rotation::Invalid) };
                let user = user_id(&token.user_id)?;
                if token.revoked_at.is_some() {
                    return Ok(Rotation::Invalid);
                }
                if token.spent_at.is_some() {
                    // A replay: the family dies, and so do the access tokens issued so far.
                    revoke_family(conn, &token.family_id, now)?;
                    raise_token_version(conn, &token.user_id)?;
                    return Ok(Rotation::Reused { user_id: user });
                }
                if token.expires_at <= now {
                    return Ok(Rotation::Invalid);
                }
                diesel::update(refresh_tokens::table.find(&token.id))
                    .set(refresh_tokens::spent_at.eq(now))
                    .execute(conn)?;
                let next = NewRefreshRow { user_id: token.user_id, family_id: token.family_id, ..next.into() };
                diesel::insert_into(refresh_tokens::table).values(&next).execute(conn)?;
                Ok(Rotation::Rotated { user_id: user })
            })
        })
        .await
        .map_err(|e| port_error(e, Touches::Token))
    }

    async fn end_session(
        &self,
        user: UserId,
        presented: Vec<u8>,
        now: DateTime<Utc>,
    ) -> Result<bool, AccountRepoError> {
        let (user, now) = (id_text(user.as_uuid()), micros(now));
        with_connection(&self.pool, move |conn| {
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                let family: Option<String> = refresh_tokens::table
                    .filter(refresh_tokens::token_hash.eq(&presented))
                    .filter(refresh_tokens::user_id.eq(&user))
                    .select(refresh_tokens::family_id)
                    .first(conn)
                    .optional()?;
                let Some(family) = family else { return Ok(false) };
                let revoked = revoke_family(conn, &family, now)? > 0;
                if revoked {
                    // Access tokens cannot be revoked one by one; raising the version ends them
                    // all (other devices refresh once, silently).
                    raise_token_version(conn, &user)?;
                }
                Ok(revoked)
            })
        })
        .await
        .map_err(|e| port_error(e, Touches::Token))
    }

    async fn end_all_sessions(&self, user: UserId, now: DateTime<Utc>) -> Result<(), AccountRepoError> {
        let (user, now) = (id_text(user.as_uuid()), micros(now));
        with_connection(&self.pool, move |conn| {
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                let raised = diesel::update(users::table.find(&user))
                    .set(users::token_version.eq(users::token_version + 1))
                    .execute(conn)?;
                if raised == 0 {
                    return Err(DbFailure::NotFound);
                }
                revoke_all(conn, &user, now)
            })
        })
        .await
        .map_err(|e| port_error(e, Touches::Token))
    }

    async fn create_reset(&self, token: ResetToken, outbox: Vec<OutboxMessage>) -> Result<(), AccountRepoError> {
        let row = NewResetRow {
            token_hash: token.token_hash,
            user_id: id_text(token.user_id.as_uuid()),
            expires_at: micros(token.expires_at),
            created_at: micros(token.created_at),
        };
        with_connection(&self.pool, move |conn| {
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                diesel::insert_into(password_reset_tokens::table).values(&row).execute(conn)?;
                insert_messages(conn, &outbox)
            })
        })
        .await
        .map_err(|e| port_error(e, Touches::Token))
    }

    async fn redeem_reset(
        &self,
        token_hash: Vec<u8>,
        new_password_hash: String,
        now: DateTime<Utc>,
    ) -> Result<Option<UserId>, AccountRepoError> {
        let now = micros(now);
        with_connection(&self.pool, move |conn| {
            // IMMEDIATE: a concurrent redemption of the same token waits, then reads it as used.
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                let usable = password_reset_tokens::table
                    .filter(password_reset_tokens::token_hash.eq(&token_hash))
                    .filter(password_reset_tokens::used_at.is_null())
                    .filter(password_reset_tokens::expires_at.gt(now));
                let user: Option<String> = usable.select(password_reset_tokens::user_id).first(conn).optional()?;
                let Some(user) = user else { return Ok(None) };
                diesel::update(usable).set(password_reset_tokens::used_at.eq(now)).execute(conn)?;
                let changed = diesel::update(users::table.find(&user))
                    .set((
                        users::password_hash.eq(&new_password_hash),
                        users::token_version.eq(users::token_version + 1),
                        users::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                if changed == 0 {
                    return Err(DbFailure::NotFound);
                }
                revoke_all(conn, &user, now)?;
                // Any other reset link sent to this account dies with this one.
                diesel::update(
                    password_reset_tokens::table
                        .filter(password_reset_tokens::user_id.eq(&user))
                        .filter(password_reset_tokens::used_at.is_null()),
                )
                .set(password_reset_tokens::used_at.eq(now))
                .execute(conn)?;
                Ok(Some(user_id(&user)?))
            })
        })
        .await
        .map_err(|e| port_error(e, Touches::Token))
    }

    async fn change_access(
        &self,
        id: UserId,
        change: AccessChange,
        now: DateTime<Utc>,
    ) -> Result<User, AccountRepoError> {
        let (id, now) = (id_text(id.as_uuid()), micros(now));
        with_connection(&self.pool, move |conn| {
            conn.immediate_transaction::<_, DbFailure, _>(|conn| {
                let role = change.role.as_str();
                let before: String = users::table.find(&id).select(users::role).first(conn)?;
                diesel::update(users::table.find(&id))
                    .set((
                        users::role.eq(role),
                        users::celebrity_id.eq(change.celebrity_id.map(|c| id_text(c.as_uuid()))),
                        users::disabled.eq(change.disabled),
                        users::token_version.eq(users::token_version + 1),
                        users::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                if change.disabled || before != role {
                    revoke_all(conn, &id, now)?;
                }
                let row: UserRow = users::table.find(&id).select(UserRow::as_select()).first(conn)?;
                Ok(User::try_from(row)?)
            })
        })
        .await
        .map_err(|e| port_error(e, Touches::Account))
    }

    async fn list_users(
        &self,
        after: Option<(DateTime<Utc>, UserId)>,
        limit: u32,
    ) -> Result<UserPage, AccountRepoError> {
        with_connection(&self.pool, move |conn| {
            let mut q = users::table.select(UserRow::as_select()).into_boxed();
            // Ids are lower-case hyphenated hex of fixed width, so their text order is the
            // UUID order, the same order `ORDER BY id` uses below.
            if let Some((at, id)) = after {
                let (at, id) = (micros(at), id_text(id.as_uuid()));
                // `created_at >= at` bounds the range; the OR alone would only filter.
                q = q
                    .filter(users::created_at.ge(at))
                    .filter(users::created_at.gt(at).or(users::created_at.eq(at).and(users::id.gt(id))));
            }
            let limit = i64::from(limit.max(1));
            let rows: Vec<UserRow> = q.order((users::created_at.asc(), users::id.asc())).limit(limit + 1).load(conn)?;
            let more = rows.len() as i64 > limit;
            let items = rows
                .into_iter()
                .take(limit as usize)
                .map(|r| User::try_from(r).map_err(DbFailure::from))
                .collect::<Result<Vec<_>, _>>()?;
            let next = if more { items.last().map(|u| (u.created_at, u.id)) } else { None };
            Ok(UserPage { items, next })
        })
        .await
        .map_err(|e| port_error(e, Touches::Account))
    }
}
