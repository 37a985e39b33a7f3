//! Finding a quote in a segment. A quote matches when it is the same text with runs of
//! whitespace counted alike; failing that, when it is the same with typographic quotes,
//! apostrophes and dashes counted as their plain forms too (a straight apostrophe
//! typed for a curly one). Either way the span found is the source's own text. When
//! nothing matches, [`nearest`] names the passage closest to what was typed and what
//! differs.

use crate::sources::char_span;

/// Every place `quote` occurs in `body`, as char ranges `[start, end)` of `body`. Runs of
/// whitespace (line breaks and no-break spaces included) match each other. Exact
/// occurrences are preferred: only when there is none are typographic variants
/// (‘’“” for '", –—‐ for -) matched, so a quote that is exact once stays unique.
pub fn locate(quote: &str, body: &str) -> Vec<(usize, usize)> {
    let exact = occurrences(quote, body, Fold::Whitespace);
    if !exact.is_empty() {
        return exact;
    }
    occurrences(quote, body, Fold::Typography)
}

fn occurrences(quote: &str, body: &str, fold: Fold) -> Vec<(usize, usize)> {
    let needle: Vec<char> = normalise(quote, fold).into_iter().map(|(c, _)| c).collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let haystack = normalise(body, fold);
    let mut found = Vec::new();
    if haystack.len() < needle.len() {
        return found;
    }
    for start in 0..=haystack.len() - needle.len() {
        if haystack[start..start + needle.len()]
            .iter()
            .map(|(c, _)| *c)
            .eq(needle.iter().copied())
        {
            found.push((haystack[start].1, haystack[start + needle.len() - 1].1 + 1));
        }
    }
    found
}

/// What counts as the same character.
#[derive(Clone, Copy, PartialEq)]
enum Fold {
    /// Runs of whitespace are one space.
    Whitespace,
    /// And typographic quotes, apostrophes and dashes are their plain forms.
    Typography,
}

/// The plain form of a typographic quote, apostrophe or dash.
fn plain(c: char) -> char {
    match c {
        '‘' | '’' | '‚' | '‛' | '′' | '`' | '´' => '\'',
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => '"',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
        c => c,
    }
}

/// The text with each whitespace run as one space and no leading or trailing whitespace,
/// folded as `fold` says, each char paired with its index in the original.
fn normalise(text: &str, fold: Fold) -> Vec<(char, usize)> {
    let mut out: Vec<(char, usize)> = Vec::with_capacity(text.len());
    let mut pending_space: Option<usize> = None;
    for (index, c) in text.chars().enumerate() {
        if c.is_whitespace() {
            pending_space.get_or_insert(index);
            continue;
        }
        if let Some(space) = pending_space.take() {
            if !out.is_empty() {
                out.push((' ', space));
            }
        }
        let c = if fold == Fold::Typography {
            plain(c)
        } else {
            c
        };
        out.push((c, index));
    }
    out
}

/// The passage of a segment closest to a quote that is not in it, and what differs.
#[derive(Debug, PartialEq)]
pub struct Nearest {
    /// The segment's own text, whole words.
    pub passage: String,
    /// What differs, in words: "the source has “x” where you typed “y”".
    pub difference: String,
}

/// The passage of `body` closest to `quote`: aligned on the longest stretch they share
/// (compared without case, whitespace runs or typography), as long as the quote and
/// widened to whole words. None when they share fewer than four characters.
pub fn nearest(quote: &str, body: &str) -> Option<Nearest> {
    let typed = normalise(quote, Fold::Typography);
    let text = normalise(body, Fold::Typography);
    let lower = |chars: &[(char, usize)]| -> Vec<char> {
        chars
            .iter()
            .map(|(c, _)| c.to_lowercase().next().unwrap_or(*c))
            .collect()
    };
    let (at_typed, at_text, shared) = longest_common(&lower(&typed), &lower(&text));
    if shared < 4 {
        return None;
    }
    // As many words either side of the shared stretch as the quote has there.
    let spaces = |part: &[(char, usize)]| part.iter().filter(|(c, _)| *c == ' ').count();
    let (mut start, mut end) = (at_text, at_text + shared);
    let is_space = |i: usize| text[i].0 == ' ';
    for word in 0..=spaces(&typed[..at_typed]) {
        if word > 0 && start > 0 {
            start -= 1;
        }
        while start > 0 && !is_space(start - 1) {
            start -= 1;
        }
    }
    for word in 0..=spaces(&typed[at_typed + shared..]) {
        if word > 0 && end < text.len() {
            end += 1;
        }
        while end < text.len() && !is_space(end) {
            end += 1;
        }
    }
    while start < end && is_space(start) {
        start += 1;
    }
    while end > start && is_space(end - 1) {
        end -= 1;
    }
    let (from, to) = (text[start].1, text[end - 1].1 + 1);
    let passage = char_span(body, from, to);
    let typed: Vec<char> = typed.iter().map(|(c, _)| *c).collect();
    let found: Vec<char> = text[start..end].iter().map(|(c, _)| *c).collect();
    Some(Nearest {
        difference: difference(&typed, &found),
        passage,
    })
}

