//! The catalogue over HTTP: categories, celebrity profiles (read, search, create, edit, soft
//! delete), images, availability and blocked periods. Public reads are cached (see
//! `http::cache`) and carry ETags; every write invalidates what it affects.

pub mod calendar;
pub mod images;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use headliner_domain::celebrity::Category;
use headliner_domain::ids::CelebrityId;
use headliner_ports::celebrities::{CatalogueCursor, CatalogueSort, CelebrityProfile};
use headliner_services::catalogue::profiles::{
    self, CatalogueFilters, NewProfile, ProfilePatch, categories, create_profile, delete_profile, find_profile,
    update_profile,
};
use headliner_services::catalogue::{CatalogueError, CataloguePorts};
use headliner_services::hex;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::auth::field_errors;
use crate::http::authn::Authenticated;
use crate::http::body::MoneyBody;
use crate::http::cache::{PUBLIC, ReadCache, Rendered, Scope, respond};
use crate::http::problem::{ApiError, FieldError, Problem};

impl From<CatalogueError> for ApiError {
    fn from(e: CatalogueError) -> Self {
        match e {
            CatalogueError::Forbidden(what) => ApiError::Forbidden(what),
            CatalogueError::NotFound => ApiError::NotFound("No celebrity has this id or slug.".into()),
            CatalogueError::BlockedPeriodNotFound => {
                ApiError::NotFound("The celebrity has no blocked period with this id.".into())
            }
            CatalogueError::Invalid(problems) => ApiError::Validation(field_errors(problems)),
            CatalogueError::SlugTaken => {
                ApiError::Conflict { code: "slug_taken", detail: "Another celebrity has this slug.".into() }
            }
            CatalogueError::Overlap => ApiError::Conflict {
                code: "calendar_conflict",
                detail: "The period overlaps a pending or confirmed booking or another blocked period.".into(),
            },
            CatalogueError::Image(rejection) => images::rejection(rejection),
            CatalogueError::Unavailable(source) => ApiError::DependencyFailed(source),
        }
    }
}

/// A category of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryBody {
    #[schema(example = "music")]
    pub slug: String,
    #[schema(example = "Music")]
    pub name: String,
}

impl From<Category> for CategoryBody {
    fn from(c: Category) -> Self {
        Self { slug: c.slug.as_str().to_owned(), name: c.name }
    }
}

/// Every category, by name (one page).
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<CategoryBody>,
    /// Always null: all categories fit one page.
    pub next_cursor: Option<String>,
}

