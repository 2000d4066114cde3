//! `EmailAddress`: parsed once, then trusted everywhere.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not an email address we accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEmail {
    #[error("is empty")]
    Empty,
    #[error("is longer than 254 characters")]
    TooLong,
    #[error("needs exactly one @ with text on both sides")]
    Shape,
    #[error("the part before @ is longer than 64 characters")]
    LocalTooLong,
    #[error("contains a character not allowed in an address: {0:?}")]
    Character(char),
    #[error("the domain `{0}` is not a valid host name")]
    Domain(String),
}

/// A syntactically valid address (a practical subset of RFC 5321: no quoted local parts, no
/// IP literals). The domain is lower-cased; the local part is kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, InvalidEmail> {
        let s = input.trim();
        if s.is_empty() {
            return Err(InvalidEmail::Empty);
        }
        if s.len() > 254 {
            return Err(InvalidEmail::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(InvalidEmail::Shape)?;
        if local.is_empty() || domain.is_empty() || domain.contains('@') {
            return Err(InvalidEmail::Shape);
        }
        if local.len() > 64 {
            return Err(InvalidEmail::LocalTooLong);
        }
        let local_ok = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
        if let Some(bad) = local.chars().find(|c| !local_ok(*c)) {
            return Err(InvalidEmail::Character(bad));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(InvalidEmail::Character('.'));
        }
        let domain = domain.to_ascii_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if !domain.contains('.') || !domain.split('.').all(label_ok) {
            return Err(InvalidEmail::Domain(domain));
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = InvalidEmail;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_lowercases_the_domain() {
        assert_eq!(
            EmailAddress::parse(" Ada.Lovelace+tag@Example.COM ").unwrap().as_str(),
            "Ada.Lovelace+tag@example.com"
        );
    }

    #[test]
    fn refuses_malformed_addresses_with_a_reason() {
        assert_eq!(EmailAddress::parse(""), Err(InvalidEmail::Empty));
        assert_eq!(EmailAddress::parse("no-at-sign"), Err(InvalidEmail::Shape));
        assert_eq!(EmailAddress::parse("a@b@c.com"), Err(InvalidEmail::Shape));
        assert_eq!(EmailAddress::parse("@example.com"), Err(InvalidEmail::Shape));
        assert_eq!(EmailAddress::parse("a b@example.com"), Err(InvalidEmail::Character(' ')));
        assert_eq!(EmailAddress::parse("a\r\nBcc: x@example.com"), Err(InvalidEmail::Character('\r')));
        assert_eq!(EmailAddress::parse("ab@localhost"), Err(InvalidEmail::Domain("localhost".into())));
        assert_eq!(EmailAddress::parse("ab@-x.com"), Err(InvalidEmail::Domain("-x.com".into())));
        assert_eq!(EmailAddress::parse(".a@x.com"), Err(InvalidEmail::Character('.')));
        assert_eq!(EmailAddress::parse(&format!("{}@x.com", "a".repeat(65))), Err(InvalidEmail::LocalTooLong));
        assert_eq!(EmailAddress::parse(&format!("a@{}.com", "b".repeat(250))), Err(InvalidEmail::TooLong));
    }

    #[test]
    fn header_injection_is_impossible() {
        for evil in ["a@x.com\nBcc: b@y.com", "a\n@x.com", "a@x.com\r"] {
            assert!(
                EmailAddress::parse(evil).is_err()
                    || !EmailAddress::parse(evil).unwrap().as_str().contains(['\r', '\n'])
            );
        }
    }

    #[test]
    fn deserializing_validates() {
        assert!(serde_json::from_str::<EmailAddress>("\"x@y.org\"").is_ok());
        assert!(serde_json::from_str::<EmailAddress>("\"nope\"").is_err());
    }
}
