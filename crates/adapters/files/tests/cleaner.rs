//! `ImageCleaner`: what passes comes back as pixels only; what does not is refused, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

use std::time::{Duration, Instant};

use headliner_files::ImageCleaner;
use headliner_ports::files::{CleanImage, ImageCodec, ImageFormat, ImageLimits, ImageRejection};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, RgbImage, RgbaImage};
use proptest::prelude::*;

// ---------------------------------------------------------------- fixtures

fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, ((x + y) * 3) as u8]))
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    picture(width, height).write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90)).unwrap();
    out
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    picture(width, height).write_with_encoder(PngEncoder::new(&mut out)).unwrap();
    out
}

fn webp(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    picture(width, height).write_with_encoder(WebPEncoder::new_lossless(&mut out)).unwrap();
    out
}

fn clean(bytes: &[u8]) -> Result<CleanImage, ImageRejection> {
    ImageCleaner::clean_blocking(bytes, ImageLimits::default())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The decoded output, checked to be of `format` by its content.
fn decode(clean: &CleanImage) -> DynamicImage {
    let guessed = image::guess_format(&clean.bytes).unwrap();
    let expected = match clean.format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Webp => image::ImageFormat::WebP,
    };
    assert_eq!(guessed, expected);
    let decoded = image::load_from_memory(&clean.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (clean.width, clean.height));
    decoded
}

/// The marker bytes of a JPEG's segments before its first scan.
fn jpeg_header_markers(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
    let mut markers = Vec::new();
    let mut pos = 2;
    while pos + 4 <= bytes.len() {
        assert_eq!(bytes[pos], 0xFF, "not at a marker");
        let marker = bytes[pos + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        pos += 2 + usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
    }
    markers
}

/// A JPEG segment: marker, big-endian length (itself included), payload.
fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// Inserts `segments` right after a JPEG's SOI marker.
fn splice_after_soi(jpeg: &[u8], segments: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(segments);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// One little-endian TIFF IFD entry.
fn ifd_entry(tag: u16, kind: u16, count: u32, value: u32) -> Vec<u8> {
    let mut e = Vec::new();
    e.extend_from_slice(&tag.to_le_bytes());
    e.extend_from_slice(&kind.to_le_bytes());
    e.extend_from_slice(&count.to_le_bytes());
    e.extend_from_slice(&value.to_le_bytes());
    e
}

/// An APP1 EXIF payload: IFD0 (optionally with an orientation) pointing at a GPS IFD that
/// places the picture at 48°51'29.99"N 2°17'40.20"E.
fn exif_with_gps(orientation: Option<u16>) -> Vec<u8> {
    const ASCII: u16 = 2;
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const RATIONAL: u16 = 5;
    let ifd0_entries: u16 = if orientation.is_some() { 2 } else { 1 };
    let ifd0_len = 2 + 12 * u32::from(ifd0_entries) + 4;
    let gps_at = 8 + ifd0_len;
    let gps_len = 2 + 12 * 4 + 4;
    let lat_at = gps_at + gps_len;
    let lon_at = lat_at + 24;

    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    // IFD0 (entries sorted by tag)
    tiff.extend_from_slice(&ifd0_entries.to_le_bytes());
    if let Some(o) = orientation {
        tiff.extend(ifd_entry(0x0112, SHORT, 1, u32::from(o)));
    }
    tiff.extend(ifd_entry(0x8825, LONG, 1, gps_at)); // GPSInfo
    tiff.extend_from_slice(&0u32.to_le_bytes());
    // GPS IFD
    tiff.extend_from_slice(&4u16.to_le_bytes());
    tiff.extend(ifd_entry(0x0001, ASCII, 2, u32::from_le_bytes(*b"N\0\0\0"))); // GPSLatitudeRef
    tiff.extend(ifd_entry(0x0002, RATIONAL, 3, lat_at)); // GPSLatitude
    tiff.extend(ifd_entry(0x0003, ASCII, 2, u32::from_le_bytes(*b"E\0\0\0"))); // GPSLongitudeRef
    tiff.extend(ifd_entry(0x0004, RATIONAL, 3, lon_at)); // GPSLongitude
    tiff.extend_from_slice(&0u32.to_le_bytes());
    for (num, den) in [(48, 1), (51, 1), (2999, 100), (2, 1), (17, 1), (4020, 100)] {
        tiff.extend_from_slice(&u32::to_le_bytes(num));
        tiff.extend_from_slice(&u32::to_le_bytes(den));
    }
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff);
    payload
}

/// CRC-32 (IEEE), as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    c.extend_from_slice(&body);
    c.extend_from_slice(&crc32(&body).to_be_bytes());
    c
}

