//! Admin use cases on email templates: read, update (validated), reset, preview.

pub mod preview;
pub mod update;

use std::sync::Arc;

use headliner_domain::role::Actor;
use headliner_ports::clock::Clock;
use headliner_ports::templates::TemplateRepository;

/// The ports the template use cases need.
#[derive(Clone)]
pub struct TemplatePorts {
    pub templates: Arc<dyn TemplateRepository>,
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for TemplatePorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplatePorts").finish_non_exhaustive()
    }
}

/// Templates are admin-only: everyone else is refused before anything is read.
fn admin_id(actor: &Actor) -> Option<headliner_domain::ids::UserId> {
    match actor {
        Actor::Admin { user_id } => Some(*user_id),
        Actor::Customer { .. } | Actor::Talent { .. } | Actor::System => None,
    }
}
