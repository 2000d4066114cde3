//! Admin user management: list accounts, change roles, link talent, disable.

use chrono::{DateTime, Utc};
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::UserId;
use headliner_domain::role::{Actor, Role};
use headliner_domain::user::User;
use headliner_ports::accounts::{AccessChange, AccountRepoError, UserPage};
use headliner_ports::users::NewAccount;

use super::register::{FieldProblem, check_display_name};

use super::{AccountPorts, Unavailable, password};

#[derive(Debug, thiserror::Error)]
pub enum AdminUsersError {
    /// Only admins manage accounts (deny by default).
    #[error("only admins may manage accounts")]
    Forbidden,
    #[error("no such account")]
    NotFound,
    /// A talent needs a celebrity; nobody else may have one.
    #[error("{0}")]
    Invalid(&'static str),
    #[error("no such celebrity")]
    UnknownCelebrity,
    /// Admins may not disable or demote themselves (the last admin could lock everyone out).
    #[error("admins may not disable or demote their own account")]
    SelfLockout,
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
}

fn admin(actor: &Actor) -> Result<UserId, AdminUsersError> {
    match actor {
        Actor::Admin { user_id } => Ok(*user_id),
        Actor::Customer { .. } | Actor::Talent { .. } | Actor::System => Err(AdminUsersError::Forbidden),
    }
}

pub async fn list_users(
    ports: &AccountPorts,
    actor: &Actor,
    after: Option<(DateTime<Utc>, UserId)>,
    limit: u32,
) -> Result<UserPage, AdminUsersError> {
    admin(actor)?;
    Ok(ports.accounts.list_users(after, limit.clamp(1, 100)).await.map_err(Unavailable::from)?)
}

/// Applies an admin's change; the account's tokens stop working at once.
pub async fn change_access(
    ports: &AccountPorts,
    actor: &Actor,
    id: UserId,
    change: AccessChange,
) -> Result<User, AdminUsersError> {
    let me = admin(actor)?;
    match (change.role, change.celebrity_id) {
        (Role::Talent, None) => return Err(AdminUsersError::Invalid("a talent account needs a celebrity_id")),
        (Role::Customer | Role::Admin, Some(_)) => {
            return Err(AdminUsersError::Invalid("only talent accounts are linked to a celebrity"));
        }
        (Role::Talent, Some(_)) | (Role::Customer | Role::Admin, None) => {}
    }
    if id == me && (change.disabled || change.role != Role::Admin) {
        return Err(AdminUsersError::SelfLockout);
    }
    ports.accounts.change_access(id, change, ports.clock.now()).await.map_err(|e| match e {
        AccountRepoError::NotFound => AdminUsersError::NotFound,
        AccountRepoError::UnknownCelebrity => AdminUsersError::UnknownCelebrity,
        AccountRepoError::EmailTaken | AccountRepoError::Unavailable(_) => AdminUsersError::Unavailable(e.into()),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    #[error("{}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldProblem>),
    #[error("an account with that email address exists already")]
    EmailTaken,
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
}

/// The operator's way in (`headliner create-admin`): an admin account from the command line.
pub async fn create_admin(
    ports: &AccountPorts,
    email: &str,
    display_name: &str,
    new_password: String,
) -> Result<User, CreateAdminError> {
    let mut problems = Vec::new();
    let email = EmailAddress::parse(email)
        .map_err(|e| problems.push(FieldProblem { field: "email", message: e.to_string() }))
        .ok();
    let name =
        check_display_name(display_name).map_err(|message| problems.push(FieldProblem { field: "name", message })).ok();
    if let Err(e) = password::check(&new_password) {
        problems.push(FieldProblem { field: "password", message: e.to_string() });
    }
    let (Some(email), Some(display_name), true) = (email, name, problems.is_empty()) else {
        return Err(CreateAdminError::Invalid(problems));
    };
    let password_hash = ports.hasher.hash(new_password).await.map_err(Unavailable)?;
    let user = User {
        id: UserId::from_uuid(ports.ids.new_id()),
        email,
        display_name,
        role: Role::Admin,
        celebrity_id: None,
        disabled: false,
        created_at: ports.clock.now(),
    };
    ports.accounts.register(NewAccount { user: user.clone(), password_hash }, Vec::new()).await.map_err(
        |e| match e {
            AccountRepoError::EmailTaken => CreateAdminError::EmailTaken,
            AccountRepoError::NotFound | AccountRepoError::UnknownCelebrity | AccountRepoError::Unavailable(_) => {
                CreateAdminError::Unavailable(e.into())
            }
        },
    )?;
    Ok(user)
}
