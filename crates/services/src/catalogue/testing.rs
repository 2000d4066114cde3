//! Fixtures for the catalogue use-case tests: mocks for every port, people, a profile.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use headliner_domain::celebrity::Celebrity;
use headliner_domain::ids::{CelebrityId, UserId};
use headliner_domain::money::{Currency, Money};
use headliner_domain::role::Actor;
use headliner_domain::slug::Slug;
use headliner_ports::celebrities::{CelebrityProfile, MockCelebrityRepository};
use headliner_ports::clock::{MockClock, MockIdGenerator};
use headliner_ports::files::{ImageLimits, MockFileStore, MockImageCodec};
use uuid::Uuid;

use super::CataloguePorts;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap()
}

pub fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::parse("USD").unwrap())
}

pub fn celebrity_id() -> CelebrityId {
    CelebrityId::from_uuid(Uuid::from_u128(10))
}

pub fn admin() -> Actor {
    Actor::Admin { user_id: UserId::from_uuid(Uuid::from_u128(3)) }
}

pub fn own_talent() -> Actor {
    Actor::Talent { user_id: UserId::from_uuid(Uuid::from_u128(4)), celebrity_id: celebrity_id() }
}

pub fn other_talent() -> Actor {
    Actor::Talent {
        user_id: UserId::from_uuid(Uuid::from_u128(5)),
        celebrity_id: CelebrityId::from_uuid(Uuid::from_u128(11)),
    }
}

pub fn customer() -> Actor {
    Actor::Customer { user_id: UserId::from_uuid(Uuid::from_u128(1)) }
}

pub fn profile() -> CelebrityProfile {
    CelebrityProfile {
        celebrity: Celebrity {
            id: celebrity_id(),
            slug: Slug::parse("ada-stage").unwrap(),
            name: "Ada Stage".into(),
            category: "music".into(),
            bio: "Sings.".into(),
            base_price: usd(100_000),
            deleted: false,
            created_at: now(),
            updated_at: now(),
        },
        image: None,
    }
}

/// Mocks with no expectations: a use case that touches a port it should not panics.
pub struct Mocks {
    pub celebrities: MockCelebrityRepository,
    pub files: MockFileStore,
    pub images: MockImageCodec,
}

impl Mocks {
    pub fn new() -> Self {
        Self { celebrities: MockCelebrityRepository::new(), files: MockFileStore::new(), images: MockImageCodec::new() }
    }

    pub fn ports(self) -> CataloguePorts {
        let mut clock = MockClock::new();
        clock.expect_now().return_const(now());
        let mut ids = MockIdGenerator::new();
        ids.expect_new_id().return_const(Uuid::from_u128(0x1111));
        CataloguePorts {
            celebrities: Arc::new(self.celebrities),
            files: Arc::new(self.files),
            images: Arc::new(self.images),
            clock: Arc::new(clock),
            ids: Arc::new(ids),
            image_limits: ImageLimits::default(),
        }
    }
}
