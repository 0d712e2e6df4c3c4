//! The tables and columns of an export, in ODK Central's shape, and the rows of one
//! submission.
//!
//! Main table: `SubmissionDate`, the form's fields outside repeats in document order, then
//! `KEY, SubmitterID, SubmitterName, AttachmentsPresent, AttachmentsExpected, Status,
//! ReviewState, DeviceID, Edits, FormVersion`. One table per repeat (depth-first): the
//! repeat's fields named relative to it, then `PARENT_KEY, KEY`. A field is named by its
//! path below its table with `-` between the parts; a geopoint becomes four columns; a
//! select-multiple keeps its raw column and, when split, gets one `name/value` column per
//! option.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::names::{file_stem, sanitize_filename};
use super::select::ObservedValues;
use crate::schema::{DataType, FieldId, FieldKind, FormSchema};
use crate::submission::{Record, Submission};

/// Receives the rows of a submission: the table's index in [`ExportLayout::tables`] and
/// the cells in column order.
pub type RowSink<'f, E> = dyn FnMut(usize, &[Cow<'_, str>]) -> Result<(), E> + 'f;

/// How to lay out the export; the defaults are what Kolo's pages offer.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Name columns by their path below the table (`visit-region`), as Central does by
    /// default; `false` gives the bare element name (`region`).
    pub group_paths: bool,
    /// Split select-multiple fields into one 0/1 column per option, and where the options
    /// come from.
    pub split_select_multiples: SplitSelect,
    /// The time written on the ZIP entries (milliseconds since 1970, UTC), normally when
    /// the export was asked for. `None` writes 1980-01-01, the earliest a ZIP holds.
    pub modified_ms: Option<i64>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            group_paths: true,
            split_select_multiples: SplitSelect::FormChoices,
            modified_ms: None,
        }
    }
}

/// Which options a select-multiple is split into.
#[derive(Debug, Clone, Default)]
pub enum SplitSelect {
    /// No split: the raw space-separated column only (Central's default).
    #[default]
    No,
    /// The values the submissions actually hold, sorted by bytes: Central's
    /// `splitSelectMultiples=true`. Needs a first pass over the data
    /// ([`super::SelectValueCollector`]).
    Observed(ObservedValues),
    /// The choices the form lists, in the form's order; needs no first pass. A value a
    /// submission holds that the form does not list gets no column (it stays in the raw
    /// column). Selects whose choices come from a file have no split columns.
    FormChoices,
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnSource {
    SubmissionDate,
    /// A value field of the table, raw.
    Value(FieldId),
    /// Part 0..4 (latitude, longitude, altitude, accuracy) of a geopoint.
    GeopointPart(FieldId, usize),
    /// `1` when the select-multiple's value contains this option, else `0`.
    SelectOption(FieldId, String),
    Key,
    ParentKey,
    SubmitterId,
    SubmitterName,
    AttachmentsPresent,
    AttachmentsExpected,
    Status,
    ReviewState,
    DeviceId,
    Edits,
    FormVersion,
}

#[derive(Debug, Clone)]
pub struct Column {
    /// The header cell.
    pub name: String,
    pub source: ColumnSource,
    /// XLSX writes such cells as numbers when they read as one.
    pub numeric: bool,
}

/// One exported table.
#[derive(Debug, Clone)]
pub struct Table {
    /// The CSV file name inside the ZIP (`{formId}.csv`, `{formId}-{repeat}.csv`).
    pub file_name: String,
    /// The repeat's own name; the form id for the main table.
    pub name: String,
    /// Index in [`FormSchema::tables`].
    pub schema_table: usize,
    pub columns: Vec<Column>,
    /// For a repeat table: the path from the enclosing table's record to this repeat, as it
    /// appears in KEY (`group/repeat`).
    key_step: String,
}

/// The tables and columns of an export of one form.
#[derive(Debug, Clone)]
pub struct ExportLayout {
    pub form_id: String,
    /// Main table first, then one per repeat in depth-first schema order.
    pub tables: Vec<Table>,
    /// Each field's slot in its table's records, by field id.
    slots: Vec<usize>,
    /// See [`ExportOptions::modified_ms`].
    pub modified_ms: Option<i64>,
}

/// Central's review states; `Received` is written blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReviewState {
    #[default]
    Received,
    HasIssues,
    Edited,
    Approved,
    Rejected,
}

impl ReviewState {
    pub fn as_export(self) -> &'static str {
        match self {
            ReviewState::Received => "",
            ReviewState::HasIssues => "hasIssues",
            ReviewState::Edited => "edited",
            ReviewState::Approved => "approved",
            ReviewState::Rejected => "rejected",
        }
    }
}

/// Why a row's fields are blank (Central's `Status` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    NotDecrypted,
    MissingEncryptedFormData,
}

impl RowStatus {
    pub fn as_export(self) -> &'static str {
        match self {
            RowStatus::NotDecrypted => "not decrypted",
            RowStatus::MissingEncryptedFormData => "missing encrypted form data",
        }
    }
}

