//! Speakers: scientists, founders, explorers and writers.

use super::Entry;

pub(super) const ENTRIES: [Entry; 10] = [
    Entry {
        name: "Amara Velasquez-Hunt",
        currency: "USD",
        price: 1_200_000,
        bio: "Neuroscientist and bestselling author on sleep and memory; keynotes with live \
              demonstrations.",
    },
    Entry {
        name: "Bertrand Oyelaran",
        currency: "GBP",
        price: 1_000_000,
        bio: "Economist and former central-bank adviser; explains markets, inflation and the next decade \
              in plain words.",
    },
    Entry {
        name: "Corinne Aldana",
        currency: "USD",
        price: 3_000_000,
        bio: "Former astronaut and mission commander; keynotes on leadership under pressure and life in \
              orbit.",
    },
    Entry {
        name: "Desmond Ruiz-Kettering",
        currency: "USD",
        price: 2_500_000,
        bio: "Serial founder who built and sold three software companies; talks on start-ups and scaling \
              teams.",
    },
    Entry {
        name: "Elin Sørvik",
        currency: "EUR",
        price: 800_000,
        bio: "Glaciologist and climate communicator; field stories from the Arctic with data anyone can \
              follow.",
    },
    Entry {
        name: "Farid Nouri",
        currency: "EUR",
        price: 700_000,
        bio: "Human-rights lawyer and author; talks on justice, migration and the rule of law.",
    },
    Entry {
        name: "Genevieve Stroud",
        currency: "GBP",
        price: 900_000,
        bio: "Mountaineer and expedition leader; talks on risk, teamwork and turning back in time.",
    },
    Entry {
        name: "Hamish Ogilvy-Tan",
        currency: "GBP",
        price: 600_000,
        bio: "Behavioural psychologist; workshops on habits, decisions and better meetings.",
    },
    Entry {
        name: "Ingrid Vass",
        currency: "EUR",
        price: 1_500_000,
        bio: "Former chief executive of a European logistics group; boardroom talks on transformation.",
    },
    Entry {
        name: "Jonah Akintola-Wren",
        currency: "AUD",
        price: 500_000,
        bio: "Spoken-word poet and educator; performances and writing workshops for schools and \
              festivals.",
    },
];
