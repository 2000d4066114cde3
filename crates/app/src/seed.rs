//! `headliner seed --demo`: a realistic demo data set written through the repository ports.
//!
//! What it writes: six categories with ten invented celebrities each (no real people), priced
//! per hour in USD, EUR, GBP, JPY and AUD; two admins, twelve customers and one talent account
//! per celebrity; about a hundred bookings that walk the lifecycle with the right party at
//! each step, so every status appears with its audit trail. Bookings are stored with
//! `BookingRepository::insert` and moved with `apply_change`, exactly as the use cases do,
//! with an empty outbox: demo data sends no mail and moves no money.
//!
//! - Deterministic: ids follow a fixed scheme ([`celebrity_id`]), so seeding any empty database
//!   gives the same rows. The clock is read once; every instant derives from it, so events sit
//!   in the weeks around the day the seed runs.
//! - Empty databases only: a database in use (bookings, an admin account, or the demo
//!   catalogue) stops the seed with [`SeedError::NotEmpty`] before it writes, and so does a
//!   demo email address or slug that other rows hold. The whole data set is built and checked
//!   against the domain rules first, so only a store failing part-way can leave part of it
//!   written (and the error says so).
//! - Every demo celebrity gets a portrait the program draws itself (no download), stored in
//!   the image folder like an upload.
//! - Demo accounts cannot log in with a password: see [`DEMO_PASSWORD_HASH`].

mod accounts;
mod bookings;
mod catalogue;
mod ids;
mod scenarios;
mod timeline;

use std::time::SystemTime;

use headliner_domain::booking::{RequestError, TransitionError};
use headliner_domain::celebrity::{Category, Celebrity};
use headliner_domain::email::InvalidEmail;
use headliner_domain::money::MoneyError;
use headliner_domain::slug::InvalidSlug;
use headliner_domain::time::TimeError;
use headliner_ports::Repositories;
use headliner_ports::bookings::{BookingQuery, BookingRepoError, BookingScope};
use headliner_ports::celebrities::{CelebrityRepoError, ImageRecord};
use headliner_ports::files::{FileStore, FileStoreError, ImageFormat, StoredFileName};
use headliner_ports::users::{NewAccount, UserRepoError};

pub use accounts::DEMO_PASSWORD_HASH;
pub use catalogue::CELEBRITY_COUNT;
pub use ids::celebrity_id;

use bookings::PlannedBooking;
use timeline::Timeline;

/// Added to store failures: the ports have no transaction spanning the whole data set.
const PARTLY_WRITTEN: &str = "part of the demo data may be written; seed again into a new, empty database";

