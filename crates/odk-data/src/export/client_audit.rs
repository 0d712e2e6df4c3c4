//! Collect's client audit logs (`audit.csv`, one per submission of a form with `audit` in its
//! metadata) merged into Central's one export file, `{xmlFormId} - audit.csv`: the
//! submission's instance ID, then Central's fixed columns in their order.
//!
//! Collect's header varies: the location columns appear only with location tracking, the
//! old and new values only with change tracking, `user` and `change-reason` only when asked
//! for. So each file is read by its own header: a known column lands in its place, an
//! unknown one is dropped, a missing one stays blank. As Central reads them (csv-parse with
//! `bom`, `trim`, `skip_empty_lines`, `relax_column_count`, `relax_quotes`): a BOM is
//! skipped, CRLF or LF ends a line, blank lines are skipped, unquoted values are trimmed,
//! short rows are padded and long ones cut to the header, and a quote inside an unquoted
//! value is kept as text.
//!
//! A file that cannot be read to its end (an unclosed quote, a line longer than
//! [`MAX_LINE_BYTES`]) keeps the rows read before the fault and the rest is skipped. Central
//! would fail the whole export instead; one phone's damaged log should not cost the
//! coordinator every other submission's data. The caller learns of it through
//! [`Appended::damaged`], which names the fault and its line, never the content.
//!
//! Files are read as they stream, one line at a time, so memory holds one line whatever the
//! size of the file.

use std::io::{self, BufRead, Read, Write};

use super::csv::write_row;
use super::names::sanitize_filename;

/// The merged file's columns, in Central's order.
pub const CLIENT_AUDIT_HEADER: [&str; 12] = [
    "instance ID",
    "event",
    "node",
    "start",
    "end",
    "latitude",
    "longitude",
    "accuracy",
    "old-value",
    "new-value",
    "user",
    "change-reason",
];

/// The longest line of an audit file that is read; a longer one ends the file (Collect's
/// lines are a few hundred bytes, a long text answer under change tracking some KB).
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The merged file's name in the ZIP, as Central names it.
pub fn client_audit_file_name(xml_form_id: &str) -> String {
    sanitize_filename(&format!("{xml_form_id} - audit.csv"))
}

/// Why the rest of an audit file was skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditDamage {
    #[error("a quoted value opened on line {line} is never closed")]
    UnclosedQuote { line: u64 },
    #[error("line {line} is longer than {MAX_LINE_BYTES} bytes")]
    LineTooLong { line: u64 },
}

/// What one audit file added.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Appended {
    /// Events (rows) written.
    pub rows: u64,
    /// Set when the file could not be read to its end.
    pub damaged: Option<AuditDamage>,
}

/// Writes the merged audit CSV: the header at once, then each submission's file through
/// [`append`](Self::append).
pub struct ClientAuditCsv<W: Write> {
    out: W,
    cells: Vec<String>,
}

impl<W: Write> ClientAuditCsv<W> {
    pub fn new(mut out: W) -> io::Result<Self> {
        write_row(&mut out, &CLIENT_AUDIT_HEADER)?;
        Ok(ClientAuditCsv {
            out,
            cells: Vec::with_capacity(CLIENT_AUDIT_HEADER.len()),
        })
    }

