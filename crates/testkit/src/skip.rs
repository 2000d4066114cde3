//! Saying out loud that a test did not run.

use std::io::Write;

/// Writes a skip notice straight to the process's stderr. libtest captures `eprintln!` of
/// passing tests, so the notice would vanish; a direct write is shown in `cargo test` output.
pub fn announce(test: &str, reason: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "SKIPPED {test}: {reason}");
}

/// Writes a warning straight to stderr (see [`announce`] for why not `eprintln!`).
pub fn warn(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "WARNING: {message}");
}

/// Writes a measured figure straight to stderr, so `cargo test` shows it.
pub fn note(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "NOTE: {message}");
}
