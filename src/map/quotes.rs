//! Finding a quote in a segment, comparing with whitespace normalised.

/// Every place `quote` occurs in `body`, as char ranges `[start, end)` of `body`. Runs of
/// whitespace (line breaks and no-break spaces included) match each other; everything
/// else must match exactly.
pub fn locate(quote: &str, body: &str) -> Vec<(usize, usize)> {
    let needle: Vec<char> = normalise(quote).into_iter().map(|(c, _)| c).collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let haystack = normalise(body);
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

/// The text with each whitespace run as one space and no leading or trailing whitespace,
/// each char paired with its index in the original.
fn normalise(text: &str) -> Vec<(char, usize)> {
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
        out.push((c, index));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(body: &str, (start, end): (usize, usize)) -> String {
        body.chars().skip(start).take(end - start).collect()
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
    fn punctuation_and_quotes_must_match() {
        assert!(locate("Its said", "It’s said").is_empty());
        assert!(locate("the end", "the end.").len() == 1);
    }

    #[test]
    fn every_occurrence_is_reported() {
        assert_eq!(locate("a b", "a b a  b").len(), 2);
        assert!(locate("   ", "a b").is_empty());
    }
}
