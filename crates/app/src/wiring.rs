//! Builds the ports the catalogue and booking use cases run on, from the settings and the
//! opened store: the local image folder, the image cleaner, the simulated payment gateway and
//! the in-process event bus.

use std::sync::Arc;

use headliner_domain::pricing::{PricingPolicy, RefundPolicy};
use headliner_files::{ImageCleaner, LocalFileStore};
use headliner_ports::events::{BookingNotice, EventPublisher};
use headliner_ports::files::ImageLimits;
use headliner_services::bookings::BookingPorts;
use headliner_services::catalogue::CataloguePorts;
use headliner_stripe::SimulatedGateway;

use crate::config::Settings;
use crate::database::Database;
use crate::security::{RandomIds, SystemClock};

/// Where uploaded images are kept, under the data folder.
pub fn images_dir(settings: &Settings) -> std::path::PathBuf {
    settings.data_dir.join("images")
}

/// The image folder is created if missing; an unusable one is an error naming it.
pub fn catalogue_ports(settings: &Settings, database: &Database) -> Result<CataloguePorts, String> {
    let folder = images_dir(settings);
    let files = LocalFileStore::open(&folder)
        .map_err(|e| format!("HEADLINER_DATA_DIR: cannot use the image folder {}: {e}", folder.display()))?;
    Ok(CataloguePorts {
        celebrities: database.repositories().celebrities,
        files: Arc::new(files),
        images: Arc::new(ImageCleaner),
        clock: Arc::new(SystemClock),
        ids: Arc::new(RandomIds),
        image_limits: ImageLimits { max_bytes: settings.image_max_bytes, ..ImageLimits::default() },
    })
}

pub fn booking_ports(settings: &Settings, database: &Database, events: Arc<BookingEvents>) -> BookingPorts {
    let repositories = database.repositories();
    BookingPorts {
        bookings: repositories.bookings,
        celebrities: repositories.celebrities,
        users: repositories.users,
        payments: Arc::new(SimulatedGateway),
        events,
        workflow: repositories.workflow,
        outbox: repositories.outbox,
        clock: Arc::new(SystemClock),
        ids: Arc::new(RandomIds),
        pricing: PricingPolicy::default(),
        refunds: RefundPolicy::default(),
        app_url: settings.app_url.clone(),
    }
}

/// Booking changes, told to whoever in this process listens (the real-time issue subscribes
/// web sockets here). A slow listener misses notices rather than slowing bookings down; the
/// stored booking stays the truth.
#[derive(Debug)]
pub struct BookingEvents {
    sender: tokio::sync::broadcast::Sender<BookingNotice>,
}

impl BookingEvents {
    pub fn new(capacity: usize) -> Self {
        Self { sender: tokio::sync::broadcast::channel(capacity.max(1)).0 }
    }

    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<BookingNotice> {
        self.sender.subscribe()
    }
}

#[async_trait::async_trait]
impl EventPublisher for BookingEvents {
    async fn publish(&self, notice: BookingNotice) {
        // No listener is not an error: nobody is watching live.
        let _ = self.sender.send(notice);
    }
}

/// The relay's ports: the store's outbox and templates, the configured mailer (SMTP relay or
/// `.eml` files), the simulated payment gateway.
pub fn relay_ports(settings: &Settings, database: &Database) -> Result<headliner_services::relay::RelayPorts, String> {
    let repositories = database.repositories();
    let mailer = headliner_smtp::build_mailer(&settings.mail, &settings.mail_from, std::time::Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    Ok(headliner_services::relay::RelayPorts {
        outbox: repositories.outbox,
        templates: repositories.templates,
        mailer,
        payments: Arc::new(SimulatedGateway),
        clock: Arc::new(SystemClock),
    })
}
