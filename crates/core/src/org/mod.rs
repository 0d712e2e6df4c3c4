//! The organisation that runs Kolo, and the places it works in.

mod oblast;
mod store;

pub use oblast::Oblast;
pub use store::{SettingsStore, setting};
