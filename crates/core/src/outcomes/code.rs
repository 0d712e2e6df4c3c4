//! The short code a participant types (or scans) to open an instrument.

use std::fmt;

use crate::ids::fill_random;

/// Letters and digits nobody confuses when reading them off a projector or a
/// handout: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
pub const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
/// 25^6 (about 244 million) codes: guessing an open one by chance, at the
/// rate limit of the public page, is hopeless.
pub const CODE_LENGTH: usize = 6;

/// A short code such as `K7MQ4T`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShortCode(String);

impl ShortCode {
    /// A new random code.
    pub fn generate() -> ShortCode {
        let mut bytes = [0u8; CODE_LENGTH];
        let mut code = String::with_capacity(CODE_LENGTH);
        while code.len() < CODE_LENGTH {
            fill_random(&mut bytes);
            for b in bytes {
                // Rejection sampling keeps every letter equally likely: 250 = 10 * 25.
                if b < 250 && code.len() < CODE_LENGTH {
                    code.push(CODE_ALPHABET[usize::from(b) % CODE_ALPHABET.len()] as char);
                }
            }
        }
        ShortCode(code)
    }

    /// Reads a typed code: case, spaces and dashes do not matter, and the
    /// look-alikes a person may type for a letter of the alphabet (`O` for
    /// nothing, Cyrillic `А` for `A`) are mapped where unambiguous.
    pub fn parse(text: &str) -> Option<ShortCode> {
        let mut code = String::with_capacity(CODE_LENGTH);
        for c in text.chars() {
            if c.is_whitespace() || c == '-' {
                continue;
            }
            let c = match c.to_uppercase().next()? {
                // Cyrillic letters that look like Latin ones, typed on a Ukrainian keyboard.
                'А' => 'A',
                'С' => 'C',
                'Е' => 'E',
                'Н' => 'H',
                'К' => 'K',
                'М' => 'M',
                'Р' => 'P',
                'Т' => 'T',
                'Х' => 'X',
                'У' => 'Y',
                other => other,
            };
            if !c.is_ascii() || !CODE_ALPHABET.contains(&(c as u8)) {
                return None;
            }
            code.push(c);
        }
        (code.len() == CODE_LENGTH).then_some(ShortCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_have_six_unambiguous_characters_and_read_back() {
        for _ in 0..200 {
            let code = ShortCode::generate();
            assert_eq!(code.as_str().len(), CODE_LENGTH);
            assert!(code.as_str().bytes().all(|b| CODE_ALPHABET.contains(&b)));
            assert_eq!(ShortCode::parse(code.as_str()), Some(code));
        }
    }

    #[test]
    fn typed_codes_forgive_case_spaces_and_cyrillic_look_alikes() {
        assert_eq!(ShortCode::parse(" k7m-q4t ").unwrap().as_str(), "K7MQ4T");
        assert_eq!(ShortCode::parse("КАМ349").unwrap().as_str(), "KAM349");
        assert_eq!(ShortCode::parse("K7MQ4"), None);
        assert_eq!(ShortCode::parse("K7MQ4TT"), None);
        // 0, O, 1, I, B are not in the alphabet.
        assert_eq!(ShortCode::parse("K7MQ40"), None);
        assert_eq!(ShortCode::parse("B7MQ4T"), None);
    }
}
