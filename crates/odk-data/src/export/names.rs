//! File and sheet names built from form ids and repeat names, which come from uploaded
//! forms, and attachment names, which come from devices: none may escape its folder in the
//! ZIP or break a spreadsheet program.

/// Central passes file names through the `sanitize-filename` package: characters that are
/// not allowed in file names on common systems are removed, as are control characters,
/// trailing dots and spaces, and names reserved on Windows; the result is cut to 255 bytes.
/// This is our own version of that rule (an empty result becomes `_`).
pub fn sanitize_filename(name: &str) -> String {
    let mut out: String = name
        .chars()
        .filter(|c| !matches!(c, '/' | '?' | '<' | '>' | '\\' | ':' | '*' | '|' | '"'))
        .filter(|c| !c.is_control())
        .collect();
    while out.ends_with(['.', ' ']) {
        out.pop();
    }
    let stem = out.split('.').next().unwrap_or("").to_ascii_lowercase();
    let reserved = matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    if reserved || out.chars().all(|c| c == '.') {
        out.clear();
    }
    truncate_bytes(&mut out, 255);
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// The form id as a file stem (Central names the ZIP and CSVs after it).
pub fn file_stem(form_id: &str) -> String {
    let stem: String = form_id
        .chars()
        .filter(|c| !matches!(c, '/' | '\\') && !c.is_control())
        .collect();
    if stem.trim().is_empty() {
        "form".to_string()
    } else {
        stem
    }
}

fn truncate_bytes(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

/// Worksheet names for the tables: Excel allows at most 31 characters, none of `[]:*?/\`,
/// no apostrophe at either end, and no two names that differ only in case.
pub fn sheet_names<'a>(wanted: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for name in wanted {
        let clean: String = name
            .chars()
            .map(|c| {
                if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let clean = clean.trim_matches('\'').to_string();
        let base = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
            "Sheet".to_string()
        } else {
            clean
        };
        let mut candidate = take_chars(&base, 31);
        let mut n = 1;
        while taken
            .iter()
            .any(|t| t.to_lowercase() == candidate.to_lowercase())
        {
            n += 1;
            let suffix = format!("~{n}");
            candidate = format!("{}{suffix}", take_chars(&base, 31 - suffix.chars().count()));
        }
        taken.push(candidate.clone());
        out.push(candidate);
    }
    out
}

fn take_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_climb_out_of_their_folder() {
        assert_eq!(sanitize_filename("../../etc/passwd"), "....etcpasswd");
        assert_eq!(sanitize_filename("photo 1.jpg"), "photo 1.jpg");
        assert_eq!(sanitize_filename("a\u{0}b\nc.jpg"), "abc.jpg");
        assert_eq!(sanitize_filename(".."), "_");
        assert_eq!(sanitize_filename("CON.txt"), "_");
        assert_eq!(sanitize_filename("com1"), "_");
        assert_eq!(sanitize_filename("community.csv"), "community.csv");
        assert_eq!(sanitize_filename("name. . "), "name");
        assert_eq!(sanitize_filename(&"я".repeat(200)).len(), 254);
    }

    #[test]
    fn sheet_names_are_short_clean_and_unique() {
        let names = sheet_names([
            "clm_hiv_services_2024_regional_survey",
            "visits",
            "Visits",
            "a[b]:c",
            "clm_hiv_services_2024_regional_survey_b",
            "'quoted'",
            "",
        ]);
        assert_eq!(names[0], "clm_hiv_services_2024_regional_");
        assert_eq!(names[1], "visits");
        assert_eq!(names[2], "Visits~2");
        assert_eq!(names[3], "a_b__c");
        assert_eq!(names[4], "clm_hiv_services_2024_regiona~2");
        assert_eq!(names[5], "quoted");
        assert_eq!(names[6], "Sheet");
        assert!(names.iter().all(|n| n.chars().count() <= 31));
    }
}
