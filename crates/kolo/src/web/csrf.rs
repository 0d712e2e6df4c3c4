//! Cross-site request forgery protection for every state-changing page request.
//!
//! A form carries `_csrf`, a hash of the HttpOnly session (or visitor) cookie.
//! Another site can make the browser send the cookie but cannot read it, so it
//! cannot produce the token. `Origin` and `Sec-Fetch-Site` are checked too when
//! the browser sends them.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, header};
use kolo_core::ids::{constant_time_eq, token_hash};

use super::AppError;

/// The largest URL-encoded form Kolo reads: forms are typed, not uploaded.
pub const FORM_LIMIT: usize = 256 * 1024;

/// The token forms must carry, derived from the cookie that identifies the browser.
pub fn token_for(cookie_value: &str) -> String {
    token_hash(&format!("csrf:{cookie_value}"))[..32].to_owned()
}

/// Checks an unsafe request and gives it back with its body intact.
pub async fn verify(
    request: Request,
    expected: &str,
    host: Option<&str>,
) -> Result<Request, AppError> {
    check_origin(request.headers(), host)?;
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        // Multipart uploads and empty posts carry the token in the URL.
        let query = request.uri().query().unwrap_or_default();
        return match field(query.as_bytes(), "_csrf") {
            Some(token) if constant_time_eq(token.as_bytes(), expected.as_bytes()) => Ok(request),
            _ => Err(AppError::CsrfRejected),
        };
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    match field(&bytes, "_csrf") {
        Some(token) if constant_time_eq(token.as_bytes(), expected.as_bytes()) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(AppError::CsrfRejected),
    }
}

fn check_origin(headers: &HeaderMap, host: Option<&str>) -> Result<(), AppError> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Err(AppError::CsrfRejected);
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
        && origin != "null"
    {
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        if host != Some(origin_host) {
            return Err(AppError::CsrfRejected);
        }
    }
    Ok(())
}

/// The first value of a URL-encoded field.
fn field(encoded: &[u8], name: &str) -> Option<String> {
    form_urlencoded_pairs(encoded).find_map(|(k, v)| (k == name).then_some(v))
}

fn form_urlencoded_pairs(encoded: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    encoded
        .split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut halves = pair.splitn(2, |b| *b == b'=');
            let key = halves.next().unwrap_or_default();
            let value = halves.next().unwrap_or_default();
            (percent_decode(key), percent_decode(value))
        })
}

fn percent_decode(input: &[u8]) -> String {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < input.len() => {
                let hex = std::str::from_utf8(&input[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_decoded() {
        assert_eq!(
            field(b"a=1&_csrf=ab%2Bc&x", "_csrf").as_deref(),
            Some("ab+c")
        );
        assert_eq!(
            field(b"name=%D0%9E%D0%BB%D1%8F+K", "name").as_deref(),
            Some("Оля K")
        );
        assert_eq!(field(b"bad=%zz%", "bad").as_deref(), Some("%zz%"));
        assert_eq!(field(b"", "_csrf"), None);
    }

    #[test]
    fn cross_site_requests_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(check_origin(&headers, Some("kolo.example")).is_err());
        let mut headers = HeaderMap::new();
        headers.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(check_origin(&headers, Some("kolo.example")).is_err());
        let mut headers = HeaderMap::new();
        headers.insert(header::ORIGIN, "https://kolo.example".parse().unwrap());
        assert!(check_origin(&headers, Some("kolo.example")).is_ok());
    }
}
