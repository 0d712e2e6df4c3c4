//! The start page: for each of the person's roles, what they can do next.

mod web;

pub use web::routes;
