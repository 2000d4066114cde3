//! `/api/v1/admin/users`: list accounts, change roles, link talent to a celebrity, disable.
//! The whole `/api/v1/admin` scope is behind `authn::admins_only` (deny by default); the use
//! cases check the actor again.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use headliner_domain::ids::{CelebrityId, UserId};
use headliner_ports::accounts::AccessChange;
use headliner_services::accounts::AccountPorts;
use headliner_services::accounts::admin::{AdminUsersError, change_access, list_users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::authn::AdminPrincipal;
use crate::http::cursor::{bad_cursor, decode_time_cursor, encode_time_cursor, page_limit};
use crate::http::me::{AccountRole, UserResponse};
use crate::http::problem::{ApiError, FieldError, Problem};

fn celebrity_problem(message: &str) -> ApiError {
    ApiError::Validation(vec![FieldError { field: "celebrity_id".into(), message: message.into() }])
}

impl From<AdminUsersError> for ApiError {
    fn from(e: AdminUsersError) -> Self {
        match e {
            AdminUsersError::Forbidden => ApiError::Forbidden("Only admins may manage accounts."),
            AdminUsersError::NotFound => ApiError::NotFound("No account has this id.".into()),
            AdminUsersError::Invalid(message) => celebrity_problem(message),
            AdminUsersError::UnknownCelebrity => celebrity_problem("no celebrity has this id"),
            AdminUsersError::SelfLockout => ApiError::Conflict {
                code: "self_lockout",
                detail: "Admins may not disable or demote their own account; ask another admin.".into(),
            },
            AdminUsersError::Unavailable(e) => e.into(),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListUsersQuery {
    /// 1 to 100; default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of accounts, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserResponse>,
    /// Pass as `?cursor=` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Every account, oldest first, keyset-paginated.
#[utoipa::path(
    get,
    path = "/api/v1/admin/users",
    tag = "admin",
    security(("bearer" = [])),
    params(ListUsersQuery),
    responses(
        (status = 200, description = "A page of accounts.", body = UserList),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`limit` out of range or `cursor` malformed.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn list(
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<AccountPorts>,
    query: web::Query<ListUsersQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(query.limit)?;
    let after = match query.cursor.as_deref() {
        None => None,
        Some(c) => Some(decode_time_cursor(c).ok_or_else(bad_cursor)?),
    };
    let page = list_users(&ports, &admin.actor, after, limit).await?;
    let body = UserList {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next.map(encode_time_cursor),
    };
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(body))
}

/// The access an admin gives an account. All of it is set at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeAccessRequest {
    pub role: AccountRole,
    /// Required for `talent`, refused for the other roles.
    #[serde(default)]
    pub celebrity_id: Option<Uuid>,
    /// A disabled account cannot log in and its tokens stop working.
    pub disabled: bool,
}

/// Changes an account's role, celebrity link and disabled flag. The account's access tokens
/// stop working at once; it signs in again to get the new role.
#[utoipa::path(
    patch,
    path = "/api/v1/admin/users/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The account's id.")),
    request_body = ChangeAccessRequest,
    responses(
        (status = 200, description = "The account as changed.", body = UserResponse),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No account has this id.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`self_lockout`: admins may not disable or demote themselves.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a talent needs an existing `celebrity_id`, nobody else \
         may have one.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change(
    AdminPrincipal(admin): AdminPrincipal,
    ports: web::Data<AccountPorts>,
    id: web::Path<Uuid>,
    body: web::Json<ChangeAccessRequest>,
) -> Result<HttpResponse, ApiError> {
    let ChangeAccessRequest { role, celebrity_id, disabled } = body.into_inner();
    let change = AccessChange { role: role.into(), celebrity_id: celebrity_id.map(CelebrityId::from_uuid), disabled };
    let user = change_access(&ports, &admin.actor, UserId::from_uuid(id.into_inner()), change).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(UserResponse::from(user)))
}
