//! Refuses a request whose declared body is over the limit before any handler reads it.
//! Bodies without a length (chunked) are bounded by the extractors' own limits, set to the
//! same number in `startup`.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};

use crate::http::catalogue::images::{FRAMING_ALLOWANCE, UploadLimit};
use crate::http::problem::ApiError;

/// `/api/v1/celebrities/{id}/image`.
fn is_image_upload(path: &str) -> bool {
    path.strip_prefix("/api/v1/celebrities/")
        .and_then(|rest| rest.strip_suffix("/image"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// The configured maximum request body, shared with the middleware as app data.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

pub async fn reject_oversized_bodies(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let mut limit = req.app_data::<web::Data<BodyLimit>>().map_or(usize::MAX, |l| l.0);
    if is_image_upload(req.path()) {
        // Image uploads have their own, larger limit (enforced again while the part is read).
        if let Some(upload) = req.app_data::<web::Data<UploadLimit>>() {
            limit = upload.0 + FRAMING_ALLOWANCE;
        }
    }
    let declared =
        req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        let response = ApiError::PayloadTooLarge { limit }.error_response();
        // The rest of the body is not read; the connection is closed after the answer.
        let (req, _) = req.into_parts();
        let mut res = ServiceResponse::new(req, response);
        res.response_mut().head_mut().set_connection_type(actix_web::http::ConnectionType::Close);
        return Ok(res.map_into_right_body());
    }
    next.call(req).await.map(ServiceResponse::map_into_left_body)
}
