//! The JSON API under `/api/v1`: per-user bearer tokens, the same permission
//! table as the pages, errors as `{error, message}`, described by an OpenAPI
//! document generated from the route table.

mod openapi;
mod users;

use crate::web::RouteTable;

pub fn routes() -> RouteTable {
    openapi::routes().merge(users::routes())
}