/// One submission as the export sees it: its parsed data plus what the server knows about
/// it (the system columns).
#[derive(Debug, Clone, Default)]
pub struct ExportRow<'a> {
    /// The current version's data; `None` for an encrypted submission not decrypted.
    pub submission: Option<&'a Submission>,
    /// When the server received it, milliseconds since 1970-01-01 UTC.
    pub submission_date_ms: i64,
    /// The instanceID as first received (edits keep it).
    pub key: &'a str,
    pub submitter_id: Option<&'a str>,
    pub submitter_name: Option<&'a str>,
    pub attachments_present: u32,
    pub attachments_expected: u32,
    /// Set for encrypted submissions: the field cells are then blank and no repeat rows are
    /// written.
    pub status: Option<RowStatus>,
    pub review_state: ReviewState,
    /// The `deviceID` sent with the original submission.
    pub device_id: Option<&'a str>,
    /// Versions minus one.
    pub edits: u32,
    /// The form version the submission was first made with.
    pub form_version: Option<&'a str>,
}

impl ExportLayout {
    /// Options for a ZIP entry of this export: deflated, or stored when `stored`.
    pub(crate) fn entry_options(&self, stored: bool) -> zip::write::SimpleFileOptions {
        let method = if stored {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .unix_permissions(0o644);
        match self.modified_ms.and_then(super::time::zip_time) {
            Some(time) => options.last_modified_time(time),
            None => options,
        }
    }

    pub fn new(schema: &FormSchema, form_id: &str, options: &ExportOptions) -> ExportLayout {
        let stem = file_stem(form_id);
        let mut tables = Vec::new();
        // Repeat files are named by the repeat's own name; names used twice get ~1, ~2, ….
        let mut name_count: BTreeMap<&str, usize> = BTreeMap::new();
        for def in &schema.tables[1..] {
            *name_count.entry(&schema.field(def.field).name).or_default() += 1;
        }
        let mut name_seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, def) in schema.tables.iter().enumerate() {
            let table_field = schema.field(def.field);
            let mut columns = Vec::new();
            if index == 0 {
                columns.push(system(
                    "SubmissionDate",
                    ColumnSource::SubmissionDate,
                    false,
                ));
            }
            for &id in &def.values {
                field_columns(schema, def.field, id, options, &mut columns);
            }
            let (file_name, name, key_step) = if index == 0 {
                (
                    sanitize_filename(&format!("{stem}.csv")),
                    form_id.to_string(),
                    String::new(),
                )
            } else {
                let repeat = &table_field.name;
                let suffix = if name_count[repeat.as_str()] > 1 {
                    let n = name_seen.entry(repeat).or_default();
                    *n += 1;
                    format!("~{n}")
                } else {
                    String::new()
                };
                let parent_def = &schema.tables[def.parent.expect("a repeat table has a parent")];
                (
                    sanitize_filename(&format!("{stem}-{repeat}{suffix}.csv")),
                    repeat.clone(),
                    relative_parts(schema, parent_def.field, def.field).join("/"),
                )
            };
            if index == 0 {
                columns.extend([
                    system("KEY", ColumnSource::Key, false),
                    system("SubmitterID", ColumnSource::SubmitterId, false),
                    system("SubmitterName", ColumnSource::SubmitterName, false),
                    system("AttachmentsPresent", ColumnSource::AttachmentsPresent, true),
                    system(
                        "AttachmentsExpected",
                        ColumnSource::AttachmentsExpected,
                        true,
                    ),
                    system("Status", ColumnSource::Status, false),
                    system("ReviewState", ColumnSource::ReviewState, false),
                    system("DeviceID", ColumnSource::DeviceId, false),
                    system("Edits", ColumnSource::Edits, true),
                    system("FormVersion", ColumnSource::FormVersion, false),
                ]);
            } else {
                columns.push(system("PARENT_KEY", ColumnSource::ParentKey, false));
                columns.push(system("KEY", ColumnSource::Key, false));
            }
            tables.push(Table {
                file_name,
                name,
                schema_table: index,
                columns,
                key_step,
            });
        }
        ExportLayout {
            form_id: form_id.to_string(),
            tables,
            slots: schema.fields.iter().map(|f| f.slot).collect(),
            modified_ms: options.modified_ms,
        }
    }

    /// The header row of a table.
    pub fn header(&self, table: usize) -> Vec<&str> {
        self.tables[table]
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect()
    }

    /// Calls `emit(table, cells)` for every row this submission gives, tables in any order
    /// but each table's rows in document order: the main row first, then the repeat
    /// instances depth-first. Nothing is kept between calls.
    pub fn rows<E>(&self, row: &ExportRow<'_>, emit: &mut RowSink<'_, E>) -> Result<(), E> {
        let blank = row.status.is_some();
        let record = if blank {
            None
        } else {
            row.submission.map(|s| &s.root)
        };
        let cells = self.cells(0, record, row, "", row.key);
        emit(0, &cells)?;
        if let Some(record) = record {
            self.repeat_rows(record, row.key, row, emit)?;
        }
        Ok(())
    }

