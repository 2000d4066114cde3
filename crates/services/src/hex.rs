//! Lower-case hex, for the secrets and hashes the app hands out or stores as text.

use std::fmt::Write;

/// `[0xab, 0x01]` → `"ab01"`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The bytes of an even-length hex string (either case); `None` for anything else.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    // Checked byte by byte first: `from_str_radix` alone would accept a sign (`"+1"`).
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_what_is_not_hex() {
        assert_eq!(encode(&[0xab, 0x01, 0xff]), "ab01ff");
        assert_eq!(decode("ab01FF"), Some(vec![0xab, 0x01, 0xff]));
        assert_eq!(decode(""), Some(vec![]));
        for bad in ["abc", "zz", "éé", "+1"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
