//! Administration: staff accounts and their roles.

pub mod commands;
mod security;
mod users;

pub fn routes() -> crate::web::RouteTable {
    users::routes().merge(security::routes())
}
