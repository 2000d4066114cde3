//! The demo catalogue: six categories of ten invented celebrities each (no real people),
//! priced per hour in a few currencies, in minor units.

mod comedy;
mod film;
mod music;
mod speakers;
mod sport;
mod tv;

use headliner_domain::celebrity::{Category, Celebrity};
use headliner_domain::money::{Currency, Money};
use headliner_domain::slug::Slug;

use super::timeline::{Timeline, shift};
use super::{DataError, ids};

/// One celebrity of a category's table.
#[derive(Debug)]
pub(super) struct Entry {
    pub name: &'static str,
    pub currency: &'static str,
    /// The price of one hour, in minor units of `currency` (cents, pence, yen).
    pub price: i64,
    pub bio: &'static str,
}

/// A category and its celebrities.
#[derive(Debug)]
struct Section {
    slug: &'static str,
    name: &'static str,
    entries: &'static [Entry],
}

const SECTIONS: [Section; 6] = [
    Section { slug: "music", name: "Music", entries: &music::ENTRIES },
    Section { slug: "film", name: "Film", entries: &film::ENTRIES },
    Section { slug: "sport", name: "Sport", entries: &sport::ENTRIES },
    Section { slug: "comedy", name: "Comedy", entries: &comedy::ENTRIES },
    Section { slug: "tv", name: "TV", entries: &tv::ENTRIES },
    Section { slug: "speakers", name: "Speakers", entries: &speakers::ENTRIES },
];

/// How many celebrities the demo catalogue holds.
pub const CELEBRITY_COUNT: usize = {
    let mut count = 0;
    let mut i = 0;
    while i < SECTIONS.len() {
        count += SECTIONS[i].entries.len();
        i += 1;
    }
    count
};

/// The catalogue joined the platform about half a year before the seed runs, one profile an
/// hour, in table order.
const JOINED_DAYS_AGO: i64 = 200;

pub(super) fn categories() -> Result<Vec<Category>, DataError> {
    SECTIONS
        .iter()
        .map(|section| Ok(Category { slug: Slug::parse(section.slug)?, name: section.name.to_owned() }))
        .collect()
}

pub(super) fn celebrities(timeline: &Timeline) -> Result<Vec<Celebrity>, DataError> {
    let joined = timeline.day(-JOINED_DAYS_AGO, 9 * 60)?;
    let entries = SECTIONS.iter().flat_map(|section| section.entries.iter().map(move |entry| (section.slug, entry)));
    entries
        .enumerate()
        .map(|(index, (category, entry))| {
            let created = shift(joined, 60 * i64::try_from(index).map_err(|_| DataError::TimeOutOfRange)?)?;
            Ok(Celebrity {
                id: ids::celebrity_id(index),
                slug: Slug::from_name(entry.name)?,
                name: entry.name.to_owned(),
                category: category.to_owned(),
                bio: entry.bio.to_owned(),
                base_price: Money::non_negative(entry.price, Currency::parse(entry.currency)?)?,
                deleted: false,
                created_at: created.into(),
                updated_at: created.into(),
            })
        })
        .collect()
}
