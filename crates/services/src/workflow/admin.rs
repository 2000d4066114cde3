//! List, change (retarget, enable, disable) or reset the workflow rules. Admins only; a
//! change is validated by the domain (`WorkflowRule::new`) before anything is stored.

use chrono::{DateTime, Utc};
use headliner_domain::ids::UserId;
use headliner_domain::role::Actor;
use headliner_domain::templates::TemplateKey;
use headliner_domain::workflow::{InvalidRule, Recipient, WorkflowEvent, WorkflowRule};
use headliner_ports::Source;
use headliner_ports::workflow::{StoredRule, WorkflowRuleRepoError};

use super::{WorkflowPorts, admin_id};

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    #[error("only admins may manage workflow rules")]
    Forbidden,
    /// The rule asked for is not valid; nothing was stored.
    #[error(transparent)]
    Invalid(#[from] InvalidRule),
    #[error("the workflow rule store is unavailable")]
    Unavailable(#[source] Source),
}

impl From<WorkflowRuleRepoError> for WorkflowError {
    fn from(e: WorkflowRuleRepoError) -> Self {
        match e {
            WorkflowRuleRepoError::Unavailable(source) => Self::Unavailable(source),
        }
    }
}

/// A rule in force, as admins see it: the built-in rule, or an override and who saved it when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveRule {
    pub rule: WorkflowRule,
    /// No override is stored (never changed, or reset).
    pub is_default: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<UserId>,
}

impl EffectiveRule {
    fn builtin(event: WorkflowEvent) -> Self {
        Self { rule: WorkflowRule::default_for(event), is_default: true, updated_at: None, updated_by: None }
    }

    fn stored(stored: StoredRule) -> Self {
        Self {
            rule: stored.rule,
            is_default: false,
            updated_at: Some(stored.updated_at),
            updated_by: Some(stored.updated_by),
        }
    }
}

/// What an admin sets for an event: all three parts at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleChange {
    pub template: TemplateKey,
    pub recipients: Vec<Recipient>,
    pub enabled: bool,
}

/// Every event with its rule in force, in [`WorkflowEvent::ALL`] order.
pub async fn list_rules(ports: &WorkflowPorts, actor: &Actor) -> Result<Vec<EffectiveRule>, WorkflowError> {
    admin_id(actor).ok_or(WorkflowError::Forbidden)?;
    let mut overrides = ports.rules.overrides().await?;
    Ok(WorkflowEvent::ALL
        .into_iter()
        .map(|event| match overrides.iter().position(|s| s.rule.event() == event) {
            Some(at) => EffectiveRule::stored(overrides.swap_remove(at)),
            None => EffectiveRule::builtin(event),
        })
        .collect())
}

/// Validates the rule and stores it as the override of `event`, with who and when. Saving
/// the built-in rule stores it too (it then no longer follows changes of the built-in).
pub async fn update_rule(
    ports: &WorkflowPorts,
    actor: &Actor,
    event: WorkflowEvent,
    change: RuleChange,
) -> Result<EffectiveRule, WorkflowError> {
    let by = admin_id(actor).ok_or(WorkflowError::Forbidden)?;
    let rule = WorkflowRule::new(event, change.template, change.recipients, change.enabled)?;
    let stored = StoredRule { rule, updated_at: ports.clock.now(), updated_by: by };
    ports.rules.save(stored.clone()).await?;
    Ok(EffectiveRule::stored(stored))
}

