//! Markdown-table XLSForms, the format pyxform's own tests are written in:
//!
//! ```text
//! | survey |
//! |        | type    | name | label |
//! |        | integer | age  | Age   |
//! ```
//!
//! A line whose first cell is filled starts a new sheet; `#` starts a comment.

use super::{Row, Sheet, Workbook};
use crate::diagnostics::Diagnostic;

pub fn read(text: &str) -> Result<Workbook, Diagnostic> {
    let mut sheets: Vec<Sheet> = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let Some(inner) = table_cells(strip_inline_comment(line)) else {
            continue;
        };
        if is_separator(inner) {
            continue;
        }
        let mut cells = split_cells(inner).into_iter();
        let first = cells.next().unwrap_or_default();
        let rest: Vec<String> = cells.collect();
        if !first.is_empty() {
            sheets.push(Sheet {
                name: first,
                rows: Vec::new(),
            });
        }
        if rest.iter().all(|c| c.is_empty()) {
            continue;
        }
        if let Some(sheet) = sheets.last_mut() {
            // Rows are numbered among the sheet's non-blank rows, as pyxform does.
            let number = u32::try_from(sheet.rows.len() + 1).unwrap_or(u32::MAX);
            sheet.rows.push(Row {
                number,
                cells: rest,
            });
        }
    }
    Ok(Workbook { sheets })
}

/// The text between the first and the last pipe of a line, if it is a table line.
fn table_cells(line: &str) -> Option<&str> {
    let start = line.find('|')?;
    let end = line.rfind('|')?;
    (end > start).then(|| &line[start + 1..end])
}

/// `| a | b | # note` keeps `| a | b |`: a `#` after the last pipe is a comment.
fn strip_inline_comment(line: &str) -> &str {
    match (line.rfind('|'), line.rfind('#')) {
        (Some(pipe), Some(hash)) if hash > pipe => &line[..hash],
        _ => line,
    }
}

fn is_separator(inner: &str) -> bool {
    !inner.is_empty() && inner.chars().all(|c| c == '|' || c == '-')
}

/// Splits on pipes not preceded by a backslash; `\|` becomes a literal pipe.
fn split_cells(inner: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                current.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    cells.push(current);
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_start_at_lines_with_a_first_cell_and_rows_are_numbered_from_the_header() {
        let book = read(
            "| survey |\n|  | type | name |\n|---|---|---|\n| | text | a \\| b |\n\n| choices |\n| | list_name | name |\n",
        )
        .unwrap();
        assert_eq!(book.sheets.len(), 2);
        let survey = &book.sheets[0];
        assert_eq!(survey.name, "survey");
        assert_eq!(survey.rows[0].cells, vec!["type", "name"]);
        assert_eq!(survey.rows[1].number, 2);
        assert_eq!(survey.rows[1].cells, vec!["text", "a | b"]);
        assert_eq!(book.sheets[1].rows.len(), 1);
    }

    #[test]
    fn comments_are_ignored() {
        let book = read("# a comment\n| survey | # trailing\n| | type |\n").unwrap();
        assert_eq!(book.sheets[0].name, "survey");
        assert_eq!(book.sheets[0].rows.len(), 1);
    }
}
