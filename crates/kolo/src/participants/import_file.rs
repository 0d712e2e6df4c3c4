//! Reading a participant list into text cells: XLSX workbooks (first sheet),
//! and CSV in UTF-8, UTF-16 or Windows-1251 (which Excel in Ukraine often
//! writes; Kolo reads it and says so), with commas, semicolons or tabs.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// How the file was read, to tell the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileEncoding {
    Utf8,
    Utf16,
    /// Not valid UTF-8: read as Windows-1251 (Cyrillic).
    Windows1251,
    Xlsx,
}

impl FileEncoding {
    pub fn message_id(self) -> &'static str {
        match self {
            FileEncoding::Utf8 => "import-encoding-utf8",
            FileEncoding::Utf16 => "import-encoding-utf16",
            FileEncoding::Windows1251 => "import-encoding-cp1251",
            FileEncoding::Xlsx => "import-encoding-xlsx",
        }
    }
}

/// A table read from a file: the first row as headers, the rest as rows.
#[derive(Debug)]
pub struct ReadFile {
    pub encoding: FileEncoding,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Why a file cannot be read as a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadProblem {
    Empty,
    /// An `.xls` file from before 2007, or something else that is not a table.
    UnknownFormat,
    BrokenWorkbook,
    /// A quote opened in a CSV cell is never closed.
    UnclosedQuote,
    TooManyCells,
}

impl ReadProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            ReadProblem::Empty => "import-file-empty",
            ReadProblem::UnknownFormat => "import-file-format",
            ReadProblem::BrokenWorkbook => "import-file-broken",
            ReadProblem::UnclosedQuote => "import-file-quote",
            ReadProblem::TooManyCells => "import-file-too-many-cells",
        }
    }
}

/// The most cells read from one file: 5 000 rows of 20 columns, with room.
const MAX_CELLS: usize = 200_000;
/// Columns past this are ignored.
const MAX_COLUMNS: usize = 40;

pub fn read_table(bytes: &[u8]) -> Result<ReadFile, ReadProblem> {
    if bytes.is_empty() {
        return Err(ReadProblem::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || bytes.contains(&0) && !is_utf16(bytes) {
        return Err(ReadProblem::UnknownFormat);
    }
    let (text, encoding) = decode(bytes);
    let mut table = parse_csv(&text)?;
    if table.is_empty() {
        return Err(ReadProblem::Empty);
    }
    let headers = table.remove(0);
    Ok(ReadFile {
        encoding,
        headers,
        rows: table,
    })
}

fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// Text from bytes: UTF-8 (with or without its mark), UTF-16 with its mark,
/// else Windows-1251. Every byte is a letter in Windows-1251, so a file that
/// is not UTF-8 always decodes; the preview shows the names to check.
fn decode(bytes: &[u8]) -> (String, FileEncoding) {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes)
        && encoding != encoding_rs::UTF_8
    {
        let (text, _, _) = encoding.decode(bytes);
        return (text.into_owned(), FileEncoding::Utf16);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), FileEncoding::Utf8),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1251.decode(body);
            (text.into_owned(), FileEncoding::Windows1251)
        }
    }
}

/// RFC 4180 CSV with the separator guessed from the header line (`,`, `;`
/// or tab, whichever appears most outside quotes).
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, ReadProblem> {
    let first_line = text.lines().next().unwrap_or("");
    let separator = [',', ';', '\t']
        .into_iter()
        .max_by_key(|sep| count_outside_quotes(first_line, *sep))
        .unwrap_or(',');
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut cells = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                c => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() => quoted = true,
            c if c == separator => {
                row.push(std::mem::take(&mut cell));
            }
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut cell));
                cells += row.len();
                rows.push(std::mem::take(&mut row));
            }
            c => cell.push(c),
        }
        if cells > MAX_CELLS {
            return Err(ReadProblem::TooManyCells);
        }
    }
    if quoted {
        return Err(ReadProblem::UnclosedQuote);
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    for row in &mut rows {
        row.truncate(MAX_COLUMNS);
    }
    Ok(rows)
}

