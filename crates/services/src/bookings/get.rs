//! Read one booking, and its audit trail, as someone involved in it.

use headliner_domain::booking::{AuditEvent, Booking};
use headliner_domain::ids::BookingId;
use headliner_domain::role::Actor;
use headliner_ports::Source;
use headliner_ports::accounts::AccessClaims;
use headliner_ports::bookings::BookingRepoError;

use super::BookingPorts;
use crate::accounts::authenticate::{AuthError, Principal, admit};

#[derive(Debug, thiserror::Error)]
pub enum GetBookingError {
    /// Missing, or not visible to the actor (the two are indistinguishable on purpose).
    #[error("no such booking")]
    NotFound,
    #[error("the booking store is unavailable")]
    Unavailable(#[source] Source),
}

impl From<BookingRepoError> for GetBookingError {
    fn from(e: BookingRepoError) -> Self {
        match e {
            BookingRepoError::NotFound => Self::NotFound,
            BookingRepoError::Overlap | BookingRepoError::VersionConflict => {
                Self::Unavailable(format!("unexpected answer to a read: {e}").into())
            }
            BookingRepoError::Unavailable(source) => Self::Unavailable(source),
        }
    }
}

/// The customer who asked, talent of the celebrity, admins and the system see a booking.
pub async fn get_booking(ports: &BookingPorts, actor: &Actor, id: BookingId) -> Result<Booking, GetBookingError> {
    visible(ports.bookings.get(id).await?, actor)
}

/// `booking` if `actor` may see it; `NotFound` otherwise, as if it did not exist.
fn visible(booking: Booking, actor: &Actor) -> Result<Booking, GetBookingError> {
    if booking.is_visible_to(actor) { Ok(booking) } else { Err(GetBookingError::NotFound) }
}

/// Why [`get_booking_as`] gave no booking.
#[derive(Debug, thiserror::Error)]
pub enum GetBookingAsError {
    /// The account check refused the token's holder.
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Get(#[from] GetBookingError),
}

/// [`get_booking`] for the holder of a verified access token, with the account check
/// ([`admit`]) and the read in one trip to the store (`BookingRepository::get_as`): the
/// answer is the same as authenticating first and reading after, for one round of the
/// blocking pool instead of two. A refused account is refused whether or not the booking
/// exists.
pub async fn get_booking_as(
    ports: &BookingPorts,
    claims: &AccessClaims,
    id: BookingId,
) -> Result<(Principal, Booking), GetBookingAsError> {
    let found = ports.bookings.get_as(claims.user_id, id).await.map_err(GetBookingError::from)?;
    let principal = admit(claims, found.caller)?;
    let booking = visible(found.booking.ok_or(GetBookingError::NotFound)?, &principal.actor)?;
    Ok((principal, booking))
}

/// The audit trail, oldest first, for whoever may see the booking.
pub async fn booking_audit_trail(
    ports: &BookingPorts,
    actor: &Actor,
    id: BookingId,
) -> Result<Vec<AuditEvent>, GetBookingError> {
    get_booking(ports, actor, id).await?;
    Ok(ports.bookings.audit_trail(id).await?)
}

#[cfg(test)]
mod tests {
    use headliner_domain::ids::UserId;
    use headliner_domain::role::Role;
    use headliner_ports::accounts::Credentials;
    use headliner_ports::bookings::CallerAndBooking;
    use uuid::Uuid;

    use super::*;
    use crate::bookings::testing::*;

    fn claims_of(user_id: UserId, token_version: i64) -> AccessClaims {
        AccessClaims {
            user_id,
            role: Role::Customer,
            celebrity_id: None,
            token_version,
            issued_at: now(),
            expires_at: now() + chrono::Duration::minutes(15),
        }
    }

    fn stored(user_id: UserId, token_version: i64) -> Option<Credentials> {
        let user = person(user_id, CUSTOMER_EMAIL, "Casey Customer", Role::Customer);
        Some(Credentials { user, password_hash: "$argon2id$unused".into(), token_version })
    }

    /// `get_as` answers `caller` and `booking` for exactly this caller and booking id.
    fn found(caller: Option<Credentials>, booking: Option<Booking>) -> Mocks {
        let mut mocks = Mocks::new();
        let expected_caller = caller.as_ref().map_or(customer_id(), |c| c.user.id);
        mocks
            .bookings
            .expect_get_as()
            .withf(move |who, id| *who == expected_caller && *id == booking_id())
            .times(1)
            .returning(move |_, _| Ok(CallerAndBooking { caller: caller.clone(), booking: booking.clone() }));
        mocks.bookings.expect_get().never();
        mocks
    }

    #[tokio::test]
    async fn the_customer_gets_its_booking_and_its_principal_in_one_read() {
        let mocks = found(stored(customer_id(), 3), Some(pending_booking()));
        let (principal, booking) =
            get_booking_as(&mocks.ports(), &claims_of(customer_id(), 3), booking_id()).await.unwrap();
        assert_eq!(booking.id, booking_id());
        assert_eq!(principal.actor, customer());
    }

    #[tokio::test]
    async fn a_refused_account_is_refused_whether_or_not_the_booking_exists() {
        for booking in [Some(pending_booking()), None] {
            // No such account any more.
            let mocks = found(None, booking.clone());
            let answer = get_booking_as(&mocks.ports(), &claims_of(customer_id(), 3), booking_id()).await;
            assert!(matches!(answer, Err(GetBookingAsError::Auth(AuthError::Unauthenticated))), "{answer:?}");
            // A token of an older version (after logout-everywhere or a password change).
            let mocks = found(stored(customer_id(), 4), booking);
            let answer = get_booking_as(&mocks.ports(), &claims_of(customer_id(), 3), booking_id()).await;
            assert!(matches!(answer, Err(GetBookingAsError::Auth(AuthError::Unauthenticated))), "{answer:?}");
        }
    }

    #[tokio::test]
    async fn someone_else_or_a_missing_booking_is_not_found() {
        let other = UserId::from_uuid(Uuid::from_u128(2));
        for (caller, booking) in [(other, Some(pending_booking())), (customer_id(), None)] {
            let mocks = found(stored(caller, 1), booking);
            let answer = get_booking_as(&mocks.ports(), &claims_of(caller, 1), booking_id()).await;
            assert!(matches!(answer, Err(GetBookingAsError::Get(GetBookingError::NotFound))), "{answer:?}");
        }
    }

    #[tokio::test]
    async fn involved_people_and_admins_see_the_booking() {
        for actor in [customer(), talent(), admin()] {
            let mut mocks = Mocks::new();
            mocks.booking_is(pending_booking());
            assert_eq!(get_booking(&mocks.ports(), &actor, booking_id()).await.unwrap().id, booking_id());
        }
    }

    #[tokio::test]
    async fn another_customer_or_talent_gets_not_found_not_forbidden() {
        for actor in [other_customer(), other_talent()] {
            let mut mocks = Mocks::new();
            mocks.booking_is(pending_booking());
            mocks.bookings.expect_audit_trail().never();
            assert!(matches!(get_booking(&mocks.ports(), &actor, booking_id()).await, Err(GetBookingError::NotFound)));
            let mut mocks = Mocks::new();
            mocks.booking_is(pending_booking());
            mocks.bookings.expect_audit_trail().never();
            assert!(matches!(
                booking_audit_trail(&mocks.ports(), &actor, booking_id()).await,
                Err(GetBookingError::NotFound)
            ));
        }
    }
}
