//! Every database error becomes a port error here, and only here, for both backends.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use headliner_ports::Source;

use crate::blocking::BlockingError;

/// What a database error means to the ports.
#[derive(Debug)]
pub enum DbFailure {
    /// No row where one was required.
    NotFound,
    /// A unique key is taken.
    Unique,
    /// The exclusion constraint `bookings_no_overlap` refused the row.
    Overlap,
    /// An optimistic version check matched no row: someone else wrote first.
    VersionMismatch,
    /// A referenced row is missing.
    MissingReference,
    /// A CHECK constraint refused the row: the caller let through what the schema forbids
    /// (a bug in a use case, never a user's input).
    Check(Source),
    /// Anything else: connection lost, pool exhausted, ...
    Other(Source),
}

/// The overlap rule's name: Postgres reports its exclusion constraint (SQLSTATE 23P01) by this
/// constraint name, SQLite its triggers' `RAISE(ABORT, ...)` by this message; diesel calls both
/// `Unknown`.
const OVERLAP: &str = "bookings_no_overlap";

impl From<DieselError> for DbFailure {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(kind, info) => match kind {
                DatabaseErrorKind::UniqueViolation => Self::Unique,
                DatabaseErrorKind::ForeignKeyViolation => Self::MissingReference,
                DatabaseErrorKind::CheckViolation => Self::Check(Box::new(DieselError::DatabaseError(kind, info))),
                _ if info.constraint_name() == Some(OVERLAP) || info.message().contains(OVERLAP) => Self::Overlap,
                _ => Self::Other(Box::new(DieselError::DatabaseError(kind, info))),
            },
            other => Self::Other(Box::new(other)),
        }
    }
}

impl From<BlockingError<DbFailure>> for DbFailure {
    fn from(e: BlockingError<DbFailure>) -> Self {
        match e {
            BlockingError::Pool(e) => Self::Other(Box::new(e)),
            BlockingError::Join(e) => Self::Other(Box::new(e)),
            BlockingError::Op(failure) => failure,
        }
    }
}

/// A stored row that does not decode into a domain value (a bug or tampering, never input).
#[derive(Debug, thiserror::Error)]
#[error("stored {what} is not valid: {detail}")]
pub struct CorruptRow {
    pub what: &'static str,
    pub detail: String,
}

impl From<CorruptRow> for DbFailure {
    fn from(e: CorruptRow) -> Self {
        Self::Other(Box::new(e))
    }
}

pub fn corrupt(what: &'static str, detail: impl std::fmt::Display) -> CorruptRow {
    CorruptRow { what, detail: detail.to_string() }
}
