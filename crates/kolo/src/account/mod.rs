//! A person's own account: password, API tokens.

mod web;

pub use web::routes;
