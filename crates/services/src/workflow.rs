//! Workflow rules: which email each event sends, with which template, to whom (see
//! `headliner_domain::workflow`). Admins list, change and reset them (`admin`); the booking
//! and account use cases read the rules in force with [`rules_in_force`], once per change.

pub mod admin;

use std::sync::Arc;

use headliner_domain::ids::UserId;
use headliner_domain::role::Actor;
use headliner_domain::workflow::WorkflowRules;
use headliner_ports::clock::Clock;
use headliner_ports::workflow::{WorkflowRuleRepoError, WorkflowRuleRepository};

/// The ports the admin use cases on workflow rules need.
#[derive(Clone)]
pub struct WorkflowPorts {
    pub rules: Arc<dyn WorkflowRuleRepository>,
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for WorkflowPorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkflowPorts").finish_non_exhaustive()
    }
}

/// The rule in force for every event: the stored overrides over the built-in rules, in one
/// read. A change routes its emails by what this returned, even if an admin changes a rule
/// before the change is stored.
pub async fn rules_in_force(repo: &dyn WorkflowRuleRepository) -> Result<WorkflowRules, WorkflowRuleRepoError> {
    let overrides = repo.overrides().await?;
    Ok(WorkflowRules::with_overrides(overrides.into_iter().map(|stored| stored.rule)))
}

/// Workflow rules are admin-only: everyone else is refused before anything is read.
fn admin_id(actor: &Actor) -> Option<UserId> {
    match actor {
        Actor::Admin { user_id } => Some(*user_id),
        Actor::Customer { .. } | Actor::Talent { .. } | Actor::System => None,
    }
}
