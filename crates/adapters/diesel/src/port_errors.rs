//! Each repository port's error, from a [`DbFailure`], with exhaustive matches.

use headliner_ports::bookings::BookingRepoError;
use headliner_ports::celebrities::CelebrityRepoError;
use headliner_ports::idempotency::IdempotencyError;
use headliner_ports::outbox::OutboxRepoError;
use headliner_ports::templates::TemplateRepoError;
use headliner_ports::users::UserRepoError;
use headliner_ports::workflow::WorkflowRuleRepoError;

use crate::errors::DbFailure;

impl From<DbFailure> for BookingRepoError {
    fn from(e: DbFailure) -> Self {
        match e {
            DbFailure::NotFound => Self::NotFound,
            DbFailure::Overlap => Self::Overlap,
            DbFailure::VersionMismatch => Self::VersionConflict,
            DbFailure::Unique | DbFailure::MissingReference => {
                Self::Unavailable(format!("booking write refused by a constraint: {e:?}").into())
            }
            DbFailure::Check(source) | DbFailure::Other(source) => Self::Unavailable(source),
        }
    }
}

/// For the celebrity row's writes (insert, update): its unique key is the slug (ids are minted
/// fresh) and its one reference is the category. Writes of other catalogue rows (blocked
/// periods, images) check that their celebrity is live first, and treat a unique key of
/// theirs as a bug (`Unavailable`) before converting.
impl From<DbFailure> for CelebrityRepoError {
    fn from(e: DbFailure) -> Self {
        match e {
            DbFailure::NotFound => Self::NotFound,
            DbFailure::Unique => Self::SlugTaken,
            DbFailure::MissingReference => Self::UnknownCategory,
            DbFailure::Overlap => Self::Overlap,
            DbFailure::VersionMismatch => Self::Unavailable(format!("catalogue write refused: {e:?}").into()),
            DbFailure::Check(source) | DbFailure::Other(source) => Self::Unavailable(source),
        }
    }
}

impl From<DbFailure> for TemplateRepoError {
    fn from(e: DbFailure) -> Self {
        match e {
            DbFailure::Check(source) | DbFailure::Other(source) => Self::Unavailable(source),
            DbFailure::NotFound
            | DbFailure::Unique
            | DbFailure::MissingReference
            | DbFailure::Overlap
            | DbFailure::VersionMismatch => Self::Unavailable(format!("template store refused: {e:?}").into()),
        }
    }
}

/// Rules are validated before they are saved and name an existing admin, so every refusal is
/// a fault.
impl From<DbFailure> for WorkflowRuleRepoError {
    fn from(e: DbFailure) -> Self {
        match e {
            DbFailure::Check(source) | DbFailure::Other(source) => Self::Unavailable(source),
            DbFailure::NotFound
            | DbFailure::Unique
            | DbFailure::MissingReference
            | DbFailure::Overlap
            | DbFailure::VersionMismatch => Self::Unavailable(format!("workflow rule store refused: {e:?}").into()),
        }
    }
}

impl From<DbFailure> for OutboxRepoError {
    fn from(e: DbFailure) -> Self {
        match e {
            DbFailure::NotFound => Self::NotFound,
            DbFailure::Unique | DbFailure::MissingReference | DbFailure::Overlap | DbFailure::VersionMismatch => {
                Self::Unavailable(format!("outbox write refused: {e:?}").into())
            }
            DbFailure::Check(source) | DbFailure::Other(source) => Self::Unavailable(source),
        }
    }
}

impl From<DbFailure> for UserRepoError {
    fn from(e: DbFailure) -> Self {
        match e {
            DbFailure::NotFound => Self::NotFound,
            DbFailure::Unique => Self::EmailTaken,
            DbFailure::MissingReference | DbFailure::Overlap | DbFailure::VersionMismatch => {
                Self::Unavailable(format!("user write refused: {e:?}").into())
            }
            DbFailure::Check(source) | DbFailure::Other(source) => Self::Unavailable(source),
        }
    }
}

impl From<DbFailure> for IdempotencyError {
    fn from(e: DbFailure) -> Self {
        match e {
            DbFailure::Unique => Self::KeyExists,
            DbFailure::Check(source) | DbFailure::Other(source) => Self::Unavailable(source),
            DbFailure::NotFound | DbFailure::MissingReference | DbFailure::Overlap | DbFailure::VersionMismatch => {
                Self::Unavailable(format!("idempotency store refused: {e:?}").into())
            }
        }
    }
}
