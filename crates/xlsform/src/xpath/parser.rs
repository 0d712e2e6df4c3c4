//! A Pratt parser for XPath 1.0 with ODK's `${name}` references.

use super::lexer::{LexError, Tok, Token, tokenize};

/// An expression tree; enough to check names, functions and arity.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(String),
    Literal(String),
    Variable(String),
    Reference {
        name: String,
        last_saved: bool,
        start: usize,
    },
    Call {
        name: String,
        args: Vec<Expr>,
        start: usize,
    },
    Negate(Box<Expr>),
    Binary {
        op: &'static str,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// A location path, possibly starting from a filter expression (`instance('x')/root`).
    Path {
        base: Option<Box<Expr>>,
        absolute: bool,
        steps: Vec<Step>,
    },
    /// A primary expression with predicates (`(a | b)[1]`).
    Filter {
        base: Box<Expr>,
        predicates: Vec<Expr>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub axis: Option<String>,
    /// `.`, `..`, a name test, `*`, or a node type test like `text()`.
    pub test: String,
    pub predicates: Vec<Expr>,
    /// `//` before this step.
    pub descendant: bool,
}

/// Why an expression cannot be parsed, with the byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub at: usize,
    pub message: String,
}

impl From<LexError> for ParseError {
    fn from(e: LexError) -> Self {
        ParseError {
            at: e.at,
            message: e.message,
        }
    }
}

/// Deepest nesting accepted; keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 200;
/// Longest expression accepted, in tokens. Walking and dropping the tree recurse
/// along operator chains, so their length must be bounded too.
const MAX_TOKENS: usize = 5000;

/// Parses an expression.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let tokens = tokenize(text)?;
    if tokens.len() > MAX_TOKENS {
        return Err(ParseError {
            at: 0,
            message: format!("the expression is longer than {MAX_TOKENS} parts"),
        });
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        len: text.len(),
    };
    if p.tokens.is_empty() {
        return Err(ParseError {
            at: 0,
            message: "the expression is empty".into(),
        });
    }
    let e = p.expr(0)?;
    if let Some(t) = p.peek() {
        return Err(ParseError {
            at: t.start,
            message: format!("unexpected {}", describe(&t.kind)),
        });
    }
    Ok(e)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    len: usize,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("`{n}`"),
        Tok::Number(n) => format!("number {n}"),
        Tok::Literal(l) => format!("text '{l}'"),
        Tok::Reference { name, .. } => format!("`${{{name}}}`"),
        other => format!("`{}`", symbol(other)),
    }
}

fn symbol(t: &Tok) -> &'static str {
    match t {
        Tok::Slash => "/",
        Tok::DoubleSlash => "//",
        Tok::LBracket => "[",
        Tok::RBracket => "]",
        Tok::LParen => "(",
        Tok::RParen => ")",
        Tok::At => "@",
        Tok::Comma => ",",
        Tok::Pipe => "|",
        Tok::Plus => "+",
        Tok::Minus => "-",
        Tok::Star => "*",
        Tok::Eq => "=",
        Tok::NotEq => "!=",
        Tok::Lt => "<",
        Tok::Le => "<=",
        Tok::Gt => ">",
        Tok::Ge => ">=",
        Tok::Dot => ".",
        Tok::DotDot => "..",
        Tok::ColonColon => "::",
        _ => "?",
    }
}

/// Binary operators in operator position, with their binding power.
fn infix(t: &Tok) -> Option<(&'static str, u8)> {
    Some(match t {
        Tok::Name(n) if n == "or" => ("or", 1),
        Tok::Name(n) if n == "and" => ("and", 2),
        Tok::Eq => ("=", 3),
        Tok::NotEq => ("!=", 3),
        Tok::Lt => ("<", 4),
        Tok::Le => ("<=", 4),
        Tok::Gt => (">", 4),
        Tok::Ge => (">=", 4),
        Tok::Plus => ("+", 5),
        Tok::Minus => ("-", 5),
        Tok::Star => ("*", 6),
        Tok::Name(n) if n == "div" => ("div", 6),
        Tok::Name(n) if n == "mod" => ("mod", 6),
        Tok::Pipe => ("|", 8),
        _ => return None,
    })
}

