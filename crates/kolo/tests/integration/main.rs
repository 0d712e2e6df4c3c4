//! Integration tests: a real server on a random port, driven over HTTP, on
//! SQLite, or on PostgreSQL when `KOLO_TEST_DATABASE_URL` is set.

mod accounts;
mod api;
mod audit;
mod common;
mod events;
mod fixtures;
mod login;
mod pages;
mod participants;
mod permissions;
mod schema;
