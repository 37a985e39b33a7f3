//! Sources: documents (threads, articles, blog posts), their versions and segments, and
//! importing them from raw scraped text.

pub mod import;
pub mod metadata;
pub mod page;
pub mod text;

pub use import::{
    ImportError, ImportOutcome, NewVersionOf, Prepared, SourceInput, import_source, prepare,
    read_file,
};
pub use text::{Parsed, Segment, SegmentKind, SourceKind, parse};
