//! [`ImageCodec`]: vets an upload and encodes its pixels again.

use std::io::Cursor;

use async_trait::async_trait;
use headliner_ports::files::{CleanImage, ImageCodec, ImageFormat, ImageLimits, ImageRejection};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::metadata::Orientation;
use image::{ColorType, DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};

/// JPEG quality of re-encoded uploads: visually lossless for photos, a fraction of the size
/// of quality 100.
const JPEG_QUALITY: u8 = 85;
/// Bytes a decoder may use beyond the decoded pixels (tables, metadata chunks, row buffers).
const ALLOC_MARGIN: u64 = 32 * 1024 * 1024;
/// The most bytes one decoded pixel takes (16-bit RGBA).
const MAX_BYTES_PER_PIXEL: u64 = 8;
/// Bytes a pixel is allowed at the pixel limit (8-bit RGBA).
const BUDGET_BYTES_PER_PIXEL: u64 = 4;

/// Vets uploads and re-encodes them, so that only pixels survive.
///
/// In order, refusing at the first failure:
/// 1. more than `max_bytes` → [`ImageRejection::TooLarge`];
/// 2. the format is decided by the content's magic bytes only (never a name or a declared
///    type); anything but JPEG, PNG or WebP (SVG, HTML, GIF, ...) → `UnsupportedType`;
/// 3. the dimensions are read from the header alone; over `max_width`, `max_height` or
///    `max_pixels` → `TooManyPixels`, before a pixel buffer is allocated;
/// 4. the image is decoded with `image::Limits` (dimensions, and an allocation budget bounded
///    by `max_pixels` × 4 bytes + 32 MiB); a JPEG must also be complete up to its end-of-image
///    marker. Failure → `Undecodable`;
/// 5. the EXIF orientation is applied to the pixels (it is about to be dropped), and the pixels
///    are encoded again in the same format: JPEG at quality 85 (RGB or grey), PNG losslessly,
///    WebP losslessly. EXIF (GPS), XMP, ICC profiles, comments, text chunks and whatever was
///    appended after the image (a polyglot's ZIP or HTML) are gone.
///
/// Runs on tokio's blocking pool; a decoder panic becomes `Undecodable`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImageCleaner;

impl ImageCleaner {
    pub fn new() -> Self {
        Self
    }

    /// The same as [`ImageCodec::clean`], on the calling thread (CPU-bound: not on an async
    /// worker).
    pub fn clean_blocking(bytes: &[u8], limits: ImageLimits) -> Result<CleanImage, ImageRejection> {
        clean(bytes, limits)
    }
}

#[async_trait]
impl ImageCodec for ImageCleaner {
    async fn clean(&self, bytes: Vec<u8>, limits: ImageLimits) -> Result<CleanImage, ImageRejection> {
        // Refused before a thread is involved.
        if bytes.len() > limits.max_bytes {
            return Err(ImageRejection::TooLarge { max_bytes: limits.max_bytes });
        }
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(|| clean(&bytes, limits)))
            .await
            .map_err(|_| ImageRejection::Undecodable("the decoder failed on this content".to_owned()))?
    }
}

fn clean(bytes: &[u8], limits: ImageLimits) -> Result<CleanImage, ImageRejection> {
    if bytes.len() > limits.max_bytes {
        return Err(ImageRejection::TooLarge { max_bytes: limits.max_bytes });
    }
    let (format, codec_format) = match image::guess_format(bytes) {
        Ok(image::ImageFormat::Jpeg) => (ImageFormat::Jpeg, image::ImageFormat::Jpeg),
        Ok(image::ImageFormat::Png) => (ImageFormat::Png, image::ImageFormat::Png),
        Ok(image::ImageFormat::WebP) => (ImageFormat::Webp, image::ImageFormat::WebP),
        _ => return Err(ImageRejection::UnsupportedType),
    };
    let budget = limits.max_pixels.saturating_mul(BUDGET_BYTES_PER_PIXEL).saturating_add(ALLOC_MARGIN);

    // The header alone: no dimension limits here, so the refusal can say what the image claims.
    let (width, height) =
        reader(bytes, codec_format, no_dimension_limits(budget)).into_dimensions().map_err(undecodable)?;
    let pixels = u64::from(width) * u64::from(height);
    if width > limits.max_width || height > limits.max_height || pixels > limits.max_pixels {
        return Err(ImageRejection::TooManyPixels {
            width,
            height,
            max_width: limits.max_width,
            max_height: limits.max_height,
            max_pixels: limits.max_pixels,
        });
    }
    if pixels == 0 {
        return Err(ImageRejection::Undecodable("the image has no pixels".to_owned()));
    }
    // The JPEG decoder is lenient (it paints missing data grey instead of failing), and no
    // decoder minds bytes after the image's end: find the end, and refuse anything after it
    // other than zero padding. A file that is also something else (a polyglot: JPEG + ZIP,
    // PNG + HTML) is refused, not silently trimmed.
    let end = match format {
        ImageFormat::Jpeg => jpeg_end(bytes),
        ImageFormat::Png => png_end(bytes),
        ImageFormat::Webp => webp_end(bytes),
    }
    .map_err(|why| ImageRejection::Undecodable(why.to_owned()))?;
    if bytes[end..].iter().any(|&b| b != 0) {
        return Err(ImageRejection::Undecodable(
            "there is data after the end of the image (a file that is also something else is refused)".to_owned(),
        ));
    }

    let alloc = pixels.saturating_mul(MAX_BYTES_PER_PIXEL).saturating_add(ALLOC_MARGIN).min(budget);
    let mut decode_limits = no_dimension_limits(alloc);
    decode_limits.max_image_width = Some(limits.max_width);
    decode_limits.max_image_height = Some(limits.max_height);
    let mut decoder = reader(bytes, codec_format, decode_limits).into_decoder().map_err(undecodable)?;
    if decoder.total_bytes() > alloc {
        return Err(ImageRejection::Undecodable("decoding it would need too much memory".to_owned()));
    }
    // Unreadable metadata only means no rotation.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut decoded = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    decoded.apply_orientation(orientation);

    let (width, height) = (decoded.width(), decoded.height());
    let bytes = encode(decoded, format)?;
    Ok(CleanImage { format, bytes, width, height })
}

