//! Celebrities as the booking rules need them (the catalogue issue adds the rest).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::CelebrityId;
use crate::money::Money;
use crate::slug::Slug;

/// A bookable celebrity profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Celebrity {
    pub id: CelebrityId,
    pub slug: Slug,
    pub name: String,
    pub category: String,
    pub bio: String,
    /// The price of one hour; quotes are derived from it by [`crate::pricing::PricingPolicy`].
    pub base_price: Money,
    /// Soft-deleted celebrities keep their history but take no new bookings.
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A catalogue category, e.g. `music` / "Music".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub slug: Slug,
    pub name: String,
}
