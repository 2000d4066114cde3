//! Diesel is synchronous: every database call leaves the async workers through the shared
//! helper (`headliner_diesel::blocking`).

use diesel::SqliteConnection;

pub(crate) use headliner_diesel::blocking::{BlockingError, with_connection};

pub(crate) type SqlitePool = headliner_diesel::blocking::GatedPool<SqliteConnection>;
