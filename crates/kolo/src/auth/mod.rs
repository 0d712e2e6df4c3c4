//! Signing in and out (password, then the second factor where required), and
//! the language switch: what a visitor can do before and around a session.

mod two_factor;
mod web;

pub fn routes() -> crate::web::RouteTable {
    web::routes().merge(two_factor::routes())
}
