//! Reading a workbook from bytes, whatever its format, into sheets of text rows.
//!
//! The format is chosen by content, never by file name: real forms arrive as `.xls`
//! bytes named `.xlsx`. Every cell becomes text the way pyxform renders it (whole
//! numbers without `.0`, booleans as `TRUE`/`FALSE`), so the rest of the compiler
//! only ever sees strings.

mod cfb_check;
mod csv;
mod excel;
mod markdown;

use crate::diagnostics::{Diagnostic, Problem};

/// A workbook as the compiler sees it: named sheets of text rows.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
}

/// One sheet. The first row is the header row.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Row>,
}

/// One row with the number the spreadsheet user sees (the header is row 1).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Row {
    pub number: u32,
    /// Cell texts, left to right; an empty cell is an empty string.
    pub cells: Vec<String>,
}

impl Row {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

impl Workbook {
    /// The sheet with this name, compared without regard to case as pyxform does.
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets
            .iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case(name))
    }
}

/// Which reader a byte string is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Xls,
    Markdown,
    Csv,
}

/// Reads a workbook in any supported format.
pub fn read(input: &[u8]) -> Result<Workbook, Diagnostic> {
    match detect(input) {
        Some(Format::Xlsx) | Some(Format::Xls) => excel::read(input),
        Some(Format::Markdown) => markdown::read(text_of(input)?),
        Some(Format::Csv) => csv::read(text_of(input)?),
        None => Err(Diagnostic::error(Problem::UnknownFileFormat, None)),
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn detect(input: &[u8]) -> Option<Format> {
    if input.starts_with(ZIP_MAGIC) {
        return Some(Format::Xlsx);
    }
    if input.starts_with(OLE_MAGIC) {
        return Some(Format::Xls);
    }
    let text = std::str::from_utf8(input).ok()?;
    // The same thresholds as pyxform: a minimal markdown form has five pipes in its
    // first 5 KB, a minimal CSV form four commas. Markdown is tried first because a
    // markdown label may well contain commas.
    let head: String = text.chars().take(5000).collect();
    if head.matches('|').count() >= 5 {
        Some(Format::Markdown)
    } else if head.matches(',').count() >= 4 {
        Some(Format::Csv)
    } else {
        None
    }
}

fn text_of(input: &[u8]) -> Result<&str, Diagnostic> {
    let text = std::str::from_utf8(input).map_err(|_| Diagnostic::error(Problem::NotUtf8, None))?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_bytes_are_read_as_xlsx_and_ole_bytes_as_xls() {
        assert_eq!(detect(b"PK\x03\x04rest"), Some(Format::Xlsx));
        assert_eq!(detect(OLE_MAGIC), Some(Format::Xls));
    }

    #[test]
    fn text_with_pipes_is_markdown_and_with_commas_is_csv() {
        assert_eq!(
            detect(b"| survey |\n| | type | name |"),
            Some(Format::Markdown)
        );
        assert_eq!(detect(b"survey,,\n,type,name\n,text,a"), Some(Format::Csv));
        assert_eq!(detect(b"just words"), None);
    }

    #[test]
    fn unknown_bytes_give_an_error_not_a_panic() {
        let err = read(&[0xff, 0xfe, 0x00, 0x01]).unwrap_err();
        assert!(matches!(err.problem(), Problem::UnknownFileFormat));
    }
}
