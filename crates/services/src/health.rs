//! Readiness: the app is ready when every dependency answers.
//!
//! Each probe bounds its own wait (the adapters use their pool's checkout timeout); the app
//! adds an overall deadline around the whole check.

use std::sync::Arc;

use headliner_ports::health::{HealthError, HealthProbe};

/// The outcome of one probe.
#[derive(Debug)]
pub struct ProbeResult {
    pub name: &'static str,
    pub outcome: Result<(), HealthError>,
}

/// The outcome of a readiness check over every probe.
#[derive(Debug)]
pub struct Readiness {
    pub probes: Vec<ProbeResult>,
}

impl Readiness {
    /// Ready only when every probe answered.
    pub fn is_ready(&self) -> bool {
        self.probes.iter().all(|p| p.outcome.is_ok())
    }
}

/// Runs every probe once, in order. Side-effect free.
pub async fn check_readiness(probes: &[Arc<dyn HealthProbe>]) -> Readiness {
    let mut results = Vec::with_capacity(probes.len());
    for probe in probes {
        let outcome = probe.check().await;
        results.push(ProbeResult { name: probe.name(), outcome });
    }
    Readiness { probes: results }
}

#[cfg(test)]
mod tests {
    use super::*;
    use headliner_ports::health::MockHealthProbe;

    fn probe(name: &'static str, ok: bool) -> Arc<dyn HealthProbe> {
        let mut mock = MockHealthProbe::new();
        mock.expect_name().return_const(name);
        mock.expect_check().times(1).returning(move || {
            if ok {
                Ok(())
            } else {
                Err(HealthError::Unavailable { what: "database", source: "connection refused".into() })
            }
        });
        Arc::new(mock)
    }

    #[tokio::test]
    async fn readiness_is_ready_when_every_probe_answers() {
        let readiness = check_readiness(&[probe("database", true), probe("mail", true)]).await;
        assert!(readiness.is_ready());
        assert_eq!(readiness.probes.len(), 2);
    }

    #[tokio::test]
    async fn readiness_is_not_ready_when_one_probe_fails_and_names_it() {
        let readiness = check_readiness(&[probe("database", false), probe("mail", true)]).await;
        assert!(!readiness.is_ready());
        let failed: Vec<_> = readiness.probes.iter().filter(|p| p.outcome.is_err()).map(|p| p.name).collect();
        assert_eq!(failed, ["database"]);
    }

    #[tokio::test]
    async fn readiness_with_no_probes_is_ready() {
        assert!(check_readiness(&[]).await.is_ready());
    }
}
