//! [`FileStore`] on a local folder.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use headliner_ports::files::{FileStore, FileStoreError, StoredFileName};

/// Temporary files start with this; a [`StoredFileName`] never starts with a dot, so a
/// temporary file can never be taken for (or overwrite) a stored one.
const TEMP_PREFIX: &str = ".tmp-";
const TEMP_SUFFIX: &str = ".part";
/// Temporary files older than this, found when the store opens, were left by a crash.
const STALE_TEMP_AGE: Duration = Duration::from_secs(60 * 60);

/// Stored files as plain files in one folder, named by their [`StoredFileName`].
///
/// `put` writes a temporary file in the same folder, flushes it to disk, renames it into
/// place (atomic on one file system: a reader sees the old file or the new one, never half a
/// file) and flushes the folder, so a completed `put` survives a power cut. All file system
/// calls run on tokio's blocking pool.
#[derive(Debug, Clone)]
pub struct LocalFileStore {
    dir: Arc<PathBuf>,
}

impl LocalFileStore {
    /// Opens the store on `dir`, creating the folder (and its parents) when missing, and
    /// removes temporary files that a crash left behind (older than an hour). Blocking: call
    /// it at start-up.
    pub fn open(dir: impl Into<PathBuf>) -> io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        remove_stale_temp_files(&dir);
        Ok(Self { dir: Arc::new(dir) })
    }

    /// The folder the files live in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    async fn run<T, F>(&self, op: F) -> Result<T, FileStoreError>
    where
        F: FnOnce(&Path) -> Result<T, FileStoreError> + Send + 'static,
        T: Send + 'static,
    {
        let dir = Arc::clone(&self.dir);
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(|| op(&dir)))
            .await
            .map_err(|e| FileStoreError::Unavailable(Box::new(e)))?
    }
}

#[async_trait]
impl FileStore for LocalFileStore {
    async fn put(&self, name: StoredFileName, bytes: Vec<u8>) -> Result<(), FileStoreError> {
        self.run(move |dir| put_blocking(dir, &name, &bytes)).await
    }

    async fn get(&self, name: StoredFileName) -> Result<Vec<u8>, FileStoreError> {
        self.run(move |dir| {
            let path = dir.join(name.as_str());
            std::fs::read(&path).map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => FileStoreError::NotFound,
                _ => unavailable("read", &path, e),
            })
        })
        .await
    }

    async fn delete(&self, name: StoredFileName) -> Result<(), FileStoreError> {
        self.run(move |dir| {
            let path = dir.join(name.as_str());
            match std::fs::remove_file(&path) {
                Ok(()) => sync_dir(dir),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(unavailable("delete", &path, e)),
            }
        })
        .await
    }
}

fn put_blocking(dir: &Path, name: &StoredFileName, bytes: &[u8]) -> Result<(), FileStoreError> {
    let target = dir.join(name.as_str());
    // Dropped on any early return: the temporary file is removed again.
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| unavailable("create a temporary file in", dir, e))?;
    temp.write_all(bytes).map_err(|e| unavailable("write", temp.path(), e))?;
    temp.as_file().sync_all().map_err(|e| unavailable("flush", temp.path(), e))?;
    temp.persist(&target).map_err(|e| unavailable("rename a temporary file to", &target, e.error))?;
    sync_dir(dir)
}

/// Flushes the folder itself, so a rename or removal in it is durable.
fn sync_dir(dir: &Path) -> Result<(), FileStoreError> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| unavailable("flush", dir, e))
    }
    #[cfg(not(unix))]
    {
        // Folders cannot be opened as files here; the rename is as durable as the OS makes it.
        let _ = dir;
        Ok(())
    }
}

/// Best effort: a temporary file that cannot be removed is harmless (it is never served).
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        // A younger one may belong to a `put` still running in another process.
        let stale =
            meta.modified().ok().and_then(|m| now.duration_since(m).ok()).is_some_and(|age| age > STALE_TEMP_AGE);
        if meta.is_file() && stale {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => tracing::info!(file = name, "removed a temporary file left by an interrupted upload"),
                Err(error) => tracing::warn!(file = name, %error, "cannot remove a stale temporary file"),
            }
        }
    }
}

fn unavailable(action: &'static str, path: &Path, source: io::Error) -> FileStoreError {
    FileStoreError::Unavailable(Box::new(FsError { action, path: path.to_owned(), source }))
}

/// An I/O failure with what was being done to which path (for the logs; never sent to clients).
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}", path.display())]
struct FsError {
    action: &'static str,
    path: PathBuf,
    #[source]
    source: io::Error,
}
