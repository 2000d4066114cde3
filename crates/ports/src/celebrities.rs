//! The catalogue: celebrity profiles, categories, search, blocked periods, availability and
//! image records. Booking writes and blocked-period writes of one celebrity are serialised by
//! the adapter, so a blocked period and a booking never end up overlapping.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use headliner_domain::celebrity::{Category, Celebrity};
use headliner_domain::ids::{BlockedPeriodId, CelebrityId, ImageId};
use headliner_domain::slug::Slug;
use headliner_domain::time::TimeRange;

use crate::Source;
use crate::files::StoredFileName;

#[derive(Debug, thiserror::Error)]
pub enum CelebrityRepoError {
    #[error("no such celebrity")]
    NotFound,
    #[error("that slug is taken")]
    SlugTaken,
    /// The category named does not exist.
    #[error("no such category")]
    UnknownCategory,
    /// A blocked period overlaps an active (pending or confirmed) booking or another blocked
    /// period of the same celebrity.
    #[error("the period overlaps a booking or another blocked period")]
    Overlap,
    #[error("the catalogue store is unavailable")]
    Unavailable(#[source] Source),
}

/// A celebrity as the catalogue shows it: the profile and its current image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CelebrityProfile {
    pub celebrity: Celebrity,
    /// The latest uploaded image, if any.
    pub image: Option<StoredFileName>,
}

/// How a catalogue page is ordered. Every order ends with the id, so it is total and a keyset
/// cursor is stable under concurrent inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CatalogueSort {
    /// By name, then id (the default).
    #[default]
    Name,
    /// Cheapest first, then id.
    Price,
    /// Dearest first, then id descending.
    PriceDesc,
    /// Newest profile first, then id descending.
    Newest,
}

/// The sort key of the last row of a page, for the next page (`WHERE (key, id) > (…)` in the
/// sort's direction). Its variant must match the query's sort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogueCursor {
    Name(String, CelebrityId),
    Price(i64, CelebrityId),
    Created(DateTime<Utc>, CelebrityId),
}

/// One catalogue page request. Only live (not soft-deleted) profiles are listed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CatalogueQuery {
    /// Full-text search over name and bio (every word must match; prefix match on the last).
    pub text: Option<String>,
    pub category: Option<Slug>,
    /// Inclusive bounds on `base_price.amount_minor`.
    pub min_price_minor: Option<i64>,
    pub max_price_minor: Option<i64>,
    /// Only celebrities with no active booking and no blocked period overlapping this range.
    pub free_during: Option<TimeRange>,
    pub sort: CatalogueSort,
    pub limit: u32,
    pub after: Option<CatalogueCursor>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CataloguePage {
    pub items: Vec<CelebrityProfile>,
    /// The cursor after the last item when a further page may exist.
    pub next: Option<CatalogueCursor>,
}

/// A period the celebrity is not available, entered by its talent or an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedPeriod {
    pub id: BlockedPeriodId,
    pub celebrity_id: CelebrityId,
    pub during: TimeRange,
    /// Private to the talent and admins; never shown in public availability.
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// Why an interval is busy (no customer data, no reason text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusyKind {
    /// A pending or confirmed booking.
    Booked,
    Blocked,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyInterval {
    pub during: TimeRange,
    pub kind: BusyKind,
}

/// An image stored for a celebrity (the bytes live in the `FileStore`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRecord {
    pub id: ImageId,
    pub celebrity_id: CelebrityId,
    pub file_name: StoredFileName,
    pub width: u32,
    pub height: u32,
    pub byte_size: u64,
    pub created_at: DateTime<Utc>,
}

#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait CelebrityRepository: Send + Sync {
    /// Also returns soft-deleted celebrities (their history stays readable).
    async fn get(&self, id: CelebrityId) -> Result<Celebrity, CelebrityRepoError>;

    /// A live profile by id (`NotFound` when soft-deleted).
    async fn profile(&self, id: CelebrityId) -> Result<CelebrityProfile, CelebrityRepoError>;

    /// A live profile by slug (`NotFound` when soft-deleted).
    async fn profile_by_slug(&self, slug: Slug) -> Result<CelebrityProfile, CelebrityRepoError>;

    /// `SlugTaken` when another celebrity has the slug; `UnknownCategory` when its category
    /// does not exist.
    async fn insert(&self, celebrity: Celebrity) -> Result<(), CelebrityRepoError>;

    /// Stores every field of a live celebrity except `id`, `created_at` and `deleted`.
    /// `NotFound` when missing or soft-deleted, `SlugTaken`, `UnknownCategory`.
    async fn update(&self, celebrity: Celebrity) -> Result<(), CelebrityRepoError>;

    /// Marks a live celebrity deleted at `at`; `NotFound` when missing or already deleted.
    async fn soft_delete(&self, id: CelebrityId, at: DateTime<Utc>) -> Result<(), CelebrityRepoError>;

    /// Creates the category, or renames it when the slug exists.
    async fn upsert_category(&self, category: Category) -> Result<(), CelebrityRepoError>;

    /// Every category, by name.
    async fn categories(&self) -> Result<Vec<Category>, CelebrityRepoError>;

    /// A page of the catalogue (see [`CatalogueQuery`]).
    async fn search(&self, query: CatalogueQuery) -> Result<CataloguePage, CelebrityRepoError>;

    /// Stores a blocked period of a live celebrity. `NotFound` when the celebrity is missing or
    /// deleted; `Overlap` when it overlaps an active booking or another blocked period.
    async fn insert_blocked_period(&self, period: BlockedPeriod) -> Result<(), CelebrityRepoError>;

    /// Blocked periods of a celebrity overlapping `range`, by start.
    async fn blocked_periods(
        &self,
        celebrity: CelebrityId,
        range: TimeRange,
    ) -> Result<Vec<BlockedPeriod>, CelebrityRepoError>;

    /// Deletes a blocked period of that celebrity; `NotFound` when it has no such period.
    async fn delete_blocked_period(
        &self,
        celebrity: CelebrityId,
        id: BlockedPeriodId,
    ) -> Result<(), CelebrityRepoError>;

    /// Active bookings and blocked periods of a celebrity overlapping `range`, by start.
    async fn busy(&self, celebrity: CelebrityId, range: TimeRange) -> Result<Vec<BusyInterval>, CelebrityRepoError>;

    /// Records an image of a live celebrity; it becomes the profile's image.
    async fn insert_image(&self, image: ImageRecord) -> Result<(), CelebrityRepoError>;
}
