//! List bookings by role: customers see their own, talent their celebrity's, admins all.

use chrono::{DateTime, Utc};
use headliner_domain::booking::BookingStatus;
use headliner_domain::ids::{BookingId, CelebrityId};
use headliner_domain::role::Actor;
use headliner_ports::bookings::{BookingPage, BookingQuery, BookingScope};

use super::BookingPorts;
use super::get::GetBookingError;

/// Default and largest page sizes (API.md).
pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// Filters a caller may set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookingFilters {
    pub status: Option<BookingStatus>,
    pub celebrity_id: Option<CelebrityId>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: Option<u32>,
    pub after: Option<(DateTime<Utc>, BookingId)>,
}

/// The scope comes from the actor, never from the filters, so no filter widens what a caller
/// sees; `limit` is clamped to 1..=100.
pub async fn list_bookings(
    ports: &BookingPorts,
    actor: &Actor,
    filters: BookingFilters,
) -> Result<BookingPage, GetBookingError> {
    let scope = match actor {
        Actor::Customer { user_id } => BookingScope::Customer(*user_id),
        Actor::Talent { celebrity_id, .. } => BookingScope::Celebrity(*celebrity_id),
        Actor::Admin { .. } | Actor::System => BookingScope::All,
    };
    let query = BookingQuery {
        scope,
        status: filters.status,
        celebrity_id: filters.celebrity_id,
        from: filters.from,
        to: filters.to,
        limit: filters.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
        after: filters.after,
    };
    Ok(ports.bookings.list(query).await?)
}

#[cfg(test)]
mod tests {
    use headliner_ports::bookings::BookingPage;

    use super::*;
    use crate::bookings::testing::*;

    async fn scope_for(actor: Actor, filters: BookingFilters) -> BookingQuery {
        let mut mocks = Mocks::new();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
        let sink = seen.clone();
        mocks.bookings.expect_list().times(1).returning(move |q| {
            *sink.lock().unwrap() = Some(q);
            Ok(BookingPage { items: vec![], next: None })
        });
        list_bookings(&mocks.ports(), &actor, filters).await.unwrap();
        seen.lock().unwrap().take().unwrap()
    }

    #[tokio::test]
    async fn each_role_lists_only_its_own_scope() {
        assert_eq!(scope_for(customer(), BookingFilters::default()).await.scope, BookingScope::Customer(customer_id()));
        assert_eq!(scope_for(talent(), BookingFilters::default()).await.scope, BookingScope::Celebrity(celebrity_id()));
        assert_eq!(scope_for(admin(), BookingFilters::default()).await.scope, BookingScope::All);
    }

    #[tokio::test]
    async fn a_celebrity_filter_never_widens_a_customers_scope() {
        let q =
            scope_for(customer(), BookingFilters { celebrity_id: Some(celebrity_id()), ..Default::default() }).await;
        assert_eq!(q.scope, BookingScope::Customer(customer_id()));
        assert_eq!(q.celebrity_id, Some(celebrity_id()));
    }

    #[tokio::test]
    async fn limit_defaults_to_20_and_is_clamped_to_1_through_100() {
        assert_eq!(scope_for(admin(), BookingFilters::default()).await.limit, 20);
        assert_eq!(scope_for(admin(), BookingFilters { limit: Some(1000), ..Default::default() }).await.limit, 100);
        assert_eq!(scope_for(admin(), BookingFilters { limit: Some(0), ..Default::default() }).await.limit, 1);
    }
}
