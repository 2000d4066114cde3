//! Catalogue use cases: celebrity profiles (create, edit, soft delete, read, search),
//! categories, blocked periods and public availability, and profile images.
//!
//! Who may do what: admins everything; a talent account edits its own celebrity's profile
//! (not its slug or category, which shape the catalogue), its blocked periods and its image;
//! everyone reads live profiles, categories and busy intervals.

pub mod calendar;
pub mod images;
pub mod profiles;

use std::sync::Arc;

use headliner_domain::ids::CelebrityId;
use headliner_domain::role::Actor;
use headliner_ports::Source;
use headliner_ports::celebrities::{CelebrityRepoError, CelebrityRepository};
use headliner_ports::clock::{Clock, IdGenerator};
use headliner_ports::files::{FileStore, ImageCodec, ImageLimits, ImageRejection};

pub use crate::accounts::register::FieldProblem;

/// The ports the catalogue use cases need.
#[derive(Clone)]
pub struct CataloguePorts {
    pub celebrities: Arc<dyn CelebrityRepository>,
    pub files: Arc<dyn FileStore>,
    pub images: Arc<dyn ImageCodec>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    pub image_limits: ImageLimits,
}

impl std::fmt::Debug for CataloguePorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CataloguePorts").field("image_limits", &self.image_limits).finish_non_exhaustive()
    }
}

/// Why a catalogue use case did nothing.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The actor's role may not do this (`what` says what was refused).
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("no such celebrity")]
    NotFound,
    #[error("no such blocked period")]
    BlockedPeriodNotFound,
    /// Every invalid field at once.
    #[error("the input is invalid")]
    Invalid(Vec<FieldProblem>),
    #[error("that slug is taken")]
    SlugTaken,
    /// The period overlaps an active booking or another blocked period.
    #[error("the period overlaps a booking or another blocked period")]
    Overlap,
    #[error(transparent)]
    Image(#[from] ImageRejection),
    #[error("a dependency is unavailable")]
    Unavailable(#[source] Source),
}

impl From<CelebrityRepoError> for CatalogueError {
    fn from(e: CelebrityRepoError) -> Self {
        match e {
            CelebrityRepoError::NotFound => Self::NotFound,
            CelebrityRepoError::SlugTaken => Self::SlugTaken,
            CelebrityRepoError::UnknownCategory => {
                Self::Invalid(vec![problem("category", "no category has this slug")])
            }
            CelebrityRepoError::Overlap => Self::Overlap,
            CelebrityRepoError::Unavailable(source) => Self::Unavailable(source),
        }
    }
}

pub(crate) fn problem(field: &'static str, message: impl Into<String>) -> FieldProblem {
    FieldProblem { field, message: message.into() }
}

/// Admins act on every celebrity; a talent account only on its own.
pub(crate) fn may_manage(actor: &Actor, celebrity: CelebrityId) -> bool {
    match actor {
        Actor::Admin { .. } => true,
        Actor::Talent { celebrity_id, .. } => *celebrity_id == celebrity,
        Actor::Customer { .. } | Actor::System => false,
    }
}

#[cfg(test)]
mod testing;
