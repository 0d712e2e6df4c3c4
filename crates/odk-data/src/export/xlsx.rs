//! The export as an XLSX workbook, one sheet per table, written as a stream.
//!
//! A minimal SpreadsheetML package of our own over the `zip` crate (the workspace has no
//! XLSX writer): content types, relationships, the workbook, one style (bold headers) and
//! the sheets. Strings are written inline (`t="inlineStr"`) rather than in a shared-strings
//! table, because that table would have to hold every distinct string of the export in
//! memory until the end. Everything but the sheets' rows is known from the layout, so it is
//! written first; then the main sheet streams, and the repeat sheets, spooled meanwhile,
//! are copied in at the end.
//!
//! Cells of numeric columns (int and decimal fields, geopoint parts, split options,
//! counters) are numbers when their text reads as one; everything else is text, so a value
//! such as `=HYPERLINK(…)` typed on a phone is never a formula.

use std::borrow::Cow;
use std::io::{self, Write};

use zip::ZipWriter;
use zip::write::StreamWriter;

use super::ExportError;
use super::layout::{ExportLayout, ExportRow};
use super::names::sheet_names;
use super::spool::SpoolFactory;
use super::zip_csv::Spools;

/// The most rows a worksheet holds (Excel's limit), header included.
pub const MAX_SHEET_ROWS: u32 = 1_048_576;

/// The most characters a cell holds; longer text is cut.
const MAX_CELL_CHARS: usize = 32_767;

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// Writes the workbook as submissions are pushed; see the module documentation.
pub struct XlsxExport<W: Write> {
    zip: ZipWriter<StreamWriter<W>>,
    layout: ExportLayout,
    sheet_names: Vec<String>,
    spools: Spools,
    /// Rows written per sheet so far, header included.
    rows: Vec<u32>,
    /// Column letters (`A`, `B`, … `AA`) of the widest table, computed once.
    letters: Vec<String>,
    line: Vec<u8>,
}

impl<W: Write> XlsxExport<W> {
    pub fn new(
        out: W,
        layout: ExportLayout,
        spools: &mut dyn SpoolFactory,
    ) -> Result<Self, ExportError> {
        let names = sheet_names(layout.tables.iter().map(|t| t.name.as_str()));
        let widest = layout
            .tables
            .iter()
            .map(|t| t.columns.len())
            .max()
            .unwrap_or(0);
        let letters: Vec<String> = (0..widest).map(column_letters).collect();
        let mut zip = ZipWriter::new_stream(out);
        write_package_parts(&mut zip, &names, &layout)?;

        let mut line = Vec::new();
        zip.start_file("xl/worksheets/sheet1.xml", layout.entry_options(false))?;
        zip.write_all(sheet_start().as_bytes())?;
        header_row(&mut line, &layout.header(0), &letters);
        zip.write_all(&line)?;
        let spools = Spools::new(layout.tables.len(), spools, |table, file| {
            let mut header = Vec::new();
            header_row(&mut header, &layout.header(table), &letters);
            file.write_all(sheet_start().as_bytes())?;
            file.write_all(&header)
        })?;
        Ok(XlsxExport {
            zip,
            rows: vec![1; layout.tables.len()],
            layout,
            sheet_names: names,
            spools,
            letters,
            line,
        })
    }

    pub fn push(&mut self, row: &ExportRow<'_>) -> Result<(), ExportError> {
        let XlsxExport {
            zip,
            layout,
            sheet_names,
            spools,
            rows,
            letters,
            line,
        } = self;
        layout.rows(row, &mut |table, cells: &[Cow<'_, str>]| {
            if rows[table] >= MAX_SHEET_ROWS {
                return Err(ExportError::TooManyRows {
                    sheet: sheet_names[table].clone(),
                    limit: MAX_SHEET_ROWS,
                });
            }
            rows[table] += 1;
            line.clear();
            let numeric = layout.tables[table].columns.iter().map(|c| c.numeric);
            data_row(line, rows[table], cells, numeric, letters);
            if table == 0 {
                zip.write_all(line)?;
            } else {
                spools.get(table).write_all(line)?;
            }
            Ok(())
        })
    }

    /// Closes the main sheet, copies the repeat sheets in and writes the ZIP's directory.
    pub fn finish(self) -> Result<W, ExportError> {
        let XlsxExport {
            mut zip,
            spools,
            layout,
            ..
        } = self;
        zip.write_all(SHEET_END.as_bytes())?;
        for spooled in spools.drain() {
            let (table, mut file) = spooled?;
            zip.start_file(
                format!("xl/worksheets/sheet{}.xml", table + 1),
                layout.entry_options(false),
            )?;
            io::copy(&mut file, &mut zip)?;
            zip.write_all(SHEET_END.as_bytes())?;
        }
        Ok(zip.finish()?.into_inner())
    }
}

const SHEET_END: &str = "</sheetData></worksheet>";

/// The sheet's opening, with the header row frozen.
fn sheet_start() -> String {
    format!(
        "{XML_DECL}<worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheetViews>\
         <sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" \
         activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews><sheetData>"
    )
}

