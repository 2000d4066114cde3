//! A private PostgreSQL server for tests that stop and start it (the shared test server must
//! never be restarted under other tests): `initdb` into a temporary folder, `pg_ctl` on a free
//! loopback port. It uses the machine's PostgreSQL binaries (the newest
//! `/usr/lib/postgresql/<version>/bin`); run as root, they run as the `postgres` user (the server refuses
//! root). Without the binaries the caller's test is announced as skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A running private cluster; stopped at once (immediate mode) and deleted when dropped.
#[derive(Debug)]
pub struct PrivateCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    as_postgres: bool,
    pub port: u16,
}

fn bindir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn running_as_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl PrivateCluster {
    /// Creates and starts a cluster (trust auth, user `postgres`, fsync off: it is thrown away),
    /// or returns `None` after announcing `test` as skipped when PostgreSQL is not installed.
    pub fn start_or_skip(test: &str) -> Option<Self> {
        let Some(bin) = bindir() else {
            crate::skip::announce(test, "no PostgreSQL server binaries (initdb, pg_ctl) on this machine");
            return None;
        };
        let dir = tempfile::tempdir().expect("a temporary folder");
        let as_postgres = running_as_root();
        if as_postgres {
            let owned = Command::new("chown").arg("-R").arg("postgres:").arg(dir.path()).status();
            assert!(owned.is_ok_and(|s| s.success()), "chown the cluster folder to postgres");
        }
        let cluster = Self { bin, dir, as_postgres, port: crate::smtp::free_port() };
        let data = cluster.data();
        cluster.run("initdb", &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"]);
        cluster.start();
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let output = command.args(args).stdin(Stdio::null()).output().expect("the PostgreSQL tool runs");
        assert!(
            output.status.success(),
            "{tool} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The URL of the cluster's `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "-t", "30", "start"]);
    }

    /// Stops the server the way a restart by an operator does (`fast`: clients disconnected,
    /// open transactions rolled back) and waits until it is down.
    pub fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "-t", "30", "stop"]);
    }

    /// The folder holding the cluster (its log is `server.log` there).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let program = self.bin.join("pg_ctl");
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if self.as_postgres {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&program).args(args).output()
        } else {
            Command::new(&program).args(args).output()
        };
    }
}
