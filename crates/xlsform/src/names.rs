//! Names: XML name checks and "did you mean" suggestions.

/// Whether a text is a valid XML element name without a prefix clash (`a:b` allowed
/// only as one colon between two names, as XLSForm users write `odk:tag`).
pub fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start = |c: char| c.is_alphabetic() || c == '_';
    if !start(first) {
        return false;
    }
    let mut colons = 0;
    for c in chars {
        if c == ':' {
            colons += 1;
            continue;
        }
        if !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{b7}')) {
            return false;
        }
    }
    colons == 0 || (colons == 1 && !name.ends_with(':'))
}

/// The candidate closest to `word` by edit distance, if close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (distance(&lower, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d > 0 && *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_xml_rules() {
        assert!(is_xml_name("age_years"));
        assert!(!is_xml_name("ім'я"));
        assert!(is_xml_name("вік"));
        assert!(!is_xml_name("1st"));
        assert!(!is_xml_name("two words"));
    }

    #[test]
    fn typos_get_a_suggestion_and_strangers_do_not() {
        assert_eq!(closest("integr", &["integer", "text"]), Some("integer"));
        assert_eq!(closest("xyzzy", &["integer", "text"]), None);
    }
}
