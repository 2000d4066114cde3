//! Admin-edited email templates. A key without a stored template uses the built-in default.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use headliner_domain::ids::UserId;
use headliner_domain::templates::{TemplateKey, TemplateSource};

use crate::Source;

/// A stored override of a template key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTemplate {
    pub key: TemplateKey,
    pub source: TemplateSource,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserId>,
}

/// One audited change: who replaced what with what (`after: None` = back to the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateChange {
    pub key: TemplateKey,
    pub at: DateTime<Utc>,
    pub by: UserId,
    pub before: Option<TemplateSource>,
    pub after: Option<TemplateSource>,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateRepoError {
    #[error("the template store is unavailable")]
    Unavailable(#[source] Source),
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait TemplateRepository: Send + Sync {
    /// The stored override, or `None` when the key uses its default.
    async fn get(&self, key: TemplateKey) -> Result<Option<StoredTemplate>, TemplateRepoError>;

    /// Stores (or, with `after: None`, removes) the override and its audit row together.
    async fn save(&self, change: TemplateChange) -> Result<(), TemplateRepoError>;
}
