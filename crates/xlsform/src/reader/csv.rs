//! CSV XLSForms: the first column names the sheet, the other columns hold its rows.
//!
//! ```text
//! survey,,,
//! ,type,name,label
//! ,text,name,Your name
//! ```

use super::{Row, Sheet, Workbook};
use crate::diagnostics::Diagnostic;

pub fn read(text: &str) -> Result<Workbook, Diagnostic> {
    let mut sheets: Vec<Sheet> = Vec::new();
    for record in records(text) {
        let mut cells = record.into_iter();
        let first = cells.next().unwrap_or_default();
        let first = first.trim();
        let rest: Vec<String> = cells.map(|c| c.trim().to_string()).collect();
        if !first.is_empty() {
            sheets.push(Sheet {
                name: first.to_string(),
                rows: Vec::new(),
            });
        }
        if rest.iter().all(|c| c.is_empty()) {
            continue;
        }
        if let Some(sheet) = sheets.last_mut() {
            let number = u32::try_from(sheet.rows.len() + 1).unwrap_or(u32::MAX);
            sheet.rows.push(Row {
                number,
                cells: rest,
            });
        }
    }
    Ok(Workbook { sheets })
}

/// Splits CSV text into records: quoted fields may hold commas, newlines and `""`.
fn records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => in_quotes = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => in_quotes = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_commas_quotes_and_newlines() {
        let rows = records("a,\"b, \"\"c\"\"\nd\",e\r\nf\n");
        assert_eq!(rows[0], vec!["a", "b, \"c\"\nd", "e"]);
        assert_eq!(rows[1], vec!["f"]);
    }

    #[test]
    fn the_first_column_names_the_sheet() {
        let book = read("survey,,\n,type,name\n,text,a\nchoices,,\n,list_name,name\n").unwrap();
        assert_eq!(book.sheets[0].name, "survey");
        assert_eq!(book.sheets[0].rows[1].cells, vec!["text", "a"]);
        assert_eq!(book.sheets[1].name, "choices");
    }
}