fn count_outside_quotes(line: &str, separator: char) -> usize {
    let mut quoted = false;
    line.chars()
        .filter(|c| {
            if *c == '"' {
                quoted = !quoted;
            }
            !quoted && *c == separator
        })
        .count()
}

/// The first sheet, streamed cell by cell (a workbook's claimed size is not
/// trusted), as text.
fn read_xlsx(bytes: &[u8]) -> Result<ReadFile, ReadProblem> {
    // calamine reads hostile bytes: a panic in it must not take a request down.
    std::panic::catch_unwind(|| read_xlsx_cells(bytes)).unwrap_or(Err(ReadProblem::BrokenWorkbook))
}

fn read_xlsx_cells(bytes: &[u8]) -> Result<ReadFile, ReadProblem> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|_| ReadProblem::BrokenWorkbook)?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(ReadProblem::Empty)?;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|_| ReadProblem::BrokenWorkbook)?;
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut count = 0usize;
    while let Some(cell) = cells.next_cell().map_err(|_| ReadProblem::BrokenWorkbook)? {
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        if c >= MAX_COLUMNS {
            continue;
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        count += 1;
        if count > MAX_CELLS || r > crate::participants::import::MAX_ROWS_READ {
            return Err(ReadProblem::TooManyCells);
        }
        if table.len() <= r {
            table.resize(r + 1, Vec::new());
        }
        let row = &mut table[r];
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    if table.is_empty() {
        return Err(ReadProblem::Empty);
    }
    let headers = table.remove(0);
    Ok(ReadFile {
        encoding: FileEncoding::Xlsx,
        headers,
        rows: table,
    })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.replace('\u{a0}', " ").trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => {
            format!("{}", *f as i64)
        }
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Data::DateTime(dt) => {
            let (y, m, d, _, _, _, _) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.split('T').next().unwrap_or("").to_owned(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_csv_from_excel_with_quotes_and_a_byte_order_mark_is_read() {
        let csv = "\u{feff}nickname;phone\r\n\"Оля; К\";\"067 \"\"1\"\"\"\r\nМарта;\r\n";
        let file = read_table(csv.as_bytes()).unwrap();
        assert_eq!(file.encoding, FileEncoding::Utf8);
        assert_eq!(file.headers, vec!["nickname", "phone"]);
        assert_eq!(
            file.rows,
            vec![vec!["Оля; К", "067 \"1\""], vec!["Марта", ""]]
        );
    }

    #[test]
    fn windows_1251_is_detected_and_read() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("nickname,oblast\nОксана,Львівська\n");
        let file = read_table(&bytes).unwrap();
        assert_eq!(file.encoding, FileEncoding::Windows1251);
        assert_eq!(file.rows[0], vec!["Оксана", "Львівська"]);
    }

    #[test]
    fn utf16_with_its_mark_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "nickname\tgroup\nОля\tother\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let file = read_table(&bytes).unwrap();
        assert_eq!(file.encoding, FileEncoding::Utf16);
        assert_eq!(file.rows[0], vec!["Оля", "other"]);
    }

    #[test]
    fn binary_files_legacy_workbooks_and_broken_quotes_are_refused() {
        assert_eq!(read_table(b"").unwrap_err(), ReadProblem::Empty);
        assert_eq!(
            read_table(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]).unwrap_err(),
            ReadProblem::UnknownFormat
        );
        assert_eq!(
            read_table(b"MZ\0\0\x90").unwrap_err(),
            ReadProblem::UnknownFormat
        );
        assert_eq!(
            read_table(b"a,b\n\"open,x\n").unwrap_err(),
            ReadProblem::UnclosedQuote
        );
        assert_eq!(
            read_table(b"PK\x03\x04garbage").unwrap_err(),
            ReadProblem::BrokenWorkbook
        );
    }
}
