//! The `parameters` column: `name=value` pairs separated by spaces, commas or
//! semicolons, as pyxform reads them.

use crate::diagnostics::Problem;

/// Parses parameters, keys in lower case.
pub fn parse(text: &str) -> Result<Vec<(String, String)>, Problem> {
    let mut out = Vec::new();
    // `a = b` is allowed: spaces around `=` are removed before splitting.
    let mut normal = String::new();
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let mut rest = chars.clone();
            while rest.peek() == Some(&' ') {
                rest.next();
            }
            if rest.peek() == Some(&'=') || normal.ends_with('=') {
                chars = rest;
                continue;
            }
        }
        normal.push(c);
    }
    for part in normal.split([' ', ',', ';']).filter(|p| !p.is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return Err(Problem::MalformedParameters {
                text: text.to_string(),
            });
        };
        let key = k.trim().to_lowercase();
        if key.is_empty() {
            return Err(Problem::MalformedParameters {
                text: text.to_string(),
            });
        }
        out.push((key, v.trim().to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_split_on_spaces_commas_and_semicolons() {
        let p = parse("start=0 end = 5;step=1").unwrap();
        assert_eq!(
            p,
            vec![
                ("start".to_string(), "0".to_string()),
                ("end".to_string(), "5".to_string()),
                ("step".to_string(), "1".to_string())
            ]
        );
    }

    #[test]
    fn a_parameter_without_equals_is_an_error() {
        assert!(parse("randomize").is_err());
    }
}
