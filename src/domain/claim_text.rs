//! The one rule for a claim's text: one sentence of 10 to 400 characters.

use std::fmt;

/// A claim's text, known to keep the rule: whitespace runs collapsed to one space, and
/// 10 to 400 characters long. Pages, the API, the command line, the map loader and the
/// map importers all make one with [`ClaimText::parse`]; the schema's CHECK on
/// `claims.body` says the same.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClaimText(String);

/// Why a text is not a claim's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a claim is one sentence of {} to {} characters (this is {length})",
    ClaimText::MIN_CHARS,
    ClaimText::MAX_CHARS
)]
pub struct ClaimTextError {
    /// The length of the text, in characters, after collapsing whitespace.
    pub length: usize,
}

impl ClaimText {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 400;

    pub fn parse(text: &str) -> Result<ClaimText, ClaimTextError> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let length = text.chars().count();
        if (Self::MIN_CHARS..=Self::MAX_CHARS).contains(&length) {
            Ok(ClaimText(text))
        } else {
            Err(ClaimTextError { length })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl TryFrom<String> for ClaimText {
    type Error = ClaimTextError;
    fn try_from(text: String) -> Result<ClaimText, ClaimTextError> {
        ClaimText::parse(&text)
    }
}

impl From<ClaimText> for String {
    fn from(text: ClaimText) -> String {
        text.0
    }
}

impl AsRef<str> for ClaimText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClaimText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_of_ten_to_four_hundred_characters_is_a_claim() {
        assert_eq!(
            ClaimText::parse("Waiting lists fell.").unwrap().as_str(),
            "Waiting lists fell."
        );
        assert!(ClaimText::parse(&"x".repeat(400)).is_ok());
        assert!(ClaimText::parse(&"x".repeat(10)).is_ok());
    }

    #[test]
    fn whitespace_runs_collapse_to_one_space() {
        assert_eq!(
            ClaimText::parse("  Waiting\n lists   fell. ")
                .unwrap()
                .as_str(),
            "Waiting lists fell."
        );
    }

    #[test]
    fn a_text_under_ten_characters_is_refused_with_its_length() {
        assert_eq!(
            ClaimText::parse("Too short"),
            Err(ClaimTextError { length: 9 })
        );
        assert_eq!(
            ClaimText::parse("   ").unwrap_err().to_string(),
            "a claim is one sentence of 10 to 400 characters (this is 0)"
        );
    }

    #[test]
    fn a_text_over_four_hundred_characters_is_refused() {
        assert_eq!(
            ClaimText::parse(&"é".repeat(401)),
            Err(ClaimTextError { length: 401 })
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(ClaimText::parse(&"é".repeat(400)).is_ok());
    }
}
