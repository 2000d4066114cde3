//! Catalogue search text, split into words the same way for both stores.
//!
//! A word is a run of letters and digits (`char::is_alphanumeric`); everything else (spaces,
//! punctuation, quotes, the query languages' operators `& | ! : * ( ) " ^ + -`, emoji) only
//! separates words and never reaches the database's query parser. Each store then quotes every
//! word as a literal of its own query language (a tsquery lexeme, an FTS5 string), so no input
//! can raise a syntax error, and asks for every word, the last one as a prefix.

/// The words of a search text, in order. Empty when it holds no letter or digit.
pub fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        assert_eq!(words("  Nova  lane "), ["Nova", "lane"]);
        assert_eq!(
            words("o'neil & (jazz|drums):* !x \"y\" NEAR(a b)"),
            ["o", "neil", "jazz", "drums", "x", "y", "NEAR", "a", "b"]
        );
        assert_eq!(words("Beyoncé 日本 🎤 3.5"), ["Beyoncé", "日本", "3", "5"]);
        assert!(words("&|!:*()'\"\\ 🎤").is_empty());
    }
}
