//! What both adapters' backup code shares: how a failure inside an export or import becomes a
//! `BackupError`.

use headliner_ports::backup::BackupError;

use crate::blocking::{BlockingError, MayMeanLostConnection};

/// What can go wrong inside the blocking closure, before it becomes a `BackupError`.
#[derive(Debug)]
pub enum Failure {
    NotEmpty(i64),
    Invalid(&'static str, String),
    Db(diesel::result::Error),
}

/// A refused row is the archive's fault (`Invalid`); a lost connection or a busy database is
/// the store's (`Db`, reported as unavailable).
pub fn classify(table: &'static str, e: diesel::result::Error) -> Failure {
    use diesel::result::{DatabaseErrorKind, Error};
    match &e {
        Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation
            | DatabaseErrorKind::ForeignKeyViolation
            | DatabaseErrorKind::NotNullViolation
            | DatabaseErrorKind::CheckViolation,
            _,
        ) => Failure::Invalid(table, e.to_string()),
        Error::DatabaseError(DatabaseErrorKind::Unknown, info)
            if !["locked", "busy", "connection", "terminat"].iter().any(|w| info.message().contains(w)) =>
        {
            Failure::Invalid(table, e.to_string())
        }
        _ => Failure::Db(e),
    }
}

impl MayMeanLostConnection for Failure {
    fn may_mean_lost_connection(&self) -> bool {
        matches!(self, Self::Db(e) if e.may_mean_lost_connection())
    }
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e)
    }
}

impl From<BlockingError<Failure>> for BackupError {
    fn from(e: BlockingError<Failure>) -> Self {
        match e {
            BlockingError::Pool(e) => Self::Unavailable(Box::new(e)),
            BlockingError::Join(e) => Self::Unavailable(Box::new(e)),
            BlockingError::Busy => Self::Unavailable("no database connection became free in time".into()),
            BlockingError::Op(Failure::NotEmpty(rows)) => Self::NotEmpty { rows },
            BlockingError::Op(Failure::Invalid(table, message)) => Self::Invalid { table, message },
            BlockingError::Op(Failure::Db(e)) => Self::Unavailable(Box::new(e)),
        }
    }
}
