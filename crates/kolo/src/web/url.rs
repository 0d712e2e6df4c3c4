//! Small URL helpers: encoding query values and checking return-to paths.

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A path to send the person back to, if it is one of ours: it must be a local
/// absolute path, never another site (`//evil.example`, `/\evil.example`).
pub fn local_path(candidate: &str) -> Option<&str> {
    let is_local = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(char::is_control);
    is_local.then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_accepted_as_return_targets() {
        assert_eq!(local_path("/admin/users?x=1"), Some("/admin/users?x=1"));
        assert_eq!(local_path("//evil.example/"), None);
        assert_eq!(local_path("/\\evil.example"), None);
        assert_eq!(local_path("https://evil.example"), None);
        assert_eq!(local_path("/a\nb"), None);
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_component("/a b?c=д"), "%2Fa%20b%3Fc%3D%D0%B4");
    }
}
