//! Exports in ODK Central's shape, written as the submissions stream by.
//!
//! The caller builds an [`ExportLayout`] from the schema, then hands one [`ExportRow`] at a
//! time to a writer ([`CsvExport`], [`CsvZipExport`], [`XlsxExport`]). The main table goes
//! straight to the output; each repeat table goes to its own spool (a temporary file the
//! caller provides through a [`SpoolFactory`]) and is copied into the output at the end, so
//! memory holds one submission and a few buffers whatever the number of submissions.

mod client_audit;
mod csv;
mod layout;
mod names;
mod select;
mod spool;
mod time;
mod xlsx;
mod zip_csv;

pub use client_audit::{
    Appended, AuditDamage, CLIENT_AUDIT_HEADER, ClientAuditCsv, MAX_LINE_BYTES,
    client_audit_file_name,
};
pub use csv::write_row as write_csv_row;
pub use layout::{
    Column, ColumnSource, ExportLayout, ExportOptions, ExportRow, ReviewState, RowSink, RowStatus,
    SplitSelect, Table,
};
pub use names::{sanitize_filename, sheet_names};
pub use select::{MAX_OPTIONS_PER_FIELD, ObservedValues, SelectValueCollector};
pub use spool::{MemorySpools, Spool, SpoolFactory};
pub use time::iso_millis;
pub use xlsx::{MAX_SHEET_ROWS, XlsxExport};
pub use zip_csv::{CsvExport, CsvZipExport, MediaStage};

/// Why an export stopped. The output is then incomplete and must be discarded.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing the ZIP archive failed: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("the sheet {sheet:?} would have more than {limit} rows, the most a spreadsheet holds")]
    TooManyRows { sheet: String, limit: u32 },
}
