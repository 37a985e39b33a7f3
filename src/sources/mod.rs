//! Sources: documents (threads, articles, blog posts), their versions and segments, and
//! importing them from raw scraped text.

pub mod import;
pub(crate) mod page;
pub(crate) mod suggestions;
pub mod text;

pub use import::{ImportError, ImportOutcome, SourceInput, import_source, read_file};
pub use text::{Parsed, Segment, SegmentKind, SourceKind, parse};
