//! Read, replace or reset the template of a key. Every change is validated and audited.

use headliner_domain::role::Actor;
use headliner_domain::templates::{
    TemplateKey, TemplateSource, TemplateValidationError, default_template, validate_template,
};
use headliner_ports::Source;
use headliner_ports::templates::{TemplateChange, TemplateRepoError};

use super::{TemplatePorts, admin_id};

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("only admins may manage email templates")]
    Forbidden,
    /// The new template does not validate; nothing was stored.
    #[error(transparent)]
    Invalid(#[from] TemplateValidationError),
    #[error("the template store is unavailable")]
    Unavailable(#[source] Source),
}

impl From<TemplateRepoError> for TemplateError {
    fn from(e: TemplateRepoError) -> Self {
        match e {
            TemplateRepoError::Unavailable(source) => Self::Unavailable(source),
        }
    }
}

/// The template in force for a key, and whether it is the built-in default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentTemplate {
    pub key: TemplateKey,
    pub source: TemplateSource,
    pub is_default: bool,
}

/// The stored override, else the built-in default.
pub async fn current_template(ports: &TemplatePorts, key: TemplateKey) -> Result<CurrentTemplate, TemplateRepoError> {
    Ok(match ports.templates.get(key).await? {
        Some(stored) => CurrentTemplate { key, source: stored.source, is_default: false },
        None => CurrentTemplate { key, source: default_template(key), is_default: true },
    })
}

pub async fn get_template(
    ports: &TemplatePorts,
    actor: &Actor,
    key: TemplateKey,
) -> Result<CurrentTemplate, TemplateError> {
    admin_id(actor).ok_or(TemplateError::Forbidden)?;
    Ok(current_template(ports, key).await?)
}

/// Validates `source` for `key` and stores it with an audit row of before and after.
pub async fn update_template(
    ports: &TemplatePorts,
    actor: &Actor,
    key: TemplateKey,
    source: TemplateSource,
) -> Result<CurrentTemplate, TemplateError> {
    let by = admin_id(actor).ok_or(TemplateError::Forbidden)?;
    validate_template(key, &source)?;
    let before = ports.templates.get(key).await?.map(|s| s.source);
    let change = TemplateChange { key, at: ports.clock.now(), by, before, after: Some(source.clone()) };
    ports.templates.save(change).await?;
    Ok(CurrentTemplate { key, source, is_default: false })
}

/// Removes the override so the built-in default applies again (audited too).
pub async fn reset_template(
    ports: &TemplatePorts,
    actor: &Actor,
    key: TemplateKey,
) -> Result<CurrentTemplate, TemplateError> {
    let by = admin_id(actor).ok_or(TemplateError::Forbidden)?;
    let before = ports.templates.get(key).await?.map(|s| s.source);
    if before.is_some() {
        ports.templates.save(TemplateChange { key, at: ports.clock.now(), by, before, after: None }).await?;
    }
    Ok(CurrentTemplate { key, source: default_template(key), is_default: true })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{TimeZone, Utc};
    use headliner_domain::ids::UserId;
    use headliner_ports::clock::MockClock;
    use headliner_ports::templates::{MockTemplateRepository, StoredTemplate};
    use uuid::Uuid;

    use super::*;

    fn admin() -> Actor {
        Actor::Admin { user_id: UserId::from_uuid(Uuid::from_u128(5)) }
    }

    fn ports(repo: MockTemplateRepository) -> TemplatePorts {
        let mut clock = MockClock::new();
        clock.expect_now().returning(|| Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        TemplatePorts { templates: Arc::new(repo), clock: Arc::new(clock) }
    }

    fn edited() -> TemplateSource {
        TemplateSource {
            subject: "Confirmed: {{celebrity_name}}".into(),
            html: "<p>Hi {{recipient_name}}</p>".into(),
            text: "Hi {{recipient_name}}".into(),
        }
    }

    #[tokio::test]
    async fn non_admins_may_not_read_or_change_templates() {
        let customer = Actor::Customer { user_id: UserId::from_uuid(Uuid::from_u128(1)) };
        let mut repo = MockTemplateRepository::new();
        repo.expect_get().never();
        repo.expect_save().never();
        let ports = ports(repo);
        assert!(matches!(get_template(&ports, &customer, TemplateKey::Welcome).await, Err(TemplateError::Forbidden)));
        assert!(matches!(
            update_template(&ports, &customer, TemplateKey::Welcome, edited()).await,
            Err(TemplateError::Forbidden)
        ));
        assert!(matches!(
            reset_template(&ports, &Actor::System, TemplateKey::Welcome).await,
            Err(TemplateError::Forbidden)
        ));
    }

    #[tokio::test]
    async fn an_invalid_template_is_refused_and_nothing_is_stored() {
        let mut repo = MockTemplateRepository::new();
        repo.expect_save().never();
        let bad = TemplateSource { html: "{{no_such_variable}}".into(), ..edited() };
        let err = update_template(&ports(repo), &admin(), TemplateKey::BookingConfirmed, bad).await.unwrap_err();
        assert!(matches!(err, TemplateError::Invalid(e) if e.to_string().contains("no_such_variable")));
    }

    #[tokio::test]
    async fn an_update_is_stored_with_before_and_after_for_the_audit() {
        let mut repo = MockTemplateRepository::new();
        repo.expect_get().returning(|key| {
            Ok(Some(StoredTemplate {
                key,
                source: default_template(key),
                updated_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
                updated_by: None,
            }))
        });
        repo.expect_save().times(1).returning(|change| {
            assert_eq!(change.before, Some(default_template(TemplateKey::BookingConfirmed)));
            assert_eq!(change.after, Some(edited()));
            assert_eq!(change.by, UserId::from_uuid(Uuid::from_u128(5)));
            Ok(())
        });
        let current = update_template(&ports(repo), &admin(), TemplateKey::BookingConfirmed, edited()).await.unwrap();
        assert!(!current.is_default);
    }

    #[tokio::test]
    async fn reset_returns_the_default_and_audits_only_when_something_was_stored() {
        let mut repo = MockTemplateRepository::new();
        repo.expect_get().returning(|_| Ok(None));
        repo.expect_save().never();
        let current = reset_template(&ports(repo), &admin(), TemplateKey::Welcome).await.unwrap();
        assert!(current.is_default);
        assert_eq!(current.source, default_template(TemplateKey::Welcome));
    }
}
