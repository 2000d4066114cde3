//! `BackupStore` on Postgres: export in one repeatable-read snapshot, import in one
//! transaction with `json_populate_recordset`, sequences moved past the restored ids.

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use headliner_diesel::backup::{Failure, classify};
use headliner_ports::backup::{BackupError, BackupStore, ColumnType, PortableRow, TABLES, TableRows, TableSpec};
use serde_json::Value;

use crate::PgStore;
use crate::blocking::with_connection;

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

fn export_sql(spec: &TableSpec) -> String {
    let pairs: Vec<String> = spec
        .columns
        .iter()
        .map(|(c, kind)| match kind {
            // Independent of the session's `bytea_output`: always bare lower-case hex.
            ColumnType::Bytes => format!("'{c}', encode(\"{c}\", 'hex')"),
            ColumnType::Uuid
            | ColumnType::Text
            | ColumnType::Integer
            | ColumnType::Boolean
            | ColumnType::Timestamp
            | ColumnType::Json => format!("'{c}', \"{c}\""),
        })
        .collect();
    format!(
        "SELECT json_build_object({})::text AS line FROM {} ORDER BY {}",
        pairs.join(", "),
        spec.name,
        order_by(spec)
    )
}

/// Text keys sort bytewise (`COLLATE "C"`), as SQLite does, whatever the database collation.
fn order_by(spec: &TableSpec) -> String {
    let is_text = |c: &str| spec.columns.iter().any(|(name, kind)| *name == c && *kind == ColumnType::Text);
    let keys: Vec<String> = spec
        .order_by
        .iter()
        .map(|c| if is_text(c) { format!("\"{c}\" COLLATE \"C\"") } else { format!("\"{c}\"") })
        .collect();
    keys.join(", ")
}

/// Postgres JSON → portable: instants to RFC 3339 UTC microseconds (bytes arrive as hex).
fn to_portable(spec: &'static TableSpec, line: &str) -> Result<PortableRow, Failure> {
    let invalid = |m: String| Failure::Invalid(spec.name, m);
    let Value::Object(mut raw) = serde_json::from_str(line).map_err(|e| invalid(e.to_string()))? else {
        return Err(invalid("a row is not an object".into()));
    };
    let mut row = PortableRow::new();
    for (name, kind) in spec.columns {
        let value = raw.remove(*name).unwrap_or(Value::Null);
        let value = match (kind, value) {
            (_, Value::Null) => Value::Null,
            (ColumnType::Timestamp, Value::String(s)) => {
                let at = DateTime::parse_from_rfc3339(&s).map_err(|e| invalid(format!("{name}: {e}")))?;
                Value::String(at.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Micros, true))
            }
            (_, other) => other,
        };
        row.insert((*name).to_owned(), value);
    }
    Ok(row)
}

/// Portable → what `json_populate_recordset` reads: bytea needs its `\x` back.
fn to_native(spec: &TableSpec, row: &PortableRow) -> Value {
    let mut out = serde_json::Map::new();
    for (name, kind) in spec.columns {
        let value = row.get(*name).cloned().unwrap_or(Value::Null);
        let value = match (kind, value) {
            (ColumnType::Bytes, Value::String(hex)) => Value::String(format!("\\x{hex}")),
            (_, other) => other,
        };
        out.insert((*name).to_owned(), value);
    }
    Value::Object(out)
}

fn count_rows(conn: &mut PgConnection) -> Result<i64, Failure> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let parts: Vec<String> = TABLES.iter().map(|t| format!("(SELECT count(*) FROM {})", t.name)).collect();
    let count: Count = diesel::sql_query(format!("SELECT {} AS n", parts.join(" + "))).get_result(conn)?;
    Ok(count.n)
}

#[async_trait]
impl BackupStore for PgStore {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    async fn schema_version(&self) -> Result<String, BackupError> {
        with_connection(&self.pool, |conn| {
            let version: Line = diesel::sql_query(
                "SELECT version AS line FROM __diesel_schema_migrations ORDER BY version DESC LIMIT 1",
            )
            .get_result(conn)?;
            Ok::<_, Failure>(version.line)
        })
        .await
        .map_err(BackupError::from)
    }

    async fn export_all(&self) -> Result<Vec<TableRows>, BackupError> {
        with_connection(&self.pool, |conn| {
            conn.build_transaction().repeatable_read().read_only().run(|conn| {
                let mut tables = Vec::with_capacity(TABLES.len());
                for table in TABLES {
                    let lines: Vec<Line> = diesel::sql_query(export_sql(table)).load(conn)?;
                    let rows = lines.iter().map(|l| to_portable(table, &l.line)).collect::<Result<_, _>>()?;
                    tables.push(TableRows { table, rows });
                }
                Ok::<_, Failure>(tables)
            })
        })
        .await
        .map_err(BackupError::from)
    }

    async fn import_all(&self, tables: Vec<TableRows>) -> Result<(), BackupError> {
        with_connection(&self.pool, move |conn| {
            conn.transaction(|conn| {
                let existing = count_rows(conn)?;
                if existing > 0 {
                    return Err(Failure::NotEmpty(existing));
                }
                for TableRows { table, rows } in &tables {
                    let columns: Vec<String> = table.columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
                    let columns = columns.join(", ");
                    let sql = format!(
                        "INSERT INTO {t} ({columns}) SELECT {columns} FROM json_populate_recordset(NULL::{t}, $1::json)",
                        t = table.name
                    );
                    for chunk in rows.chunks(500) {
                        let batch = Value::Array(chunk.iter().map(|r| to_native(table, r)).collect());
                        diesel::sql_query(&sql)
                            .bind::<Text, _>(batch.to_string())
                            .execute(conn)
                            .map_err(|e| classify(table.name, e))?;
                    }
                    if let Some(serial) = table.serial {
                        diesel::sql_query(format!(
                            "SELECT setval(pg_get_serial_sequence('{t}', '{serial}'), \
                             COALESCE((SELECT max({serial}) FROM {t}), 0) + 1, false)",
                            t = table.name
                        ))
                        .execute(conn)?;
                    }
                }
                Ok(())
            })
        })
        .await
        .map_err(BackupError::from)
    }
}
