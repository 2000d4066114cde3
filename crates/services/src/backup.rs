//! The backup archive: a versioned, self-checking text file of every table.
//!
//! ```text
//! HEADLINER-BACKUP 1
//! {"format":1,"created_at":"…","source":"sqlite","schema_version":"20261124000001",
//!  "tables":[{"name":"categories","rows":6,"sha256":"…"},…]}
//! {"t":"categories","r":{"slug":"music","name":"Music","created_at":"…"}}
//! …
//! END <sha256 of every byte above this line>
//! ```
//!
//! A restore checks everything before it writes anything: the trailer hash (any flipped byte),
//! the manifest (format, table list, schema version), and every table's row count and hash.

use headliner_ports::backup::{BackupError, BackupStore, ColumnType, PortableRow, TABLES, TableRows, TableSpec};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::hex::encode as hex;

const MAGIC: &str = "HEADLINER-BACKUP";
/// The archive format this build writes and reads.
pub const FORMAT: u32 = 1;

/// What an archive says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    pub created_at: String,
    /// `postgres` or `sqlite`.
    pub source: String,
    pub schema_version: String,
    pub tables: Vec<TableSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSummary {
    pub name: String,
    pub rows: u64,
    pub sha256: String,
}

/// Why an archive was refused. Nothing has been written when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("not a Headliner backup (the first line is not `{MAGIC} <format>`)")]
    NotAnArchive,
    #[error("archive format {0} is not supported by this build (it reads format {FORMAT})")]
    UnsupportedFormat(String),
    #[error("the archive is damaged: {0}")]
    Damaged(String),
    #[error("the archive does not match this schema: {0}")]
    Mismatch(String),
}

fn row_line(table: &str, row: &PortableRow) -> Result<String, ArchiveError> {
    #[derive(Serialize)]
    struct Line<'a> {
        t: &'a str,
        r: &'a PortableRow,
    }
    serde_json::to_string(&Line { t: table, r: row }).map_err(|e| ArchiveError::Damaged(e.to_string()))
}

/// Writes the archive of `tables` (which must follow [`TABLES`]).
pub fn encode(
    source: &str,
    schema_version: &str,
    created_at: &str,
    tables: &[TableRows],
) -> Result<Vec<u8>, ArchiveError> {
    let mut body = String::new();
    let mut summaries = Vec::with_capacity(tables.len());
    for table in tables {
        let mut hasher = Sha256::new();
        for row in &table.rows {
            let line = row_line(table.table.name, row)?;
            hasher.update(line.as_bytes());
            hasher.update(b"\n");
            body.push_str(&line);
            body.push('\n');
        }
        summaries.push(TableSummary {
            name: table.table.name.to_owned(),
            rows: table.rows.len() as u64,
            sha256: hex(&hasher.finalize()),
        });
    }
    let manifest = Manifest {
        format: FORMAT,
        created_at: created_at.to_owned(),
        source: source.to_owned(),
        schema_version: schema_version.to_owned(),
        tables: summaries,
    };
    let manifest = serde_json::to_string(&manifest).map_err(|e| ArchiveError::Damaged(e.to_string()))?;
    let mut out = format!("{MAGIC} {FORMAT}\n{manifest}\n{body}");
    let digest = hex(&Sha256::digest(out.as_bytes()));
    out.push_str(&format!("END {digest}\n"));
    Ok(out.into_bytes())
}

