//! Structured logs: pretty on a terminal, one JSON object per line otherwise.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::config::LogFormat;

/// Installs the global subscriber. `filter` uses `EnvFilter` syntax (`info`,
/// `headliner=debug,actix_web=warn`, ...). Safe to call twice: the second call is a no-op,
/// which keeps test binaries that start several apps working.
pub fn init(format: LogFormat, filter: &str) -> Result<(), String> {
    let filter = EnvFilter::try_new(filter).map_err(|e| format!("log (HEADLINER_LOG): {e}"))?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_span_events(FmtSpan::NONE);
    let result = match format {
        LogFormat::Pretty => builder.with_target(false).try_init(),
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).flatten_event(true).try_init(),
    };
    // An already-installed subscriber (tests) is fine.
    let _ = result;
    Ok(())
}
