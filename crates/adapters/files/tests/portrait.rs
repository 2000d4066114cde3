//! `portrait_png`: deterministic, distinct, and acceptable to the cleaner.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

use headliner_files::{ImageCleaner, portrait_png};
use headliner_ports::files::{ImageFormat, ImageLimits};

#[test]
fn the_same_seed_draws_the_same_png() {
    assert_eq!(portrait_png(42, 96), portrait_png(42, 96));
}

#[test]
fn distinct_seeds_draw_distinct_pictures() {
    let pictures: Vec<_> =
        (0..12u64).map(|seed| image::load_from_memory(&portrait_png(seed, 64)).unwrap().to_rgb8()).collect();
    for (i, a) in pictures.iter().enumerate() {
        for b in &pictures[i + 1..] {
            let differing = a.pixels().zip(b.pixels()).filter(|(p, q)| p != q).count();
            assert!(differing > 64 * 64 / 4, "two seeds share {}% of their pixels", 100 - differing * 100 / (64 * 64));
        }
    }
}

#[test]
fn it_is_a_png_of_the_requested_size_with_more_than_one_colour() {
    for size in [1, 17, 256] {
        let bytes = portrait_png(7, size);
        assert_eq!(image::guess_format(&bytes).unwrap(), image::ImageFormat::Png);
        let picture = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!(picture.dimensions(), (size, size));
        if size > 1 {
            let first = picture.get_pixel(0, 0);
            assert!(picture.pixels().any(|p| p != first));
        }
    }
    assert_eq!(image::load_from_memory(&portrait_png(7, 0)).unwrap().width(), 1);
}

#[test]
fn it_passes_the_image_cleaner() {
    for seed in [0, 1, u64::MAX] {
        let clean = ImageCleaner::clean_blocking(&portrait_png(seed, 512), ImageLimits::default()).unwrap();
        assert_eq!((clean.format, clean.width, clean.height), (ImageFormat::Png, 512, 512));
    }
}
