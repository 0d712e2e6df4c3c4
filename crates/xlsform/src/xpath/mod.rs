//! Expressions: parsing XPath 1.0 with the ODK functions, checking function names and
//! arity, finding `${name}` references, and rewriting them to paths as pyxform does.

mod functions;
pub mod lexer;
pub mod parser;
pub mod refs;

pub use parser::{Expr, ParseError, parse};

use crate::diagnostics::Problem;

/// What checking an expression found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Checked {
    /// `${name}` references in order of appearance.
    pub references: Vec<String>,
    /// Problems that do not stop the conversion (unknown functions).
    pub warnings: Vec<Problem>,
}

/// Parses an expression and checks its functions. Errors are syntax and arity.
pub fn check(text: &str) -> Result<Checked, Problem> {
    let expr = parse(text).map_err(|e| Problem::ExpressionSyntax {
        detail: format!(
            "{} (at character {})",
            e.message,
            char_index(text, e.at) + 1
        ),
    })?;
    let mut checked = Checked::default();
    walk(&expr, &mut checked)?;
    Ok(checked)
}

const AXES: &[&str] = &[
    "ancestor",
    "ancestor-or-self",
    "attribute",
    "child",
    "descendant",
    "descendant-or-self",
    "following",
    "following-sibling",
    "namespace",
    "parent",
    "preceding",
    "preceding-sibling",
    "self",
];

fn char_index(text: &str, byte: usize) -> usize {
    text.char_indices().take_while(|(i, _)| *i < byte).count()
}

fn walk(expr: &Expr, out: &mut Checked) -> Result<(), Problem> {
    match expr {
        Expr::Number(_) | Expr::Literal(_) | Expr::Variable(_) => Ok(()),
        Expr::Reference { name, .. } => {
            out.references.push(name.clone());
            Ok(())
        }
        Expr::Call { name, args, .. } => {
            match functions::arity(name) {
                Some(arity) if !arity.accepts(args.len()) => {
                    return Err(Problem::WrongArity {
                        function: name.clone(),
                        expected: arity.describe(),
                        found: args.len(),
                    });
                }
                Some(_) => {}
                // JavaRosa refuses the whole form when it meets a function it does
                // not know, so this is an error here rather than in Collect.
                None => return Err(Problem::UnknownFunction { name: name.clone() }),
            }
            args.iter().try_for_each(|a| walk(a, out))
        }
        Expr::Negate(e) => walk(e, out),
        Expr::Binary { op, lhs, rhs } => {
            // JavaRosa evaluates no node-set union ("unsupported construct").
            if *op == "|" {
                return Err(Problem::UnsupportedXPath {
                    construct: "|".into(),
                });
            }
            walk(lhs, out)?;
            walk(rhs, out)
        }
        Expr::Path { base, steps, .. } => {
            if let Some(b) = base {
                walk(b, out)?;
            }
            for step in steps {
                // JavaRosa cannot track dependencies through `//`.
                if step.descendant {
                    return Err(Problem::UnsupportedXPath {
                        construct: "//".into(),
                    });
                }
                if let Some(axis) = &step.axis
                    && !AXES.contains(&axis.as_str())
                {
                    return Err(Problem::ExpressionSyntax {
                        detail: format!("`{axis}` is not an XPath axis"),
                    });
                }
            }
            steps
                .iter()
                .flat_map(|s| s.predicates.iter())
                .try_for_each(|p| walk(p, out))
        }
        Expr::Filter { base, predicates } => {
            walk(base, out)?;
            predicates.iter().try_for_each(|p| walk(p, out))
        }
    }
}

/// Whether a default value is an expression to evaluate (pyxform's rule: it contains
/// an operator, a predicate, a reference or a function call) rather than a literal.
pub fn is_dynamic_default(value: &str, type_name: &str) -> bool {
    use lexer::Tok;
    let Ok(tokens) = lexer::tokenize(value) else {
        return false;
    };
    let dated = matches!(
        type_name,
        "date" | "dateTime" | "geopoint" | "geotrace" | "geoshape"
    );
    let mut previous_end = None;
    for (i, t) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1);
        let dynamic = match &t.kind {
            Tok::Plus | Tok::Star | Tok::Pipe | Tok::LBracket | Tok::Reference { .. } => true,
            Tok::Minus => {
                // `-5` (a sign touching a digit) is a number to pyxform, even in `5-3`.
                let signed =
                    next.is_some_and(|n| matches!(n.kind, Tok::Number(_)) && n.start == t.end);
                if dated {
                    return false;
                }
                !signed
            }
            Tok::Name(n)
                if (n == "div" || n == "mod") && previous_end.is_some_and(|e| e < t.start) =>
            {
                next.is_some_and(|n| n.start > t.end)
            }
            Tok::Name(_) => next.is_some_and(|n| n.kind == Tok::LParen),
            _ => false,
        };
        if dynamic {
            return true;
        }
        previous_end = Some(t.end);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_collected_in_order() {
        let c = check("${a} + count(${b}[. > ${a}])").unwrap();
        assert_eq!(c.references, vec!["a", "b", "a"]);
    }

    #[test]
    fn a_known_function_with_the_wrong_number_of_arguments_is_an_error() {
        let e = check("if(${a} > 1, 'x')").unwrap_err();
        assert!(
            matches!(e, Problem::WrongArity { ref function, found: 2, .. } if function == "if")
        );
        assert!(check("concat('a', 'b', 'c', 'd')").is_ok());
    }

    #[test]
    fn an_unknown_function_is_an_error() {
        assert_eq!(
            check("frobnicate(1)"),
            Err(Problem::UnknownFunction {
                name: "frobnicate".into()
            })
        );
        assert!(check("floor(1.5)").is_err());
    }

    #[test]
    fn descendants_and_unknown_axes_are_refused() {
        assert!(check("count(//a)").is_err());
        assert!(check("count(sideways::a)").is_err());
        assert!(check("count(/data/a | /data/b)").is_err());
        assert!(check("count(../a) + count(child::a)").is_ok());
    }

    #[test]
    fn defaults_with_operators_references_or_calls_are_dynamic() {
        assert!(is_dynamic_default("${a} + 1", "integer"));
        assert!(is_dynamic_default("today()", "date"));
        assert!(!is_dynamic_default("5", "integer"));
        assert!(!is_dynamic_default("-5", "integer"));
        assert!(!is_dynamic_default("2024-01-01", "date"));
        assert!(!is_dynamic_default("hello world", "text"));
        assert!(!is_dynamic_default("it's", "text"));
    }
}
