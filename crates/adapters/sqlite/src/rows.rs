//! Row structs (private to this adapter) and their conversions to domain values.
//!
//! SQLite has no uuid or timestamp type: ids are stored as lower-case hyphenated UUID text and
//! instants as microseconds since the Unix epoch (UTC). Every conversion happens here.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use headliner_domain::booking::{AuditEvent, Booking, BookingStatus, EventType};
use headliner_domain::celebrity::{Category, Celebrity};
use headliner_domain::email::EmailAddress;
use headliner_domain::ids::{BlockedPeriodId, BookingId, CelebrityId, UserId};
use headliner_domain::money::{Currency, Money};
use headliner_domain::role::Role;
use headliner_domain::slug::Slug;
use headliner_domain::time::{EventTimeZone, TimeRange};
use headliner_domain::user::User;
use headliner_ports::celebrities::{BlockedPeriod, ImageRecord};
use headliner_ports::files::StoredFileName;
use headliner_ports::users::NewAccount;
use uuid::Uuid;

use crate::errors::{CorruptRow, corrupt};
use crate::schema::{blocked_periods, booking_events, bookings, categories, celebrities, celebrity_images, users};

/// An instant as stored: microseconds since the Unix epoch, UTC (sub-microseconds dropped,
/// as Postgres does).
pub(crate) fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// A stored instant back as a `DateTime`.
pub(crate) fn instant(what: &'static str, micros: i64) -> Result<DateTime<Utc>, CorruptRow> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| corrupt(what, micros))
}

/// An id as stored: lower-case hyphenated UUID text.
pub(crate) fn id_text(id: Uuid) -> String {
    id.hyphenated().to_string()
}

/// A stored id back as a UUID.
pub(crate) fn uuid(what: &'static str, text: &str) -> Result<Uuid, CorruptRow> {
    Uuid::parse_str(text).map_err(|e| corrupt(what, format!("{text:?}: {e}")))
}

pub(crate) fn status(s: &str) -> Result<BookingStatus, CorruptRow> {
    s.parse().map_err(|e| corrupt("booking status", e))
}

pub(crate) fn money(amount_minor: i64, currency: &str) -> Result<Money, CorruptRow> {
    let currency = Currency::parse(currency).map_err(|e| corrupt("currency", e))?;
    Money::non_negative(amount_minor, currency).map_err(|e| corrupt("amount", e))
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = bookings, check_for_backend(diesel::sqlite::Sqlite))]
pub(crate) struct BookingRow {
    pub id: String,
    pub customer_id: String,
    pub celebrity_id: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub time_zone: String,
    pub event_type: String,
    pub location: String,
    pub message: String,
    pub price_minor: i64,
    pub currency: String,
    pub status: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<&Booking> for BookingRow {
    fn from(b: &Booking) -> Self {
        Self {
            id: id_text(b.id.as_uuid()),
            customer_id: id_text(b.customer_id.as_uuid()),
            celebrity_id: id_text(b.celebrity_id.as_uuid()),
            starts_at: micros(b.during.start()),
            ends_at: micros(b.during.end()),
            time_zone: b.timezone.name().to_owned(),
            event_type: b.event_type.as_str().to_owned(),
            location: b.location.clone(),
            message: b.message.clone(),
            price_minor: b.price.amount_minor,
            currency: b.price.currency.code().to_owned(),
            status: b.status.as_str().to_owned(),
            version: b.version,
            created_at: micros(b.created_at),
            updated_at: micros(b.updated_at),
        }
    }
}

impl TryFrom<BookingRow> for Booking {
    type Error = CorruptRow;

