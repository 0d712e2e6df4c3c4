//! `.xlsx` and legacy `.xls` workbooks, through calamine.
//!
//! `.xlsx` sheets are streamed cell by cell: calamine's `Range` is dense, so a
//! hostile file with one cell in A1 and one in XFD1048576 would ask for billions
//! of cells. Legacy `.xls` (at most 65 536 × 256 cells) and other formats use the
//! `Range` API.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_auto_from_rs};

use super::{Row, Sheet, Workbook};
use crate::diagnostics::{Diagnostic, Problem};

/// pyxform stops reading a sheet after this many blank rows in a row.
const MAX_BLANK_ROWS: u32 = 60;
/// Columns past this are ignored; pyxform stops after 20 blank header cells.
const MAX_COLUMNS: u32 = 1024;
/// The most cells (empty ones included) read from a workbook. The 680-row
/// benchmark form has about 10 000; a compressed sheet could otherwise expand
/// without bound.
const MAX_CELLS: usize = 2_000_000;
/// The most bytes an `.xlsx` may decompress to, all its parts together. Real
/// XLSForms decompress to a few MB; a zip bomb to gigabytes.
const MAX_UNCOMPRESSED: u64 = 100 << 20;

pub fn read(input: &[u8]) -> Result<Workbook, Diagnostic> {
    if input.starts_with(b"PK\x03\x04") {
        check_zip_sizes(input)?;
        if let Ok(mut book) = Xlsx::new(Cursor::new(input)) {
            return read_xlsx(&mut book);
        }
    }
    if input.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        && let Err(super::cfb_check::Broken(why)) = super::cfb_check::check(input)
    {
        return Err(unreadable(format!("the .xls container is damaged: {why}")));
    }
    // calamine is third-party code reading hostile bytes: a panic in it must not
    // take the caller down (fuzzing runs with panics as aborts, so it still sees them).
    std::panic::catch_unwind(|| read_any(input))
        .unwrap_or_else(|_| Err(unreadable("the reader failed on this file".to_string())))
}

/// Refuses a zip whose parts would decompress to more than `MAX_UNCOMPRESSED`.
/// The sizes come from the central directory; the zip reader calamine uses
/// stops any part at its declared size, so a part cannot lie its way past this.
fn check_zip_sizes(input: &[u8]) -> Result<(), Diagnostic> {
    // A broken archive is left to calamine, which says what is wrong with it.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(input)) else {
        return Ok(());
    };
    let mut total = 0u64;
    for i in 0..archive.len() {
        if let Ok(part) = archive.by_index_raw(i) {
            total = total.saturating_add(part.size());
        }
    }
    if total > MAX_UNCOMPRESSED {
        return Err(too_large(format!(
            "{} MB once decompressed",
            total.div_ceil(1 << 20)
        )));
    }
    Ok(())
}

fn too_large(what: String) -> Diagnostic {
    Diagnostic::error(Problem::WorkbookTooLarge { what }, None)
}

fn unreadable(detail: String) -> Diagnostic {
    Diagnostic::error(Problem::UnreadableWorkbook { detail }, None)
}

fn read_xlsx(book: &mut Xlsx<Cursor<&[u8]>>) -> Result<Workbook, Diagnostic> {
    let mut sheets = Vec::new();
    let mut count = 0usize;
    for name in book.sheet_names() {
        let mut cells = book
            .worksheet_cells_reader(&name)
            .map_err(|e| unreadable(format!("{name}: {e}")))?;
        let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        while let Some(cell) = cells
            .next_cell()
            .map_err(|e| unreadable(format!("{name}: {e}")))?
        {
            count += 1;
            if count > MAX_CELLS {
                return Err(too_large(format!("more than {MAX_CELLS} cells")));
            }
            let (r, c) = cell.get_position();
            if c >= MAX_COLUMNS {
                continue;
            }
            let text = cell_text(&Data::from(cell.get_value().clone()));
            if text.is_empty() {
                continue;
            }
            let row = rows.entry(r).or_default();
            let c = c as usize;
            if row.len() <= c {
                row.resize(c + 1, String::new());
            }
            row[c] = text;
        }
        sheets.push(Sheet {
            name,
            rows: numbered(rows),
        });
    }
    Ok(Workbook { sheets })
}

