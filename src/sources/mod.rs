//! Sources: documents (threads, articles, blog posts), their versions and segments, and
//! importing them from raw scraped text.

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