const NODE_TYPES: &[&str] = &["node", "text", "comment", "processing-instruction"];

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_kind(&self, ahead: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + ahead).map(|t| &t.kind)
    }

    fn at(&self) -> usize {
        self.peek().map(|t| t.start).unwrap_or(self.len)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect(&mut self, want: Tok) -> Result<(), ParseError> {
        match self.peek() {
            Some(t) if t.kind == want => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => Err(ParseError {
                at: t.start,
                message: format!(
                    "expected `{}` but found {}",
                    symbol(&want),
                    describe(&t.kind)
                ),
            }),
            None => Err(ParseError {
                at: self.len,
                message: format!("expected `{}` at the end", symbol(&want)),
            }),
        }
    }

    fn expr(&mut self, min_power: u8) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError {
                at: self.at(),
                message: "the expression is nested too deeply".into(),
            });
        }
        let mut lhs = if self.peek_kind(0) == Some(&Tok::Minus) {
            self.pos += 1;
            Expr::Negate(Box::new(self.expr(7)?))
        } else {
            self.path_expr()?
        };
        while let Some((op, power)) = self.peek().and_then(|t| infix(&t.kind)) {
            if power <= min_power {
                break;
            }
            self.pos += 1;
            let rhs = self.expr(power)?;
            lhs = Expr::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            };
        }
        self.depth -= 1;
        Ok(lhs)
    }

    /// PathExpr: a location path, or a primary expression with optional predicates
    /// and a following relative path.
    fn path_expr(&mut self) -> Result<Expr, ParseError> {
        let Some(t) = self.peek().cloned() else {
            return Err(ParseError {
                at: self.len,
                message: "the expression ends too early".into(),
            });
        };
        let primary = match &t.kind {
            Tok::Number(n) => Some(Expr::Number(n.clone())),
            Tok::Literal(l) => Some(Expr::Literal(l.clone())),
            Tok::Variable(v) => Some(Expr::Variable(v.clone())),
            Tok::Reference { name, last_saved } => Some(Expr::Reference {
                name: name.clone(),
                last_saved: *last_saved,
                start: t.start,
            }),
            Tok::LParen => None,
            Tok::Name(n)
                if self.peek_kind(1) == Some(&Tok::LParen) && !NODE_TYPES.contains(&n.as_str()) =>
            {
                None
            }
            Tok::Slash
            | Tok::DoubleSlash
            | Tok::Dot
            | Tok::DotDot
            | Tok::At
            | Tok::Star
            | Tok::Name(_) => {
                return self.location_path(None);
            }
            other => {
                return Err(ParseError {
                    at: t.start,
                    message: format!("unexpected {}", describe(other)),
                });
            }
        };
        let base = match primary {
            Some(e) => {
                self.pos += 1;
                e
            }
            None if t.kind == Tok::LParen => {
                self.pos += 1;
                let e = self.expr(0)?;
                self.expect(Tok::RParen)?;
                e
            }
            None => self.call()?,
        };
        let mut predicates = Vec::new();
        while self.peek_kind(0) == Some(&Tok::LBracket) {
            predicates.push(self.predicate()?);
        }
        let base = if predicates.is_empty() {
            base
        } else {
            Expr::Filter {
                base: Box::new(base),
                predicates,
            }
        };
        if matches!(self.peek_kind(0), Some(Tok::Slash | Tok::DoubleSlash)) {
            return self.location_path(Some(base));
        }
        Ok(base)
    }

    fn call(&mut self) -> Result<Expr, ParseError> {
        let Some(Token {
            kind: Tok::Name(name),
            start,
            ..
        }) = self.next()
        else {
            return Err(ParseError {
                at: self.at(),
                message: "expected a function name".into(),
            });
        };
        self.expect(Tok::LParen)?;
        let mut args = Vec::new();
        if self.peek_kind(0) != Some(&Tok::RParen) {
            loop {
                args.push(self.expr(0)?);
                if self.peek_kind(0) == Some(&Tok::Comma) {
                    self.pos += 1;
                    continue;
                }
                break;
            }
        }
        self.expect(Tok::RParen)?;
        Ok(Expr::Call { name, args, start })
    }

    fn predicate(&mut self) -> Result<Expr, ParseError> {
        self.expect(Tok::LBracket)?;
        let e = self.expr(0)?;
        self.expect(Tok::RBracket)?;
        Ok(e)
    }

    fn location_path(&mut self, base: Option<Expr>) -> Result<Expr, ParseError> {
        let mut steps = Vec::new();
        let mut absolute = false;
        let mut descendant = false;
        match self.peek_kind(0) {
            Some(Tok::Slash) => {
                self.pos += 1;
                absolute = base.is_none();
                // `/` alone is the root node.
                if absolute && !self.starts_step() {
                    return Ok(Expr::Path {
                        base: None,
                        absolute,
                        steps,
                    });
                }
            }
            Some(Tok::DoubleSlash) => {
                self.pos += 1;
                absolute = base.is_none();
                descendant = true;
            }
            _ => {}
        }
        loop {
            steps.push(self.step(descendant)?);
            match self.peek_kind(0) {
                Some(Tok::Slash) => descendant = false,
                Some(Tok::DoubleSlash) => descendant = true,
                _ => break,
            }
            self.pos += 1;
        }
        Ok(Expr::Path {
            base: base.map(Box::new),
            absolute,
            steps,
        })
    }

    fn starts_step(&self) -> bool {
        matches!(
            self.peek_kind(0),
            Some(Tok::Dot | Tok::DotDot | Tok::At | Tok::Star | Tok::Name(_))
        ) && !self
            .peek()
            .is_some_and(|t| infix(&t.kind).is_some() && !matches!(t.kind, Tok::Name(_)))
    }

    fn step(&mut self, descendant: bool) -> Result<Step, ParseError> {
        let Some(t) = self.next() else {
            return Err(ParseError {
                at: self.len,
                message: "a path ends with `/`".into(),
            });
        };
        let mut axis = None;
        let test = match t.kind {
            Tok::Dot => ".".to_string(),
            Tok::DotDot => "..".to_string(),
            Tok::At => {
                axis = Some("attribute".to_string());
                self.name_test()?
            }
            Tok::Star => "*".to_string(),
            Tok::Name(n) if self.peek_kind(0) == Some(&Tok::ColonColon) => {
                self.pos += 1;
                axis = Some(n);
                self.name_test()?
            }
            Tok::Name(n) if self.peek_kind(0) == Some(&Tok::LParen) => {
                self.pos += 1;
                if self.peek_kind(0) != Some(&Tok::RParen) {
                    let _ = self.expr(0)?;
                }
                self.expect(Tok::RParen)?;
                format!("{n}()")
            }
            Tok::Name(n) => n,
            other => {
                return Err(ParseError {
                    at: t.start,
                    message: format!("unexpected {} in a path", describe(&other)),
                });
            }
        };
        let mut predicates = Vec::new();
        while self.peek_kind(0) == Some(&Tok::LBracket) {
            predicates.push(self.predicate()?);
        }
        Ok(Step {
            axis,
            test,
            predicates,
            descendant,
        })
    }

    fn name_test(&mut self) -> Result<String, ParseError> {
        match self.next() {
            Some(Token {
                kind: Tok::Name(n), ..
            }) => {
                if self.peek_kind(0) == Some(&Tok::LParen) && NODE_TYPES.contains(&n.as_str()) {
                    self.pos += 1;
                    self.expect(Tok::RParen)?;
                    return Ok(format!("{n}()"));
                }
                Ok(n)
            }
            Some(Token {
                kind: Tok::Star, ..
            }) => Ok("*".into()),
            Some(t) => Err(ParseError {
                at: t.start,
                message: format!("expected a name but found {}", describe(&t.kind)),
            }),
            None => Err(ParseError {
                at: self.len,
                message: "expected a name at the end".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_binds_multiplication_tighter_than_addition_and_comparison() {
        let e = parse("1 + 2 * 3 > 4 and true()").unwrap();
        let Expr::Binary { op: "and", lhs, .. } = e else {
            panic!("top is and")
        };
        let Expr::Binary { op: ">", lhs, .. } = *lhs else {
            panic!("then >")
        };
        assert!(matches!(*lhs, Expr::Binary { op: "+", .. }));
    }

    #[test]
    fn paths_with_predicates_and_instance_calls_parse() {
        assert!(parse("instance('area')/root/item[site= ${site} ]").is_ok());
        assert!(parse("count(../person[age > 18]/name)").is_ok());
        assert!(parse("/data/a | /data/b").is_ok());
        assert!(parse(".//text()").is_ok());
        assert!(parse("@id").is_ok());
        assert!(parse("-${x} * -2").is_ok());
        assert!(parse("/").is_ok());
    }

    #[test]
    fn broken_expressions_say_where() {
        assert_eq!(
            parse("concat(${a}, ").unwrap_err().message,
            "the expression ends too early"
        );
        assert!(parse("1 +").is_err());
        assert!(parse("(1").is_err());
        assert!(parse("a b").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn very_long_operator_chains_are_refused_without_overflowing() {
        let long = vec!["1"; 20_000].join(" + ");
        assert!(parse(&long).is_err());
        let fine = vec!["1"; 1000].join(" + ");
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing() {
        let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(parse(&deep).is_err());
    }
}
