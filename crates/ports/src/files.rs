//! Stored files (celebrity images) and the image decoder that vets uploads.

use async_trait::async_trait;

use crate::Source;

/// A file name the server generated: lower-case letters, digits and dashes, then one of the
/// known extensions. Nothing a client sends ever becomes a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoredFileName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a stored file name")]
pub struct InvalidFileName;

impl StoredFileName {
    pub fn parse(name: &str) -> Result<Self, InvalidFileName> {
        let (stem, ext) = name.rsplit_once('.').ok_or(InvalidFileName)?;
        let stem_ok = !stem.is_empty()
            && stem.len() <= 100
            && stem.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if stem_ok && ImageFormat::from_extension(ext).is_some() {
            Ok(Self(name.to_owned()))
        } else {
            Err(InvalidFileName)
        }
    }

    /// `<stem>.<extension of format>`; `stem` must be a valid stem (e.g. a UUID).
    pub fn new(stem: &str, format: ImageFormat) -> Result<Self, InvalidFileName> {
        Self::parse(&format!("{stem}.{}", format.extension()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The format its extension names.
    pub fn format(&self) -> ImageFormat {
        // `parse` guaranteed a known extension.
        self.0.rsplit_once('.').and_then(|(_, ext)| ImageFormat::from_extension(ext)).unwrap_or(ImageFormat::Png)
    }
}

impl std::fmt::Display for StoredFileName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The image formats Headliner accepts and serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    Jpeg,
    Png,
    Webp,
}

impl ImageFormat {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext {
            "jpg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "webp" => Some(Self::Webp),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FileStoreError {
    #[error("no such file")]
    NotFound,
    #[error("the file store is unavailable")]
    Unavailable(#[source] Source),
}

/// Where uploaded files live (a local folder now; object storage later).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait FileStore: Send + Sync {
    /// Writes the file completely or not at all (a reader never sees half a file).
    async fn put(&self, name: StoredFileName, bytes: Vec<u8>) -> Result<(), FileStoreError>;
    async fn get(&self, name: StoredFileName) -> Result<Vec<u8>, FileStoreError>;
    /// Deleting a missing file is not an error.
    async fn delete(&self, name: StoredFileName) -> Result<(), FileStoreError>;
}

/// Limits an upload must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLimits {
    pub max_bytes: usize,
    pub max_width: u32,
    pub max_height: u32,
    /// Width × height.
    pub max_pixels: u64,
}

impl Default for ImageLimits {
    /// 10 MB, 8000 × 8000, 40 megapixels.
    fn default() -> Self {
        Self { max_bytes: 10 * 1024 * 1024, max_width: 8000, max_height: 8000, max_pixels: 40_000_000 }
    }
}

/// An upload decoded and encoded again: only pixels survive (no EXIF, GPS, ICC or comments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanImage {
    pub format: ImageFormat,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageRejection {
    /// The content is not JPEG, PNG or WebP (whatever its name or declared type says).
    #[error("the content is not a JPEG, PNG or WebP image")]
    UnsupportedType,
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    /// The header declares more pixels than allowed (decoding would need too much memory).
    #[error(
        "the image is {width}×{height} pixels; at most {max_width}×{max_height} and {max_pixels} pixels are allowed"
    )]
    TooManyPixels { width: u32, height: u32, max_width: u32, max_height: u32, max_pixels: u64 },
    /// The content claims a supported format but does not decode (truncated, corrupt, a
    /// polyglot whose image part is broken).
    #[error("the image cannot be decoded: {0}")]
    Undecodable(String),
}

/// Vets and re-encodes uploads. CPU-bound: adapters run it off the async threads.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ImageCodec: Send + Sync {
    async fn clean(&self, bytes: Vec<u8>, limits: ImageLimits) -> Result<CleanImage, ImageRejection>;
}
