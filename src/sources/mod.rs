//! Sources: documents (threads, articles, blog posts), their versions and segments, and
//! importing them from raw scraped text.

/// A `static` regex, compiled on first use; the patterns are constants, so a bad one is a
/// bug that the first test to use it finds.
macro_rules! lazy_regex {
    ($pattern:expr) => {
        std::sync::LazyLock::new(|| regex::Regex::new($pattern).expect("a valid pattern"))
    };
}

pub(crate) mod forms;
pub mod import;
pub mod metadata;
pub(crate) mod page;
pub(crate) mod read;
pub mod suggest;
pub(crate) mod suggestions;
pub mod text;

pub use import::{
    ImportError, ImportOutcome, NewVersionOf, Prepared, SourceInput, import_source, prepare,
    read_file,
};
pub use text::{CleanedText, Segment, SegmentKind, SourceKind, parse};

/// The characters `start..end` of `text`: quotes and suggestions count their offsets in
/// characters, not bytes.
pub fn char_span(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}
