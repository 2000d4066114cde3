//! `BackupStore` on SQLite: export inside one read transaction (a WAL snapshot), import in one
//! IMMEDIATE transaction through `json_each`. Instants are stored as microseconds here and
//! converted to and from the portable RFC 3339 form.

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use headliner_diesel::backup::{Failure, classify};
use headliner_ports::backup::{BackupError, BackupStore, ColumnType, PortableRow, TABLES, TableRows, TableSpec};
use serde_json::Value;

use crate::SqliteStore;
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
        .map(|(c, kind)| {
            let expr = match kind {
                ColumnType::Bytes => format!("CASE WHEN \"{c}\" IS NULL THEN NULL ELSE lower(hex(\"{c}\")) END"),
                ColumnType::Json => format!("json(\"{c}\")"),
                ColumnType::Boolean => {
                    format!("CASE WHEN \"{c}\" IS NULL THEN NULL WHEN \"{c}\" THEN json('true') ELSE json('false') END")
                }
                ColumnType::Uuid | ColumnType::Text | ColumnType::Integer | ColumnType::Timestamp => format!("\"{c}\""),
            };
            format!("'{c}', {expr}")
        })
        .collect();
    let order_by: Vec<String> = spec.order_by.iter().map(|c| format!("\"{c}\"")).collect();
    format!("SELECT json_object({}) AS line FROM {} ORDER BY {}", pairs.join(", "), spec.name, order_by.join(", "))
}

fn to_portable(spec: &'static TableSpec, line: &str) -> Result<PortableRow, Failure> {
    let invalid = |m: String| Failure::Invalid(spec.name, m);
    let Value::Object(mut raw) = serde_json::from_str(line).map_err(|e| invalid(e.to_string()))? else {
        return Err(invalid("a row is not an object".into()));
    };
    let mut row = PortableRow::new();
    for (name, kind) in spec.columns {
        let value = raw.remove(*name).unwrap_or(Value::Null);
        let value = match (kind, value) {
            (ColumnType::Timestamp, Value::Number(n)) => {
                let at = n.as_i64().and_then(DateTime::<Utc>::from_timestamp_micros);
                let at = at.ok_or_else(|| invalid(format!("{name}: {n} is not an instant")))?;
                Value::String(at.to_rfc3339_opts(SecondsFormat::Micros, true))
            }
            (_, other) => other,
        };
        row.insert((*name).to_owned(), value);
    }
    Ok(row)
}

/// Portable → stored form: instants to microseconds, booleans to 0/1, JSON to its text.
fn to_native(spec: &'static TableSpec, row: &PortableRow) -> Result<Value, Failure> {
    let mut out = serde_json::Map::new();
    for (name, kind) in spec.columns {
        let value = row.get(*name).cloned().unwrap_or(Value::Null);
        let value = match (kind, value) {
            (_, Value::Null) => Value::Null,
            (ColumnType::Timestamp, Value::String(s)) => {
                let at = DateTime::parse_from_rfc3339(&s)
                    .map_err(|e| Failure::Invalid(spec.name, format!("{name}: {e}")))?;
                Value::from(at.with_timezone(&Utc).timestamp_micros())
            }
            (ColumnType::Boolean, Value::Bool(b)) => Value::from(i64::from(b)),
            (ColumnType::Json, json) => Value::String(json.to_string()),
            (_, other) => other,
        };
        out.insert((*name).to_owned(), value);
    }
    Ok(Value::Object(out))
}

fn import_sql(spec: &TableSpec) -> String {
    let columns: Vec<String> = spec.columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
    let values: Vec<String> = spec
        .columns
        .iter()
        .map(|(c, kind)| match kind {
            ColumnType::Bytes => format!("unhex(json_extract(value, '$.\"{c}\"'))"),
            ColumnType::Uuid
            | ColumnType::Text
            | ColumnType::Integer
            | ColumnType::Boolean
            | ColumnType::Timestamp
            | ColumnType::Json => format!("json_extract(value, '$.\"{c}\"')"),
        })
        .collect();
    format!("INSERT INTO {} ({}) SELECT {} FROM json_each(?)", spec.name, columns.join(", "), values.join(", "))
}

fn count_rows(conn: &mut SqliteConnection) -> Result<i64, Failure> {
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
impl BackupStore for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
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
            conn.transaction(|conn| {
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
            conn.immediate_transaction(|conn| {
                let existing = count_rows(conn)?;
                if existing > 0 {
                    return Err(Failure::NotEmpty(existing));
                }
                for TableRows { table, rows } in &tables {
                    let sql = import_sql(table);
                    for chunk in rows.chunks(500) {
                        let batch = chunk.iter().map(|r| to_native(table, r)).collect::<Result<Vec<_>, _>>()?;
                        diesel::sql_query(&sql)
                            .bind::<Text, _>(Value::Array(batch).to_string())
                            .execute(conn)
                            .map_err(|e| classify(table.name, e))?;
                    }
                }
                Ok(())
            })
        })
        .await
        .map_err(BackupError::from)
    }
}
