//! A real SMTP server for tests: aiosmtpd (PyPI) on a free loopback port, storing every
//! message in a Maildir (`fixtures/smtp_server.py`). Without aiosmtpd the caller's test is
//! announced as skipped (`.ci/run` installs it, so CI never skips).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running aiosmtpd; stopped when dropped.
#[derive(Debug)]
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("its address").port()
}

impl SmtpServer {
    /// Starts aiosmtpd (with `auth`: AUTH required, user `relay`, password `secret`), or
    /// announces `test` as skipped and returns `None` when aiosmtpd is not installed.
    pub fn start_or_skip(test: &str, auth: bool) -> Option<Self> {
        Self::start_on_or_skip(test, auth, free_port())
    }

    /// Like [`SmtpServer::start_or_skip`], on a given port (to bring a server back on the
    /// address a client already uses).
    pub fn start_on_or_skip(test: &str, auth: bool, port: u16) -> Option<Self> {
        let installed = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            crate::skip::announce(test, "aiosmtpd is not installed (pip install aiosmtpd)");
            return None;
        }
        let dir = tempfile::tempdir().expect("a temporary folder");
        let maildir = dir.path().join("maildir");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/smtp_server.py");
        let mut command = Command::new("python3");
        command.arg(script).arg(&maildir).arg(port.to_string());
        if auth {
            command.arg("auth");
        }
        let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line).expect("the server talks");
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Some(Self { child, port, maildir, _dir: dir })
    }

    /// Every message received so far, raw.
    pub fn received(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        entries.map(|e| std::fs::read(e.expect("a maildir entry").path()).expect("readable")).collect()
    }
}
