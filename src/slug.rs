//! Readable, stable URL slugs.

/// Lowercase ASCII words joined by single hyphens, at most `max_chars` long, cut at a word
/// boundary: "Are NHS success regimes doomed to fail?" → "are-nhs-success-regimes-doomed-to-fail".
pub fn slugify(text: &str, max_chars: usize) -> String {
    let mut slug = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, slug: &mut String| {
        if word.is_empty() {
            return true;
        }
        let extra = word.len() + usize::from(!slug.is_empty());
        if slug.len() + extra > max_chars {
            word.clear();
            return false;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
        word.clear();
        true
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            // "NHS’s" → "nhss": an apostrophe does not split a word.
        } else if c.is_alphanumeric() {
            // Other scripts are transliterated ("Здоровье" → "zdorove", "café" → "cafe"),
            // so their slugs say something rather than falling back to a generic word.
            for t in deunicode::deunicode_char(c).unwrap_or_default().chars() {
                if t.is_ascii_alphanumeric() {
                    word.push(t.to_ascii_lowercase());
                } else if t.is_whitespace() && !flush(&mut word, &mut slug) {
                    return slug;
                }
            }
        } else if !flush(&mut word, &mut slug) {
            return slug;
        }
    }
    flush(&mut word, &mut slug);
    slug
}

/// Characters that take no room on screen: zero-width spaces and joiners, bidi controls,
/// the soft hyphen, variation selectors, the byte-order mark, tag characters.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
        || c.is_control()
}

/// How many characters of `text` can be seen (neither whitespace nor invisible).
pub fn visible_chars(text: &str) -> usize {
    text.chars()
        .filter(|&c| !c.is_whitespace() && !is_invisible(c))
        .count()
}

/// Whether `text` is a well-formed slug (the database's `slug` domain says the same).
pub fn is_slug(text: &str) -> bool {
    (1..=80).contains(&text.len())
        && text.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The tables whose rows get a slug made from their text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SlugTable {
    Claims,
    Proposals,
    Tensions,
    Sources,
}

impl SlugTable {
    fn fallback(self) -> &'static str {
        match self {
            SlugTable::Claims => "claim",
            SlugTable::Proposals => "proposal",
            SlugTable::Tensions => "tension",
            SlugTable::Sources => "source",
        }
    }

    fn name(self) -> &'static str {
        match self {
            SlugTable::Claims => "claims",
            SlugTable::Proposals => "proposals",
            SlugTable::Tensions => "tensions",
            SlugTable::Sources => "sources",
        }
    }
}

/// A slug for new `text`, unique in `table`: its words, then `-2`, `-3`… when taken.
pub(crate) async fn fresh_slug(
    conn: &mut sqlx::PgConnection,
    table: SlugTable,
    text: &str,
) -> Result<String, sqlx::Error> {
    let base = match slugify(text, 60) {
        base if base.is_empty() => table.fallback().to_owned(),
        base => base,
    };
    unique_slug(conn, table, &base).await
}

/// `slug` when no row of `table` holds it, else `slug-2`, `slug-3`… (the stem cut so the
/// whole stays a slug).
///
/// Two writers making the same slug at once would both see it free; a transaction-scoped
/// advisory lock on (table, slug) makes the second wait for the first to commit, so it
/// sees the first's slug and takes the next one.
pub(crate) async fn unique_slug(
    conn: &mut sqlx::PgConnection,
    table: SlugTable,
    slug: &str,
) -> Result<String, sqlx::Error> {
    let lock_key = format!("{table:?}:{slug}");
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended($1, 0))",
        lock_key
    )
    .execute(&mut *conn)
    .await?;
    // Each branch runs only for its own table (a one-time filter on $1).
    let taken: Vec<String> = sqlx::query_scalar!(
        r#"select slug::text as "slug!" from claims where $1 = 'claims' and slug::text like $2 || '%'
           union all select slug::text from proposals where $1 = 'proposals' and slug::text like $2 || '%'
           union all select slug::text from tensions where $1 = 'tensions' and slug::text like $2 || '%'
           union all select slug::text from sources where $1 = 'sources' and slug::text like $2 || '%'"#,
        table.name(),
        slug
    )
    .fetch_all(&mut *conn)
    .await?;
    if !taken.iter().any(|t| t == slug) {
        return Ok(slug.to_owned());
    }
    let stem = slugify(slug, 74);
    Ok((2..)
        .map(|n| format!("{stem}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .expect("some number is free"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_becomes_hyphenated_lowercase_words() {
        assert_eq!(
            slugify("Are NHS success regimes doomed to fail?", 80),
            "are-nhs-success-regimes-doomed-to-fail"
        );
        assert_eq!(
            slugify("  Monitor’s duty -- to integrate  ", 80),
            "monitors-duty-to-integrate"
        );
    }

    #[test]
    fn titles_in_other_scripts_are_transliterated() {
        assert_eq!(slugify("Здоровье нации", 80), "zdorove-natsii");
        assert_eq!(slugify("Café à la carte", 80), "cafe-a-la-carte");
        assert_eq!(slugify("国民保健", 80), "guo-min-bao-jian");
    }

    #[test]
    fn a_long_title_is_cut_at_a_word_boundary() {
        assert_eq!(slugify("one two three four", 9), "one-two");
        assert!(is_slug(&slugify(
            "Thread on #NHSWhitePaper - As @MattHancock hurriedly brings forward",
            40
        )));
    }

    #[test]
    fn slugs_are_validated_like_the_database_does() {
        assert!(is_slug("local-autonomy-vs-national-control"));
        assert!(!is_slug("Local"));
        assert!(!is_slug("double--hyphen"));
        assert!(!is_slug("-leading"));
        assert!(!is_slug(""));
    }
}