/// Rows in order from spreadsheet row 1 (the header, possibly empty), stopping
/// where pyxform stops: after a run of blank rows.
fn numbered(rows: BTreeMap<u32, Vec<String>>) -> Vec<Row> {
    let mut out = Vec::new();
    if !rows.contains_key(&0) {
        out.push(Row {
            number: 1,
            cells: Vec::new(),
        });
    }
    let mut last = 0;
    for (r, cells) in rows {
        let row = Row {
            number: r.saturating_add(1),
            cells,
        };
        if row.is_blank() {
            continue;
        }
        if r > 0 && r.saturating_sub(last) > MAX_BLANK_ROWS + 1 {
            break;
        }
        last = r;
        out.push(row);
    }
    out
}

fn read_any(input: &[u8]) -> Result<Workbook, Diagnostic> {
    let mut book =
        open_workbook_auto_from_rs(Cursor::new(input)).map_err(|e| unreadable(e.to_string()))?;
    let names = book.sheet_names();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| unreadable(format!("{name}: {e}")))?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for (i, cells) in range.rows().enumerate() {
            let r = first_row.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
            let mut texts: Vec<String> = vec![String::new(); first_col.min(MAX_COLUMNS) as usize];
            texts.extend(
                cells
                    .iter()
                    .take(MAX_COLUMNS.saturating_sub(first_col) as usize)
                    .map(cell_text),
            );
            if texts.iter().any(|t| !t.trim().is_empty()) {
                rows.insert(r, texts);
            }
        }
        sheets.push(Sheet {
            name,
            rows: numbered(rows),
        });
    }
    Ok(Workbook { sheets })
}

/// A cell as pyxform writes it: whole numbers without a fraction, booleans in
/// capitals, dates as `YYYY-MM-DD HH:MM:SS`, no-break spaces as spaces.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.replace('\u{a0}', " "),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(true) => "TRUE".to_string(),
        Data::Bool(false) => "FALSE".to_string(),
        Data::DateTime(dt) => excel_date_text(dt.as_f64(), dt.is_duration()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.replace('T', " "),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        // Python's repr of a float: shortest text that reads back the same.
        let s = format!("{f:?}");
        s.replace("e", "e+").replace("e+-", "e-")
    }
}

/// Converts an Excel serial date (1900 system) to text without a date library.
fn excel_date_text(serial: f64, is_duration: bool) -> String {
    if !serial.is_finite() || !(0.0..=3_000_000.0).contains(&serial) {
        return float_text(serial);
    }
    let total_seconds = (serial * 86_400.0).round() as i64;
    let days = total_seconds.div_euclid(86_400);
    let secs = total_seconds.rem_euclid(86_400);
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if days == 0 || is_duration {
        return format!("{h:02}:{m:02}:{s:02}");
    }
    // Serial 25569 is 1970-01-01; Excel's fictitious 1900-02-29 sits below 61.
    let unix_days = if days < 61 {
        days - 25568
    } else {
        days - 25569
    };
    let (y, mo, d) = civil_from_days(unix_days);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02}:{s:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's method).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_floats_print_without_a_fraction() {
        assert_eq!(float_text(3.0), "3");
        assert_eq!(float_text(2.5), "2.5");
    }

    #[test]
    fn excel_serial_dates_become_iso_text() {
        assert_eq!(excel_date_text(45292.0, false), "2024-01-01 00:00:00");
        assert_eq!(excel_date_text(0.5, false), "12:00:00");
    }

    #[test]
    fn garbage_bytes_with_a_zip_header_are_an_error() {
        assert!(read(b"PK\x03\x04garbage").is_err());
    }
}
