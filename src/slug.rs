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
        } else if !flush(&mut word, &mut slug) {
            return slug;
        }
    }
    flush(&mut word, &mut slug);
    slug
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
}

impl SlugTable {
    fn fallback(self) -> &'static str {
        match self {
            SlugTable::Claims => "claim",
            SlugTable::Proposals => "proposal",
            SlugTable::Tensions => "tension",
        }
    }
}

/// A slug for new `text`, unique in `table`: its words, then `-2`, `-3`… when taken.
///
/// Two writers making the same slug at once would both see it free; a transaction-scoped
/// advisory lock on (table, base slug) makes the second wait for the first to commit, so
/// it sees the first's slug and takes the next one.
pub(crate) async fn fresh_slug(
    conn: &mut sqlx::PgConnection,
    table: SlugTable,
    text: &str,
) -> crate::Result<String> {
    let base = match slugify(text, 60) {
        base if base.is_empty() => table.fallback().to_owned(),
        base => base,
    };
    let lock_key = format!("{table:?}:{base}");
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended($1, 0))",
        lock_key
    )
    .execute(&mut *conn)
    .await?;
    let like = format!("{base}%");
    let taken: Vec<String> = match table {
        SlugTable::Claims => {
            sqlx::query_scalar!(
                r#"select slug as "slug!: String" from claims where slug::text like $1"#,
                like
            )
            .fetch_all(&mut *conn)
            .await?
        }
        SlugTable::Proposals => {
            sqlx::query_scalar!(
                r#"select slug as "slug!: String" from proposals where slug::text like $1"#,
                like
            )
            .fetch_all(&mut *conn)
            .await?
        }
        SlugTable::Tensions => {
            sqlx::query_scalar!(
                r#"select slug as "slug!: String" from tensions where slug::text like $1"#,
                like
            )
            .fetch_all(&mut *conn)
            .await?
        }
    };
    let mut slug = base.clone();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
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