    fn repeat_rows<E>(
        &self,
        record: &Record,
        parent_key: &str,
        row: &ExportRow<'_>,
        emit: &mut RowSink<'_, E>,
    ) -> Result<(), E> {
        for instances in &record.repeats {
            for (i, instance) in instances.iter().enumerate() {
                let table = instance.table;
                let key = format!("{parent_key}/{}[{}]", self.tables[table].key_step, i + 1);
                let cells = self.cells(table, Some(instance), row, parent_key, &key);
                emit(table, &cells)?;
                self.repeat_rows(instance, &key, row, emit)?;
            }
        }
        Ok(())
    }

    fn cells<'r>(
        &self,
        table: usize,
        record: Option<&'r Record>,
        row: &'r ExportRow<'_>,
        parent_key: &'r str,
        key: &'r str,
    ) -> Vec<Cow<'r, str>> {
        let columns = &self.tables[table].columns;
        let mut cells = Vec::with_capacity(columns.len());
        let value = |id: FieldId| -> Option<&'r str> {
            let record = record?;
            record.values.get(self.slots[id])?.as_deref()
        };
        for column in columns {
            let cell: Cow<'r, str> = match &column.source {
                ColumnSource::SubmissionDate => {
                    Cow::Owned(super::time::iso_millis(row.submission_date_ms))
                }
                ColumnSource::Value(id) => Cow::Borrowed(value(*id).unwrap_or("")),
                ColumnSource::GeopointPart(id, part) => Cow::Borrowed(
                    value(*id)
                        .and_then(|v| v.split_whitespace().nth(*part))
                        .unwrap_or(""),
                ),
                ColumnSource::SelectOption(id, option) => {
                    if record.is_none() {
                        Cow::Borrowed("")
                    } else {
                        let chosen =
                            value(*id).is_some_and(|v| v.split_whitespace().any(|c| c == option));
                        Cow::Borrowed(if chosen { "1" } else { "0" })
                    }
                }
                ColumnSource::Key => Cow::Borrowed(key),
                ColumnSource::ParentKey => Cow::Borrowed(parent_key),
                ColumnSource::SubmitterId => Cow::Borrowed(row.submitter_id.unwrap_or("")),
                ColumnSource::SubmitterName => Cow::Borrowed(row.submitter_name.unwrap_or("")),
                ColumnSource::AttachmentsPresent => Cow::Owned(row.attachments_present.to_string()),
                ColumnSource::AttachmentsExpected => {
                    Cow::Owned(row.attachments_expected.to_string())
                }
                ColumnSource::Status => Cow::Borrowed(row.status.map_or("", RowStatus::as_export)),
                ColumnSource::ReviewState => Cow::Borrowed(row.review_state.as_export()),
                ColumnSource::DeviceId => Cow::Borrowed(row.device_id.unwrap_or("")),
                ColumnSource::Edits => Cow::Owned(row.edits.to_string()),
                ColumnSource::FormVersion => Cow::Borrowed(row.form_version.unwrap_or("")),
            };
            cells.push(cell);
        }
        cells
    }
}

fn system(name: &str, source: ColumnSource, numeric: bool) -> Column {
    Column {
        name: name.to_string(),
        source,
        numeric,
    }
}

/// The names of the groups and the field between a table's field and `id`.
fn relative_parts(schema: &FormSchema, table_field: FieldId, id: FieldId) -> Vec<String> {
    let mut parts = Vec::new();
    let mut at = Some(id);
    while let Some(current) = at {
        if current == table_field {
            break;
        }
        parts.push(schema.field(current).name.clone());
        at = schema.field(current).parent;
    }
    parts.reverse();
    parts
}

fn field_columns(
    schema: &FormSchema,
    table_field: FieldId,
    id: FieldId,
    options: &ExportOptions,
    columns: &mut Vec<Column>,
) {
    let field = schema.field(id);
    debug_assert_eq!(field.kind, FieldKind::Value);
    let name = if options.group_paths {
        relative_parts(schema, table_field, id).join("-")
    } else {
        field.name.clone()
    };
    if field.data_type == DataType::Geopoint {
        for (part, suffix) in ["Latitude", "Longitude", "Altitude", "Accuracy"]
            .into_iter()
            .enumerate()
        {
            columns.push(Column {
                name: format!("{name}-{suffix}"),
                source: ColumnSource::GeopointPart(id, part),
                numeric: true,
            });
        }
        return;
    }
    columns.push(Column {
        name: name.clone(),
        source: ColumnSource::Value(id),
        numeric: field.data_type.is_numeric(),
    });
    if !field.is_select_multiple() {
        return;
    }
    let split: Vec<String> = match &options.split_select_multiples {
        SplitSelect::No => Vec::new(),
        SplitSelect::Observed(observed) => observed
            .values(id)
            .map(|set: &BTreeSet<String>| set.iter().cloned().collect())
            .unwrap_or_default(),
        SplitSelect::FormChoices => field.choices.iter().map(|c| c.value.clone()).collect(),
    };
    for option in split {
        columns.push(Column {
            name: format!("{name}/{option}"),
            source: ColumnSource::SelectOption(id, option),
            numeric: true,
        });
    }
}
