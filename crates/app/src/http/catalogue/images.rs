//! Profile images: multipart upload (vetted and re-encoded by the service) and serving.

use actix_multipart::{Multipart, MultipartError};
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use headliner_ports::files::{ImageRejection, StoredFileName};
use headliner_services::catalogue::CataloguePorts;
use headliner_services::catalogue::images::{image_bytes, may_upload, upload_image};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::authn::Authenticated;
use crate::http::cache::ReadCache;
use crate::http::problem::{ApiError, FieldError, Problem};

/// The largest accepted image, shared with the body-limit middleware (which lets this route's
/// bodies be larger than the JSON limit by this much plus multipart framing).
#[derive(Debug, Clone, Copy)]
pub struct UploadLimit(pub usize);

/// Multipart framing allowed on top of the image itself (boundaries, part headers).
pub const FRAMING_ALLOWANCE: usize = 16 * 1024;

pub(crate) fn rejection(r: ImageRejection) -> ApiError {
    match r {
        ImageRejection::UnsupportedType => ApiError::UnsupportedMediaType(
            "The image must be a JPEG, PNG or WebP file (decided by its content, not its name).".into(),
        ),
        ImageRejection::TooLarge { max_bytes } => ApiError::PayloadTooLarge { limit: max_bytes },
        other @ (ImageRejection::TooManyPixels { .. } | ImageRejection::Undecodable(_)) => {
            ApiError::Validation(vec![FieldError { field: "image".into(), message: other.to_string() }])
        }
    }
}

/// The stored image.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageBody {
    pub id: Uuid,
    pub celebrity_id: Uuid,
    /// Where the image is served (`/api/v1/images/<file>`).
    pub url: String,
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub byte_size: u64,
    pub created_at: DateTime<Utc>,
}

/// The multipart body: one part named `image`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Only describes the request body in the OpenAPI document.
pub struct ImageUpload {
    /// A JPEG, PNG or WebP file (any file name; the content decides).
    #[schema(value_type = String, format = Binary)]
    image: Vec<u8>,
}

fn multipart_problem(e: &MultipartError) -> ApiError {
    ApiError::BadRequest(format!("The multipart body is malformed: {e}."))
}

/// A client-side file name is never used, but one that tries to be a path says the client is
/// up to something: refused rather than silently ignored.
fn suspicious_file_name(name: &str) -> bool {
    name.contains(['/', '\\']) || name.contains("..") || name.chars().any(char::is_control)
}

/// After an over-size part, reads (and drops) a bounded amount of what the client is still
/// sending, so the 413 reaches it instead of a connection reset.
async fn drain(mut multipart: Multipart, mut budget: usize) {
    while let Some(Ok(mut field)) = multipart.next().await {
        while let Some(Ok(chunk)) = field.next().await {
            budget = budget.saturating_sub(chunk.len());
            if budget == 0 {
                return;
            }
        }
    }
}

/// Reads the one `image` part, at most `limit` bytes of it; anything else is refused.
async fn read_image(mut multipart: Multipart, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut image: Option<Vec<u8>> = None;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|e| multipart_problem(&e))?;
        if field.name() != Some("image") || image.is_some() {
            return Err(ApiError::BadRequest("The multipart body must hold exactly one part, named `image`.".into()));
        }
        if field.content_disposition().and_then(|d| d.get_filename()).is_some_and(suspicious_file_name) {
            return Err(ApiError::Validation(vec![FieldError {
                field: "image".into(),
                message: "the file name must be a plain name, not a path".into(),
            }]));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| multipart_problem(&e))?;
            if bytes.len() + chunk.len() > limit {
                drop(field);
                drain(multipart, 4 * FRAMING_ALLOWANCE).await;
                return Err(ApiError::PayloadTooLarge { limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        image = Some(bytes);
    }
    image.ok_or_else(|| ApiError::Validation(vec![FieldError { field: "image".into(), message: "is missing".into() }]))
}

/// Replaces the celebrity's image (admins, its talent).
#[utoipa::path(
    post,
    path = "/api/v1/celebrities/{id}/image",
    tag = "catalogue",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The celebrity's id.")),
    request_body(content = ImageUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored: decoded and encoded again, so no metadata (EXIF, GPS) survives.",
         body = ImageBody),
        (status = 400, description = "Malformed multipart, or parts other than one `image`.", body = Problem,
         content_type = "application/problem+json"),
        (status = 401, description = "No or an invalid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor this celebrity's talent.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No live celebrity has this id.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the configured image limit.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart, or the content is not JPEG, PNG or WebP.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "Too many pixels, or the image does not decode.", body = Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn upload(
    req: HttpRequest,
    Authenticated(principal): Authenticated,
    ports: web::Data<CataloguePorts>,
    cache: web::Data<ReadCache>,
    limit: web::Data<UploadLimit>,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = super::celebrity_id(&id)?;
    // Refused callers are refused before their (possibly large) body is read.
    may_upload(&principal.actor, id)?;
    let is_form = req.mime_type().ok().flatten().is_some_and(|m| m.essence_str() == "multipart/form-data");
    if !is_form {
        return Err(ApiError::UnsupportedMediaType("The request body must be multipart/form-data.".into()));
    }
    let bytes = read_image(Multipart::new(req.headers(), payload), limit.0).await?;
    let record = upload_image(&ports, &principal.actor, id, bytes).await?;
    cache.profiles_changed();
    let format = record.file_name.format();
    let body = ImageBody {
        id: record.id.as_uuid(),
        celebrity_id: record.celebrity_id.as_uuid(),
        url: format!("/api/v1/images/{}", record.file_name),
        content_type: format.content_type().to_owned(),
        width: record.width,
        height: record.height,
        byte_size: record.byte_size,
        created_at: record.created_at,
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, body.url.clone()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body))
}

/// An uploaded image. Names are never reused, so responses are cacheable for a year.
#[utoipa::path(
    get,
    path = "/api/v1/images/{file}",
    tag = "catalogue",
    params(("file" = String, Path, description = "The file name from an `image_url`.")),
    responses(
        (status = 200, description = "The image, with its content type, `nosniff` and a one-year cache lifetime.",
         content((String = "image/jpeg"), (String = "image/png"), (String = "image/webp"))),
        (status = 304, description = "The client's copy is current."),
        (status = 404, description = "No such image.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn serve(
    req: HttpRequest,
    ports: web::Data<CataloguePorts>,
    file: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let not_found = || ApiError::NotFound("No image has this name.".into());
    let name = StoredFileName::parse(&file).map_err(|_| not_found())?;
    let etag = format!("\"{name}\"");
    let cache_control = (header::CACHE_CONTROL, "public, max-age=31536000, immutable");
    if crate::http::cache::not_modified(&req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header(cache_control)
            .insert_header((header::ETAG, etag))
            .finish());
    }
    let bytes = image_bytes(&ports, name.clone()).await.map_err(|e| match e {
        headliner_services::catalogue::CatalogueError::NotFound => not_found(),
        other => other.into(),
    })?;
    Ok(HttpResponse::Ok()
        .content_type(name.format().content_type())
        .insert_header(cache_control)
        .insert_header((header::ETAG, etag))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"))
        .body(bytes))
}
