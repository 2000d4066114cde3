//! `headliner backup FILE` and `headliner restore FILE`: the file side of the archive
//! (the format and its checks are in `headliner_services::backup`).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use headliner_services::backup::{Manifest, make_backup, restore_backup, verify};

use crate::cli::open_migrated;
use crate::config::Settings;
use crate::database::Database;

fn total_rows(manifest: &Manifest) -> u64 {
    manifest.tables.iter().map(|t| t.rows).sum()
}

/// Writes `bytes` to a temporary file beside `file`, syncs it, then renames it into place, so
/// `file` is either the old archive or the complete new one, never half of one.
fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "backup".into());
    let temporary = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let result = (|| {
        let mut out = std::fs::File::create(&temporary)?;
        out.write_all(bytes)?;
        out.sync_all()?;
        std::fs::rename(&temporary, file)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Backs up the database as it is: no migration first, so a backup taken before an upgrade
/// holds the old schema.
pub async fn backup(settings: Settings, file: PathBuf) -> Result<(), String> {
    let database = Database::open(&settings).await.map_err(|e| e.to_string())?;
    let created_at = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let (bytes, manifest) =
        make_backup(database.backup_store().as_ref(), &created_at).await.map_err(|e| format!("backup failed: {e}"))?;
    write_atomically(&file, &bytes).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    tracing::info!(
        file = %file.display(),
        bytes = bytes.len(),
        rows = total_rows(&manifest),
        schema = %manifest.schema_version,
        source = %manifest.source,
        "backup written and verified"
    );
    Ok(())
}

/// Verifies the whole archive before the target is even opened; then migrates the target,
/// checks the schema versions match, and writes every table in one transaction.
pub async fn restore(settings: Settings, file: PathBuf) -> Result<(), String> {
    let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let refused = |e: &dyn std::fmt::Display| format!("{} was not restored, no data was written: {e}", file.display());
    let archive = verify(&bytes).map_err(|e| refused(&e))?;
    let database = open_migrated(&settings).await?;
    let manifest = restore_backup(database.backup_store().as_ref(), archive).await.map_err(|e| refused(&e))?;
    tracing::info!(
        file = %file.display(),
        rows = total_rows(&manifest),
        from = %manifest.source,
        made_at = %manifest.created_at,
        into = %settings.database.describe(),
        "backup restored"
    );
    Ok(())
}