/// A well-formed PNG header (valid CRCs) declaring `width` × `height` RGB pixels, with a
/// small IDAT that could never fill them.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, adaptive, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    // zlib: one empty stored block (the adler32 of nothing is 1).
    out.extend(png_chunk(b"IDAT", &[0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01]));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// Inserts `chunk` right after a PNG's IHDR chunk.
fn splice_after_ihdr(png: &[u8], chunk: &[u8]) -> Vec<u8> {
    let at = 8 + 8 + 13 + 4;
    assert_eq!(&png[12..16], b"IHDR");
    let mut out = png[..at].to_vec();
    out.extend_from_slice(chunk);
    out.extend_from_slice(&png[at..]);
    out
}

fn assert_too_many_pixels(result: Result<CleanImage, ImageRejection>, width: u32, height: u32) {
    match result {
        Err(ImageRejection::TooManyPixels { width: w, height: h, .. }) => assert_eq!((w, h), (width, height)),
        other => panic!("expected TooManyPixels for {width}×{height}, got {other:?}"),
    }
}

fn assert_undecodable(result: Result<CleanImage, ImageRejection>) {
    assert!(matches!(result, Err(ImageRejection::Undecodable(_))), "expected Undecodable, got {result:?}");
}

// ---------------------------------------------------------------- valid images

#[test]
fn a_valid_jpeg_comes_back_as_a_jpeg_of_the_same_size() {
    let clean = clean(&jpeg(64, 48)).unwrap();
    assert_eq!(clean.format, ImageFormat::Jpeg);
    assert_eq!((clean.width, clean.height), (64, 48));
    decode(&clean);
}

#[test]
fn a_valid_png_comes_back_as_the_same_pixels() {
    let clean = clean(&png(33, 17)).unwrap();
    assert_eq!(clean.format, ImageFormat::Png);
    assert_eq!(decode(&clean).to_rgb8(), picture(33, 17));
}

#[test]
fn a_valid_webp_comes_back_as_the_same_pixels() {
    let clean = clean(&webp(20, 30)).unwrap();
    assert_eq!(clean.format, ImageFormat::Webp);
    assert_eq!(decode(&clean).to_rgb8(), picture(20, 30));
}

#[test]
fn transparency_survives_in_png_and_webp() {
    let rgba = RgbaImage::from_fn(8, 8, |x, y| image::Rgba([x as u8 * 30, y as u8 * 30, 90, (x * y * 4) as u8]));
    let mut p = Vec::new();
    rgba.write_with_encoder(PngEncoder::new(&mut p)).unwrap();
    let mut w = Vec::new();
    rgba.write_with_encoder(WebPEncoder::new_lossless(&mut w)).unwrap();
    for bytes in [p, w] {
        assert_eq!(decode(&clean(&bytes).unwrap()).to_rgba8(), rgba);
    }
}

#[test]
fn a_16_bit_grey_png_stays_16_bit_grey() {
    let grey = image::ImageBuffer::<image::Luma<u16>, _>::from_fn(5, 4, |x, y| image::Luma([(x * 10_000 + y) as u16]));
    let mut bytes = Vec::new();
    grey.write_with_encoder(PngEncoder::new(&mut bytes)).unwrap();
    let decoded = decode(&clean(&bytes).unwrap());
    assert_eq!(decoded.color(), image::ColorType::L16);
    assert_eq!(decoded.to_luma16(), grey);
}

