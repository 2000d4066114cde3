//! Every database error becomes a port error here, and only here, for both backends.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use headliner_ports::Source;

use crate::blocking::{BlockingError, MayMeanLostConnection};

/// What a database error means to the ports.
#[derive(Debug)]
pub enum DbFailure {
    /// No row where one was required.
    NotFound,
    /// A unique key is taken.
    Unique,
    /// An overlap rule refused the row: the exclusion constraints (Postgres) or triggers
    /// (SQLite) `bookings_no_overlap` and `blocked_periods_no_overlap`, or an adapter's own
    /// check of a booking against blocked periods (and back).
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

/// The overlap rules' names: Postgres reports its exclusion constraints (SQLSTATE 23P01) by
/// these constraint names, SQLite its triggers' `RAISE(ABORT, ...)` by these messages; diesel
/// calls both `Unknown`.
const OVERLAP: [&str; 2] = ["bookings_no_overlap", "blocked_periods_no_overlap"];

fn is_overlap(info: &dyn diesel::result::DatabaseErrorInformation) -> bool {
    OVERLAP.iter().any(|name| info.constraint_name() == Some(*name) || info.message().contains(name))
}

impl From<DieselError> for DbFailure {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(kind, info) => match kind {
                DatabaseErrorKind::UniqueViolation => Self::Unique,
                DatabaseErrorKind::ForeignKeyViolation => Self::MissingReference,
                DatabaseErrorKind::CheckViolation => Self::Check(Box::new(DieselError::DatabaseError(kind, info))),
                _ if is_overlap(info.as_ref()) => Self::Overlap,
                _ => Self::Other(Box::new(DieselError::DatabaseError(kind, info))),
            },
            other => Self::Other(Box::new(other)),
        }
    }
}

/// Only `Other` can be a lost connection; every other failure is an answer from the database
/// (or a check of the adapter's own made on rows it read).
impl MayMeanLostConnection for DbFailure {
    fn may_mean_lost_connection(&self) -> bool {
        matches!(self, Self::Other(_))
    }
}

impl From<BlockingError<DbFailure>> for DbFailure {
    fn from(e: BlockingError<DbFailure>) -> Self {
        match e {
            BlockingError::Pool(e) => Self::Other(Box::new(e)),
            BlockingError::Join(e) => Self::Other(Box::new(e)),
            BlockingError::Busy => Self::Other("no database connection became free in time".into()),
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
