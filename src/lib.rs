//! stage-images: browse the build base images that Huawei Cloud `ServiceStage` offers.
//!
//! The crate is a library with a thin binary on top, so that tests and benchmarks drive the
//! same code as users. Modules by concern:
//! - [`config`]: profiles in TOML, validation, the choice of profile;
//! - [`auth`], [`secret`], [`command`]: credentials and where they come from;
//! - [`api`]: the one HTTP client that fetches the catalogue;
//! - [`cache`]: the last catalogue of each profile, on disk;
//! - [`catalogue`]: the model, decoding and version order;
//! - [`tui`]: the terminal UI (state, update and view kept apart);
//! - [`cli`]: argument parsing and the non-interactive commands;
//! - [`demo`]: the bundled catalogue served on loopback;
//! - [`release_status`]: LTS and end-of-life dates of language versions.

pub mod api;
pub mod auth;
pub mod cache;
pub mod catalogue;
pub mod cli;
pub mod clipboard;
pub mod command;
pub mod config;
pub mod demo;
pub mod endpoint;
pub mod logging;
pub mod project_id;
pub mod region;
pub mod release_status;
pub mod secret;
pub mod startup;
pub mod tui;
