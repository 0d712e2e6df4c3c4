//! Administration: staff accounts and their roles.

pub mod commands;
mod users;

pub fn routes() -> crate::web::RouteTable {
    users::routes()
}