    /// Adds every event of one submission's audit file, each row led by `instance_id`.
    /// Errors are the reader's or the output's; a damaged file is not one (see
    /// [`Appended::damaged`]).
    pub fn append(&mut self, instance_id: &str, file: &mut dyn BufRead) -> io::Result<Appended> {
        let mut records = Records::new(file);
        let mut appended = Appended::default();
        // Where each of the file's columns goes in ours, by the file's own header.
        let places: Vec<Option<usize>> = match records.next_record() {
            Ok(Some(header)) => header
                .iter()
                .map(|name| CLIENT_AUDIT_HEADER[1..].iter().position(|c| c == name))
                .collect(),
            Ok(None) => return Ok(appended),
            Err(Fault::Damaged(damage)) => {
                appended.damaged = Some(damage);
                return Ok(appended);
            }
            Err(Fault::Io(error)) => return Err(error),
        };
        loop {
            let record = match records.next_record() {
                Ok(Some(record)) => record,
                Ok(None) => break,
                Err(Fault::Damaged(damage)) => {
                    appended.damaged = Some(damage);
                    break;
                }
                Err(Fault::Io(error)) => return Err(error),
            };
            self.cells.clear();
            self.cells.resize(CLIENT_AUDIT_HEADER.len(), String::new());
            self.cells[0].push_str(instance_id);
            for (value, place) in record.into_iter().zip(&places) {
                if let Some(place) = place {
                    // A column named twice: the first one counts.
                    if self.cells[place + 1].is_empty() {
                        self.cells[place + 1] = value;
                    }
                }
            }
            write_row(&mut self.out, &self.cells)?;
            appended.rows += 1;
        }
        Ok(appended)
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

enum Fault {
    Damaged(AuditDamage),
    Io(io::Error),
}

impl From<io::Error> for Fault {
    fn from(error: io::Error) -> Fault {
        Fault::Io(error)
    }
}

/// The records of a CSV file, read a line at a time.
struct Records<'a> {
    file: &'a mut dyn BufRead,
    line: Vec<u8>,
    line_number: u64,
    at_start: bool,
}

impl<'a> Records<'a> {
    fn new(file: &'a mut dyn BufRead) -> Records<'a> {
        Records {
            file,
            line: Vec::new(),
            line_number: 0,
            at_start: true,
        }
    }

    /// Reads one more physical line onto `self.line`; false at the end of the file.
    fn read_line(&mut self) -> Result<bool, Fault> {
        let before = self.line.len();
        let limit = (MAX_LINE_BYTES + 1 - before.min(MAX_LINE_BYTES)) as u64;
        let read = Read::take(&mut *self.file, limit).read_until(b'\n', &mut self.line)?;
        if read == 0 {
            return Ok(false);
        }
        self.line_number += 1;
        if self.line.len() > MAX_LINE_BYTES {
            return Err(Fault::Damaged(AuditDamage::LineTooLong {
                line: self.line_number,
            }));
        }
        if self.at_start {
            self.at_start = false;
            if self.line.starts_with(b"\xEF\xBB\xBF") {
                self.line.drain(..3);
            }
        }
        Ok(true)
    }

    /// The next record that is not blank, its values trimmed unless quoted.
    fn next_record(&mut self) -> Result<Option<Vec<String>>, Fault> {
        loop {
            self.line.clear();
            if !self.read_line()? {
                return Ok(None);
            }
            let first_line = self.line_number;
            // A quoted value may hold line breaks: read on until its quote closes.
            while open_quote(&self.line) {
                if !self.read_line()? {
                    return Err(Fault::Damaged(AuditDamage::UnclosedQuote {
                        line: first_line,
                    }));
                }
            }
            let record = split_record(&self.line);
            if !(record.len() == 1 && record[0].is_empty()) {
                return Ok(Some(record));
            }
        }
    }
}

/// Whether `line` ends inside a quoted value.
fn open_quote(line: &[u8]) -> bool {
    let mut quoted = false;
    let mut field_start = true;
    let mut i = 0;
    while i < line.len() {
        let byte = line[i];
        if quoted {
            if byte == b'"' {
                if line.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if byte == b',' {
            field_start = true;
        } else if byte == b'"' && field_start {
            quoted = true;
            field_start = false;
        } else if !byte.is_ascii_whitespace() {
            field_start = false;
        }
        i += 1;
    }
    quoted
}

/// One complete record's values. A value that starts with a quote (after blanks) runs to
/// its closing quote, `""` standing for `"`, and anything after it up to the comma is kept;
/// any other value is trimmed and keeps its quotes as text.
fn split_record(line: &[u8]) -> Vec<String> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut values = Vec::new();
    let mut i = 0;
    loop {
        while i < line.len() && line[i] != b',' && line[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = Vec::new();
        if line.get(i) == Some(&b'"') {
            i += 1;
            while i < line.len() {
                if line[i] == b'"' {
                    if line.get(i + 1) == Some(&b'"') {
                        value.push(b'"');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                value.push(line[i]);
                i += 1;
            }
            let rest = i + line[i..]
                .iter()
                .position(|b| *b == b',')
                .unwrap_or(line.len() - i);
            value.extend_from_slice(line[i..rest].trim_ascii());
            i = rest;
        } else {
            let rest = i + line[i..]
                .iter()
                .position(|b| *b == b',')
                .unwrap_or(line.len() - i);
            value.extend_from_slice(line[i..rest].trim_ascii());
            i = rest;
        }
        values.push(String::from_utf8_lossy(&value).into_owned());
        if i >= line.len() {
            return values;
        }
        i += 1; // the comma
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(files: &[(&str, &[u8])]) -> (String, Vec<Appended>) {
        let mut csv = ClientAuditCsv::new(Vec::new()).unwrap();
        let results = files
            .iter()
            .map(|(id, bytes)| csv.append(id, &mut &bytes[..]).unwrap())
            .collect();
        (String::from_utf8(csv.finish().unwrap()).unwrap(), results)
    }

    const HEADER: &str = "instance ID,event,node,start,end,latitude,longitude,accuracy,\
                          old-value,new-value,user,change-reason\n";

    #[test]
    fn places_each_files_columns_by_its_own_header() {
        let basic = b"event,node,start,end\nform start,,1700000000000,\n\
                      question,/data/age,1700000001000,1700000002000\n";
        let tracked = b"event,node,start,end,latitude,longitude,accuracy,old-value,new-value\n\
                        question,/data/age,1,2,46.48,30.72,5,17,18\n";
        let (csv, results) = merged(&[("uuid:a", basic), ("uuid:b", tracked)]);
        assert_eq!(
            csv,
            format!(
                "{HEADER}uuid:a,form start,,1700000000000,,,,,,,,\n\
                 uuid:a,question,/data/age,1700000001000,1700000002000,,,,,,,\n\
                 uuid:b,question,/data/age,1,2,46.48,30.72,5,17,18,,\n"
            )
        );
        assert_eq!(results[0].rows, 2);
        assert_eq!(results[1].damaged, None);
    }

    #[test]
    fn quoted_commas_quotes_and_line_breaks_survive() {
        let file = b"event,node,start,end,old-value,new-value,user,change-reason\r\n\
                     question,/data/note,1,2,\"a, b\",\"two\r\nlines \"\"quoted\"\"\",Olena,\"typo\"\r\n";
        let (csv, results) = merged(&[("uuid:q", file)]);
        assert_eq!(
            csv,
            format!(
                "{HEADER}uuid:q,question,/data/note,1,2,,,,\"a, b\",\"two\r\nlines \"\"quoted\"\"\",Olena,typo\n"
            )
        );
        assert_eq!(results[0].rows, 1);
    }

    #[test]
    fn a_bom_blank_lines_padding_and_extra_columns_are_handled() {
        let file =
            "\u{feff}event, node ,start,end,screen-size\n\n  form start , , 5 ,,phone,extra\n\
                    end screen\n\n"
                .as_bytes();
        let (csv, results) = merged(&[("uuid:x", file)]);
        assert_eq!(
            csv,
            format!("{HEADER}uuid:x,form start,,5,,,,,,,,\nuuid:x,end screen,,,,,,,,,,\n")
        );
        assert_eq!(results[0].rows, 2);
    }

    #[test]
    fn a_quote_inside_a_bare_value_is_text() {
        let file = b"event,node\nquestion,/data/say \"hi\"\n";
        let (csv, _) = merged(&[("uuid:r", file)]);
        assert_eq!(
            csv,
            format!("{HEADER}uuid:r,question,\"/data/say \"\"hi\"\"\",,,,,,,,,\n")
        );
    }

    #[test]
    fn empty_and_header_only_files_add_nothing() {
        let (csv, results) = merged(&[("uuid:e", b""), ("uuid:h", b"event,node,start,end\r\n")]);
        assert_eq!(csv, HEADER);
        assert_eq!(results, vec![Appended::default(), Appended::default()]);
    }

    #[test]
    fn a_damaged_file_keeps_what_came_before_and_names_the_line_only() {
        let file = b"event,node,start,end\nform start,,1,\nquestion,\"/data/secret never closed\n";
        let next = b"event\nform exit\n";
        let (csv, results) = merged(&[("uuid:d", file), ("uuid:n", next)]);
        assert_eq!(
            csv,
            format!("{HEADER}uuid:d,form start,,1,,,,,,,,\nuuid:n,form exit,,,,,,,,,,\n")
        );
        assert_eq!(results[0].rows, 1);
        let damage = results[0].damaged.clone().unwrap();
        assert_eq!(damage, AuditDamage::UnclosedQuote { line: 3 });
        assert!(!damage.to_string().contains("secret"));
    }

    #[test]
    fn a_line_too_long_ends_the_file_without_holding_it() {
        let mut file = b"event,node\nform start,\n".to_vec();
        file.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 10));
        file.extend_from_slice(b"\nform exit,\n");
        let (csv, results) = merged(&[("uuid:l", &file)]);
        assert_eq!(csv, format!("{HEADER}uuid:l,form start,,,,,,,,,,\n"));
        assert_eq!(
            results[0].damaged,
            Some(AuditDamage::LineTooLong { line: 3 })
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_not_refused() {
        let file = b"event,node\nquestion,/data/\xff\n";
        let (csv, results) = merged(&[("uuid:u", file)]);
        assert_eq!(
            csv,
            format!("{HEADER}uuid:u,question,/data/\u{fffd},,,,,,,,,\n")
        );
        assert_eq!(results[0].rows, 1);
    }

    proptest::proptest! {
        /// Whatever a CSV writer quotes comes back whole; bare values come back trimmed.
        #[test]
        fn values_written_as_csv_are_read_back(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-z0-9 ,\"\r\n]{0,12}", 4),
                0..6,
            ),
            crlf in proptest::bool::ANY,
        ) {
            let mut file = Vec::new();
            let header = ["event", "node", "start", "end"].map(String::from);
            for row in std::iter::once(&header.to_vec()).chain(&rows) {
                write_row(&mut file, row).unwrap();
                if crlf {
                    file.pop();
                    file.extend_from_slice(b"\r\n");
                }
            }
            let (csv, results) = merged(&[("uuid:p", &file)]);
            let mut expected = HEADER.as_bytes().to_vec();
            for row in &rows {
                let mut cells = vec!["uuid:p".to_owned()];
                cells.extend(row.iter().map(|v| {
                    if v.contains([',', '"', '\n', '\r']) { v.clone() } else { v.trim().to_owned() }
                }));
                cells.resize(CLIENT_AUDIT_HEADER.len(), String::new());
                write_row(&mut expected, &cells).unwrap();
            }
            proptest::prop_assert_eq!(csv, String::from_utf8(expected).unwrap());
            proptest::prop_assert_eq!(results[0].rows, rows.len() as u64);
            proptest::prop_assert_eq!(&results[0].damaged, &None);
        }
    }

    #[test]
    fn the_file_is_named_as_central_names_it() {
        assert_eq!(client_audit_file_name("clm_visit"), "clm_visit - audit.csv");
    }
}
