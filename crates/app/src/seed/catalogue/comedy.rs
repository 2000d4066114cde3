//! Comedy: stand-ups, improvisers and sketch performers.

use super::Entry;

pub(super) const ENTRIES: [Entry; 10] = [
    Entry {
        name: "Benji Albright-Okafor",
        currency: "GBP",
        price: 800_000,
        bio: "Stand-up whose observational sets about family life sell out theatres; clean or late-night \
              versions on request.",
    },
    Entry {
        name: "Clementine Rook",
        currency: "USD",
        price: 1_000_000,
        bio: "Sketch-show veteran and impressionist; hosts award nights and company parties.",
    },
    Entry {
        name: "Dev Malhotra-Finch",
        currency: "USD",
        price: 700_000,
        bio: "Stand-up and podcast host: sharp, topical and happy to tailor the material to your industry.",
    },
    Entry {
        name: "Edie Pemberton",
        currency: "GBP",
        price: 550_000,
        bio: "Deadpan one-liner comic and panel-show regular; perfect for after-dinner slots.",
    },
    Entry {
        name: "Gus Ferreira",
        currency: "AUD",
        price: 450_000,
        bio: "Improv comedian who builds a whole show from audience suggestions; great for team events.",
    },
    Entry {
        name: "Harriet Quill",
        currency: "GBP",
        price: 650_000,
        bio: "Musical comedian with a piano and a grudge; writes a song about your event on the night.",
    },
    Entry {
        name: "Ivo Stanchev",
        currency: "EUR",
        price: 400_000,
        bio: "Multilingual stand-up performing in English, German and Bulgarian; a festival favourite.",
    },
    Entry {
        name: "Jojo Mbatha",
        currency: "USD",
        price: 900_000,
        bio: "Storytelling comedian whose special about growing up in two countries became a streaming \
              hit.",
    },
    Entry {
        name: "Kit Sandoval-Hume",
        currency: "USD",
        price: 500_000,
        bio: "Alternative comic and inventor of absurd props: chaotic, surprising and family friendly.",
    },
    Entry {
        name: "Lottie Brannagh",
        currency: "GBP",
        price: 750_000,
        bio: "Sitcom writer and star; hosting, roasts and warm-up sets for live recordings.",
    },
];
