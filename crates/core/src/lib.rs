//! Kolo's domain: the types, rules and permissions of the programme, and the
//! narrow storage traits each domain needs.
//!
//! This crate never does network or database I/O and never imports HTTP or SQL
//! types: the binary (`kolo`) adapts HTTP to it and the store crates adapt SQL to
//! its traits.

pub mod audit;
pub mod auth;
pub mod clm;
pub mod encrypted;
pub mod events;
pub mod ids;
pub mod lang;
pub mod org;
pub mod outcomes;
pub mod participants;
pub mod retention;
pub mod store;
pub mod time;

pub use store::{Store, StoreError};
