//! ODK submission data for Kolo's community-led monitoring: what a form's fields are, what
//! a submission holds, and exports in the shape ODK Central gives.
//!
//! - [`FormSchema::from_xform`]: the field tree of an XForm (paths, types, labels in every
//!   language, choices, groups, nested repeats, metadata).
//! - [`Submission::parse`]: a submission instance read against that tree, extra elements
//!   flagged.
//! - [`export`]: the main table plus one table per repeat, as CSV, a ZIP of CSVs with the
//!   attachments, or an XLSX workbook, written while the submissions stream by.
//!
//! Pure: no files, no database, no network; output goes to any `std::io::Write`, scratch
//! space comes from the caller (see [`export::SpoolFactory`]). XML from outside is parsed
//! with DTDs refused.

pub mod export;
pub mod schema;
pub mod submission;
mod xml;

pub use schema::{
    Choice, ChoiceSource, Control, DataType, Field, FieldId, FieldKind, FormSchema, Labels,
    SchemaError, TableDef,
};
pub use submission::{Record, Submission, SubmissionError, Unknown, UnknownReason};
pub use xml::XmlError;
