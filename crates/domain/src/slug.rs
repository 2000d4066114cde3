//! `Slug`: the URL name of a celebrity, e.g. `taylor-swift`.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSlug {
    #[error("must be 1 to 80 characters long")]
    Length,
    #[error("may contain only a-z, 0-9 and single hyphens between them")]
    Characters,
    #[error("must not look like a UUID (ids and slugs share one URL position)")]
    LooksLikeId,
}

/// Lower-case ASCII letters and digits separated by single hyphens, 1–80 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Self, InvalidSlug> {
        if input.is_empty() || input.len() > 80 {
            return Err(InvalidSlug::Length);
        }
        let ok_chars = input.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok_chars || input.starts_with('-') || input.ends_with('-') || input.contains("--") {
            return Err(InvalidSlug::Characters);
        }
        if uuid::Uuid::parse_str(input).is_ok() {
            return Err(InvalidSlug::LooksLikeId);
        }
        Ok(Self(input.to_owned()))
    }

    /// Derives a slug from a display name: accents dropped where they decompose simply,
    /// everything else that is not a letter or digit becomes a hyphen.
    pub fn from_name(name: &str) -> Result<Self, InvalidSlug> {
        let mut out = String::with_capacity(name.len());
        for c in name.chars().flat_map(char::to_lowercase) {
            let mapped = match c {
                'a'..='z' | '0'..='9' => Some(c),
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => Some('a'),
                'ç' => Some('c'),
                'è' | 'é' | 'ê' | 'ë' => Some('e'),
                'ì' | 'í' | 'î' | 'ï' => Some('i'),
                'ñ' => Some('n'),
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => Some('o'),
                'ù' | 'ú' | 'û' | 'ü' => Some('u'),
                'ý' | 'ÿ' => Some('y'),
                'ß' => Some('s'),
                _ => None,
            };
            match mapped {
                Some(m) => out.push(m),
                None if !out.ends_with('-') && !out.is_empty() => out.push('-'),
                None => {}
            }
        }
        let trimmed: String = out.trim_end_matches('-').chars().take(80).collect();
        Self::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = InvalidSlug;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(value: Slug) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_slugs_and_refuses_others() {
        assert!(Slug::parse("taylor-swift-2").is_ok());
        assert_eq!(Slug::parse(""), Err(InvalidSlug::Length));
        assert_eq!(Slug::parse("Taylor"), Err(InvalidSlug::Characters));
        assert_eq!(Slug::parse("a--b"), Err(InvalidSlug::Characters));
        assert_eq!(Slug::parse("-a"), Err(InvalidSlug::Characters));
        assert_eq!(Slug::parse("../etc"), Err(InvalidSlug::Characters));
        assert_eq!(Slug::parse("67e55044-10b1-426f-9247-bb680e5fe0c8"), Err(InvalidSlug::LooksLikeId));
    }

    #[test]
    fn derives_from_names() {
        assert_eq!(Slug::from_name("Beyoncé Knowles").unwrap().as_str(), "beyonce-knowles");
        assert_eq!(Slug::from_name("  AC/DC!! ").unwrap().as_str(), "ac-dc");
        assert_eq!(Slug::from_name("Zoë  Saldaña").unwrap().as_str(), "zoe-saldana");
        assert_eq!(Slug::from_name("!!!"), Err(InvalidSlug::Length));
    }
}
