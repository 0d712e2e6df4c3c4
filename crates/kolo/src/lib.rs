//! The Kolo binary: command line, HTTP server, pages and JSON API.
//!
//! Each domain has a module here with its pages (`web.rs`) and JSON endpoints
//! (`api.rs`) over the rules in `kolo-core`. This crate never writes SQL: it talks
//! to storage only through the traits in `kolo_core`.

pub mod account;
pub mod admin;
pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod clm;
pub mod config;
pub mod dashboard;
pub mod demo;
pub mod events;
pub mod outcomes;
pub mod participants;
pub mod passwords;
pub mod privacy;
pub mod retention;
pub mod storage;
pub mod vault;
pub mod web;
