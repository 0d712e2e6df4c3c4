//! Helpers shared by the integration tests (and, through `#[path]`, by the
//! example and the benchmark).

pub mod sample;
pub mod tools;
