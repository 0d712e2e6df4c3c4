//! Reading one uploaded file part into memory under a size limit, the same way
//! for every page that takes a small file (imports, event materials, forms).

use axum::extract::multipart::Field;
use axum::http::StatusCode;

/// What became of a file part read with [`read_capped`].
pub enum Capped {
    /// The whole file, within the limit.
    Whole(Vec<u8>),
    /// Larger than the limit (or than the request's body limit).
    TooLarge,
    /// The upload broke off; what arrived is dropped, never used as if whole.
    Broken,
}

/// Reads `field` to its end, keeping at most `limit` bytes. Past the limit the
/// rest is read and dropped (the body limit bounds it), so the browser gets the
/// page that says so rather than a reset connection.
pub async fn read_capped(field: &mut Field<'_>, limit: usize) -> Capped {
    let mut bytes = Vec::new();
    let mut too_large = false;
    loop {
        match field.chunk().await {
            Ok(Some(_)) if too_large => {}
            Ok(Some(chunk)) if bytes.len() + chunk.len() > limit => {
                too_large = true;
                bytes = Vec::new();
            }
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) if too_large => return Capped::TooLarge,
            Ok(None) => return Capped::Whole(bytes),
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Capped::TooLarge;
            }
            Err(_) => return Capped::Broken,
        }
    }
}
