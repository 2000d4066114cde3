//! Database errors become port errors in one place, shared by both adapters: see
//! `headliner_diesel::errors`.

pub(crate) use headliner_diesel::errors::{CorruptRow, DbFailure, corrupt};