/// Why seeding stopped. The message carries its causes, as the CLI prints one line.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Something is stored already.
    #[error("the database is not empty ({0}); `seed --demo` writes only into an empty, freshly migrated database")]
    NotEmpty(&'static str),
    #[error("the user store failed ({PARTLY_WRITTEN}): {}", causes(.0))]
    Users(#[source] UserRepoError),
    #[error("the catalogue store failed ({PARTLY_WRITTEN}): {}", causes(.0))]
    Celebrities(#[source] CelebrityRepoError),
    #[error("the booking store failed ({PARTLY_WRITTEN}): {}", causes(.0))]
    Bookings(#[source] BookingRepoError),
    #[error("the image folder failed ({PARTLY_WRITTEN}): {}", causes(.0))]
    Files(#[source] FileStoreError),
    /// The built-in data set breaks a domain rule: a bug in the seed, found before writing.
    #[error("the built-in demo data is invalid (nothing was written): {0}")]
    InvalidData(#[from] DataError),
}

/// A domain rule the built-in demo data breaks (found while building it, before any write).
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("slug: {0}")]
    Slug(#[from] InvalidSlug),
    #[error("email address: {0}")]
    Email(#[from] InvalidEmail),
    #[error("price: {0}")]
    Money(#[from] MoneyError),
    #[error("event time: {0}")]
    Time(#[from] TimeError),
    #[error("booking request: {0}")]
    Request(#[from] RequestError),
    #[error("booking change: {0}")]
    Transition(#[from] TransitionError),
    #[error("demo booking {booking} would have an audit event out of order or after now")]
    Timeline { booking: usize },
    #[error("an instant is out of range")]
    TimeOutOfRange,
    #[error("a booking refers to a demo account that does not exist")]
    MissingAccount,
    #[error("the image folder failed ({PARTLY_WRITTEN}): {}", causes(.0))]
    Files(#[source] FileStoreError),
}

impl From<UserRepoError> for SeedError {
    fn from(e: UserRepoError) -> Self {
        match e {
            UserRepoError::EmailTaken => Self::NotEmpty("a demo account's email address is registered already"),
            UserRepoError::NotFound | UserRepoError::Unavailable(_) => Self::Users(e),
        }
    }
}

impl From<CelebrityRepoError> for SeedError {
    fn from(e: CelebrityRepoError) -> Self {
        match e {
            CelebrityRepoError::SlugTaken => Self::NotEmpty("a demo celebrity's slug is taken already"),
            CelebrityRepoError::NotFound
            | CelebrityRepoError::UnknownCategory
            | CelebrityRepoError::Overlap
            | CelebrityRepoError::Unavailable(_) => Self::Celebrities(e),
        }
    }
}

impl From<BookingRepoError> for SeedError {
    fn from(e: BookingRepoError) -> Self {
        match e {
            BookingRepoError::NotFound
            | BookingRepoError::Overlap
            | BookingRepoError::VersionConflict
            | BookingRepoError::Unavailable(_) => Self::Bookings(e),
        }
    }
}

/// `error: cause: cause ...`, for a one-line message.
fn causes(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}

/// What was written, for the log line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub celebrities: usize,
    pub users: usize,
    pub bookings: usize,
}

impl std::fmt::Display for SeedSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} celebrities, {} users, {} bookings", self.celebrities, self.users, self.bookings)
    }
}

/// The whole demo data set, built and checked before the first write.
#[derive(Debug)]
struct DemoData {
    categories: Vec<Category>,
    celebrities: Vec<Celebrity>,
    accounts: Vec<NewAccount>,
    bookings: Vec<PlannedBooking>,
}

impl DemoData {
    fn build(now: SystemTime) -> Result<Self, DataError> {
        let timeline = Timeline::anchored_at(now);
        let celebrities = catalogue::celebrities(&timeline)?;
        let accounts = accounts::accounts(&timeline, &celebrities)?;
        let bookings = bookings::plan(&timeline, &celebrities, &accounts)?;
        Ok(Self { categories: catalogue::categories()?, celebrities, accounts: accounts.all, bookings })
    }
}

/// Writes the demo data set into an empty database (portraits into `files`) and says what it
/// wrote.
pub async fn demo(repos: &Repositories, files: &dyn FileStore) -> Result<SeedSummary, SeedError> {
    // The one clock reading; everything else derives from it.
    let now = SystemTime::now();
    let data = DemoData::build(now)?;
    ensure_empty(repos).await?;
    let ids: Vec<_> = data.celebrities.iter().map(|c| c.id).collect();
    let summary = write(repos, data).await?;
    portraits(repos, files, &ids, now.into()).await?;
    Ok(summary)
}

/// Every demo celebrity gets a portrait drawn by the program (an abstract pattern from its
/// index), stored like an upload, so the catalogue has images without any download.
async fn portraits(
    repos: &Repositories,
    files: &dyn FileStore,
    celebrities: &[headliner_domain::ids::CelebrityId],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), SeedError> {
    for (index, celebrity) in celebrities.iter().enumerate() {
        let id = ids::image_id(index);
        let file_name = StoredFileName::new(&id.to_string(), ImageFormat::Png)
            .map_err(|e| SeedError::Files(FileStoreError::Unavailable(Box::new(e))))?;
        let bytes = headliner_files::portrait_png(index as u64, PORTRAIT_SIZE);
        let byte_size = bytes.len() as u64;
        files.put(file_name.clone(), bytes).await.map_err(SeedError::Files)?;
        let record = ImageRecord {
            id,
            celebrity_id: *celebrity,
            file_name,
            width: PORTRAIT_SIZE,
            height: PORTRAIT_SIZE,
            byte_size,
            created_at: at,
        };
        repos.celebrities.insert_image(record).await?;
    }
    tracing::info!(count = celebrities.len(), "demo portraits written");
    Ok(())
}

/// Demo portraits are square, this many pixels a side.
const PORTRAIT_SIZE: u32 = 256;

/// Refuses a database that holds bookings, an admin account or the demo catalogue: any
/// database in use has one of those. (A demo email address or slug that other rows hold
/// stops the seed too, when it is written.)
async fn ensure_empty(repos: &Repositories) -> Result<(), SeedError> {
    let query = BookingQuery {
        scope: BookingScope::All,
        status: None,
        celebrity_id: None,
        from: None,
        to: None,
        limit: 1,
        after: None,
    };
    if !repos.bookings.list(query).await?.items.is_empty() {
        return Err(SeedError::NotEmpty("it holds bookings"));
    }
    if !repos.users.admins().await?.is_empty() {
        return Err(SeedError::NotEmpty("it has an admin account"));
    }
    match repos.celebrities.get(celebrity_id(0)).await {
        Ok(_) => Err(SeedError::NotEmpty("the demo catalogue is there already")),
        Err(CelebrityRepoError::NotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

async fn write(repos: &Repositories, data: DemoData) -> Result<SeedSummary, SeedError> {
    let summary =
        SeedSummary { celebrities: data.celebrities.len(), users: data.accounts.len(), bookings: data.bookings.len() };
    for category in data.categories {
        repos.celebrities.upsert_category(category).await?;
    }
    for celebrity in data.celebrities {
        repos.celebrities.insert(celebrity).await?;
    }
    tracing::info!(count = summary.celebrities, "demo catalogue written");
    for account in data.accounts {
        repos.users.insert(account).await?;
    }
    tracing::info!(count = summary.users, "demo accounts written");
    for booking in data.bookings {
        repos.bookings.insert(booking.new, Vec::new()).await?;
        for change in booking.changes {
            repos.bookings.apply_change(change, Vec::new()).await?;
        }
    }
    Ok(summary)
}