fn write_package_parts<W: Write>(
    zip: &mut ZipWriter<StreamWriter<W>>,
    sheets: &[String],
    layout: &ExportLayout,
) -> Result<(), ExportError> {
    let mut types = format!(
        "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
         <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
    );
    for i in 1..=sheets.len() {
        types.push_str(&format!(
            "<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        ));
    }
    types.push_str("</Types>");

    let root_rels = format!(
        "{XML_DECL}<Relationships xmlns=\"{PKG_REL_NS}\"><Relationship Id=\"rId1\" \
         Type=\"{REL_NS}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
    );

    let mut workbook =
        format!("{XML_DECL}<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheets>");
    let mut workbook_rels = format!("{XML_DECL}<Relationships xmlns=\"{PKG_REL_NS}\">");
    for (i, name) in sheets.iter().enumerate() {
        let n = i + 1;
        workbook.push_str(&format!(
            "<sheet name=\"{}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>",
            escape(name)
        ));
        workbook_rels.push_str(&format!(
            "<Relationship Id=\"rId{n}\" Type=\"{REL_NS}/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"
        ));
    }
    workbook.push_str("</sheets></workbook>");
    workbook_rels.push_str(&format!(
        "<Relationship Id=\"rId{}\" Type=\"{REL_NS}/styles\" Target=\"styles.xml\"/></Relationships>",
        sheets.len() + 1
    ));

    let styles = format!(
        "{XML_DECL}<styleSheet xmlns=\"{MAIN_NS}\">\
         <fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font>\
         <font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>\
         <fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>\
         <fill><patternFill patternType=\"gray125\"/></fill></fills>\
         <borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
         <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
         <cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
         <xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>\
         <cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
         </styleSheet>"
    );

    for (name, content) in [
        ("[Content_Types].xml", types),
        ("_rels/.rels", root_rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/styles.xml", styles),
    ] {
        zip.start_file(name, layout.entry_options(false))?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(())
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

fn header_row(out: &mut Vec<u8>, names: &[&str], letters: &[String]) {
    out.extend_from_slice(b"<row r=\"1\">");
    for (i, name) in names.iter().enumerate() {
        write!(
            out,
            "<c r=\"{}1\" t=\"inlineStr\" s=\"1\"><is><t>",
            letters[i]
        )
        .expect("to memory");
        escape_into(out, name);
        out.extend_from_slice(b"</t></is></c>");
    }
    out.extend_from_slice(b"</row>");
}

fn data_row(
    out: &mut Vec<u8>,
    row: u32,
    cells: &[Cow<'_, str>],
    numeric: impl Iterator<Item = bool>,
    letters: &[String],
) {
    write!(out, "<row r=\"{row}\">").expect("to memory");
    for ((i, cell), numeric) in cells.iter().enumerate().zip(numeric) {
        if cell.is_empty() {
            continue;
        }
        if numeric && is_plain_number(cell) {
            write!(out, "<c r=\"{}{row}\"><v>{cell}</v></c>", letters[i]).expect("to memory");
        } else {
            write!(
                out,
                "<c r=\"{}{row}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">",
                letters[i]
            )
            .expect("to memory");
            escape_into(out, cell);
            out.extend_from_slice(b"</t></is></c>");
        }
    }
    out.extend_from_slice(b"</row>");
}

/// A decimal number a spreadsheet shows as typed: optional sign, digits, optional fraction
/// and exponent, at most 15 significant digits (beyond that a double changes the digits).
fn is_plain_number(text: &str) -> bool {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    digits > 0
        && digits <= 15
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        && text.parse::<f64>().is_ok_and(f64::is_finite)
        && !text.starts_with('+')
}

fn escape(text: &str) -> String {
    let mut out = Vec::new();
    escape_into(&mut out, text);
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// XML-escapes text, dropping characters XML 1.0 cannot hold (control characters other
/// than tab and line breaks) and cutting at the cell limit.
fn escape_into(out: &mut Vec<u8>, text: &str) {
    let mut buf = [0u8; 4];
    for c in text.chars().take(MAX_CELL_CHARS) {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '"' => out.extend_from_slice(b"&quot;"),
            '\t' | '\n' | '\r' => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(51), "AZ");
        assert_eq!(column_letters(52), "BA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn numbers_only_when_they_stay_the_same() {
        for yes in ["5", "0", "-3.25", "1e3", "50.4501"] {
            assert!(is_plain_number(yes), "{yes}");
        }
        for no in [
            "",
            "abc",
            "1 2",
            "NaN",
            "inf",
            "1234567890123456",
            "+5",
            "--1",
            "0x10",
        ] {
            assert!(!is_plain_number(no), "{no}");
        }
    }

    #[test]
    fn text_is_escaped_and_cleaned() {
        assert_eq!(escape("a<b>&\"c\u{1}\td"), "a&lt;b&gt;&amp;&quot;c\td");
        assert_eq!(escape(&"x".repeat(40_000)).len(), MAX_CELL_CHARS);
    }
}
