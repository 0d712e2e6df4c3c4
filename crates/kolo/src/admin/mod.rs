//! Administration: staff accounts and their roles.

mod users;

pub fn routes() -> crate::web::RouteTable {
    users::routes()
}
