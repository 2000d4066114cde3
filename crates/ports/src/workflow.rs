//! Admin-edited workflow rules. An event without a stored override uses its built-in rule
//! ([`WorkflowRule::default_for`]); [`WorkflowRules::with_overrides`] combines the two.
//!
//! [`WorkflowRules::with_overrides`]: headliner_domain::workflow::WorkflowRules::with_overrides

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use headliner_domain::ids::UserId;
use headliner_domain::workflow::{WorkflowEvent, WorkflowRule};

use crate::Source;

/// A stored override of an event's rule, with who saved it when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRule {
    pub rule: WorkflowRule,
    pub updated_at: DateTime<Utc>,
    pub updated_by: UserId,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkflowRuleRepoError {
    #[error("the workflow rule store is unavailable")]
    Unavailable(#[source] Source),
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait WorkflowRuleRepository: Send + Sync {
    /// Every stored override, in [`WorkflowEvent::ALL`] order (events without one use their
    /// built-in rule). One read: callers that route a change call it once.
    async fn overrides(&self) -> Result<Vec<StoredRule>, WorkflowRuleRepoError>;

    /// Stores the override of `rule.rule.event()`, replacing any earlier one.
    async fn save(&self, rule: StoredRule) -> Result<(), WorkflowRuleRepoError>;

    /// Removes the override of `event` (back to its built-in rule); `true` when there was one.
    async fn reset(&self, event: WorkflowEvent) -> Result<bool, WorkflowRuleRepoError>;
}
