//! TV: hosts, presenters and series leads.

use super::Entry;

pub(super) const ENTRIES: [Entry; 10] = [
    Entry {
        name: "Maddox Wendell",
        currency: "USD",
        price: 1_800_000,
        bio: "Game-show host with a famous catchphrase; hosts quizzes, launches and charity telethons.",
    },
    Entry {
        name: "Nadia Castellanos-Prior",
        currency: "USD",
        price: 1_400_000,
        bio: "Evening news anchor and interviewer; moderates panels, debates and conferences.",
    },
    Entry {
        name: "Odessa Pryce",
        currency: "USD",
        price: 2_400_000,
        bio: "Daytime talk-show host; live interviews, audience Q&As and product launches.",
    },
    Entry {
        name: "Percy Delamere",
        currency: "GBP",
        price: 1_100_000,
        bio: "Wildlife presenter whose documentaries took him to all seven continents; illustrated talks \
              for all ages.",
    },
    Entry {
        name: "Quinn Arcadi",
        currency: "USD",
        price: 600_000,
        bio: "Reality-TV favourite turned lifestyle host; club nights, store openings and social media \
              collaborations.",
    },
    Entry {
        name: "Rhiannon Mallory",
        currency: "GBP",
        price: 900_000,
        bio: "Baking-competition judge and cookbook author; live demonstrations, tastings and judging.",
    },
    Entry {
        name: "Stellan Roux",
        currency: "EUR",
        price: 1_000_000,
        bio: "TV chef known for fearless fusion cooking; live cooking shows and private dinners.",
    },
    Entry {
        name: "Tova Lindgren-Amari",
        currency: "EUR",
        price: 1_300_000,
        bio: "Lead of a long-running Nordic police drama; appearances, readings and fan events.",
    },
    Entry {
        name: "Umar Haddadi",
        currency: "GBP",
        price: 700_000,
        bio: "Quiz-show host and trivia champion; company quiz nights and charity quizzes.",
    },
    Entry {
        name: "Vivienne Osei-Latham",
        currency: "GBP",
        price: 850_000,
        bio: "Fifteen years on a much-loved soap; pantomime seasons, openings and charity galas.",
    },
];
