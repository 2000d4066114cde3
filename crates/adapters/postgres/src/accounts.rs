//! `AccountRepository` on Postgres: credentials, refresh-token families, password resets and
//! admin changes. Each write is one transaction.
//!
//! Every change to an account's tokens first locks that account's `users` row (`FOR NO KEY
//! UPDATE`, which an `UPDATE users` takes too). Under READ COMMITTED a statement only sees
//! rows committed before it started, so without this a revocation (`UPDATE refresh_tokens …`)
//! that waited behind a concurrent rotation would miss the successor that rotation inserted,
//! and that token would outlive a replay, a logout or a password reset. With one lock per
//! account the two run one after the other, and each statement after the lock sees the other's
//! rows. Locks are always taken account first, then tokens, so they cannot deadlock; `NO KEY`
//! leaves foreign-key checks of inserts elsewhere (bookings, tokens) unblocked.

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
use uuid::Uuid;

use crate::PgStore;
use crate::blocking::{BlockingError, with_connection};
use crate::errors::DbFailure;
use crate::outbox::insert_messages;
use crate::rows::{NewUserRow, UserRow};
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
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::pg::Pg))]
struct NewRefreshRow {
    id: Uuid,
    user_id: Uuid,
    family_id: Uuid,
    token_hash: Vec<u8>,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl From<RefreshToken> for NewRefreshRow {
    fn from(t: RefreshToken) -> Self {
        Self {
            id: t.id,
            user_id: t.user_id.as_uuid(),
            family_id: t.family_id,
            token_hash: t.token_hash,
            issued_at: t.issued_at,
            expires_at: t.expires_at,
        }
    }
}

/// The state of a presented refresh token.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::pg::Pg))]
struct PresentedRow {
    id: Uuid,
    user_id: Uuid,
    family_id: Uuid,
    expires_at: DateTime<Utc>,
    spent_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = password_reset_tokens, check_for_backend(diesel::pg::Pg))]
