//! Preview a template: the stored one or a draft, with sample data or data the admin gives.

use headliner_domain::role::Actor;
use headliner_domain::templates::{RenderError, RenderedEmail, TemplateData, TemplateKey, TemplateSource, render};
use headliner_ports::Source;
use headliner_ports::templates::TemplateRepoError;

use super::update::current_template;
use super::{TemplatePorts, admin_id};

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("only admins may preview email templates")]
    Forbidden,
    /// The draft or the data does not fit the key.
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("the template store is unavailable")]
    Unavailable(#[source] Source),
}

impl From<TemplateRepoError> for PreviewError {
    fn from(e: TemplateRepoError) -> Self {
        match e {
            TemplateRepoError::Unavailable(source) => Self::Unavailable(source),
        }
    }
}

/// Renders `draft` (or the template in force) with `data` (or the key's sample data).
/// Nothing is stored or sent.
pub async fn preview_template(
    ports: &TemplatePorts,
    actor: &Actor,
    key: TemplateKey,
    draft: Option<TemplateSource>,
    data: Option<serde_json::Value>,
) -> Result<RenderedEmail, PreviewError> {
    admin_id(actor).ok_or(PreviewError::Forbidden)?;
    let source = match draft {
        Some(draft) => draft,
        None => current_template(ports, key).await?.source,
    };
    let data = match data {
        Some(json) => TemplateData::from_json(key, json)?,
        None => TemplateData::sample(key),
    };
    Ok(render(&source, &data)?)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use headliner_domain::ids::UserId;
    use headliner_ports::clock::MockClock;
    use headliner_ports::templates::MockTemplateRepository;
    use uuid::Uuid;

    use super::*;

    fn ports() -> TemplatePorts {
        let mut repo = MockTemplateRepository::new();
        repo.expect_get().returning(|_| Ok(None));
        repo.expect_save().never();
        TemplatePorts { templates: Arc::new(repo), clock: Arc::new(MockClock::new()) }
    }

    fn admin() -> Actor {
        Actor::Admin { user_id: UserId::from_uuid(Uuid::from_u128(5)) }
    }

    #[tokio::test]
    async fn every_default_previews_with_its_sample_data() {
        for key in TemplateKey::ALL {
            let email = preview_template(&ports(), &admin(), key, None, None).await.unwrap();
            assert!(!email.subject.is_empty() && !email.html.is_empty() && !email.text.is_empty(), "{key:?}");
        }
    }

    #[tokio::test]
    async fn a_draft_renders_with_given_data_and_nothing_is_stored() {
        let draft = TemplateSource {
            subject: "Hello {{recipient_name}}".into(),
            html: "<b>{{recipient_name}}</b>".into(),
            text: "{{recipient_name}}".into(),
        };
        let data = serde_json::json!({"recipient_name": "Ana", "app_url": "https://headliner.example"});
        let email = preview_template(&ports(), &admin(), TemplateKey::Welcome, Some(draft), Some(data)).await.unwrap();
        assert_eq!(email.subject, "Hello Ana");
        assert_eq!(email.html, "<b>Ana</b>");
    }

    #[tokio::test]
    async fn data_of_the_wrong_shape_is_a_render_error() {
        let err = preview_template(&ports(), &admin(), TemplateKey::Welcome, None, Some(serde_json::json!({"x": 1})))
            .await
            .unwrap_err();
        assert!(matches!(err, PreviewError::Render(_)));
    }

    #[tokio::test]
    async fn talent_may_not_preview() {
        let talent = Actor::Talent {
            user_id: UserId::from_uuid(Uuid::from_u128(3)),
            celebrity_id: headliner_domain::ids::CelebrityId::from_uuid(Uuid::from_u128(9)),
        };
        assert!(matches!(
            preview_template(&ports(), &talent, TemplateKey::Welcome, None, None).await,
            Err(PreviewError::Forbidden)
        ));
    }
}
