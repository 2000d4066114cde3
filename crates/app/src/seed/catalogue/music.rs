//! Music: singers, players and bands.

use super::Entry;

pub(super) const ENTRIES: [Entry; 10] = [
    Entry {
        name: "Marisol Vantreight",
        currency: "USD",
        price: 2_800_000,
        bio: "Latin-pop singer-songwriter whose bilingual anthems have topped charts on three continents. \
              Performs with a six-piece band or in an intimate acoustic set.",
    },
    Entry {
        name: "Oskar Lindqvist-Mbeki",
        currency: "EUR",
        price: 950_000,
        bio: "Jazz pianist from Malmö and Durban, known for late-night trio sets that drift from standards \
              into Scandinavian folk melodies.",
    },
    Entry {
        name: "Juniper Ashgrove",
        currency: "GBP",
        price: 600_000,
        bio: "Folk singer and fiddler from the Yorkshire Dales. Her unplugged sets suit weddings, garden \
              parties and small festival stages.",
    },
    Entry {
        name: "Calloway Reyes",
        currency: "USD",
        price: 1_500_000,
        bio: "Club DJ and producer behind a string of summer dance hits; brings a full light rig for \
              headline slots.",
    },
    Entry {
        name: "Tamsin Okoro",
        currency: "GBP",
        price: 1_200_000,
        bio: "Soul vocalist with a voice built for big rooms; tours with a horn section, and with a gospel \
              choir when the stage allows.",
    },
    Entry {
        name: "Kenji Aramaki-Holt",
        currency: "JPY",
        price: 1_400_000,
        bio: "Cellist and composer who moves between concert halls and film scores. Solo recitals, string \
              ensembles or a conversation about music.",
    },
    Entry {
        name: "Rosalind Fairweather",
        currency: "EUR",
        price: 1_100_000,
        bio: "Lyric soprano who has sung leading roles across European opera houses. Recitals with piano, \
              galas and masterclasses.",
    },
    Entry {
        name: "Silas Moreau-Quinn",
        currency: "USD",
        price: 900_000,
        bio: "Country storyteller with a battered guitar and a knack for making a stadium feel like a back \
              porch.",
    },
    Entry {
        name: "Hollow Pines Quartet",
        currency: "EUR",
        price: 400_000,
        bio: "A string quartet that plays everything from Haydn to arrangements of pop classics; a \
              favourite for weddings and receptions.",
    },
    Entry {
        name: "Zadie Fontaine",
        currency: "GBP",
        price: 2_000_000,
        bio: "Talent-show runner-up turned arena headliner, with fully choreographed shows and a devoted \
              fan club.",
    },
];
