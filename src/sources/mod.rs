//! Sources: documents (threads, articles, blog posts), their versions and segments, and
//! importing them from raw scraped text.

pub mod import;
pub mod page;
pub mod text;

pub use import::{ImportError, ImportOutcome, SourceInput, import_source, read_file};
pub use text::{Parsed, Segment, SegmentKind, SourceKind, parse};
