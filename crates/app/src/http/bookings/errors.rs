//! How the booking use cases' outcomes become problems: the one place that decides each code.

use headliner_domain::booking::{RequestError, TransitionError};
use headliner_services::bookings::ChangeError;
use headliner_services::bookings::cancel::CancelError;
use headliner_services::bookings::confirm::ConfirmError;
use headliner_services::bookings::get::{GetBookingAsError, GetBookingError};
use headliner_services::bookings::request::RequestBookingError;

use super::{NOT_FOUND, field};
use crate::http::problem::ApiError;

impl From<GetBookingAsError> for ApiError {
    fn from(e: GetBookingAsError) -> Self {
        match e {
            GetBookingAsError::Auth(e) => e.into(),
            GetBookingAsError::Get(e) => e.into(),
        }
    }
}

impl From<GetBookingError> for ApiError {
    fn from(e: GetBookingError) -> Self {
        match e {
            GetBookingError::NotFound => ApiError::NotFound(NOT_FOUND.into()),
            GetBookingError::Unavailable(source) => ApiError::DependencyFailed(source),
        }
    }
}

impl From<RequestBookingError> for ApiError {
    fn from(e: RequestBookingError) -> Self {
        match e {
            RequestBookingError::Forbidden => ApiError::Forbidden("Only customer accounts request bookings."),
            RequestBookingError::CelebrityNotFound => {
                ApiError::Validation(vec![field("celebrity_id", "no bookable celebrity has this id")])
            }
            RequestBookingError::Invalid(e) => ApiError::Validation(vec![match e {
                RequestError::StartsInPast => field("starts_at", "must be in the future"),
                RequestError::TooLong => field("ends_at", "the event may last at most 24 hours"),
                RequestError::TextTooLong { field: name, max } => {
                    field(name, format!("may hold at most {max} characters"))
                }
                RequestError::MissingLocation => field("location", "must not be empty"),
            }]),
            RequestBookingError::Price(e) => ApiError::Validation(vec![field("ends_at", format!("no price: {e}"))]),
            RequestBookingError::Overlap => ApiError::Conflict {
                code: "booking_conflict",
                detail: "The celebrity is already booked or unavailable for (part of) that time.".into(),
            },
            RequestBookingError::PaymentDeclined(reason) => {
                ApiError::PaymentDeclined(format!("The payment was declined: {reason}."))
            }
            RequestBookingError::Unavailable(source) => ApiError::DependencyFailed(source),
        }
    }
}

impl From<ChangeError> for ApiError {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::NotFound => ApiError::NotFound(NOT_FOUND.into()),
            ChangeError::Transition(TransitionError::Forbidden { .. }) => {
                ApiError::Forbidden("Your role may not make this change to this booking.")
            }
            ChangeError::Transition(t) => ApiError::Conflict {
                code: "invalid_status_transition",
                detail: format!("{}.", capitalised(&t.to_string())),
            },
            ChangeError::StaleVersion { expected, actual } => ApiError::PreconditionFailed(format!(
                "If-Match names version {expected}, but the booking is at version {actual}; read it again."
            )),
            ChangeError::VersionConflict => ApiError::Conflict {
                code: "version_conflict",
                detail: "The booking was changed by someone else at the same time; read it again.".into(),
            },
            ChangeError::Unavailable(source) => ApiError::DependencyFailed(source),
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

impl From<ConfirmError> for ApiError {
    fn from(e: ConfirmError) -> Self {
        match e {
            ConfirmError::Change(c) => c.into(),
            ConfirmError::PaymentDeclined(reason) => {
                ApiError::PaymentDeclined(format!("The capture was declined: {reason}."))
            }
        }
    }
}

impl From<CancelError> for ApiError {
    fn from(e: CancelError) -> Self {
        match e {
            CancelError::Change(c) => c.into(),
            CancelError::Refund(source) => ApiError::Internal(Box::new(source)),
        }
    }
}