/// A celebrity's public profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct CelebrityBody {
    pub id: Uuid,
    #[schema(example = "ada-stage")]
    pub slug: String,
    pub name: String,
    #[schema(example = "music")]
    pub category: String,
    pub bio: String,
    /// The price of one hour; quotes bill at least an hour, in half-hour steps.
    pub base_price: MoneyBody,
    /// The profile image (`/api/v1/images/<file>`), or null.
    pub image_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CelebrityProfile> for CelebrityBody {
    fn from(p: CelebrityProfile) -> Self {
        let c = p.celebrity;
        Self {
            id: c.id.as_uuid(),
            slug: c.slug.as_str().to_owned(),
            name: c.name,
            category: c.category,
            bio: c.bio,
            base_price: c.base_price.into(),
            image_url: p.image.map(|name| format!("/api/v1/images/{name}")),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A page of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CelebrityList {
    pub items: Vec<CelebrityBody>,
    /// Pass as `?cursor=` (with the same filters and sort) for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Lists every category.
#[utoipa::path(
    get,
    path = "/api/v1/categories",
    tag = "catalogue",
    responses(
        (status = 200, description = "Every category, by name. Carries an `ETag`.", body = CategoryList),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
    )
)]
pub async fn list_categories(
    req: HttpRequest,
    ports: web::Data<CataloguePorts>,
    cache: web::Data<ReadCache>,
) -> Result<HttpResponse, ApiError> {
    let rendered = cache
        .get_or_render(Scope::Catalogue, "categories".into(), async {
            let items = categories(&ports).await?.into_iter().map(CategoryBody::from).collect();
            Rendered::json(&CategoryList { items, next_cursor: None })
        })
        .await?;
    Ok(respond(&req, &rendered, PUBLIC))
}

/// Catalogue orderings.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
pub enum SortParam {
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "price")]
    Price,
    #[serde(rename = "-price")]
    PriceDesc,
    #[serde(rename = "newest")]
    Newest,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CatalogueParams {
    /// Words to find in name and bio (all must match; the last may be a prefix).
    pub q: Option<String>,
    /// A category slug.
    pub category: Option<String>,
    /// Inclusive lower bound on `base_price.amount_minor`.
    #[param(minimum = 0)]
    pub min_price_minor: Option<i64>,
    /// Inclusive upper bound on `base_price.amount_minor`.
    #[param(minimum = 0)]
    pub max_price_minor: Option<i64>,
    /// With `available_to`: only celebrities with no booking or blocked period in the range.
    pub available_from: Option<DateTime<Utc>>,
    pub available_to: Option<DateTime<Utc>>,
    /// `name` (default), `price`, `-price` or `newest`.
    #[param(inline)]
    pub sort: Option<SortParam>,
    /// 1 to 100; default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The cursor is `<kind>.<id>.<hex key>`: opaque to clients, checked against the sort.
fn encode_cursor(cursor: &CatalogueCursor) -> String {
    match cursor {
        CatalogueCursor::Name(name, id) => format!("n.{id}.{}", hex::encode(name.as_bytes())),
        CatalogueCursor::Price(price, id) => format!("p.{id}.{price}"),
        CatalogueCursor::Created(at, id) => {
            format!("c.{id}.{}", at.timestamp_nanos_opt().unwrap_or_else(|| at.timestamp_micros().saturating_mul(1000)))
        }
    }
}

fn decode_cursor(text: &str) -> Option<CatalogueCursor> {
    let mut parts = text.splitn(3, '.');
    let (kind, id, key) = (parts.next()?, parts.next()?, parts.next()?);
    let id: CelebrityId = id.parse().ok()?;
    match kind {
        "n" => Some(CatalogueCursor::Name(String::from_utf8(hex::decode(key)?).ok()?, id)),
        "p" => Some(CatalogueCursor::Price(key.parse().ok()?, id)),
        "c" => Some(CatalogueCursor::Created(DateTime::from_timestamp_nanos(key.parse().ok()?), id)),
        _ => None,
    }
}

/// Searches and pages the catalogue.
#[utoipa::path(
    get,
    path = "/api/v1/celebrities",
    tag = "catalogue",
    params(CatalogueParams),
    responses(
        (status = 200, description = "A page of live profiles. Carries an `ETag`.", body = CelebrityList),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
        (status = 400, description = "A parameter is unknown or malformed.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a parameter is out of range.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn list_celebrities(
    req: HttpRequest,
    ports: web::Data<CataloguePorts>,
    cache: web::Data<ReadCache>,
    params: web::Query<CatalogueParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let after = match params.cursor.as_deref() {
        None => None,
        Some(c) => Some(decode_cursor(c).ok_or_else(crate::http::cursor::bad_cursor)?),
    };
    let filters = CatalogueFilters {
        text: params.q,
        category: params.category,
        min_price_minor: params.min_price_minor,
        max_price_minor: params.max_price_minor,
        available_from: params.available_from,
        available_to: params.available_to,
        sort: match params.sort.unwrap_or(SortParam::Name) {
            SortParam::Name => CatalogueSort::Name,
            SortParam::Price => CatalogueSort::Price,
            SortParam::PriceDesc => CatalogueSort::PriceDesc,
            SortParam::Newest => CatalogueSort::Newest,
        },
        limit: params.limit,
        after,
    };
    let query = profiles::catalogue_query(filters)?;
    let scope = if query.free_during.is_some() { Scope::Calendar } else { Scope::Catalogue };
    // The raw query string names the response (it was just validated); cheaper than
    // formatting the parsed query, and two spellings of one query merely cache twice.
    let key = format!("list:{}", req.query_string());
    let rendered = cache
        .get_or_render(scope, key, async {
            let page = ports.celebrities.search(query).await.map_err(CatalogueError::from)?;
            let items = page.items.into_iter().map(CelebrityBody::from).collect();
            Rendered::json(&CelebrityList { items, next_cursor: page.next.as_ref().map(encode_cursor) })
        })
        .await?;
    Ok(respond(&req, &rendered, PUBLIC))
}

/// One live profile, by id or slug.
#[utoipa::path(
    get,
    path = "/api/v1/celebrities/{id}",
    tag = "catalogue",
    params(("id" = String, Path, description = "The celebrity's id or slug.")),
    responses(
        (status = 200, description = "The profile. Carries an `ETag`.", body = CelebrityBody),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
        (status = 404, description = "No live celebrity has this id or slug.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_celebrity(
    req: HttpRequest,
    ports: web::Data<CataloguePorts>,
    cache: web::Data<ReadCache>,
    id_or_slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id_or_slug = id_or_slug.into_inner();
    let rendered = cache
        .get_or_render(Scope::Catalogue, format!("profile:{id_or_slug}"), async {
            Rendered::json(&CelebrityBody::from(find_profile(&ports, &id_or_slug).await?))
        })
        .await?;
    Ok(respond(&req, &rendered, PUBLIC))
}

/// A new profile.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCelebrityRequest {
    pub name: String,
    /// Derived from the name when absent.
    #[serde(default)]
    pub slug: Option<String>,
    /// An existing category's slug.
    pub category: String,
    #[serde(default)]
    pub bio: String,
    pub base_price: MoneyBody,
}

fn created(profile: CelebrityProfile) -> HttpResponse {
    let body = CelebrityBody::from(profile);
    HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/celebrities/{}", body.id)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// Adds a celebrity to the catalogue (admins).
#[utoipa::path(
    post,
    path = "/api/v1/celebrities",
    tag = "catalogue",
    security(("bearer" = [])),
    request_body = CreateCelebrityRequest,
    responses(
        (status = 201, description = "The new profile.", body = CelebrityBody),
        (status = 400, description = "Malformed JSON or an unknown field.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins add celebrities.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, each field named.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_celebrity(
    Authenticated(principal): Authenticated,
    ports: web::Data<CataloguePorts>,
    cache: web::Data<ReadCache>,
    body: web::Json<CreateCelebrityRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    let price = body.base_price.to_money("base_price", &mut errors);
    let Some(base_price) = price.filter(|_| errors.is_empty()) else { return Err(ApiError::Validation(errors)) };
    let input = NewProfile { name: body.name, slug: body.slug, category: body.category, bio: body.bio, base_price };
    let profile = create_profile(&ports, &principal.actor, input).await?;
    cache.profiles_changed();
    Ok(created(profile))
}

/// A partial update: absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCelebrityRequest {
    pub name: Option<String>,
    /// Admins only.
    pub slug: Option<String>,
    /// Admins only.
    pub category: Option<String>,
    pub bio: Option<String>,
    pub base_price: Option<MoneyBody>,
}

/// A `{id}` path segment of the catalogue routes; anything but an id is a 404.
pub(super) fn celebrity_id(id: &str) -> Result<CelebrityId, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound("No celebrity has this id.".into()))
}

/// Edits a profile (admins; the celebrity's talent for name, bio and price).
#[utoipa::path(
    patch,
    path = "/api/v1/celebrities/{id}",
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The celebrity's id.")),
    request_body = UpdateCelebrityRequest,
    responses(
        (status = 200, description = "The profile as changed.", body = CelebrityBody),
        (status = 400, description = "Malformed JSON or an unknown field.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor this celebrity's talent (or talent changing slug or category).",
         body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No live celebrity has this id.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slug_taken`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, each field named.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_celebrity(
    Authenticated(principal): Authenticated,
    ports: web::Data<CataloguePorts>,
    cache: web::Data<ReadCache>,
    id: web::Path<String>,
    body: web::Json<UpdateCelebrityRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = celebrity_id(&id)?;
    let body = body.into_inner();
    let mut errors: Vec<FieldError> = Vec::new();
    let base_price = body.base_price.as_ref().and_then(|p| p.to_money("base_price", &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let patch = ProfilePatch { name: body.name, slug: body.slug, category: body.category, bio: body.bio, base_price };
    let profile = update_profile(&ports, &principal.actor, id, patch).await?;
    cache.profiles_changed();
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(CelebrityBody::from(profile)))
}

/// Removes a profile from the catalogue (admins). Its bookings and history stay.
#[utoipa::path(
    delete,
    path = "/api/v1/celebrities/{id}",
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The celebrity's id.")),
    responses(
        (status = 204, description = "Removed."),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins remove celebrities.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No live celebrity has this id.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_celebrity(
    Authenticated(principal): Authenticated,
    ports: web::Data<CataloguePorts>,
    cache: web::Data<ReadCache>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = celebrity_id(&id)?;
    delete_profile(&ports, &principal.actor, id).await?;
    cache.profiles_changed();
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let id: CelebrityId = "0190f3c2-1111-7000-8000-000000000001".parse().unwrap();
        let at = DateTime::from_timestamp(1_767_225_600, 123_456_789).unwrap();
        for cursor in [
            CatalogueCursor::Name("Zoë. \"Keys\"".into(), id),
            CatalogueCursor::Price(-1, id),
            CatalogueCursor::Created(at, id),
        ] {
            assert_eq!(decode_cursor(&encode_cursor(&cursor)), Some(cursor));
        }
        for bad in
            ["", "n", "n.x.y", "x.0190f3c2-1111-7000-8000-000000000001.1", "n.0190f3c2-1111-7000-8000-000000000001.zz"]
        {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }
}
