//! The `headliner` binary as operators run it: exit codes, one-line errors, signals.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use headliner_testkit::postgres::TestDatabase;

fn headliner(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_headliner"));
    cmd.current_dir(dir).env_clear().env("HEADLINER_LOG_FORMAT", "json");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("the binary runs")
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr).lines().map(str::to_owned).collect()
}

#[test]
fn unparsable_environment_value_exits_2_with_one_line_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(headliner(dir.path()).env("HEADLINER_BIND", "everywhere"));
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("headliner: configuration error: HEADLINER_BIND: cannot use `everywhere`"),
        "{lines:?}"
    );
    assert!(!dir.path().join("data").exists(), "nothing is created for a refused configuration");
}

#[test]
fn unknown_key_in_the_config_file_exits_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = std::fs::File::create(dir.path().join("headliner.toml")).unwrap();
    writeln!(file, "bind = \"127.0.0.1:0\"\ndatabase_ulr = \"sqlite://x.db\"").unwrap();
    let output = run(&mut headliner(dir.path()));
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("headliner.toml line 2, key `database_ulr`: unknown field `database_ulr`"), "{lines:?}");
}

#[test]
fn unreachable_postgres_exits_1_with_one_line_naming_database_url() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(headliner(dir.path())
        .env("DATABASE_URL", "postgres://headliner:secret-pw@127.0.0.1:1/headliner")
        .env("HEADLINER_DB_CONNECT_TIMEOUT_SECS", "1")
        .arg("migrate"));
    assert_eq!(output.status.code(), Some(1));
    let last = stderr_lines(&output).pop().unwrap();
    assert!(
        last.starts_with(
            "headliner: DATABASE_URL: cannot reach PostgreSQL at postgres://headliner:***@127.0.0.1:1/headliner"
        ),
        "{last}"
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("secret-pw"));
    assert!(!String::from_utf8_lossy(&output.stdout).contains("secret-pw"));
}

#[test]
fn migrate_creates_and_migrates_the_default_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(headliner(dir.path()).arg("migrate"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let db = std::fs::read(dir.path().join("data/headliner.db")).unwrap();
    for table in ["__diesel_schema_migrations", "bookings", "booking_events", "outbox"] {
        let needle = format!("CREATE TABLE {table}");
        let needle = needle.as_bytes();
        assert!(db.windows(needle.len()).any(|w| w == needle), "table {table} exists");
    }
}

#[test]
fn migrate_applies_the_schema_to_postgres() {
    let Some(db) = TestDatabase::create_or_skip("migrate_applies_the_schema_to_postgres").unwrap() else { return };
    let dir = tempfile::tempdir().unwrap();
    let output = run(headliner(dir.path()).env("DATABASE_URL", db.url()).arg("migrate"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for table in ["bookings", "booking_events", "users", "celebrities", "outbox", "idempotency_keys"] {
        assert!(db.has_table(table).unwrap(), "{table} exists");
    }
}

/// Starts `headliner` (bare, i.e. `serve`) and returns it with the address it logged.
fn start_server(cmd: &mut Command) -> (Child, String) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).stdin(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
                && v["message"] == "listening"
            {
                let _ = tx.send(v["address"].as_str().unwrap().to_owned());
            }
        }
    });
    let address = rx.recv_timeout(Duration::from_secs(30)).expect("the server logs its address");
    (child, address)
}

fn wait_with_deadline(child: &mut Child, deadline: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(started.elapsed() < deadline, "the server did not exit within {deadline:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn bare_binary_serves_on_defaults_and_exits_0_on_sigterm() {
    serves_then_stops_on("TERM").await;
}

#[tokio::test]
async fn the_server_also_stops_gracefully_on_sigint() {
    serves_then_stops_on("INT").await;
}

async fn serves_then_stops_on(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    // Everything default except the port, so the test never collides with a running server.
    let (mut child, address) = start_server(headliner(dir.path()).env("HEADLINER_BIND", "127.0.0.1:0"));
    let ready = reqwest::get(format!("http://{address}/health/ready")).await.unwrap();
    assert_eq!(ready.status().as_u16(), 200);
    assert!(dir.path().join("data/headliner.db").is_file(), "SQLite created in ./data");

    let status = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = wait_with_deadline(&mut child, Duration::from_secs(10));
    assert!(exit.success(), "{exit:?}");
}

fn create_admin(dir: &Path, database_url: Option<&str>, email: &str, password: &str) -> Output {
    let mut cmd = headliner(dir);
    cmd.args(["create-admin", "--email", email, "--name", "Ops"]);
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn create_admin_reads_the_password_from_stdin_and_refuses_weak_ones_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let weak = create_admin(dir.path(), None, "ops@example.com", "password1");
    assert_eq!(weak.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password: is one of the most common passwords"));
    let made = create_admin(dir.path(), None, "ops@example.com", "a long admin passphrase");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let again = create_admin(dir.path(), None, "OPS@example.com", "a long admin passphrase");
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

#[tokio::test]
async fn an_admin_made_by_create_admin_can_log_in_and_is_an_admin() {
    let Some(db) = TestDatabase::create_or_skip("an_admin_made_by_create_admin_can_log_in").unwrap() else { return };
    let dir = tempfile::tempdir().unwrap();
    let made = create_admin(dir.path(), Some(db.url()), "root@example.com", "a long admin passphrase");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let app = crate::helpers::spawn_app_with(crate::helpers::Store::Postgres(db), &[], None).await;
    let login = app.login("root@example.com", "a long admin passphrase").await;
    assert_eq!(login.status().as_u16(), 200);
    let body: serde_json::Value = login.json().await.unwrap();
    assert_eq!(body["user"]["role"], "admin");
}
