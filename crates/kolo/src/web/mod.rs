//! What every page and endpoint shares: the route table and the one permission
//! check, request context (who, which language), CSRF, cookies, security
//! headers, error pages, translations and the embedded stylesheet.

pub mod assets;
pub mod context;
pub mod cookies;
pub mod csrf;
pub mod errors;
pub mod format;
pub mod forms;
pub mod guard;
pub mod i18n;
pub mod page;
pub mod qr;
pub mod routes;
pub mod security;
pub mod upload;
pub mod url;

pub use context::{PendingSignIn, RequestContext, Staff};
pub use errors::AppError;
pub use page::Page;
pub use routes::{Access, ApiDoc, RouteSpec, RouteTable};
