//! Answers every operation can give for reasons of its own shape rather than its logic, added
//! to the document in one place so no handler can forget them: 429 for any `/api/v1` route
//! (rate limits), 400 for a query string or body that does not parse, 413 and 415 for a body
//! that is too large or not of the declared type. Each is a problem+json `Problem`.

use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

/// Adds the standard problem answers an operation does not document itself.
#[derive(Debug)]
pub struct StandardProblems;

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
    RefOr::T(ResponseBuilder::new().description(description).content("application/problem+json", content).build())
}

fn add(operation: &mut Operation, status: &str, description: &str) {
    operation.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description));
}

fn complete(path: &str, operation: &mut Operation) {
    let has_query = operation.parameters.iter().flatten().any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let has_body = operation.request_body.is_some();
    if has_query || has_body {
        add(operation, "400", "The query string or body does not parse (`bad_request`).");
    }
    if has_body {
        add(operation, "413", "The body is larger than allowed (`payload_too_large`).");
        add(operation, "415", "The body is not of the declared content type (`unsupported_media_type`).");
    }
    if path.starts_with("/api/v1/") {
        add(operation, "429", "Rate limited (`rate_limited`); `Retry-After` says when to come back.");
    }
}

impl Modify for StandardProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut openapi.paths.paths {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
            ]
            .into_iter()
            .flatten()
            {
                complete(path, operation);
            }
        }
    }
}
