//! `headliner backup` / `headliner restore` as operators run them, on both stores.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use headliner::database::Database;
use headliner_domain::booking::BookingStatus;
use headliner_domain::role::Actor;
use headliner_domain::templates::{TemplateKey, TemplateSource, default_template};
use headliner_ports::idempotency::{IdempotencyRecord, StoredResponse};
use headliner_ports::templates::TemplateChange;
use headliner_testkit::contract::World;
use headliner_testkit::postgres::TestDatabase;

use crate::helpers::test_settings;

/// A store to run the binary against: a data folder, and a Postgres database or not.
struct Target {
    dir: tempfile::TempDir,
    postgres: Option<TestDatabase>,
}

impl Target {
    fn sqlite() -> Self {
        Self { dir: tempfile::tempdir().unwrap(), postgres: None }
    }

    fn postgres(test: &str) -> Option<Self> {
        let db = TestDatabase::create_or_skip(test).unwrap()?;
        Some(Self { dir: tempfile::tempdir().unwrap(), postgres: Some(db) })
    }

    fn headliner(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_headliner"));
        cmd.current_dir(self.dir.path()).env_clear().env("HEADLINER_LOG_FORMAT", "json").args(args);
        cmd.env("HEADLINER_DATA_DIR", self.dir.path());
        if let Some(db) = &self.postgres {
            cmd.env("DATABASE_URL", db.url());
        }
        cmd.stdin(Stdio::null()).output().unwrap()
    }

    async fn database(&self) -> Database {
        let settings = test_settings(self.dir.path(), self.postgres.as_ref().map(TestDatabase::url), &[]);
        let database = Database::open(&settings).await.unwrap();
        database.migrate("test").await.unwrap();
        database
    }