struct NewResetRow {
    token_hash: Vec<u8>,
    user_id: Uuid,
    expires_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

type CredentialsRow = (UserRow, String, i64);

fn credentials((user, password_hash, token_version): CredentialsRow) -> Result<Credentials, DbFailure> {
    Ok(Credentials { user: User::try_from(user)?, password_hash, token_version })
}

/// The account `id`'s credentials (`None`: no such account): the account check of every
/// authenticated request, alone or ahead of the read it guards (`BookingRepository::get_as`).
pub(crate) fn find_credentials(conn: &mut PgConnection, id: UserId) -> Result<Option<Credentials>, DbFailure> {
    let row: Option<CredentialsRow> = users::table
        .find(id.as_uuid())
        .select((UserRow::as_select(), users::password_hash, users::token_version))
        .first(conn)
        .optional()?;
    row.map(credentials).transpose()
}

/// Waits for, and holds until commit, the lock that serialises changes to `user`'s tokens.
/// False if there is no such account.
fn lock_account(conn: &mut PgConnection, user: Uuid) -> Result<bool, DbFailure> {
    let locked: Option<Uuid> = users::table.find(user).select(users::id).for_no_key_update().first(conn).optional()?;
    Ok(locked.is_some())
}

/// The account a refresh token belongs to (a token never changes owner).
fn owner_of(conn: &mut PgConnection, token_hash: &[u8]) -> Result<Option<Uuid>, DbFailure> {
    let owner = refresh_tokens::table.filter(refresh_tokens::token_hash.eq(token_hash)).select(refresh_tokens::user_id);
    Ok(owner.first(conn).optional()?)
}

/// Revokes every token of `family` not revoked yet; the number revoked.
fn raise_token_version(conn: &mut PgConnection, user: Uuid) -> Result<(), DbFailure> {
    diesel::update(users::table.find(user)).set(users::token_version.eq(users::token_version + 1)).execute(conn)?;
    Ok(())
}

fn revoke_family(conn: &mut PgConnection, family: Uuid, now: DateTime<Utc>) -> Result<usize, DbFailure> {
    let live =
        refresh_tokens::table.filter(refresh_tokens::family_id.eq(family)).filter(refresh_tokens::revoked_at.is_null());
    Ok(diesel::update(live).set(refresh_tokens::revoked_at.eq(now)).execute(conn)?)
}

/// Revokes every token of `user` not revoked yet.
fn revoke_all(conn: &mut PgConnection, user: Uuid, now: DateTime<Utc>) -> Result<(), DbFailure> {
    let live =
        refresh_tokens::table.filter(refresh_tokens::user_id.eq(user)).filter(refresh_tokens::revoked_at.is_null());
    diesel::update(live).set(refresh_tokens::revoked_at.eq(now)).execute(conn)?;
    Ok(())
}

#[async_trait]
impl AccountRepository for PgStore {
    async fn register(&self, account: NewAccount, outbox: Vec<OutboxMessage>) -> Result<(), AccountRepoError> {
        let row = NewUserRow::from(account);
        with_connection(&self.pool, move |conn| {
            conn.transaction::<_, DbFailure, _>(|conn| {
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
            // `lower(email) = lower($1)`: the form the unique index `users_email_idx` serves.
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
        with_connection(&self.pool, move |conn| {
            conn.transaction::<_, DbFailure, _>(|conn| {
                let Some(owner) = owner_of(conn, &presented)? else { return Ok(Rotation::Invalid) };
                // A concurrent rotation of the same token waits here until the first commits,
                // then reads the token as spent: the second use is a replay.
                if !lock_account(conn, owner)? {
                    return Ok(Rotation::Invalid);
                }
                let token: Option<PresentedRow> = refresh_tokens::table
                    .filter(refresh_tokens::token_hash.eq(&presented))
                    .select(PresentedRow::as_select())
                    .for_update()
                    .first(conn)
                    .optional()?;
                let Some(token) = token else { return Ok(Rotation::Invalid) };
                let user_id = UserId::from_uuid(token.user_id);
                if token.revoked_at.is_some() {
                    return Ok(Rotation::Invalid);
                }
                if token.spent_at.is_some() {
                    // A replay: the family dies, and so do the access tokens issued so far.
                    revoke_family(conn, token.family_id, now)?;
                    raise_token_version(conn, token.user_id)?;
                    return Ok(Rotation::Reused { user_id });
                }
                if token.expires_at <= now {
                    return Ok(Rotation::Invalid);
                }
                diesel::update(refresh_tokens::table.find(token.id))
                    .set(refresh_tokens::spent_at.eq(now))
                    .execute(conn)?;
                let next = NewRefreshRow { user_id: token.user_id, family_id: token.family_id, ..next.into() };
                diesel::insert_into(refresh_tokens::table).values(&next).execute(conn)?;
                Ok(Rotation::Rotated { user_id })
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
        with_connection(&self.pool, move |conn| {
            conn.transaction::<_, DbFailure, _>(|conn| {
                let family: Option<Uuid> = refresh_tokens::table
                    .filter(refresh_tokens::token_hash.eq(&presented))
                    .filter(refresh_tokens::user_id.eq(user.as_uuid()))
                    .select(refresh_tokens::family_id)
                    .first(conn)
                    .optional()?;
                let Some(family) = family else { return Ok(false) };
                if !lock_account(conn, user.as_uuid())? {
                    return Ok(false);
                }
                let revoked = revoke_family(conn, family, now)? > 0;
                if revoked {
                    // Access tokens cannot be revoked one by one; raising the version ends them
                    // all (other devices refresh once, silently).
                    raise_token_version(conn, user.as_uuid())?;
                }
                Ok(revoked)
            })
        })
        .await
        .map_err(|e| port_error(e, Touches::Token))
    }

    async fn end_all_sessions(&self, user: UserId, now: DateTime<Utc>) -> Result<(), AccountRepoError> {
        with_connection(&self.pool, move |conn| {
            conn.transaction::<_, DbFailure, _>(|conn| {
                // The update takes the account's lock (see the module doc) before the revocation.
                let raised = diesel::update(users::table.find(user.as_uuid()))
                    .set(users::token_version.eq(users::token_version + 1))
                    .execute(conn)?;
                if raised == 0 {
                    return Err(DbFailure::NotFound);
                }
                revoke_all(conn, user.as_uuid(), now)
            })
        })
        .await
        .map_err(|e| port_error(e, Touches::Token))
    }

    async fn create_reset(&self, token: ResetToken, outbox: Vec<OutboxMessage>) -> Result<(), AccountRepoError> {
        let row = NewResetRow {
            token_hash: token.token_hash,
            user_id: token.user_id.as_uuid(),
            expires_at: token.expires_at,
            created_at: token.created_at,
        };
        with_connection(&self.pool, move |conn| {
            conn.transaction::<_, DbFailure, _>(|conn| {
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
        with_connection(&self.pool, move |conn| {
            conn.transaction::<_, DbFailure, _>(|conn| {
                // Check and use in one statement: a concurrent redemption waits for this row,
                // then re-checks `used_at IS NULL` on the committed row and matches nothing.
                let usable = password_reset_tokens::table
                    .filter(password_reset_tokens::token_hash.eq(&token_hash))
                    .filter(password_reset_tokens::used_at.is_null())
                    .filter(password_reset_tokens::expires_at.gt(now));
                let user: Option<Uuid> = diesel::update(usable)
                    .set(password_reset_tokens::used_at.eq(now))
                    .returning(password_reset_tokens::user_id)
                    .get_result(conn)
                    .optional()?;
                let Some(user) = user else { return Ok(None) };
                // The update takes the account's lock (see the module doc) before the revocation.
                let changed = diesel::update(users::table.find(user))
                    .set((
                        users::password_hash.eq(&new_password_hash),
                        users::token_version.eq(users::token_version + 1),
                        users::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                if changed == 0 {
                    return Err(DbFailure::NotFound);
                }
                revoke_all(conn, user, now)?;
                // Any other reset link sent to this account dies with this one.
                diesel::update(
                    password_reset_tokens::table
                        .filter(password_reset_tokens::user_id.eq(user))
                        .filter(password_reset_tokens::used_at.is_null()),
                )
                .set(password_reset_tokens::used_at.eq(now))
                .execute(conn)?;
                Ok(Some(UserId::from_uuid(user)))
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
        with_connection(&self.pool, move |conn| {
            conn.transaction::<_, DbFailure, _>(|conn| {
                let id = id.as_uuid();
                let role = change.role.as_str();
                // The account's lock (see the module doc), and the role it had.
                let before: String = users::table.find(id).select(users::role).for_no_key_update().first(conn)?;
                let row: UserRow = diesel::update(users::table.find(id))
                    .set((
                        users::role.eq(role),
                        users::celebrity_id.eq(change.celebrity_id.map(|c| c.as_uuid())),
                        users::disabled.eq(change.disabled),
                        users::token_version.eq(users::token_version + 1),
                        users::updated_at.eq(now),
                    ))
                    .returning(UserRow::as_returning())
                    .get_result(conn)?;
                if change.disabled || before != role {
                    revoke_all(conn, id, now)?;
                }
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
            if let Some((at, id)) = after {
                // `created_at >= at` bounds the range; the OR alone would only filter.
                q = q
                    .filter(users::created_at.ge(at))
                    .filter(users::created_at.gt(at).or(users::created_at.eq(at).and(users::id.gt(id.as_uuid()))));
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