#[test]
fn a_grey_jpeg_stays_a_jpeg() {
    let grey = image::GrayImage::from_fn(16, 16, |x, y| image::Luma([(x * 16 + y) as u8]));
    let mut bytes = Vec::new();
    grey.write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, 90)).unwrap();
    let clean = clean(&bytes).unwrap();
    assert_eq!(clean.format, ImageFormat::Jpeg);
    assert_eq!(decode(&clean).color(), image::ColorType::L8);
}

#[tokio::test]
async fn the_port_cleans_on_the_blocking_pool() {
    let clean = ImageCleaner::new().clean(png(10, 10), ImageLimits::default()).await.unwrap();
    assert_eq!((clean.format, clean.width, clean.height), (ImageFormat::Png, 10, 10));
}

// ---------------------------------------------------------------- metadata is dropped

#[test]
fn exif_with_gps_is_dropped_from_a_jpeg() {
    let exif = exif_with_gps(None);
    let input = splice_after_soi(&jpeg(32, 24), &segment(0xE1, &exif));
    // The fixture really carries it: an APP1 segment right after SOI, readable as EXIF.
    assert_eq!(jpeg_header_markers(&input)[0], 0xE1);
    assert!(contains(&input, b"Exif\0\0II*\0"));
    let mut decoder = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&input)).unwrap();
    let found = image::ImageDecoder::exif_metadata(&mut decoder).unwrap().unwrap();
    assert_eq!(found, exif[6..]);

    let clean = clean(&input).unwrap();
    assert!(!contains(&clean.bytes, b"Exif"));
    assert!(!contains(&clean.bytes, b"II*\0"));
    assert!(!jpeg_header_markers(&clean.bytes).contains(&0xE1), "an APP1 segment survived");
    assert_eq!((clean.width, clean.height), (32, 24));
    decode(&clean);
}

#[test]
fn the_exif_orientation_is_applied_to_the_pixels_before_it_is_dropped() {
    // 6 = rotate 90° clockwise to display.
    let input = splice_after_soi(&jpeg(40, 20), &segment(0xE1, &exif_with_gps(Some(6))));
    let clean = clean(&input).unwrap();
    assert_eq!((clean.width, clean.height), (20, 40));
    assert!(!contains(&clean.bytes, b"Exif"));
    decode(&clean);
}

#[test]
fn jpeg_comments_and_icc_profiles_are_dropped() {
    let script = b"<script>alert(document.cookie)</script>";
    let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
    icc.extend_from_slice(b"fake-profile-marker");
    let mut segments = segment(0xFE, script);
    segments.extend(segment(0xE2, &icc));
    let input = splice_after_soi(&jpeg(16, 16), &segments);
    assert!(contains(&input, script));
    let clean = clean(&input).unwrap();
    assert!(!contains(&clean.bytes, b"<script>"));
    assert!(!contains(&clean.bytes, b"fake-profile-marker"));
    let markers = jpeg_header_markers(&clean.bytes);
    assert!(!markers.contains(&0xFE) && !markers.contains(&0xE2), "markers left: {markers:x?}");
}

#[test]
fn png_text_and_exif_chunks_are_dropped() {
    let mut text = b"Comment\0".to_vec();
    text.extend_from_slice(b"<script>alert(1)</script>");
    let mut chunks = png_chunk(b"tEXt", &text);
    chunks.extend(png_chunk(b"eXIf", &exif_with_gps(None)[6..]));
    let input = splice_after_ihdr(&png(12, 12), &chunks);
    assert!(contains(&input, b"<script>") && contains(&input, b"eXIf"));
    let clean = clean(&input).unwrap();
    assert!(!contains(&clean.bytes, b"<script>"));
    assert!(!contains(&clean.bytes, b"tEXt"));
    assert!(!contains(&clean.bytes, b"eXIf"));
    assert_eq!(decode(&clean).to_rgb8(), picture(12, 12));
}

// ---------------------------------------------------------------- polyglots

