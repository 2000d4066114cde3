//! Film: actors and directors.

use super::Entry;

pub(super) const ENTRIES: [Entry; 10] = [
    Entry {
        name: "Adaeze Whitlock",
        currency: "GBP",
        price: 2_400_000,
        bio: "Stage-trained actor celebrated for period dramas and one very memorable space opera. \
              Appearances, readings and Q&As.",
    },
    Entry {
        name: "Bastian Kroll",
        currency: "EUR",
        price: 1_900_000,
        bio: "Action star who still does most of his own stunts; popular at premieres, fan conventions and \
              charity screenings.",
    },
    Entry {
        name: "Celeste Marchetti-Vale",
        currency: "EUR",
        price: 1_300_000,
        bio: "Festival-winning director of intimate family dramas. Talks on filmmaking, jury panels and \
              masterclasses.",
    },
    Entry {
        name: "Dorian Achterberg",
        currency: "EUR",
        price: 700_000,
        bio: "Character actor with more than eighty screen credits, beloved for villains with impeccable \
              manners.",
    },
    Entry {
        name: "Esperanza Quiñones-Lark",
        currency: "USD",
        price: 2_200_000,
        bio: "Romantic-comedy lead and producer; hosts screenings, red-carpet evenings and conversations \
              about women in film.",
    },
    Entry {
        name: "Felix Thornbury",
        currency: "GBP",
        price: 1_000_000,
        bio: "Breakout star of a hit coming-of-age trilogy; appearances at premieres, schools and fan \
              events.",
    },
    Entry {
        name: "Greta Halvorsen",
        currency: "EUR",
        price: 850_000,
        bio: "Norwegian actor known for slow-burn crime thrillers; speaks about acting in two languages.",
    },
    Entry {
        name: "Hiroshi Tanabe-Wells",
        currency: "JPY",
        price: 2_500_000,
        bio: "Veteran of samurai epics and blockbusters alike; appearances and demonstrations of screen \
              fight choreography.",
    },
    Entry {
        name: "Imogen Castellane",
        currency: "USD",
        price: 1_600_000,
        bio: "Screen icon of the nineties, now a writer-director; retrospectives, anniversary screenings \
              and galas.",
    },
    Entry {
        name: "Jasper Nwankwo-Reid",
        currency: "GBP",
        price: 1_400_000,
        bio: "Lead of an acclaimed heist franchise, known for generous and very funny audience Q&As.",
    },
];
