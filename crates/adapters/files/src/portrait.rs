//! Generated placeholder portraits for the demo data set.

use image::codecs::png::PngEncoder;
use image::{Rgb, RgbImage};

/// The largest side [`portrait_png`] draws; larger requests are drawn at this size.
const MAX_SIZE: u32 = 2048;

/// A `size` × `size` PNG (8-bit RGB): an abstract avatar, the same for the same `seed` and a
/// different one for another. A diagonal gradient in a seed-chosen hue, a few translucent
/// circles in the complementary hue, and a pale head-and-shoulders silhouette, anti-aliased.
/// No fonts, no randomness beyond the seed. `size` is clamped to 1..=2048. It passes
/// [`ImageCleaner`](crate::ImageCleaner) with the default limits.
pub fn portrait_png(seed: u64, size: u32) -> Vec<u8> {
    let size = size.clamp(1, MAX_SIZE);
    let scene = Scene::new(seed, size);
    let image = RgbImage::from_fn(size, size, |x, y| scene.pixel(x, y));
    let mut out = Vec::new();
    // Writing a well-formed RGB8 image into a Vec cannot fail.
    match image.write_with_encoder(PngEncoder::new(&mut out)) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

type Colour = [f32; 3];

#[derive(Debug)]
struct Circle {
    x: f32,
    y: f32,
    r: f32,
    colour: Colour,
    alpha: f32,
}

#[derive(Debug)]
struct Scene {
    size: f32,
    top: Colour,
    bottom: Colour,
    circles: Vec<Circle>,
    figure: Colour,
}

impl Scene {
    fn new(seed: u64, size: u32) -> Self {
        let mut rng = SplitMix64(seed);
        let s = size as f32;
        let hue = rng.unit() * 360.0;
        let turn = 30.0 + rng.unit() * 50.0;
        let top = hsl(hue, 0.55 + rng.unit() * 0.2, 0.62 + rng.unit() * 0.1);
        let bottom = hsl(hue + turn, 0.6, 0.32 + rng.unit() * 0.1);
        let count = 3 + (rng.next() % 3) as usize;
        let circles = (0..count)
            .map(|_| Circle {
                x: rng.unit() * s,
                y: rng.unit() * s * 0.8,
                r: (0.12 + rng.unit() * 0.3) * s,
                colour: hsl(hue + 160.0 + rng.unit() * 40.0, 0.5, 0.65 + rng.unit() * 0.15),
                alpha: 0.15 + rng.unit() * 0.2,
            })
            .collect();
        let figure = hsl(hue + 180.0, 0.2, 0.9);
        Self { size: s, top, bottom, circles, figure }
    }

    fn pixel(&self, x: u32, y: u32) -> Rgb<u8> {
        let s = self.size;
        let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
        let t = ((px + py) / (2.0 * s)).clamp(0.0, 1.0);
        let mut c = mix(self.top, self.bottom, t);
        for circle in &self.circles {
            let d = ((px - circle.x).powi(2) + (py - circle.y).powi(2)).sqrt() - circle.r;
            c = mix(c, circle.colour, circle.alpha * coverage(d));
        }
        // Head, then shoulders (the top of an ellipse rising from below the bottom edge).
        let head = ((px - 0.5 * s).powi(2) + (py - 0.4 * s).powi(2)).sqrt() - 0.17 * s;
        let (rx, ry) = (0.36 * s, 0.3 * s);
        let k = (((px - 0.5 * s) / rx).powi(2) + ((py - 1.02 * s) / ry).powi(2)).sqrt();
        let shoulders = (k - 1.0) * ry;
        c = mix(c, self.figure, 0.92 * coverage(head.min(shoulders)));
        Rgb(c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8))
    }
}

/// How much of a pixel a shape covers, from the signed distance (pixels) to its edge.
fn coverage(signed_distance: f32) -> f32 {
    (0.5 - signed_distance).clamp(0.0, 1.0)
}

fn mix(a: Colour, b: Colour, t: f32) -> Colour {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

/// Hue in degrees (any value), saturation and lightness in 0..=1.
fn hsl(hue: f32, saturation: f32, lightness: f32) -> Colour {
    let h = hue.rem_euclid(360.0) / 60.0;
    let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let x = chroma * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (chroma, x, 0.0),
        1 => (x, chroma, 0.0),
        2 => (0.0, chroma, x),
        3 => (0.0, x, chroma),
        4 => (x, 0.0, chroma),
        _ => (chroma, 0.0, x),
    };
    let m = lightness - chroma / 2.0;
    [r + m, g + m, b + m]
}

/// A tiny, well-mixed deterministic generator (SplitMix64).
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsl_primaries() {
        let close = |a: Colour, b: Colour| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5);
        assert!(close(hsl(0.0, 1.0, 0.5), [1.0, 0.0, 0.0]));
        assert!(close(hsl(120.0, 1.0, 0.5), [0.0, 1.0, 0.0]));
        assert!(close(hsl(240.0, 1.0, 0.5), [0.0, 0.0, 1.0]));
        assert!(close(hsl(-120.0, 1.0, 0.5), [0.0, 0.0, 1.0]));
        assert!(close(hsl(77.0, 0.0, 0.3), [0.3, 0.3, 0.3]));
    }

    #[test]
    fn unit_stays_below_one() {
        let mut rng = SplitMix64(7);
        assert!((0..10_000).map(|_| rng.unit()).all(|u| (0.0..1.0).contains(&u)));
    }
}
