//! Typed ids: a `BookingId` can never be passed where a `UserId` is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an id minted elsewhere (the `IdGenerator` port, or storage).
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

id_type! {
    /// A registered account.
    UserId,
    /// A celebrity profile in the catalogue.
    CelebrityId,
    /// A booking request and its lifecycle.
    BookingId,
    /// A message waiting in (or sent from) the outbox.
    OutboxMessageId,
    /// A period a celebrity has blocked out of their calendar.
    BlockedPeriodId,
    /// An uploaded (and re-encoded) celebrity image.
    ImageId,
}
