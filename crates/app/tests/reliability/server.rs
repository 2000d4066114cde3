//! The real `headliner` binary as a child process: started with an environment, stopped by a
//! signal, restarted on the same database.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use headliner::config::Settings;
use headliner::database::Database;

use crate::helpers::test_settings;

/// A running `headliner serve`.
pub struct Server {
    child: Child,
    pub address: String,
}

impl Server {
    /// Starts `serve` in `dir` with `env` (on top of a clean environment, JSON logs, port 0) and
    /// waits for it to log its address.
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_headliner"));
        command
            .current_dir(dir)
            .env_clear()
            .env("HEADLINER_LOG_FORMAT", "json")
            .env("HEADLINER_LOG", "warn,headliner=info")
            .env("HEADLINER_BIND", "127.0.0.1:0")
            .env("HEADLINER_JWT_SECRET", crate::helpers::TEST_JWT_SECRET)
            .env("HEADLINER_RATE_LIMIT_ANONYMOUS", "off")
            .envs(env.iter().copied());
        let mut child =
            command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("the binary runs");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
                    && v["message"] == "listening"
                {
                    let _ = tx.send(v["address"].as_str().unwrap_or_default().to_owned());
                }
            }
        });
        let address = rx.recv_timeout(Duration::from_secs(30)).expect("the server logs its address");
        Self { child, address: format!("http://{address}") }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no shutdown code runs at all.
    pub fn kill_hard(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Sends `signal` (e.g. `TERM`) and waits at most `deadline` for the exit.
    pub fn signal_and_wait(mut self, signal: &str, deadline: Duration) -> ExitStatus {
        let sent = Command::new("kill").args([&format!("-{signal}"), &self.pid().to_string()]).status().unwrap();
        assert!(sent.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(started.elapsed() < deadline, "the server did not exit within {deadline:?} of SIG{signal}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The store at `database_url`, opened from the test (the schema must exist).
pub async fn open_store(database_url: &str) -> Database {
    let dir = tempfile::tempdir().unwrap();
    let settings: Settings = test_settings(dir.path(), Some(database_url), &[]);
    Database::open(&settings).await.unwrap()
}
