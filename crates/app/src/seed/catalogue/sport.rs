//! Sport: athletes, active and retired.

use super::Entry;

pub(super) const ENTRIES: [Entry; 10] = [
    Entry {
        name: "Kalani Brightwater",
        currency: "AUD",
        price: 1_200_000,
        bio: "Big-wave surfer and ocean conservation advocate; talks, surf clinics and beach clean-up \
              days.",
    },
    Entry {
        name: "Lucía Verhoeven",
        currency: "EUR",
        price: 2_600_000,
        bio: "Former world number two in tennis; exhibition matches, coaching clinics and corporate days.",
    },
    Entry {
        name: "Mateo Strand",
        currency: "EUR",
        price: 3_000_000,
        bio: "Midfielder who captained his national team at two tournaments; appearances, signings and \
              youth academy visits.",
    },
    Entry {
        name: "Nia Okonjo-Blake",
        currency: "GBP",
        price: 1_500_000,
        bio: "Sprint champion and record holder over 200 m; motivational talks and school sports days.",
    },
    Entry {
        name: "Ruairí Maddock",
        currency: "GBP",
        price: 900_000,
        bio: "Rugby flanker turned pundit; after-dinner speaking and club fundraisers.",
    },
    Entry {
        name: "Sora Kitamura",
        currency: "JPY",
        price: 2_000_000,
        bio: "Figure skater with two world titles; ice shows, skating clinics and appearances.",
    },
    Entry {
        name: "Theo Vancampen",
        currency: "EUR",
        price: 800_000,
        bio: "Grand-tour cyclist and mountain-stage specialist; leads charity rides and talks about \
              endurance.",
    },
    Entry {
        name: "Ulla Brennholt",
        currency: "EUR",
        price: 600_000,
        bio: "Cross-country skier and six-time national champion; talks on training, discipline and \
              winter sport.",
    },
    Entry {
        name: "Wes Carrow",
        currency: "USD",
        price: 3_500_000,
        bio: "Point guard and three-time league all-star; basketball camps, sponsor events and courtside \
              appearances.",
    },
    Entry {
        name: "Yara Delacroix-Amadi",
        currency: "USD",
        price: 2_000_000,
        bio: "Undefeated middleweight boxing champion; fitness sessions, talks and ringside appearances.",
    },
];
