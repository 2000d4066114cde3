//! Portable backups: every table, in a form both stores read and write, so an archive made
//! from SQLite restores into Postgres (and back) with every id intact.
//!
//! Portable values: UUIDs as lower-case hyphenated strings, instants as RFC 3339 UTC strings
//! with microseconds (`2030-01-01T09:00:00.000000Z`), bytes as lower-case hex strings, JSON
//! columns as JSON values, booleans, integers and text as themselves, NULL as `null`.

use async_trait::async_trait;

use crate::Source;

/// The type of a column, which decides its portable form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Uuid,
    Text,
    Integer,
    Boolean,
    Timestamp,
    Bytes,
    Json,
}

/// One table as backups see it: its stored columns (generated ones are left out and
/// recomputed by the database), its row order, and its serial column if it has one.
#[derive(Debug, PartialEq, Eq)]
pub struct TableSpec {
    pub name: &'static str,
    pub columns: &'static [(&'static str, ColumnType)],
    /// The export's sort key (a unique key), so the same data always gives the same archive.
    /// Stores compare text bytewise here (Postgres with `COLLATE "C"`), so both stores order
    /// rows alike whatever the database's collation.
    pub order_by: &'static [&'static str],
    /// A column filled from a sequence (Postgres `bigserial`), reset after a restore.
    pub serial: Option<&'static str>,
}

use ColumnType::{Boolean as B, Bytes as Y, Integer as I, Json as J, Text as T, Timestamp as S, Uuid as U};

/// Every table, parents before children (the order of a restore).
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "categories",
        columns: &[("slug", T), ("name", T), ("created_at", S)],
        order_by: &["slug"],
        serial: None,
    },
    TableSpec {
        name: "celebrities",
        columns: &[
            ("id", U),
            ("slug", T),
            ("name", T),
            ("category", T),
            ("bio", T),
            ("base_price_minor", I),
            ("currency", T),
            ("created_at", S),
            ("updated_at", S),
            ("deleted_at", S),
        ],
        order_by: &["id"],
        serial: None,
    },
    TableSpec {
        name: "users",
        columns: &[
            ("id", U),
            ("email", T),
            ("display_name", T),
            ("password_hash", T),
            ("role", T),
            ("celebrity_id", U),
            ("disabled", B),
            ("token_version", I),
            ("created_at", S),
            ("updated_at", S),
        ],
        order_by: &["id"],
        serial: None,
    },
    TableSpec {
        name: "refresh_tokens",
        columns: &[
            ("id", U),
            ("user_id", U),
            ("family_id", U),
            ("token_hash", Y),
            ("issued_at", S),
            ("expires_at", S),
            ("spent_at", S),
            ("revoked_at", S),
        ],
        order_by: &["id"],
        serial: None,
    },
    TableSpec {
        name: "password_reset_tokens",
        columns: &[("token_hash", Y), ("user_id", U), ("expires_at", S), ("used_at", S), ("created_at", S)],
        order_by: &["token_hash"],
        serial: None,
    },
    TableSpec {
        name: "celebrity_images",
        columns: &[
            ("id", U),
            ("celebrity_id", U),
            ("file_name", T),
            ("content_type", T),
            ("width", I),
            ("height", I),
            ("byte_size", I),
            ("created_at", S),
        ],
        order_by: &["id"],
        serial: None,
    },
    TableSpec {
        name: "blocked_periods",
        columns: &[("id", U), ("celebrity_id", U), ("starts_at", S), ("ends_at", S), ("reason", T), ("created_at", S)],
        order_by: &["id"],
        serial: None,
    },
    TableSpec {
        name: "bookings",
        columns: &[
            ("id", U),
            ("customer_id", U),
            ("celebrity_id", U),
            ("starts_at", S),
            ("ends_at", S),
            ("time_zone", T),
            ("event_type", T),
            ("location", T),
            ("message", T),
            ("price_minor", I),
            ("currency", T),
            ("status", T),
            ("version", I),
            ("created_at", S),
            ("updated_at", S),
        ],
        order_by: &["id"],
        serial: None,
    },
    TableSpec {
        name: "booking_events",
        columns: &[
            ("id", I),
            ("booking_id", U),
            ("at", S),
            ("actor_id", U),
            ("actor_role", T),
            ("from_status", T),
            ("to_status", T),
            ("reason", T),
        ],
        order_by: &["id"],
        serial: Some("id"),
    },
    TableSpec {
        name: "email_templates",
        columns: &[
            ("key", T),
            ("subject", T),
            ("body_html", T),
            ("body_text", T),
            ("updated_at", S),
            ("updated_by", U),
        ],
        order_by: &["key"],
        serial: None,
    },
    TableSpec {
        name: "email_template_changes",
        columns: &[("id", I), ("key", T), ("at", S), ("changed_by", U), ("before", J), ("after", J)],
        order_by: &["id"],
        serial: Some("id"),
    },
    TableSpec {
        name: "workflow_rules",
        columns: &[
            ("event", T),
            ("template", T),
            ("recipients", J),
            ("enabled", B),
            ("updated_at", S),
            ("updated_by", U),
        ],
        order_by: &["event"],
        serial: None,
    },
    TableSpec {
        name: "outbox",
        columns: &[
            ("id", U),
            ("booking_id", U),
            ("payload", J),
            ("status", T),
            ("attempts", I),
            ("next_attempt_at", S),
            ("locked_until", S),
            ("last_error", T),
            ("created_at", S),
            ("sent_at", S),
        ],
        order_by: &["id"],
        serial: None,
    },
    TableSpec {
        name: "idempotency_keys",
        columns: &[
            ("user_id", U),
            ("key", T),
            ("request_fingerprint", T),
            ("response_status", I),
            ("response_body", Y),
            ("created_at", S),
        ],
        order_by: &["user_id", "key"],
        serial: None,
    },
];

/// One row in portable form, columns in the table's column order.
pub type PortableRow = serde_json::Map<String, serde_json::Value>;

/// A table's rows, in export order.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRows {
    pub table: &'static TableSpec,
    pub rows: Vec<PortableRow>,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// A restore needs an empty, migrated database.
    #[error("the database already holds {rows} rows; restore needs an empty, migrated database")]
    NotEmpty { rows: i64 },
    /// A value does not fit its column (the archive passed its checksums, so it was made
    /// wrongly or by another schema).
    #[error("table {table}: {message}")]
    Invalid { table: &'static str, message: String },
    #[error("the database is unavailable")]
    Unavailable(#[source] Source),
}

/// A store that can be backed up and restored.
#[async_trait]
pub trait BackupStore: Send + Sync {
    /// `postgres` or `sqlite`, recorded in the manifest.
    fn kind(&self) -> &'static str;

    /// The newest applied migration, e.g. `20261124000001`.
    async fn schema_version(&self) -> Result<String, BackupError>;

    /// Every table of [`TABLES`], read in one consistent snapshot.
    async fn export_all(&self) -> Result<Vec<TableRows>, BackupError>;

    /// Writes every table in one transaction, refusing (`NotEmpty`) unless the database holds
    /// no rows; sequences are moved past the restored ids.
    async fn import_all(&self, tables: Vec<TableRows>) -> Result<(), BackupError>;
}
