//! `LocalFileStore`: whole files or nothing, and nothing left behind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use headliner_files::LocalFileStore;
use headliner_ports::files::{FileStore, FileStoreError, StoredFileName};

fn name(s: &str) -> StoredFileName {
    StoredFileName::parse(s).unwrap()
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn put_then_get_returns_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let store = LocalFileStore::open(tmp.path()).unwrap();
    let bytes: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    store.put(name("a1b2-c3.png"), bytes.clone()).await.unwrap();
    assert_eq!(store.get(name("a1b2-c3.png")).await.unwrap(), bytes);
    assert_eq!(std::fs::read(tmp.path().join("a1b2-c3.png")).unwrap(), bytes);
}

#[tokio::test]
async fn put_replaces_an_existing_file_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let store = LocalFileStore::open(tmp.path()).unwrap();
    store.put(name("x.jpg"), vec![1; 10_000]).await.unwrap();
    store.put(name("x.jpg"), vec![2; 10]).await.unwrap();
    assert_eq!(store.get(name("x.jpg")).await.unwrap(), vec![2; 10]);
    store.put(name("x.jpg"), Vec::new()).await.unwrap();
    assert_eq!(store.get(name("x.jpg")).await.unwrap(), Vec::<u8>::new());
}

#[tokio::test]
async fn get_of_a_missing_file_is_not_found() {
    let tmp = tempfile::tempdir().unwrap();
    let store = LocalFileStore::open(tmp.path()).unwrap();
    assert!(matches!(store.get(name("missing.webp")).await, Err(FileStoreError::NotFound)));
}

#[tokio::test]
async fn delete_removes_and_is_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let store = LocalFileStore::open(tmp.path()).unwrap();
    store.put(name("gone.png"), vec![9; 3]).await.unwrap();
    store.put(name("kept.png"), vec![8; 3]).await.unwrap();
    store.delete(name("gone.png")).await.unwrap();
    assert!(matches!(store.get(name("gone.png")).await, Err(FileStoreError::NotFound)));
    store.delete(name("gone.png")).await.unwrap();
    store.delete(name("never-there.jpg")).await.unwrap();
    assert_eq!(store.get(name("kept.png")).await.unwrap(), vec![8; 3]);
    assert_eq!(entries(tmp.path()), ["kept.png"]);
}

#[tokio::test]
async fn no_temporary_files_are_left_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let store = LocalFileStore::open(tmp.path()).unwrap();
    for i in 0..20 {
        store.put(name(&format!("f{}.png", i % 5)), vec![i; 1000]).await.unwrap();
    }
    assert_eq!(entries(tmp.path()), ["f0.png", "f1.png", "f2.png", "f3.png", "f4.png"]);
}

#[tokio::test]
async fn a_failed_put_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let store = LocalFileStore::open(tmp.path()).unwrap();
    // A folder where the file should go: the rename into place fails.
    std::fs::create_dir(tmp.path().join("taken.png")).unwrap();
    std::fs::write(tmp.path().join("taken.png").join("inside"), b"x").unwrap();
    assert!(matches!(store.put(name("taken.png"), vec![1; 10]).await, Err(FileStoreError::Unavailable(_))));
    assert_eq!(entries(tmp.path()), ["taken.png"]);
}

#[tokio::test]
async fn open_creates_missing_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data").join("images");
    let store = LocalFileStore::open(&dir).unwrap();
    assert_eq!(store.dir(), dir);
    store.put(name("a.jpg"), vec![1]).await.unwrap();
    assert_eq!(std::fs::read(dir.join("a.jpg")).unwrap(), vec![1]);
}

#[test]
fn open_removes_only_stale_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |n: &str, age: Duration| {
        let f = std::fs::File::create(tmp.path().join(n)).unwrap();
        f.set_modified(SystemTime::now() - age).unwrap();
    };
    write(".tmp-old1.part", Duration::from_secs(3 * 3600));
    write(".tmp-new1.part", Duration::from_secs(60));
    write("old.png", Duration::from_secs(3 * 3600));
    write(".tmp-unrelated", Duration::from_secs(3 * 3600));
    LocalFileStore::open(tmp.path()).unwrap();
    assert_eq!(entries(tmp.path()), [".tmp-new1.part", ".tmp-unrelated", "old.png"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readers_never_see_half_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Arc::new(LocalFileStore::open(tmp.path()).unwrap());
    let versions: Vec<Vec<u8>> = (0..4u8).map(|v| vec![v; 256 * 1024 + usize::from(v)]).collect();
    store.put(name("hot.jpg"), versions[0].clone()).await.unwrap();

    let writer = {
        let (store, versions) = (Arc::clone(&store), versions.clone());
        tokio::spawn(async move {
            for i in 0..40 {
                store.put(name("hot.jpg"), versions[i % versions.len()].clone()).await.unwrap();
            }
        })
    };
    let mut reads = 0;
    while !writer.is_finished() || reads < 10 {
        let got = store.get(name("hot.jpg")).await.unwrap();
        assert!(versions.contains(&got), "read {} bytes that are no version written", got.len());
        reads += 1;
    }
    writer.await.unwrap();
    assert_eq!(entries(tmp.path()), ["hot.jpg"]);
}
