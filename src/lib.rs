//! argmap: an argument map of NHS England reform debates, served on the web.
//!
//! The library owns everything; `main.rs` only parses the command line. [`app`] builds
//! the HTTP application for a given [`AppState`]; [`server::serve`] runs it with its
//! database (argmap's own embedded PostgreSQL unless a URL is configured).

pub mod api;
pub mod auth;
pub mod claims;
pub mod cli;
pub mod config;
pub mod db;
pub mod debates;
pub mod error;
pub mod export;
pub mod history;
pub mod home;
pub mod http;
pub mod inference;
pub mod map;
pub mod map_svg;
pub mod markdown;
pub mod proposals;
pub mod revisions;
pub mod search;
pub mod server;
pub mod slug;
pub mod sources;
pub mod standing;
pub mod state;
pub mod stats;
pub mod suggest;
pub mod tensions;
pub mod users;
pub mod views;

pub use error::{Error, Result};
pub use http::app;
pub use state::AppState;
