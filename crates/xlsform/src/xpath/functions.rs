//! The functions ODK Collect evaluates (XPath 1.0 core plus the ODK XForms
//! extensions) and how many arguments each takes.

#[derive(Debug, Clone, Copy)]
pub struct Arity {
    min: usize,
    /// `None`: any number from `min` up.
    max: Option<usize>,
    /// indexed-repeat takes 3, 5, 7, ... arguments.
    odd_only: bool,
}

impl Arity {
    pub fn accepts(&self, n: usize) -> bool {
        n >= self.min && self.max.is_none_or(|m| n <= m) && (!self.odd_only || n % 2 == 1)
    }

    pub fn describe(&self) -> String {
        match (self.max, self.odd_only) {
            (_, true) => format!("an odd number (at least {})", self.min),
            (Some(m), _) if m == self.min => m.to_string(),
            (Some(m), _) => format!("{} to {m}", self.min),
            (None, _) => format!("at least {}", self.min),
        }
    }
}

const fn a(min: usize, max: usize) -> Arity {
    Arity {
        min,
        max: Some(max),
        odd_only: false,
    }
}

const fn at_least(min: usize) -> Arity {
    Arity {
        min,
        max: None,
        odd_only: false,
    }
}

pub fn arity(name: &str) -> Option<Arity> {
    Some(match name {
        // XPath 1.0 core, less what JavaRosa does not implement (`last`,
        // `floor`, `ceiling`: ODK Validate fails on them).
        "position" => a(0, 1),
        "count" | "id" | "boolean" | "not" | "lang" | "sum" => a(1, 1),
        "local-name" | "namespace-uri" | "name" | "string" | "string-length"
        | "normalize-space" | "number" => a(0, 1),
        "concat" => at_least(0),
        "starts-with" | "ends-with" | "contains" | "substring-before" | "substring-after" => {
            a(2, 2)
        }
        "substring" | "substr" => a(2, 3),
        "translate" => a(3, 3),
        "true" | "false" => a(0, 0),
        "round" => a(1, 2),
        // ODK XForms.
        "if" => a(3, 3),
        "coalesce" => a(2, 2),
        "selected" | "selected-at" | "jr:choice-name" => a(2, 2),
        "count-selected" | "count-non-empty" | "boolean-from-string" => a(1, 1),
        "jr:itext" | "once" | "date" | "date-time" | "decimal-date-time" | "decimal-time"
        | "int" => a(1, 1),
        "format-date" | "format-date-time" | "regex" | "pow" | "atan2" | "join" => a(2, 2),
        "today" | "now" | "pi" | "random" | "current" => a(0, 0),
        "log" | "log10" | "abs" | "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "sqrt"
        | "exp" | "exp10" => a(1, 1),
        "uuid" => a(0, 1),
        "checklist" => at_least(2),
        "weighted-checklist" => at_least(3),
        "max" | "min" => at_least(1),
        "area" => a(1, 1),
        "distance" => at_least(1),
        "geofence" => a(2, 2),
        "digest" => a(2, 3),
        "base64-decode" => a(1, 1),
        "extract-signed" => a(2, 2),
        "instance" => a(1, 1),
        "randomize" => a(1, 2),
        "pulldata" => a(4, 4),
        "indexed-repeat" => Arity {
            min: 3,
            max: None,
            odd_only: true,
        },
        "version" => a(0, 0),
        "property" => a(1, 1),
        "sha1" | "sha256" | "md5" => a(1, 1),
        _ => return None,
    })
}