fn reader(bytes: &[u8], format: image::ImageFormat, limits: Limits) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    reader
}

fn no_dimension_limits(max_alloc: u64) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = None;
    limits.max_image_height = None;
    limits.max_alloc = Some(max_alloc);
    limits
}

fn undecodable(error: ImageError) -> ImageRejection {
    let why = match error {
        ImageError::Limits(_) => "decoding it would need too much memory".to_owned(),
        ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => "the data ends too early".to_owned(),
        other => other.to_string(),
    };
    ImageRejection::Undecodable(why)
}

/// Encodes `image` in `format`, converting colour types the encoder cannot write.
fn encode(image: DynamicImage, format: ImageFormat) -> Result<Vec<u8>, ImageRejection> {
    let grey = matches!(image.color(), ColorType::L8 | ColorType::La8 | ColorType::L16 | ColorType::La16);
    let mut out = Vec::new();
    let written = match format {
        ImageFormat::Jpeg => {
            // JPEG has no alpha and only 8 bits.
            let image = if grey {
                DynamicImage::ImageLuma8(image.to_luma8())
            } else {
                DynamicImage::ImageRgb8(image.to_rgb8())
            };
            image.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
        }
        ImageFormat::Png => {
            let image = match image.color() {
                ColorType::L8
                | ColorType::La8
                | ColorType::Rgb8
                | ColorType::Rgba8
                | ColorType::L16
                | ColorType::La16
                | ColorType::Rgb16
                | ColorType::Rgba16 => image,
                _ if image.color().has_alpha() => DynamicImage::ImageRgba16(image.to_rgba16()),
                _ => DynamicImage::ImageRgb16(image.to_rgb16()),
            };
            image.write_with_encoder(PngEncoder::new(&mut out))
        }
        ImageFormat::Webp => {
            // The lossless encoder takes 8-bit grey or colour, with or without alpha.
            let image = match image.color() {
                ColorType::L8 | ColorType::La8 | ColorType::Rgb8 | ColorType::Rgba8 => image,
                c if c.has_alpha() => DynamicImage::ImageRgba8(image.to_rgba8()),
                _ => DynamicImage::ImageRgb8(image.to_rgb8()),
            };
            image.write_with_encoder(WebPEncoder::new_lossless(&mut out))
        }
    };
    written.map_err(|e| ImageRejection::Undecodable(format!("the image cannot be encoded again: {e}")))?;
    Ok(out)
}

/// The end of a PNG: just after its `IEND` chunk (every chunk must be whole).
fn png_end(bytes: &[u8]) -> Result<usize, &'static str> {
    const TRUNCATED: &str = "the PNG data ends before its IEND chunk";
    let mut pos = 8;
    loop {
        let length = bytes.get(pos..pos + 4).ok_or(TRUNCATED)?;
        let length = usize::try_from(u32::from_be_bytes([length[0], length[1], length[2], length[3]]))
            .map_err(|_| "the PNG has a malformed chunk")?;
        let kind = bytes.get(pos + 4..pos + 8).ok_or(TRUNCATED)?;
        let end = pos.checked_add(12).and_then(|p| p.checked_add(length)).ok_or("the PNG has a malformed chunk")?;
        if end > bytes.len() {
            return Err(TRUNCATED);
        }
        if kind == b"IEND" {
            return Ok(end);
        }
        pos = end;
    }
}

