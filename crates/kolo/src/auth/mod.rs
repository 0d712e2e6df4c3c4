//! Signing in and out, and the language switch: what a visitor can do before
//! and around having a session.

mod web;

pub use web::routes;