/// Where `a` and `b` share their longest stretch: its start in each, and its length.
fn longest_common(a: &[char], b: &[char]) -> (usize, usize, usize) {
    let mut best = (0, 0, 0);
    let mut previous = vec![0usize; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        let mut current = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            if x == y {
                current[j + 1] = previous[j] + 1;
                if current[j + 1] > best.2 {
                    best = (
                        i + 1 - current[j + 1],
                        j + 1 - current[j + 1],
                        current[j + 1],
                    );
                }
            }
        }
        previous = current;
    }
    best
}

/// The first difference between what was typed and the source's passage, both folded:
/// what lies between their common beginning and common end (letter case aside).
fn difference(typed: &[char], found: &[char]) -> String {
    let same = |(a, b): &(&char, &char)| a.to_lowercase().eq(b.to_lowercase());
    let prefix = typed.iter().zip(found).take_while(same).count();
    let rest = typed.len().min(found.len()) - prefix;
    let suffix = typed
        .iter()
        .rev()
        .zip(found.iter().rev())
        .take(rest)
        .take_while(same)
        .count();
    let typed_part = &typed[prefix..typed.len() - suffix];
    let found_part = &found[prefix..found.len() - suffix];
    let words = |part: &[char], all: &[char]| -> String {
        if part.len() == 1 {
            return describe(part[0]);
        }
        let start = prefix;
        let end = start + part.len();
        let mut s = start;
        while s > 0 && all[s - 1] != ' ' {
            s -= 1;
        }
        let mut e = end;
        while e < all.len() && all[e] != ' ' {
            e += 1;
        }
        format!("“{}”", all[s..e].iter().collect::<String>())
    };
    match (typed_part.is_empty(), found_part.is_empty()) {
        (true, true) => "the difference is in letter case".to_owned(),
        (true, false) => format!(
            "the source has {} that you left out",
            words(found_part, found)
        ),
        (false, true) => format!(
            "you typed {}, which the source does not have",
            words(typed_part, typed)
        ),
        (false, false) => format!(
            "the source has {} where you typed {}",
            words(found_part, found),
            words(typed_part, typed)
        ),
    }
}

/// A character named for a message: "a comma (,)", or the character in quotes.
fn describe(c: char) -> String {
    let name = match c {
        ' ' => return "a space".to_owned(),
        '\'' => "an apostrophe",
        '"' => "a double quote",
        '-' => "a dash",
        ',' => "a comma",
        '.' => "a full stop",
        ';' => "a semicolon",
        ':' => "a colon",
        _ => return format!("“{c}”"),
    };
    format!("{name} ({c})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(body: &str, (start, end): (usize, usize)) -> String {
        char_span(body, start, end)
    }

    #[test]
    fn an_exact_quote_is_found_at_its_char_offsets() {
        let body = "It’s said ministers think they are getting blamed.";
        let found = locate("ministers think", body);
        assert_eq!(found, [(10, 25)]);
        assert_eq!(span(body, found[0]), "ministers think");
    }

    #[test]
    fn whitespace_differences_do_not_matter_but_the_span_is_the_original_text() {
        let body = "more  than 100\nPrimary\u{a0}Care Trusts";
        let found = locate("more than 100 Primary Care Trusts", body);
        assert_eq!(found.len(), 1);
        assert_eq!(span(body, found[0]), body);
    }

    #[test]
    fn typographic_quotes_apostrophes_and_dashes_match_their_plain_forms() {
        let body = "England’s “NHS” — said the 2010–2015 report";
        let found = locate("England's \"NHS\" - said the 2010-2015", body);
        assert_eq!(found.len(), 1);
        assert_eq!(span(body, found[0]), "England’s “NHS” — said the 2010–2015");
        assert_eq!(locate("“NHS”", "the \"NHS\"").len(), 1);
    }

    #[test]
    fn an_exact_occurrence_wins_over_typographic_variants() {
        let body = "it's here and it’s there";
        assert_eq!(locate("it’s", body), [(14, 18)]);
        assert_eq!(locate("it's", body), [(0, 4)]);
        assert_eq!(locate("it`s", body).len(), 2);
    }

    #[test]
    fn other_punctuation_must_match() {
        assert!(locate("Its said", "It’s said").is_empty());
        assert!(locate("the end", "the end.").len() == 1);
        assert!(locate("the end,", "the end.").is_empty());
    }

    #[test]
    fn every_occurrence_is_reported() {
        assert_eq!(locate("a b", "a b a  b").len(), 2);
        assert!(locate("   ", "a b").is_empty());
    }

    #[test]
    fn the_nearest_passage_is_whole_words_of_the_source_with_the_difference_named() {
        let body = "Waiting times rose. Ministers think they are getting blamed for it.";
        let near = nearest("ministers thought they are getting blamed", body).unwrap();
        assert_eq!(near.passage, "Ministers think they are getting blamed");
        assert_eq!(
            near.difference,
            "the source has “think” where you typed “thought”"
        );
        let near = nearest("they are getting blamed, for it.", body).unwrap();
        assert_eq!(near.passage, "they are getting blamed for it.");
        assert_eq!(
            near.difference,
            "you typed a comma (,), which the source does not have"
        );
        assert_eq!(nearest("zzz", body), None);
    }
}
