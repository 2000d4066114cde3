//! `GET /api/v1/me`, and the account as every endpoint shows it (never a password hash).

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::{DateTime, Utc};
use headliner_domain::role::Role;
use headliner_domain::user::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::authn::Authenticated;
use crate::http::problem::Problem;

/// The role an account holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    Customer,
    /// Acts for one celebrity (`celebrity_id`).
    Talent,
    Admin,
}

impl From<Role> for AccountRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Customer => Self::Customer,
            Role::Talent => Self::Talent,
            Role::Admin => Self::Admin,
        }
    }
}

impl From<AccountRole> for Role {
    fn from(role: AccountRole) -> Self {
        match role {
            AccountRole::Customer => Self::Customer,
            AccountRole::Talent => Self::Talent,
            AccountRole::Admin => Self::Admin,
        }
    }
}

/// An account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: Uuid,
    #[schema(example = "ada@example.com")]
    pub email: String,
    #[schema(example = "Ada Lovelace")]
    pub display_name: String,
    pub role: AccountRole,
    /// The celebrity a talent account acts for; absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub celebrity_id: Option<Uuid>,
    /// Disabled accounts cannot log in and their tokens no longer work.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserResponse {
    fn from(user: User) -> Self {
        Self {
            id: user.id.as_uuid(),
            email: user.email.to_string(),
            display_name: user.display_name,
            role: user.role.into(),
            celebrity_id: user.celebrity_id.map(|c| c.as_uuid()),
            disabled: user.disabled,
            created_at: user.created_at,
        }
    }
}

/// The account the access token belongs to.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's account.", body = UserResponse),
        (status = 401, description = "No or an invalid access token.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn me(Authenticated(principal): Authenticated) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(UserResponse::from(principal.user))
}
