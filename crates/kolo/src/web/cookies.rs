//! Reading the `Cookie` header and writing `Set-Cookie` values.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session cookie: a random token whose hash is the session's key.
pub const SESSION: &str = "kolo_session";
/// A random value for visitors without a session; forms derive their CSRF
/// token from it.
pub const VISITOR: &str = "kolo_visitor";
/// The language a visitor without an account chose.
pub const LANGUAGE: &str = "kolo_lang";

/// The name a cookie really has on the wire. Over TLS the `__Host-` prefix makes
/// the browser refuse it from subdomains and plain HTTP.
pub fn wire_name(name: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// The value of a cookie, if the request carries it.
pub fn read(headers: &HeaderMap, name: &str, secure: bool) -> Option<String> {
    let wanted = wire_name(name, secure);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == wanted)
        .map(|(_, value)| value.trim_matches('"').to_owned())
        .filter(|value| !value.is_empty())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`, Secure over TLS.
/// `max_age` of `None` makes a cookie that ends with the browser session.
pub fn set(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> String {
    let mut cookie = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax",
        wire_name(name, secure)
    );
    if secure {
        cookie.push_str("; Secure");
    }
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    cookie
}

/// A `Set-Cookie` value that deletes the cookie.
pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", secure, Some(0))
}

/// Adds a `Set-Cookie` header to a response. Our cookie values are ASCII tokens
/// and codes, so the header is always valid; a failure would be a bug, logged.
pub fn attach(response: &mut axum::response::Response, set_cookie: &str) {
    match axum::http::HeaderValue::from_str(set_cookie) {
        Ok(value) => {
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, value);
        }
        Err(_) => tracing::error!("a Set-Cookie value was not a valid header"),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn cookies_are_found_by_their_wire_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; __Host-kolo_session=abc; kolo_lang=en"),
        );
        assert_eq!(read(&headers, SESSION, true).as_deref(), Some("abc"));
        assert_eq!(read(&headers, SESSION, false), None);
        assert_eq!(read(&headers, LANGUAGE, false).as_deref(), Some("en"));
    }

    #[test]
    fn secure_cookies_carry_the_host_prefix_and_flag() {
        let cookie = set(SESSION, "t", true, None);
        assert_eq!(
            cookie,
            "__Host-kolo_session=t; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
    }
}
