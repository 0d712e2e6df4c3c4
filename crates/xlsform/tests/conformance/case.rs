//! The conformance case format (see README.md beside this file): markdown files
//! holding named cases, each a form and the facts its conversion must show.

use std::fmt;
use std::path::{Path, PathBuf};

/// One conformance case.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// The case file's path below `tests/conformance`, without `.md`.
    pub area: String,
    pub path: PathBuf,
    pub line: usize,
    pub form: Form,
    pub expectations: Vec<Expectation>,
}

/// Where the form of a case comes from.
#[derive(Debug, Clone)]
pub enum Form {
    /// Markdown tables written in the case.
    Markdown(String),
    /// A workbook file beside the case file.
    File(PathBuf),
}

/// One fact a case's conversion must show.
#[derive(Debug, Clone)]
pub struct Expectation {
    pub line: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    XPath(String),
    Error {
        fragments: Vec<String>,
        at: Option<Place>,
    },
    Warning {
        fragments: Vec<String>,
        at: Option<Place>,
    },
    WarningCount(usize),
    FormId(String),
    Title(String),
    Version(String),
    Attachment(String),
    ItemsetsLine(String),
    NoItemsets,
}

/// An expected diagnostic location; parts left out are not checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Place {
    pub sheet: Option<String>,
    pub row: Option<u32>,
    pub column: Option<String>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(sheet) = &self.sheet {
            parts.push(format!("sheet {sheet}"));
        }
        if let Some(row) = self.row {
            parts.push(format!("row {row}"));
        }
        if let Some(column) = &self.column {
            parts.push(format!("column {column}"));
        }
        f.write_str(&parts.join(", "))
    }
}

impl Case {
    pub fn expects_error(&self) -> bool {
        self.expectations
            .iter()
            .any(|e| matches!(e.kind, Kind::Error { .. }))
    }
}

/// Reads every case below `root`; an ill-formed case file is an error naming the line.
pub fn load_all(root: &Path) -> Result<Vec<Case>, String> {
    let mut files = Vec::new();
    collect_case_files(root, &mut files)?;
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
        let area = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        cases.extend(parse(&text, &file, &area)?);
    }
    let mut seen = std::collections::HashMap::new();
    for case in &cases {
        if let Some(other) = seen.insert(case.name.clone(), case.path.clone()) {
            return Err(format!(
                "case name {} appears in {} and {}",
                case.name,
                other.display(),
                case.path.display()
            ));
        }
    }
    Ok(cases)
}

fn collect_case_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("{}: cannot list: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_case_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md")
            && !matches!(
                path.file_name().and_then(|n| n.to_str()),
                Some("README.md" | "NEEDS.md")
            )
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Parses one case file.
pub fn parse(text: &str, path: &Path, area: &str) -> Result<Vec<Case>, String> {
    let mut cases: Vec<Case> = Vec::new();
    let mut form_lines: Vec<Vec<String>> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        let at = || format!("{}:{number}", path.display());
        if let Some(name) = line.strip_prefix("## ") {
            let name = name.trim();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(format!("{}: case name {name:?} must be snake_case", at()));
            }
            cases.push(Case {
                name: name.to_string(),
                area: area.to_string(),
                path: path.to_path_buf(),
                line: number,
                form: Form::Markdown(String::new()),
                expectations: Vec::new(),
            });
            form_lines.push(Vec::new());
            continue;
        }
        let (Some(case), Some(lines)) = (cases.last_mut(), form_lines.last_mut()) else {
            continue;
        };
        if line.is_empty() || line.starts_with('#') || line.starts_with('>') {
            continue;
        }
        if line.starts_with('|') {
            lines.push(line.to_string());
            continue;
        }
        if line == "no-itemsets" {
            case.expectations.push(Expectation {
                line: number,
                kind: Kind::NoItemsets,
            });
            continue;
        }
        let Some((keyword, value)) = line.split_once(':') else {
            return Err(format!("{}: unknown line {line:?}", at()));
        };
        let value = value.trim().to_string();
        let kind = match keyword.trim() {
            "xpath" => Kind::XPath(value),
            "error" => Kind::Error {
                fragments: fragments(&value),
                at: None,
            },
            "warning" => Kind::Warning {
                fragments: fragments(&value),
                at: None,
            },
            "warnings" => Kind::WarningCount(
                value
                    .parse()
                    .map_err(|_| format!("{}: `warnings:` needs a number", at()))?,
            ),
            "form_id" => Kind::FormId(value),
            "title" => Kind::Title(value),
            "version" => Kind::Version(value),
            "attachment" => Kind::Attachment(value),
            "itemsets" => Kind::ItemsetsLine(value),
            "file" => {
                case.form = Form::File(path.parent().unwrap_or(Path::new(".")).join(&value));
                continue;
            }
            "at" => {
                let place = parse_place(&value).map_err(|e| format!("{}: {e}", at()))?;
                match case.expectations.last_mut().map(|e| &mut e.kind) {
                    Some(Kind::Error { at, .. } | Kind::Warning { at, .. }) => *at = Some(place),
                    _ => {
                        return Err(format!(
                            "{}: `at:` must follow an error or warning line",
                            at()
                        ));
                    }
                }
                continue;
            }
            other => return Err(format!("{}: unknown keyword {other:?}", at())),
        };
        case.expectations.push(Expectation { line: number, kind });
    }
    for (case, lines) in cases.iter_mut().zip(form_lines) {
        if case.expectations.is_empty() {
            return Err(format!(
                "{}:{}: case {} expects nothing",
                path.display(),
                case.line,
                case.name
            ));
        }
        if let Form::Markdown(text) = &mut case.form {
            if lines.is_empty() {
                return Err(format!(
                    "{}:{}: case {} has no form",
                    path.display(),
                    case.line,
                    case.name
                ));
            }
            *text = lines.join("\n") + "\n";
        }
    }
    Ok(cases)
}

fn fragments(value: &str) -> Vec<String> {
    value
        .split(';')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parses `survey row 3 column label::English (en)`; every part is optional.
fn parse_place(value: &str) -> Result<Place, String> {
    let mut place = Place::default();
    let mut rest = value.trim();
    if let Some((before, column)) = rest.split_once(" column ") {
        place.column = Some(column.trim().to_string());
        rest = before.trim();
    } else if let Some(column) = rest.strip_prefix("column ") {
        place.column = Some(column.trim().to_string());
        rest = "";
    }
    if let Some((before, row)) = rest.split_once("row ") {
        place.row = Some(
            row.trim()
                .parse()
                .map_err(|_| format!("row {row:?} is not a number"))?,
        );
        rest = before.trim();
    }
    if !rest.is_empty() {
        place.sheet = Some(rest.to_string());
    }
    Ok(place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_reads_sheet_row_and_column() {
        let place = parse_place("survey row 3 column label::English (en)").unwrap();
        assert_eq!(place.sheet.as_deref(), Some("survey"));
        assert_eq!(place.row, Some(3));
        assert_eq!(place.column.as_deref(), Some("label::English (en)"));
    }
}
