//! Cross-cutting HTTP concerns, applied to every route by `startup`.

mod body_limit;
mod request_id;
mod security_headers;

pub use body_limit::{BodyLimit, reject_oversized_bodies};
pub use request_id::{REQUEST_ID_HEADER, RequestId, request_id_and_access_log};
pub use security_headers::security_headers;
