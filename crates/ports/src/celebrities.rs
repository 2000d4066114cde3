//! Celebrities as the booking use cases need them (the catalogue issue adds search and edits).

use async_trait::async_trait;
use headliner_domain::celebrity::{Category, Celebrity};
use headliner_domain::ids::CelebrityId;

use crate::Source;

#[derive(Debug, thiserror::Error)]
pub enum CelebrityRepoError {
    #[error("no such celebrity")]
    NotFound,
    #[error("that slug is taken")]
    SlugTaken,
    #[error("the catalogue store is unavailable")]
    Unavailable(#[source] Source),
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait CelebrityRepository: Send + Sync {
    /// Also returns soft-deleted celebrities (their history stays readable).
    async fn get(&self, id: CelebrityId) -> Result<Celebrity, CelebrityRepoError>;

    /// `SlugTaken` when another celebrity has the slug; `NotFound` when its category does not
    /// exist.
    async fn insert(&self, celebrity: Celebrity) -> Result<(), CelebrityRepoError>;

    /// Creates the category, or renames it when the slug exists.
    async fn upsert_category(&self, category: Category) -> Result<(), CelebrityRepoError>;
}