    fn try_from(r: BookingRow) -> Result<Self, Self::Error> {
        let during = TimeRange::new(instant("booking start", r.starts_at)?, instant("booking end", r.ends_at)?)
            .map_err(|e| corrupt("booking time range", e))?;
        Ok(Self {
            id: BookingId::from_uuid(uuid("booking id", &r.id)?),
            customer_id: UserId::from_uuid(uuid("booking customer id", &r.customer_id)?),
            celebrity_id: CelebrityId::from_uuid(uuid("booking celebrity id", &r.celebrity_id)?),
            during,
            timezone: EventTimeZone::parse(&r.time_zone).map_err(|e| corrupt("time zone", e))?,
            event_type: EventType::parse(&r.event_type).ok_or_else(|| corrupt("event type", &r.event_type))?,
            location: r.location,
            message: r.message,
            price: money(r.price_minor, &r.currency)?,
            status: status(&r.status)?,
            version: r.version,
            created_at: instant("booking created_at", r.created_at)?,
            updated_at: instant("booking updated_at", r.updated_at)?,
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = booking_events, check_for_backend(diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct NewAuditRow {
    pub booking_id: String,
    pub at: i64,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
}

impl From<&AuditEvent> for NewAuditRow {
    fn from(a: &AuditEvent) -> Self {
        Self {
            booking_id: id_text(a.booking_id.as_uuid()),
            at: micros(a.at),
            actor_id: a.actor_id.map(|u| id_text(u.as_uuid())),
            actor_role: a.actor_role.clone(),
            from_status: a.from.map(|s| s.as_str().to_owned()),
            to_status: a.to.as_str().to_owned(),
            reason: a.reason.clone(),
        }
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = booking_events, check_for_backend(diesel::sqlite::Sqlite))]
pub(crate) struct AuditRow {
    pub booking_id: String,
    pub at: i64,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
}

impl TryFrom<AuditRow> for AuditEvent {
    type Error = CorruptRow;

    fn try_from(r: AuditRow) -> Result<Self, Self::Error> {
        Ok(Self {
            booking_id: BookingId::from_uuid(uuid("audit booking id", &r.booking_id)?),
            at: instant("audit at", r.at)?,
            actor_id: r.actor_id.as_deref().map(|a| uuid("audit actor id", a).map(UserId::from_uuid)).transpose()?,
            actor_role: r.actor_role,
            from: r.from_status.as_deref().map(status).transpose()?,
            to: status(&r.to_status)?,
            reason: r.reason,
        })
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::sqlite::Sqlite))]
pub(crate) struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub celebrity_id: Option<String>,
    pub disabled: bool,
    pub created_at: i64,
}

/// A new account's row: `token_version` starts at its default (0).
#[derive(Debug, Insertable)]
#[diesel(table_name = users, check_for_backend(diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct NewUserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub celebrity_id: Option<String>,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<NewAccount> for NewUserRow {
    fn from(account: NewAccount) -> Self {
        let u = account.user;
        Self {
            id: id_text(u.id.as_uuid()),
            email: u.email.as_str().to_owned(),
            display_name: u.display_name,
            password_hash: account.password_hash,
            role: u.role.as_str().to_owned(),
            celebrity_id: u.celebrity_id.map(|c| id_text(c.as_uuid())),
            disabled: u.disabled,
            created_at: micros(u.created_at),
            updated_at: micros(u.created_at),
        }
    }
}

impl TryFrom<UserRow> for User {
    type Error = CorruptRow;

    fn try_from(r: UserRow) -> Result<Self, Self::Error> {
        Ok(Self {
            id: UserId::from_uuid(uuid("user id", &r.id)?),
            email: EmailAddress::parse(&r.email).map_err(|e| corrupt("email", e))?,
            display_name: r.display_name,
            role: r.role.parse::<Role>().map_err(|e| corrupt("role", e))?,
            celebrity_id: r
                .celebrity_id
                .as_deref()
                .map(|c| uuid("user celebrity id", c).map(CelebrityId::from_uuid))
                .transpose()?,
            disabled: r.disabled,
            created_at: instant("user created_at", r.created_at)?,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = celebrities, check_for_backend(diesel::sqlite::Sqlite))]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct CelebrityRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub category: String,
    pub bio: String,
    pub base_price_minor: i64,
    pub currency: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub deleted_at: Option<i64>,
}

impl From<&Celebrity> for CelebrityRow {
    fn from(c: &Celebrity) -> Self {
        Self {
            id: id_text(c.id.as_uuid()),
            slug: c.slug.as_str().to_owned(),
            name: c.name.clone(),
            category: c.category.clone(),
            bio: c.bio.clone(),
            base_price_minor: c.base_price.amount_minor,
            currency: c.base_price.currency.code().to_owned(),
            created_at: micros(c.created_at),
            updated_at: micros(c.updated_at),
            deleted_at: c.deleted.then_some(micros(c.updated_at)),
        }
    }
}

impl TryFrom<CelebrityRow> for Celebrity {
    type Error = CorruptRow;

    fn try_from(r: CelebrityRow) -> Result<Self, Self::Error> {
        Ok(Self {
            id: CelebrityId::from_uuid(uuid("celebrity id", &r.id)?),
            slug: Slug::parse(&r.slug).map_err(|e| corrupt("slug", e))?,
            name: r.name,
            category: r.category,
            bio: r.bio,
            base_price: money(r.base_price_minor, &r.currency)?,
            deleted: r.deleted_at.is_some(),
            created_at: instant("celebrity created_at", r.created_at)?,
            updated_at: instant("celebrity updated_at", r.updated_at)?,
        })
    }
}

/// A celebrity row with the file name of its latest image (a correlated subquery).
pub(crate) type ProfileRow = (CelebrityRow, Option<String>);

pub(crate) fn stored_file_name(name: &str) -> Result<StoredFileName, CorruptRow> {
    StoredFileName::parse(name).map_err(|e| corrupt("image file name", format!("{name:?}: {e}")))
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = categories, check_for_backend(diesel::sqlite::Sqlite))]
pub(crate) struct CategoryRow {
    pub slug: String,
    pub name: String,
}

impl TryFrom<CategoryRow> for Category {
    type Error = CorruptRow;

    fn try_from(r: CategoryRow) -> Result<Self, Self::Error> {
        Ok(Self { slug: Slug::parse(&r.slug).map_err(|e| corrupt("category slug", e))?, name: r.name })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = blocked_periods, check_for_backend(diesel::sqlite::Sqlite))]
pub(crate) struct BlockedPeriodRow {
    pub id: String,
    pub celebrity_id: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub reason: String,
    pub created_at: i64,
}

impl From<&BlockedPeriod> for BlockedPeriodRow {
    fn from(p: &BlockedPeriod) -> Self {
        Self {
            id: id_text(p.id.as_uuid()),
            celebrity_id: id_text(p.celebrity_id.as_uuid()),
            starts_at: micros(p.during.start()),
            ends_at: micros(p.during.end()),
            reason: p.reason.clone(),
            created_at: micros(p.created_at),
        }
    }
}

impl TryFrom<BlockedPeriodRow> for BlockedPeriod {
    type Error = CorruptRow;

    fn try_from(r: BlockedPeriodRow) -> Result<Self, Self::Error> {
        let during =
            TimeRange::new(instant("blocked period start", r.starts_at)?, instant("blocked period end", r.ends_at)?)
                .map_err(|e| corrupt("blocked period range", e))?;
        Ok(Self {
            id: BlockedPeriodId::from_uuid(uuid("blocked period id", &r.id)?),
            celebrity_id: CelebrityId::from_uuid(uuid("blocked period celebrity id", &r.celebrity_id)?),
            during,
            reason: r.reason,
            created_at: instant("blocked period created_at", r.created_at)?,
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = celebrity_images, check_for_backend(diesel::sqlite::Sqlite))]
pub(crate) struct ImageRow {
    pub id: String,
    pub celebrity_id: String,
    pub file_name: String,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub byte_size: i64,
    pub created_at: i64,
}

/// A dimension or size beyond the column's range (the use case bounds them far lower).
#[derive(Debug, thiserror::Error)]
#[error("image {0} is out of range")]
pub(crate) struct OutOfRange(&'static str);

impl TryFrom<&ImageRecord> for ImageRow {
    type Error = OutOfRange;

    fn try_from(i: &ImageRecord) -> Result<Self, Self::Error> {
        Ok(Self {
            id: id_text(i.id.as_uuid()),
            celebrity_id: id_text(i.celebrity_id.as_uuid()),
            file_name: i.file_name.as_str().to_owned(),
            content_type: i.file_name.format().content_type().to_owned(),
            width: i32::try_from(i.width).map_err(|_| OutOfRange("width"))?,
            height: i32::try_from(i.height).map_err(|_| OutOfRange("height"))?,
            byte_size: i64::try_from(i.byte_size).map_err(|_| OutOfRange("byte size"))?,
            created_at: micros(i.created_at),
        })
    }
}
