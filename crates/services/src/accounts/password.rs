//! The password rules: 8 to 128 characters, and not one of the passwords every attacker
//! tries first (a list embedded at compile time, compared ignoring case).

/// Shortest and longest accepted passwords, in characters.
pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

const COMMON: &str = include_str!("common-passwords.txt");

/// Why a password was refused; the message is shown to the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("must be at least {MIN_CHARS} characters long")]
    TooShort,
    #[error("must be at most {MAX_CHARS} characters long")]
    TooLong,
    #[error("is one of the most common passwords; choose another")]
    Common,
}

/// Checks a new password against the rules.
pub fn check(password: &str) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(WeakPassword::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(WeakPassword::TooLong);
    }
    let lower = password.to_lowercase();
    if COMMON.lines().any(|common| common == lower) {
        return Err(WeakPassword::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters_between_8_and_128() {
        assert_eq!(check("short7!"), Err(WeakPassword::TooShort));
        assert_eq!(check("ñandú-ok"), Ok(()), "8 characters, 10 bytes");
        assert_eq!(check(&"x".repeat(128)), Ok(()));
        assert_eq!(check(&"x".repeat(129)), Err(WeakPassword::TooLong));
    }

    #[test]
    fn common_passwords_are_refused_ignoring_case() {
        assert_eq!(check("password1"), Err(WeakPassword::Common));
        assert_eq!(check("PassWord123"), Err(WeakPassword::Common));
        assert_eq!(check("12345678"), Err(WeakPassword::Common));
        assert_eq!(check("correct horse battery staple"), Ok(()));
    }
}
