//! argmap: an argument map of NHS England reform debates, served on the web.
//!
//! The library owns everything; `main.rs` only parses the command line. [`app`] builds
//! the HTTP application for a given [`AppState`]; [`server::serve`] runs it with its
//! database (argmap's own embedded PostgreSQL unless a URL is configured).

pub(crate) mod api;
pub mod auth;
pub(crate) mod browse;
pub mod cache;
pub(crate) mod claims;
pub mod cli;
pub mod config;
pub mod db;
pub(crate) mod debates;
pub(crate) mod details;
pub mod domain;
pub(crate) mod edits;
pub mod error;
pub mod export;
pub mod files;
pub mod generate;
pub(crate) mod history;
pub(crate) mod home;
pub mod http;
pub mod mail;
pub mod map;
pub mod map_svg;
pub(crate) mod markdown;
pub(crate) mod moderation;
pub(crate) mod proposals;
pub(crate) mod read;
pub(crate) mod relations;
pub(crate) mod revisions;
pub(crate) mod search;
pub mod server;
pub(crate) mod slug;
pub mod sources;
pub mod standing;
pub mod state;
pub mod stats;
pub(crate) mod tensions;
pub mod users;
pub(crate) mod views;

pub use error::{Error, Result};
pub use http::app;
pub use state::AppState;