/// The end of a WebP: the RIFF container's declared size (padded to even) after its header.
fn webp_end(bytes: &[u8]) -> Result<usize, &'static str> {
    let size = bytes.get(4..8).ok_or("the WebP header is truncated")?;
    let size = usize::try_from(u32::from_le_bytes([size[0], size[1], size[2], size[3]]))
        .map_err(|_| "the WebP header is malformed")?;
    let end = size.saturating_add(8).saturating_add(size % 2);
    if end > bytes.len() { Err("the WebP data ends before its declared size") } else { Ok(end) }
}

/// The end of a JPEG: just after its end-of-image marker.
fn jpeg_end(bytes: &[u8]) -> Result<usize, &'static str> {
    jpeg_is_complete(bytes)
}

/// Walks a JPEG's segments from SOI to EOI: every segment must be whole, the entropy-coded
/// data of each scan must end in a marker, and the file must reach its end-of-image marker.
/// Returns the position just after EOI.
fn jpeg_is_complete(bytes: &[u8]) -> Result<usize, &'static str> {
    const TRUNCATED: &str = "the JPEG data ends before its end-of-image marker";
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err("not a JPEG stream");
    }
    let mut pos = 2;
    let mut seen_scan = false;
    loop {
        // Tolerate stray bytes before a marker (decoders skip them), then any 0xFF fill.
        while bytes.get(pos).is_some_and(|&b| b != 0xFF) {
            pos += 1;
        }
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos) else { return Err(TRUNCATED) };
        pos += 1;
        match marker {
            0xD9 if seen_scan => return Ok(pos),
            0xD9 => return Err("the JPEG has no image data"),
            // Stand-alone markers: restart markers and TEM carry no length.
            0xD0..=0xD7 | 0x01 => continue,
            // A 0xFF 0x00 outside a scan: corrupt, but skippable as stray bytes.
            0x00 => continue,
            _ => {}
        }
        let length = match (bytes.get(pos), bytes.get(pos + 1)) {
            (Some(&hi), Some(&lo)) => usize::from(u16::from_be_bytes([hi, lo])),
            _ => return Err(TRUNCATED),
        };
        if length < 2 {
            return Err("the JPEG has a malformed segment");
        }
        pos += length;
        if pos > bytes.len() {
            return Err(TRUNCATED);
        }
        if marker == 0xDA {
            seen_scan = true;
            // Entropy-coded data: 0xFF is followed by 0x00 (a stuffed byte) or a restart marker
            // inside it; any other marker ends it.
            loop {
                match (bytes.get(pos), bytes.get(pos + 1)) {
                    (Some(0xFF), Some(0x00 | 0xD0..=0xD7)) => pos += 2,
                    (Some(0xFF), Some(0xFF)) => pos += 1,
                    (Some(0xFF), Some(_)) => break,
                    (Some(_), _) => pos += 1,
                    (None, _) => return Err(TRUNCATED),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOI, one tiny segment, SOS with a few bytes of entropy data, EOI.
    fn skeleton() -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        b.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x04, b'h', b'i']);
        b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x03, 0x01]);
        b.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        b.extend_from_slice(&[0xFF, 0xD9]);
        b
    }

    #[test]
    fn the_end_of_a_complete_stream_is_just_after_eoi_whatever_follows() {
        let whole = skeleton();
        assert_eq!(jpeg_is_complete(&whole), Ok(whole.len()));
        let mut polyglot = skeleton();
        polyglot.extend_from_slice(b"PK\x03\x04 trailing zip");
        assert_eq!(jpeg_is_complete(&polyglot), Ok(whole.len()));
    }

    #[test]
    fn every_truncation_of_the_stream_is_refused() {
        let full = skeleton();
        for cut in 0..full.len() - 1 {
            assert!(jpeg_is_complete(&full[..cut]).is_err(), "cut at {cut} was accepted");
        }
    }

    #[test]
    fn a_segment_longer_than_the_file_is_refused() {
        let b = [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x00];
        assert_eq!(jpeg_is_complete(&b), Err("the JPEG data ends before its end-of-image marker"));
    }

    #[test]
    fn an_image_without_a_scan_is_refused() {
        assert!(jpeg_is_complete(&[0xFF, 0xD8, 0xFF, 0xD9]).is_err());
    }

    #[test]
    fn an_end_marker_inside_a_segment_is_not_the_end() {
        // An APP1 segment (an EXIF thumbnail, say) holding its own FFD9, then the file ends.
        let b = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD8, 0xFF, 0xD9, 0xFF, 0xDA, 0x00, 0x02, 0x12];
        assert!(jpeg_is_complete(&b).is_err());
    }
}
