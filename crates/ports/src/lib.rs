#![doc = include_str!("../README.md")]

pub mod accounts;
pub mod backup;
pub mod bookings;
pub mod celebrities;
pub mod clock;
pub mod events;
pub mod files;
pub mod health;
pub mod idempotency;
pub mod mailer;
pub mod outbox;
pub mod payments;
pub mod templates;
pub mod users;
pub mod workflow;

/// The opaque cause an adapter keeps when infrastructure fails (logged, never shown).
pub type Source = Box<dyn std::error::Error + Send + Sync>;

/// Every repository port of one store, as the adapters provide them (both stores implement
/// all of them on one value). Wiring and tests hand these out; use cases take only the ports
/// they need.
#[derive(Clone)]
pub struct Repositories {
    pub accounts: std::sync::Arc<dyn accounts::AccountRepository>,
    pub bookings: std::sync::Arc<dyn bookings::BookingRepository>,
    pub users: std::sync::Arc<dyn users::UserRepository>,
    pub celebrities: std::sync::Arc<dyn celebrities::CelebrityRepository>,
    pub templates: std::sync::Arc<dyn templates::TemplateRepository>,
    pub outbox: std::sync::Arc<dyn outbox::OutboxRepository>,
    pub idempotency: std::sync::Arc<dyn idempotency::IdempotencyRepository>,
    pub workflow: std::sync::Arc<dyn workflow::WorkflowRuleRepository>,
}

impl std::fmt::Debug for Repositories {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repositories").finish_non_exhaustive()
    }
}

impl Repositories {
    /// All ports from one value implementing them all.
    pub fn of<S>(store: S) -> Self
    where
        S: accounts::AccountRepository
            + bookings::BookingRepository
            + users::UserRepository
            + celebrities::CelebrityRepository
            + templates::TemplateRepository
            + outbox::OutboxRepository
            + idempotency::IdempotencyRepository
            + workflow::WorkflowRuleRepository
            + Clone
            + 'static,
    {
        Self {
            accounts: std::sync::Arc::new(store.clone()),
            bookings: std::sync::Arc::new(store.clone()),
            users: std::sync::Arc::new(store.clone()),
            celebrities: std::sync::Arc::new(store.clone()),
            templates: std::sync::Arc::new(store.clone()),
            outbox: std::sync::Arc::new(store.clone()),
            idempotency: std::sync::Arc::new(store.clone()),
            workflow: std::sync::Arc::new(store),
        }
    }
}
