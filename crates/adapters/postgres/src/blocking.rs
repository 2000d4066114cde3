//! Diesel is synchronous: every database call leaves the async workers through the shared
//! helper (`headliner_diesel::blocking`).

use diesel::PgConnection;

pub(crate) use headliner_diesel::blocking::{BlockingError, with_connection};

pub(crate) type PgPool = headliner_diesel::blocking::GatedPool<PgConnection>;
