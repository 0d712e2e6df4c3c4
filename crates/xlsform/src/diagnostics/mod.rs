//! Structured diagnostics: what is wrong, where, and what to change, in English and
//! Ukrainian. The crate returns these; callers render them in the reader's language.

mod en;
mod problem;
mod uk;

pub use problem::Problem;

/// How serious a diagnostic is: errors stop the conversion, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// The language a diagnostic is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Uk,
}

/// Where in the workbook a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub sheet: String,
    /// The row number as the spreadsheet user sees it (1-based, the header is row 1).
    pub row: Option<u32>,
    /// The column header as written in the workbook.
    pub column: Option<String>,
}

impl Location {
    pub fn sheet(sheet: &str) -> Self {
        Location {
            sheet: sheet.to_string(),
            row: None,
            column: None,
        }
    }

    pub fn row(sheet: &str, row: u32) -> Self {
        Location {
            sheet: sheet.to_string(),
            row: Some(row),
            column: None,
        }
    }

    pub fn cell(sheet: &str, row: u32, column: &str) -> Self {
        Location {
            sheet: sheet.to_string(),
            row: Some(row),
            column: Some(column.to_string()),
        }
    }
}

/// One error or warning about a form.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Option<Location>,
    pub problem: Problem,
}

impl Diagnostic {
    pub fn error(problem: Problem, location: Option<Location>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            location,
            problem,
        }
    }

    pub fn warning(problem: Problem, location: Option<Location>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            location,
            problem,
        }
    }

    /// What is wrong, without the location.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// The same as [`Diagnostic::problem`]: the kind of problem with its data.
    pub fn kind(&self) -> &Problem {
        &self.problem
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The full sentence: where, what, and what to change.
    pub fn message(&self, lang: Lang) -> String {
        let text = match lang {
            Lang::En => en::text(&self.problem),
            Lang::Uk => uk::text(&self.problem),
        };
        match &self.location {
            Some(location) => format!("{}: {text}", place(location, lang)),
            None => text,
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

fn place(location: &Location, lang: Lang) -> String {
    let (sheet, row, column) = match lang {
        Lang::En => ("Sheet", "row", "column"),
        Lang::Uk => ("Аркуш", "рядок", "стовпець"),
    };
    let mut out = format!("{sheet} `{}`", location.sheet);
    if let Some(r) = location.row {
        out.push_str(&format!(", {row} {r}"));
    }
    if let Some(c) = &location.column {
        out.push_str(&format!(", {column} `{c}`"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_names_sheet_row_and_column_in_both_languages() {
        let d = Diagnostic::error(
            Problem::UnknownReference {
                name: "age".into(),
                suggestion: Some("age_years".into()),
            },
            Some(Location::cell("survey", 14, "relevant")),
        );
        let en = d.message(Lang::En);
        assert!(
            en.starts_with("Sheet `survey`, row 14, column `relevant`: "),
            "{en}"
        );
        assert!(en.contains("${age_years}"), "{en}");
        let uk = d.message(Lang::Uk);
        assert!(
            uk.starts_with("Аркуш `survey`, рядок 14, стовпець `relevant`: "),
            "{uk}"
        );
        assert_eq!(d.to_string(), en);
    }
}
