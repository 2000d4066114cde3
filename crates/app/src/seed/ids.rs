//! Deterministic ids, so that seeding two empty databases gives the same rows:
//! `5eed0000-000K-8000-8000-NNNNNNNNNNNN`, where `K` is the kind (1 user, 2 celebrity,
//! 3 booking, 4 image) and `N` counts from 1 in hexadecimal. The version nibble says 8 ("custom", RFC
//! 9562) and the variant bits are the RFC ones, so the ids are valid UUIDs that a v4
//! generator can never produce.

use headliner_domain::ids::{BookingId, CelebrityId, ImageId, UserId};
use uuid::Uuid;

const PREFIX: u128 = 0x5eed_0000_0000_8000_8000_0000_0000_0000;
const COUNTER_MASK: u128 = (1 << 48) - 1;

#[derive(Debug, Clone, Copy)]
enum Kind {
    User = 1,
    Celebrity = 2,
    Booking = 3,
    Image = 4,
}

/// The `index`-th (from 0) id of `kind`.
fn id(kind: Kind, index: usize) -> Uuid {
    let counter = (index as u128 + 1) & COUNTER_MASK;
    Uuid::from_u128(PREFIX | (kind as u128) << 80 | counter)
}

/// The id of the `index`-th demo celebrity (from 0), e.g. `5eed0000-0002-8000-8000-000000000001`
/// for the first.
pub fn celebrity_id(index: usize) -> CelebrityId {
    CelebrityId::from_uuid(id(Kind::Celebrity, index))
}

pub(super) fn user_id(index: usize) -> UserId {
    UserId::from_uuid(id(Kind::User, index))
}

pub(super) fn booking_id(index: usize) -> BookingId {
    BookingId::from_uuid(id(Kind::Booking, index))
}

/// The id of the `index`-th demo celebrity's portrait.
pub(super) fn image_id(index: usize) -> ImageId {
    ImageId::from_uuid(id(Kind::Image, index))
}
