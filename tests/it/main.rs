//! argmap's integration tests: one binary sharing one private PostgreSQL cluster, a fresh
//! database per test, the app on a random port, spoken to over real HTTP.

mod adding_sources;
mod binary;
mod browser;
mod builders;
mod claim_edits;
mod contributors;
mod corpus;
mod details;
mod export;
mod fuzz;
mod hardening;
mod harness;
mod http;
mod import;
mod map;
mod map_drawing;
mod map_references;
mod moderating;
mod pages;
mod perf;
mod queries;
mod races;
mod reading;
mod relations;
mod roundtrip;
mod streaming;
mod summary;
mod undercuts;
mod unseen;
mod visibility;
