//! Helpers shared by the test binaries: an RFC 4180 reader written for the tests (so the
//! CSV writer is checked against an independent reading), ZIP reading, and row metadata.

#![allow(dead_code)]

use std::io::{Cursor, Read};

use odk_data::Submission;
use odk_data::export::{ExportRow, ReviewState};

/// Reads CSV text: records of fields, quotes doubled inside quoted fields, LF or CRLF
/// line ends. Panics on malformed input, which is a test failure.
pub fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '"' => panic!("a quote inside an unquoted field: {field:?}"),
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(!quoted, "the CSV ends inside a quoted field");
    assert!(
        field.is_empty() && row.is_empty(),
        "the last row has no line end"
    );
    rows
}

/// Every entry of a ZIP as (name, bytes), in archive order.
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a readable ZIP");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).expect("an entry");
            let mut data = Vec::new();
            entry.read_to_end(&mut data).expect("entry data");
            (entry.name().expect("a UTF-8 name").to_string(), data)
        })
        .collect()
}

/// System columns for a test submission.
pub fn row<'a>(submission: &'a Submission, key: &'a str, date_ms: i64) -> ExportRow<'a> {
    ExportRow {
        submission: Some(submission),
        submission_date_ms: date_ms,
        key,
        submitter_id: Some("5"),
        submitter_name: Some("Monitor Kharkiv 1"),
        attachments_present: 0,
        attachments_expected: 0,
        status: None,
        review_state: ReviewState::Received,
        device_id: None,
        edits: 0,
        form_version: Some("2026113001"),
    }
}

pub mod generate;
