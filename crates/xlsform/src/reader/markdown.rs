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
        let mut raw = split_cells(inner).into_iter();
        let first = raw.next().unwrap_or_default().trim().to_string();
        let mut rest: Vec<String> = raw.collect();
        // An unescaped `|` inside the last column (XPath's union operator)
        // splits the row into more cells than the header has: join them back.
        if let Some(header_len) = sheets
            .last()
            .filter(|_| first.is_empty())
            .and_then(|s| s.rows.first())
            .map(|h| h.cells.len())
            && header_len > 0
            && rest.len() > header_len
            && rest[header_len..].iter().any(|c| !c.trim().is_empty())
        {
            let joined = rest[header_len - 1..].join("|");
            rest.truncate(header_len - 1);
            rest.push(joined);
        }
        let rest: Vec<String> = rest.into_iter().map(|c| c.trim().to_string()).collect();
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
/// The cells keep their spaces.
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
    cells
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