/// Removes the override of `event`, so its built-in rule applies again.
pub async fn reset_rule(
    ports: &WorkflowPorts,
    actor: &Actor,
    event: WorkflowEvent,
) -> Result<EffectiveRule, WorkflowError> {
    admin_id(actor).ok_or(WorkflowError::Forbidden)?;
    ports.rules.reset(event).await?;
    Ok(EffectiveRule::builtin(event))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::TimeZone;
    use headliner_domain::workflow::RuleProblem;
    use headliner_ports::clock::MockClock;
    use headliner_ports::workflow::MockWorkflowRuleRepository;
    use uuid::Uuid;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
    }

    fn admin() -> Actor {
        Actor::Admin { user_id: UserId::from_uuid(Uuid::from_u128(5)) }
    }

    fn ports(repo: MockWorkflowRuleRepository) -> WorkflowPorts {
        let mut clock = MockClock::new();
        clock.expect_now().returning(now);
        WorkflowPorts { rules: Arc::new(repo), clock: Arc::new(clock) }
    }

    fn to_admins() -> RuleChange {
        RuleChange { template: TemplateKey::BookingRequested, recipients: vec![Recipient::Admins], enabled: true }
    }

    #[tokio::test]
    async fn non_admins_may_not_read_or_change_workflow_rules() {
        let mut repo = MockWorkflowRuleRepository::new();
        repo.expect_overrides().never();
        repo.expect_save().never();
        repo.expect_reset().never();
        let ports = ports(repo);
        let customer = Actor::Customer { user_id: UserId::from_uuid(Uuid::from_u128(1)) };
        assert!(matches!(list_rules(&ports, &customer).await, Err(WorkflowError::Forbidden)));
        let event = WorkflowEvent::BookingRequested;
        assert!(matches!(update_rule(&ports, &customer, event, to_admins()).await, Err(WorkflowError::Forbidden)));
        assert!(matches!(reset_rule(&ports, &Actor::System, event).await, Err(WorkflowError::Forbidden)));
    }

    #[tokio::test]
    async fn the_list_has_every_event_with_overrides_in_place_of_their_defaults() {
        let mut repo = MockWorkflowRuleRepository::new();
        let silenced = WorkflowRule::new(WorkflowEvent::BookingConfirmed, TemplateKey::BookingConfirmed, [], false);
        let stored =
            StoredRule { rule: silenced.unwrap(), updated_at: now(), updated_by: UserId::from_uuid(Uuid::nil()) };
        let given = stored.clone();
        repo.expect_overrides().times(1).returning(move || Ok(vec![given.clone()]));
        let rules = list_rules(&ports(repo), &admin()).await.unwrap();
        assert_eq!(rules.iter().map(|r| r.rule.event()).collect::<Vec<_>>(), WorkflowEvent::ALL);
        assert_eq!(rules[1], EffectiveRule::stored(stored));
        assert!(!rules[1].is_default && !rules[1].rule.is_enabled());
        assert!(rules.iter().enumerate().filter(|(i, _)| *i != 1).all(|(_, r)| r.is_default && r.updated_by.is_none()));
        assert_eq!(rules[8].rule, WorkflowRule::default_for(WorkflowEvent::AccountRegistered));
    }

    #[tokio::test]
    async fn a_valid_change_is_stored_with_who_made_it_and_when() {
        let mut repo = MockWorkflowRuleRepository::new();
        repo.expect_save().times(1).returning(|stored| {
            assert_eq!(stored.rule.event(), WorkflowEvent::BookingRequested);
            assert_eq!(stored.rule.recipients().iter().copied().collect::<Vec<_>>(), [Recipient::Admins]);
            assert_eq!((stored.updated_at, stored.updated_by), (now(), UserId::from_uuid(Uuid::from_u128(5))));
            Ok(())
        });
        let saved = update_rule(&ports(repo), &admin(), WorkflowEvent::BookingRequested, to_admins()).await.unwrap();
        assert!(!saved.is_default);
        assert_eq!(saved.updated_at, Some(now()));
    }

    #[tokio::test]
    async fn an_invalid_change_is_refused_with_its_problems_and_nothing_is_stored() {
        let mut repo = MockWorkflowRuleRepository::new();
        repo.expect_save().never();
        let ports = ports(repo);
        let reset_to_admins =
            RuleChange { template: TemplateKey::PasswordReset, recipients: vec![Recipient::Admins], enabled: true };
        let err = update_rule(&ports, &admin(), WorkflowEvent::PasswordReset, reset_to_admins).await.unwrap_err();
        assert!(matches!(err, WorkflowError::Invalid(e) if e.problems == [RuleProblem::ResetLinkOnlyToHolder]));
        let welcome = RuleChange { template: TemplateKey::Welcome, ..to_admins() };
        let err = update_rule(&ports, &admin(), WorkflowEvent::BookingConfirmed, welcome).await.unwrap_err();
        assert!(matches!(err, WorkflowError::Invalid(e) if e.problems[0].field() == "template"));
    }

    #[tokio::test]
    async fn reset_brings_back_the_built_in_rule() {
        let mut repo = MockWorkflowRuleRepository::new();
        repo.expect_reset().times(1).returning(|_| Ok(true));
        let current = reset_rule(&ports(repo), &admin(), WorkflowEvent::PasswordReset).await.unwrap();
        assert_eq!(current, EffectiveRule::builtin(WorkflowEvent::PasswordReset));
    }

    #[tokio::test]
    async fn a_store_failure_is_unavailable() {
        let mut repo = MockWorkflowRuleRepository::new();
        repo.expect_overrides().returning(|| Err(WorkflowRuleRepoError::Unavailable("down".into())));
        assert!(matches!(list_rules(&ports(repo), &admin()).await, Err(WorkflowError::Unavailable(_))));
    }
}
