//! The contract of the workflow rule repository: stored overrides only, one per event.

use chrono::Duration;
use headliner_domain::ids::UserId;
use headliner_domain::templates::TemplateKey;
use headliner_domain::workflow::{Recipient, WorkflowEvent, WorkflowRule};
use headliner_ports::workflow::{StoredRule, WorkflowRuleRepoError};
use uuid::Uuid;

use super::Repos;
use super::world::{World, now};

fn rule(event: WorkflowEvent, template: TemplateKey, recipients: &[Recipient], enabled: bool) -> WorkflowRule {
    WorkflowRule::new(event, template, recipients.iter().copied(), enabled).expect("a valid rule")
}

pub async fn workflow_overrides_are_saved_replaced_listed_by_event_and_reset(repos: &Repos) {
    let w = World::create(repos).await;
    assert!(repos.workflow.overrides().await.expect("read").is_empty(), "defaults are not stored");

    // Saved out of order, listed in event order; a disabled rule may have no recipients.
    let silenced = StoredRule {
        rule: rule(WorkflowEvent::RefundIssued, TemplateKey::PaymentReceived, &[], false),
        updated_at: now(),
        updated_by: w.admin,
    };
    let to_admins = StoredRule {
        rule: rule(WorkflowEvent::BookingRequested, TemplateKey::BookingReminder, &[Recipient::Admins], true),
        updated_at: now() + Duration::seconds(1),
        updated_by: w.admin,
    };
    repos.workflow.save(silenced.clone()).await.expect("saved");
    repos.workflow.save(to_admins.clone()).await.expect("saved");
    assert_eq!(repos.workflow.overrides().await.expect("read"), [to_admins, silenced.clone()]);

    // Saving an event again replaces its override.
    let everyone = StoredRule {
        rule: rule(
            WorkflowEvent::BookingRequested,
            TemplateKey::BookingRequested,
            &[Recipient::Admins, Recipient::Customer, Recipient::Talent],
            true,
        ),
        updated_at: now() + Duration::minutes(5),
        updated_by: w.admin,
    };
    repos.workflow.save(everyone.clone()).await.expect("replaced");
    let stored = repos.workflow.overrides().await.expect("read");
    assert_eq!(stored, [everyone, silenced.clone()]);
    let recipients: Vec<Recipient> = stored[0].rule.recipients().iter().copied().collect();
    assert_eq!(recipients, [Recipient::Customer, Recipient::Talent, Recipient::Admins]);

    // Reset removes the override (once).
    assert!(repos.workflow.reset(WorkflowEvent::BookingRequested).await.expect("reset"));
    assert!(!repos.workflow.reset(WorkflowEvent::BookingRequested).await.expect("reset again"));
    assert!(!repos.workflow.reset(WorkflowEvent::PasswordReset).await.expect("nothing stored"));
    assert_eq!(repos.workflow.overrides().await.expect("read"), [silenced]);
}

pub async fn a_workflow_override_is_refused_without_an_existing_author(repos: &Repos) {
    World::create(repos).await;
    let unknown = StoredRule {
        rule: rule(WorkflowEvent::AccountRegistered, TemplateKey::Welcome, &[], false),
        updated_at: now(),
        updated_by: UserId::from_uuid(Uuid::new_v4()),
    };
    assert!(matches!(repos.workflow.save(unknown).await, Err(WorkflowRuleRepoError::Unavailable(_))));
    assert!(repos.workflow.overrides().await.expect("read").is_empty(), "nothing stored");
}
