//! Which payment gateway the app uses, decided once at start-up.

/// The payment gateways Headliner knows. Only the simulated gateway exists until the payments
/// issue adds the Stripe client; the configuration already names the choice so the start-up
/// log can state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentsConfig {
    /// Authorisations, captures and refunds are recorded but no money moves (zero-setup default).
    Simulated,
}

impl PaymentsConfig {
    /// One line for the start-up log.
    pub fn describe(&self) -> &'static str {
        match self {
            Self::Simulated => "simulated gateway: payments are recorded, no money moves",
        }
    }
}
