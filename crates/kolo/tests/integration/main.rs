//! Integration tests: a real server on a random port, driven over HTTP, on
//! SQLite, or on PostgreSQL when `KOLO_TEST_DATABASE_URL` is set.

mod accounts;
mod api;
mod attendance;
mod audit;
mod clm_api;
mod clm_client_audits;
mod clm_data;
mod clm_ingest;
mod clm_pages;
#[path = "../support/collect.rs"]
mod collect;
mod common;
mod events;
mod events_api;
mod events_audit;
mod evidence_summaries;
mod fixtures;
mod import;
mod login;
mod openrosa;
mod openrosa_draft;
mod outcomes;
mod outcomes_forms;
mod pages;
mod participants;
mod permissions;
mod privacy;
mod schema;
mod security;
mod two_factor;