fn assert_polyglot_refused(result: Result<CleanImage, ImageRejection>) {
    match result {
        Err(ImageRejection::Undecodable(why)) => assert!(why.contains("after the end"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn html_appended_to_a_jpeg_is_refused() {
    let payload = b"<html><body><script>fetch('/steal?c='+document.cookie)</script></body></html>";
    let mut input = jpeg(24, 24);
    input.extend_from_slice(payload);
    assert_polyglot_refused(clean(&input));
}

#[test]
fn a_zip_appended_to_a_jpeg_is_refused() {
    // A local file header and an end-of-central-directory record: unzip tools find it from the end.
    let mut zip = b"PK\x03\x04\x14\x00\x00\x00\x00\x00".to_vec();
    zip.extend_from_slice(b"evil.jar-payload-bytes");
    zip.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\x00\x01\x00");
    let mut input = jpeg(24, 24);
    input.extend_from_slice(&zip);
    assert_polyglot_refused(clean(&input));
}

#[test]
fn html_appended_to_a_png_or_webp_is_refused() {
    for mut input in [png(9, 9), webp(9, 9)] {
        input.extend_from_slice(b"<script>alert(1)</script>");
        assert_polyglot_refused(clean(&input));
    }
}

#[test]
fn zero_padding_after_the_end_is_tolerated() {
    for mut input in [jpeg(9, 9), png(9, 9), webp(9, 9)] {
        input.extend_from_slice(&[0; 64]);
        decode(&clean(&input).unwrap());
    }
}

// ---------------------------------------------------------------- wrong types

#[test]
fn svg_with_a_script_is_not_an_image_here() {
    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>"#;
    assert_eq!(clean(svg), Err(ImageRejection::UnsupportedType));
    assert_eq!(clean(&svg[21..]), Err(ImageRejection::UnsupportedType));
}

#[test]
fn html_named_like_a_jpeg_is_refused() {
    let html = b"<!DOCTYPE html><html><head><script>alert(1)</script></head></html>";
    assert_eq!(clean(html), Err(ImageRejection::UnsupportedType));
}

#[test]
fn other_image_formats_are_refused() {
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let bmp = b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00";
    let tiff = b"II*\x00\x08\x00\x00\x00";
    for bytes in [&gif[..], bmp, tiff] {
        assert_eq!(clean(bytes), Err(ImageRejection::UnsupportedType));
    }
}

#[test]
fn a_jpeg_behind_a_prefix_is_judged_by_its_first_bytes() {
    let mut input = b"<html>".to_vec();
    input.extend(jpeg(8, 8));
    assert_eq!(clean(&input), Err(ImageRejection::UnsupportedType));
}

// ---------------------------------------------------------------- broken content

#[test]
fn a_truncated_jpeg_is_undecodable() {
    let full = jpeg(64, 64);
    for cut in [full.len() - 2, full.len() - 100, full.len() / 2, 200, 20, 3] {
        assert_undecodable(clean(&full[..cut]));
    }
}

#[test]
fn a_truncated_png_or_webp_is_undecodable() {
    for full in [png(64, 64), webp(64, 64)] {
        for cut in [full.len() / 2, 40, 20] {
            let result = clean(&full[..cut]);
            assert!(result.is_err(), "cut at {cut} of {} was accepted", full.len());
            assert_ne!(result, Err(ImageRejection::UnsupportedType));
        }
    }
}

#[test]
fn a_supported_magic_number_with_garbage_after_it_is_undecodable() {
    for magic in [&b"\xFF\xD8\xFF"[..], b"\x89PNG\r\n\x1a\n", b"RIFF\x10\0\0\0WEBP"] {
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(b"this is not an image at all, just words");
        assert_undecodable(clean(&bytes));
    }
}

#[test]
fn empty_input_is_refused() {
    assert_eq!(clean(&[]), Err(ImageRejection::UnsupportedType));
}

// ---------------------------------------------------------------- limits

#[test]
fn a_png_header_claiming_30000_by_30000_is_refused_before_decoding() {
    let bomb = png_claiming(30_000, 30_000);
    assert!(bomb.len() < 100);
    let started = Instant::now();
    assert_too_many_pixels(clean(&bomb), 30_000, 30_000);
    // Decoding 900 megapixels (2.7 GB of RGB) would take far longer, if it did not abort.
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[test]
fn too_many_pixels_within_the_width_and_height_limits_are_refused() {
    // 7000 × 7000 = 49 megapixels: each side is allowed, their product is not.
    assert_too_many_pixels(clean(&png_claiming(7_000, 7_000)), 7_000, 7_000);
    let limits = ImageLimits { max_pixels: 100, ..ImageLimits::default() };
    assert!(matches!(
        ImageCleaner::clean_blocking(&png(11, 10), limits),
        Err(ImageRejection::TooManyPixels { width: 11, height: 10, max_pixels: 100, .. })
    ));
    assert!(ImageCleaner::clean_blocking(&png(10, 10), limits).is_ok());
}

#[test]
fn a_side_over_its_limit_is_refused() {
    let limits = ImageLimits { max_width: 100, max_height: 50, ..ImageLimits::default() };
    assert_too_many_pixels(ImageCleaner::clean_blocking(&png(101, 1), limits), 101, 1);
    assert_too_many_pixels(ImageCleaner::clean_blocking(&jpeg(1, 51), limits), 1, 51);
    assert!(ImageCleaner::clean_blocking(&webp(100, 50), limits).is_ok());
}

#[test]
fn a_jpeg_frame_header_claiming_60000_by_60000_is_refused() {
    let mut bomb = jpeg(16, 16);
    let sof = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bomb[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]); // height, width
    assert_too_many_pixels(clean(&bomb), 60_000, 60_000);
}

#[test]
fn a_webp_header_claiming_16000_by_16000_is_refused() {
    let mut bomb = webp(16, 16);
    assert_eq!(&bomb[12..16], b"VP8L");
    assert_eq!(bomb[20], 0x2F);
    // 14 bits width − 1, 14 bits height − 1, alpha hint, 3-bit version.
    let header = u32::from_le_bytes(bomb[21..25].try_into().unwrap());
    let patched = (header & 0xF000_0000) | 15_999 | (15_999 << 14);
    bomb[21..25].copy_from_slice(&patched.to_le_bytes());
    assert_too_many_pixels(clean(&bomb), 16_000, 16_000);
}

#[tokio::test]
async fn oversize_input_is_refused_by_size() {
    let bytes = jpeg(64, 64);
    let limits = ImageLimits { max_bytes: bytes.len() - 1, ..ImageLimits::default() };
    let expected = Err(ImageRejection::TooLarge { max_bytes: bytes.len() - 1 });
    assert_eq!(ImageCleaner::clean_blocking(&bytes, limits), expected);
    assert_eq!(ImageCleaner::new().clean(bytes.clone(), limits).await, expected);
    // Garbage over the size limit is refused for its size alone.
    assert_eq!(
        ImageCleaner::clean_blocking(&[0; 11], ImageLimits { max_bytes: 10, ..limits }),
        Err(ImageRejection::TooLarge { max_bytes: 10 })
    );
    let exact = ImageLimits { max_bytes: bytes.len(), ..limits };
    assert!(ImageCleaner::new().clean(bytes, exact).await.is_ok());
}

// ---------------------------------------------------------------- never a panic

fn valid_images() -> Vec<Vec<u8>> {
    vec![jpeg(24, 16), png(24, 16), webp(24, 16)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_are_refused_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        // Random bytes almost never start with a supported magic number.
        let _ = clean(&bytes);
    }

    #[test]
    fn random_bytes_behind_a_supported_magic_number_never_panic(
        which in 0usize..3,
        tail in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let magic: &[u8] = [&b"\xFF\xD8\xFF"[..], b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBPVP8L"][which];
        let mut bytes = magic.to_vec();
        bytes.extend(tail);
        prop_assert!(clean(&bytes).is_err());
    }

    #[test]
    fn corrupted_valid_images_never_panic(
        which in 0usize..3,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = valid_images().swap_remove(which);
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(clean) = clean(&bytes) {
            // Whatever passes is a real image again.
            decode(&clean);
        }
    }
}
