//! Tokens of XPath 1.0 as ODK uses it, plus XLSForm's `${name}` references.

/// One token with its byte span in the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: Tok,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Number(String),
    Literal(String),
    /// A name: NCName or QName (`jr:choice-name`), possibly `*` or `prefix:*`.
    Name(String),
    /// `$name`.
    Variable(String),
    /// `${name}`, or `${last-saved#name}` with `last_saved` set.
    Reference {
        name: String,
        last_saved: bool,
    },
    Slash,
    DoubleSlash,
    LBracket,
    RBracket,
    LParen,
    RParen,
    At,
    Comma,
    Pipe,
    Plus,
    Minus,
    Star,
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Dot,
    DotDot,
    ColonColon,
}

/// Why an expression cannot be split into tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub at: usize,
    pub message: String,
}

fn name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{b7}')
}

/// Splits an expression into tokens.
pub fn tokenize(text: &str) -> Result<Vec<Token>, LexError> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let at = |i: usize| chars.get(i).map(|(_, c)| *c);
    let pos = |i: usize| chars.get(i).map(|(p, _)| *p).unwrap_or(text.len());
    while i < chars.len() {
        let c = chars[i].1;
        let start = pos(i);
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let single = |k: Tok| (k, 1);
        let (kind, len): (Tok, usize) = match c {
            '$' if at(i + 1) == Some('{') => {
                let mut j = i + 2;
                while j < chars.len() && chars[j].1 != '}' {
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(LexError {
                        at: start,
                        message: "`${` is never closed with `}`".into(),
                    });
                }
                let raw = &text[pos(i + 2)..pos(j)];
                if raw.trim() != raw {
                    return Err(LexError {
                        at: start,
                        message: format!(
                            "`${{{raw}}}` has spaces inside the braces; write `${{{}}}`",
                            raw.trim()
                        ),
                    });
                }
                let inner: String = raw.to_string();
                let (name, last_saved) = match inner.strip_prefix("last-saved#") {
                    Some(n) => (n.to_string(), true),
                    None => (inner, false),
                };
                if name.is_empty()
                    || !name.chars().next().is_some_and(name_start)
                    || !name.chars().all(name_char)
                {
                    return Err(LexError {
                        at: start,
                        message: format!("`${{{name}}}` is not a valid reference"),
                    });
                }
                (Tok::Reference { name, last_saved }, j + 1 - i)
            }
            '$' => {
                let mut j = i + 1;
                while j < chars.len() && (name_char(chars[j].1) || chars[j].1 == ':') {
                    j += 1;
                }
                if j == i + 1 {
                    return Err(LexError {
                        at: start,
                        message: "`$` must be followed by a name".into(),
                    });
                }
                (Tok::Variable(text[pos(i + 1)..pos(j)].to_string()), j - i)
            }
            '\'' | '"' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j].1 != c {
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(LexError {
                        at: start,
                        message: format!("the text starting with {c} is never closed"),
                    });
                }
                (
                    Tok::Literal(text[pos(i + 1)..pos(j)].to_string()),
                    j + 1 - i,
                )
            }
            '0'..='9' => number(&chars, i, text, &pos),
            '.' if at(i + 1).is_some_and(|d| d.is_ascii_digit()) => number(&chars, i, text, &pos),
            '.' if at(i + 1) == Some('.') => (Tok::DotDot, 2),
            '.' => single(Tok::Dot),
            '/' if at(i + 1) == Some('/') => (Tok::DoubleSlash, 2),
            '/' => single(Tok::Slash),
            '[' => single(Tok::LBracket),
            ']' => single(Tok::RBracket),
            '(' => single(Tok::LParen),
            ')' => single(Tok::RParen),
            '@' => single(Tok::At),
            ',' => single(Tok::Comma),
            '|' => single(Tok::Pipe),
            '+' => single(Tok::Plus),
            '-' => single(Tok::Minus),
            '*' => single(Tok::Star),
            '=' => single(Tok::Eq),
            '!' if at(i + 1) == Some('=') => (Tok::NotEq, 2),
            '<' if at(i + 1) == Some('=') => (Tok::Le, 2),
            '<' => single(Tok::Lt),
            '>' if at(i + 1) == Some('=') => (Tok::Ge, 2),
            '>' => single(Tok::Gt),
            ':' if at(i + 1) == Some(':') => (Tok::ColonColon, 2),
            c if name_start(c) => {
                let mut j = i + 1;
                while j < chars.len() && name_char(chars[j].1) {
                    j += 1;
                }
                // One prefix: `jr:itext`, `odk:foo`, `prefix:*`, but not the axis `::`.
                if at(j) == Some(':') && at(j + 1) != Some(':') {
                    if at(j + 1) == Some('*') {
                        j += 2;
                    } else if at(j + 1).is_some_and(name_start) {
                        j += 2;
                        while j < chars.len() && name_char(chars[j].1) {
                            j += 1;
                        }
                    }
                }
                (Tok::Name(text[start..pos(j)].to_string()), j - i)
            }
            other => {
                return Err(LexError {
                    at: start,
                    message: format!("`{other}` cannot appear in an expression"),
                });
            }
        };
        out.push(Token {
            kind,
            start,
            end: pos(i + len),
        });
        i += len;
    }
    Ok(out)
}

fn number(
    chars: &[(usize, char)],
    i: usize,
    text: &str,
    pos: &dyn Fn(usize) -> usize,
) -> (Tok, usize) {
    let mut j = i;
    let mut dot = false;
    while j < chars.len() {
        let c = chars[j].1;
        if c.is_ascii_digit() {
            j += 1;
        } else if c == '.' && !dot && chars.get(j + 1).map(|x| x.1) != Some('.') {
            dot = true;
            j += 1;
        } else {
            break;
        }
    }
    (Tok::Number(text[pos(i)..pos(j)].to_string()), j - i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn references_names_and_operators_are_told_apart() {
        assert_eq!(
            kinds("${age} >= 18 and jr:choice-name(., 'x')"),
            vec![
                Tok::Reference {
                    name: "age".into(),
                    last_saved: false
                },
                Tok::Ge,
                Tok::Number("18".into()),
                Tok::Name("and".into()),
                Tok::Name("jr:choice-name".into()),
                Tok::LParen,
                Tok::Dot,
                Tok::Comma,
                Tok::Literal("x".into()),
                Tok::RParen,
            ]
        );
    }

    #[test]
    fn last_saved_references_are_marked() {
        assert_eq!(
            kinds("${last-saved#x}"),
            vec![Tok::Reference {
                name: "x".into(),
                last_saved: true
            }]
        );
    }

    #[test]
    fn unterminated_text_is_an_error_with_its_position() {
        let e = tokenize("concat('a, ${b})").unwrap_err();
        assert_eq!(e.at, 7);
        assert!(tokenize("${a").is_err());
        assert!(tokenize("#").is_err());
    }
}