    fn archive(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn ok(output: Output) {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// Rows of every kind: accounts, catalogue, bookings with trails, outbox JSON, a template
/// change (serial ids), an idempotency key with a binary body.
async fn fill(target: &Target) {
    let repos = target.database().await.repositories();
    let w = World::create(&repos).await;
    let mut new = w.booking(w.celebrity, 10, 12);
    // Microseconds, non-ASCII text and NULL next to empty values must survive the round trip.
    new.booking.created_at += chrono::Duration::microseconds(123_456);
    new.booking.updated_at = new.booking.created_at;
    new.booking.message = "Gala — 🎤 señor".into();
    new.audit.at = new.booking.created_at;
    let booking = new.booking.clone();
    repos.bookings.insert(new, vec![w.mail_about(&booking)]).await.unwrap();
    let confirm = booking
        .transition(BookingStatus::Confirmed, &Actor::Admin { user_id: w.admin }, Some("ok"), booking.created_at)
        .unwrap();
    repos.bookings.apply_change(confirm, vec![]).await.unwrap();
    repos.bookings.insert(w.booking(w.other_celebrity, 3, 4), vec![]).await.unwrap();
    let edited = TemplateSource { subject: "Welcome aboard".into(), ..default_template(TemplateKey::Welcome) };
    let change = TemplateChange {
        key: TemplateKey::Welcome,
        at: booking.created_at,
        by: w.admin,
        before: None,
        after: Some(edited),
    };
    repos.templates.save(change).await.unwrap();
    let key = IdempotencyRecord {
        user_id: w.customer,
        key: "req-1".into(),
        request_fingerprint: "sha256:1".into(),
        response: Some(StoredResponse { status: 201, body: vec![0, 159, 255, 10] }),
        created_at: booking.created_at,
    };
    repos.idempotency.claim(key).await.unwrap();
    // Mixed-case keys sort differently under a linguistic collation than bytewise; archives
    // must not depend on the database's collation.
    for key in ["KEY_d", "key-a", "Key-b", "keyc"] {
        let record = IdempotencyRecord {
            user_id: w.customer,
            key: key.into(),
            request_fingerprint: "sha256:2".into(),
            response: Some(StoredResponse { status: 200, body: Vec::new() }),
            created_at: booking.created_at,
        };
        repos.idempotency.claim(record).await.unwrap();
    }
}

/// The manifest's (table, rows, sha256) triples: equal triples mean identical rows.
fn tables_of(archive: &Path) -> Vec<(String, u64, String)> {
    let text = std::fs::read_to_string(archive).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    manifest["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (t["name"].as_str().unwrap().into(), t["rows"].as_u64().unwrap(), t["sha256"].as_str().unwrap().into())
        })
        .collect()
}

async fn round_trip(source: Target, target: Target) {
    fill(&source).await;
    let first = source.archive("first.backup");
    ok(source.headliner(&["backup", first.to_str().unwrap()]));
    let original = tables_of(&first);
    assert!(original.iter().filter(|(_, rows, _)| *rows > 0).count() >= 9, "{original:?}");

    ok(target.headliner(&["restore", first.to_str().unwrap()]));
    let second = target.archive("second.backup");
    ok(target.headliner(&["backup", second.to_str().unwrap()]));
    assert_eq!(tables_of(&second), original, "every row, id and value survives the round trip");

    // Sequences moved past the restored audit ids: new changes still append.
    let repos = target.database().await.repositories();
    let page = repos
        .bookings
        .list(headliner_ports::bookings::BookingQuery {
            scope: headliner_ports::bookings::BookingScope::All,
            status: Some(BookingStatus::Pending),
            celebrity_id: None,
            from: None,
            to: None,
            limit: 10,
            after: None,
        })
        .await
        .unwrap();
    let pending = page.items.first().unwrap().clone();
    let reject =
        pending.transition(BookingStatus::Rejected, &Actor::System, Some("expired"), pending.created_at).unwrap();
    repos.bookings.apply_change(reject, vec![]).await.unwrap();
    assert_eq!(repos.bookings.audit_trail(pending.id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn backup_wipe_restore_gives_identical_rows_on_sqlite() {
    round_trip(Target::sqlite(), Target::sqlite()).await;
}

#[tokio::test]
async fn backup_wipe_restore_gives_identical_rows_on_postgres() {
    let Some(source) = Target::postgres("backup_round_trip_on_postgres_source") else { return };
    let Some(target) = Target::postgres("backup_round_trip_on_postgres_target") else { return };
    round_trip(source, target).await;
}

#[tokio::test]
async fn a_sqlite_backup_restored_into_postgres_keeps_every_id() {
    let Some(target) = Target::postgres("a_sqlite_backup_restored_into_postgres_keeps_every_id") else { return };
    round_trip(Target::sqlite(), target).await;
}

#[tokio::test]
async fn a_damaged_archive_is_refused_and_nothing_is_written() {
    let source = Target::sqlite();
    fill(&source).await;
    let archive = source.archive("good.backup");
    ok(source.headliner(&["backup", archive.to_str().unwrap()]));
    let mut bytes = std::fs::read(&archive).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    let damaged = source.archive("damaged.backup");
    std::fs::write(&damaged, bytes).unwrap();

    let target = Target::sqlite();
    let output = target.headliner(&["restore", damaged.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        !target.dir.path().join("headliner.db").exists(),
        "a damaged archive is refused before the target is opened"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("was not restored, no data was written: the archive is damaged"), "{stderr}");
}

#[tokio::test]
async fn restoring_into_a_database_with_data_is_refused() {
    let source = Target::sqlite();
    fill(&source).await;
    let archive = source.archive("a.backup");
    ok(source.headliner(&["backup", archive.to_str().unwrap()]));
    let output = source.headliner(&["restore", archive.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("restore needs an empty, migrated database"), "{stderr}");
}

#[tokio::test]
async fn the_demo_data_backed_up_from_sqlite_and_restored_into_postgres_keeps_every_id() {
    let Some(target) = Target::postgres("demo_data_from_sqlite_into_postgres") else { return };
    let source = Target::sqlite();
    ok(source.headliner(&["seed", "--demo"]));
    let archive = source.archive("demo.backup");
    ok(source.headliner(&["backup", archive.to_str().unwrap()]));
    ok(target.headliner(&["restore", archive.to_str().unwrap()]));
    let again = target.archive("demo-again.backup");
    ok(target.headliner(&["backup", again.to_str().unwrap()]));
    let (from_sqlite, from_postgres) = (tables_of(&archive), tables_of(&again));
    assert_eq!(from_postgres, from_sqlite, "identical rows, ids included");
    let rows = |name: &str| from_sqlite.iter().find(|(t, _, _)| t == name).map(|(_, n, _)| *n).unwrap();
    assert!(rows("celebrities") >= 50 && rows("bookings") >= 50 && rows("booking_events") > rows("bookings"));
    let demo = headliner::seed::celebrity_id(0);
    let restored = target.database().await.repositories().celebrities.get(demo).await.unwrap();
    assert_eq!(restored.id, demo);
}