/// A verified archive.
#[derive(Debug, Clone, PartialEq)]
pub struct Archive {
    pub manifest: Manifest,
    pub tables: Vec<TableRows>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowLine {
    t: String,
    r: PortableRow,
}

/// Reads and verifies an archive completely; only a fully consistent archive comes back.
pub fn decode(bytes: &[u8], expected_schema: &str) -> Result<Archive, ArchiveError> {
    let archive = verify(bytes)?;
    if archive.manifest.schema_version != expected_schema {
        return Err(ArchiveError::Mismatch(format!(
            "it holds schema {}, this database is at {expected_schema}",
            archive.manifest.schema_version
        )));
    }
    Ok(archive)
}

/// Everything [`decode`] checks except the schema version: run it before touching any
/// database, so a damaged file is refused before a target is even opened.
pub fn verify(bytes: &[u8]) -> Result<Archive, ArchiveError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ArchiveError::Damaged("not UTF-8 text".into()))?;
    let first = text.lines().next().ok_or(ArchiveError::NotAnArchive)?;
    let format = first.strip_prefix(MAGIC).map(str::trim).ok_or(ArchiveError::NotAnArchive)?;
    if format != FORMAT.to_string() {
        return Err(ArchiveError::UnsupportedFormat(format.to_owned()));
    }
    let body = text.strip_suffix('\n').ok_or_else(|| ArchiveError::Damaged("truncated (no final newline)".into()))?;
    let (covered, trailer) =
        body.rsplit_once('\n').ok_or_else(|| ArchiveError::Damaged("truncated (no trailer)".into()))?;
    let claimed =
        trailer.strip_prefix("END ").ok_or_else(|| ArchiveError::Damaged("truncated (no END line)".into()))?;
    let covered = &text[..covered.len() + 1];
    if hex(&Sha256::digest(covered.as_bytes())) != claimed {
        return Err(ArchiveError::Damaged("its checksum does not match its content".into()));
    }

    let mut lines = covered.lines().skip(1);
    let manifest: Manifest = serde_json::from_str(lines.next().unwrap_or_default())
        .map_err(|e| ArchiveError::Damaged(format!("manifest: {e}")))?;
    let names: Vec<&str> = manifest.tables.iter().map(|t| t.name.as_str()).collect();
    let expected: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
    if names != expected {
        return Err(ArchiveError::Mismatch(format!("its tables are {names:?}, expected {expected:?}")));
    }

    let mut tables: Vec<TableRows> = TABLES.iter().map(|table| TableRows { table, rows: Vec::new() }).collect();
    let mut hashers: Vec<Sha256> = TABLES.iter().map(|_| Sha256::new()).collect();
    let mut current = 0;
    for (number, line) in lines.enumerate() {
        let parsed: RowLine =
            serde_json::from_str(line).map_err(|e| ArchiveError::Damaged(format!("row {}: {e}", number + 1)))?;
        while current < TABLES.len() && TABLES[current].name != parsed.t {
            current += 1;
        }
        let spec = TABLES
            .get(current)
            .ok_or_else(|| ArchiveError::Damaged(format!("row {}: table {} out of order", number + 1, parsed.t)))?;
        check_row(spec, &parsed.r).map_err(|m| ArchiveError::Mismatch(format!("table {}: {m}", spec.name)))?;
        hashers[current].update(line.as_bytes());
        hashers[current].update(b"\n");
        tables[current].rows.push(parsed.r);
    }
    for ((summary, table), hasher) in manifest.tables.iter().zip(&tables).zip(hashers) {
        if summary.rows != table.rows.len() as u64 || summary.sha256 != hex(&hasher.finalize()) {
            return Err(ArchiveError::Damaged(format!(
                "table {} has {} rows or content other than its manifest says",
                summary.name,
                table.rows.len()
            )));
        }
    }
    Ok(Archive { manifest, tables })
}

/// `67e55044-10b1-426f-9247-bb680e5fe0c8`: lower-case, hyphenated.
fn is_canonical_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok_and(|u| u.hyphenated().to_string() == s)
}

/// `2030-01-01T09:00:00.000000Z`: RFC 3339, UTC, microseconds.
fn is_portable_instant(s: &str) -> bool {
    s.len() == 27 && s.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

/// Even-length lower-case hex (possibly empty).
fn is_lower_hex(s: &str) -> bool {
    s.len().is_multiple_of(2) && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Exactly the table's columns, each null or of its column's portable type.
fn check_row(spec: &TableSpec, row: &PortableRow) -> Result<(), String> {
    if row.len() != spec.columns.len() {
        return Err(format!("a row has {} columns, expected {}", row.len(), spec.columns.len()));
    }
    for (name, kind) in spec.columns {
        let value = row.get(*name).ok_or_else(|| format!("a row lacks column {name}"))?;
        let fits = match (kind, value) {
            (_, serde_json::Value::Null) | (ColumnType::Json, _) => true,
            (ColumnType::Text, v) => v.is_string(),
            (ColumnType::Uuid, v) => v.as_str().is_some_and(is_canonical_uuid),
            (ColumnType::Timestamp, v) => v.as_str().is_some_and(is_portable_instant),
            (ColumnType::Bytes, v) => v.as_str().is_some_and(is_lower_hex),
            (ColumnType::Integer, v) => v.is_i64(),
            (ColumnType::Boolean, v) => v.is_boolean(),
        };
        if !fits {
            return Err(format!("column {name} holds {value}, not a {kind:?}"));
        }
    }
    Ok(())
}

/// Why a backup or restore did not happen (a restore that fails has written nothing).
#[derive(Debug, thiserror::Error)]
pub enum BackupFailure {
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error(transparent)]
    Store(#[from] BackupError),
}

/// Reads every table in one snapshot and returns the archive with its manifest.
pub async fn make_backup(store: &dyn BackupStore, created_at: &str) -> Result<(Vec<u8>, Manifest), BackupFailure> {
    let version = store.schema_version().await?;
    let tables = store.export_all().await?;
    let bytes = encode(store.kind(), &version, created_at, &tables)?;
    // Reading our own output back proves the archive restores before anyone relies on it.
    let manifest = decode(&bytes, &version)?.manifest;
    Ok((bytes, manifest))
}

/// Checks `archive` (already [`verify`]-ed) against this store's schema, then writes every
/// table in one transaction into the (empty) store.
pub async fn restore_backup(store: &dyn BackupStore, archive: Archive) -> Result<Manifest, BackupFailure> {
    let version = store.schema_version().await?;
    if archive.manifest.schema_version != version {
        return Err(ArchiveError::Mismatch(format!(
            "it holds schema {}, this database is at {version}",
            archive.manifest.schema_version
        ))
        .into());
    }
    store.import_all(archive.tables).await?;
    Ok(archive.manifest)
}

#[cfg(test)]
mod tests;
