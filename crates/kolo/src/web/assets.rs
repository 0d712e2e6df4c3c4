//! The stylesheet and icon, embedded in the binary. One small CSS file and no
//! script: every page works without JavaScript.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;

use super::routes::{Access, RouteTable};

const STYLESHEET: &str = include_str!("../../static/kolo.css");
const ICON: &str = include_str!("../../static/icon.svg");

/// The stylesheet's URL, versioned by its content so browsers may cache it forever.
pub fn stylesheet_href() -> &'static str {
    static HREF: LazyLock<String> = LazyLock::new(|| {
        let hash = kolo_core::ids::token_hash(STYLESHEET);
        format!("/static/kolo.css?v={}", &hash[..12])
    });
    &HREF
}

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/static/kolo.css", Access::Public, stylesheet)
        .get("/static/icon.svg", Access::Public, icon)
}

const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE_FOREVER),
        ],
        STYLESHEET,
    )
}

async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        ICON,
    )
}
