//! The CSV exports: the main table alone (`submissions.csv`), and Central's ZIP of the main
//! and repeat CSVs, optionally followed by the attachments under `media/`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};

use zip::ZipWriter;
use zip::write::StreamWriter;

use super::ExportError;
use super::csv::write_row;
use super::layout::{ExportLayout, ExportRow};
use super::names::sanitize_filename;
use super::spool::{Spool, SpoolFactory};

/// The main table only, as one CSV (Central's `submissions.csv`: repeat fields are not in
/// it). Streams straight to `out`.
pub struct CsvExport<W: Write> {
    out: W,
    layout: ExportLayout,
    line: Vec<u8>,
}

impl<W: Write> CsvExport<W> {
    /// Writes the header at once: an export of no submissions is the header alone.
    pub fn new(out: W, layout: ExportLayout) -> Result<Self, ExportError> {
        let mut export = CsvExport {
            out,
            layout,
            line: Vec::new(),
        };
        write_row(&mut export.out, &export.layout.header(0))?;
        Ok(export)
    }

    pub fn push(&mut self, row: &ExportRow<'_>) -> Result<(), ExportError> {
        let CsvExport { out, layout, line } = self;
        layout.rows(row, &mut |table, cells: &[Cow<'_, str>]| {
            if table == 0 {
                line.clear();
                write_row(line, cells)?;
                out.write_all(line)?;
            }
            Ok::<(), io::Error>(())
        })?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<W, ExportError> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Spools for the repeat tables (index 0, the main table, has none).
pub(super) struct Spools {
    files: Vec<Option<BufWriter<Box<dyn Spool>>>>,
}

impl Spools {
    pub(super) fn new(
        tables: usize,
        factory: &mut dyn SpoolFactory,
        mut header: impl FnMut(usize, &mut dyn Write) -> io::Result<()>,
    ) -> io::Result<Spools> {
        let mut files = vec![None];
        for table in 1..tables {
            let mut file = BufWriter::with_capacity(32 * 1024, factory.create()?);
            header(table, &mut file)?;
            files.push(Some(file));
        }
        Ok(Spools { files })
    }

    pub(super) fn get(&mut self, table: usize) -> &mut BufWriter<Box<dyn Spool>> {
        self.files[table]
            .as_mut()
            .expect("only repeat tables are spooled")
    }

    /// Each spooled table rewound for reading, in table order.
    pub(super) fn drain(self) -> impl Iterator<Item = io::Result<(usize, Box<dyn Spool>)>> {
        self.files
            .into_iter()
            .enumerate()
            .skip(1)
            .filter_map(|(table, f)| Some((table, f?)))
            .map(|(table, file)| {
                let mut file = file.into_inner().map_err(|e| e.into_error())?;
                file.seek(SeekFrom::Start(0))?;
                Ok((table, file))
            })
    }
}

/// Central's `submissions.csv.zip`: `{formId}.csv`, then `{formId}-{repeat}.csv` per repeat
/// (always present, at least the header), then, through [`MediaStage`], `media/{file}`.
///
/// The ZIP is written as a stream (no seeking), so `out` may be an HTTP body.
pub struct CsvZipExport<W: Write> {
    zip: ZipWriter<StreamWriter<W>>,
    layout: ExportLayout,
    spools: Spools,
    line: Vec<u8>,
}

impl<W: Write> CsvZipExport<W> {
    pub fn new(
        out: W,
        layout: ExportLayout,
        spools: &mut dyn SpoolFactory,
    ) -> Result<Self, ExportError> {
        let mut zip = ZipWriter::new_stream(out);
        zip.start_file(
            layout.tables[0].file_name.as_str(),
            layout.entry_options(false),
        )?;
        write_row(&mut zip, &layout.header(0))?;
        let spools = Spools::new(layout.tables.len(), spools, |table, file| {
            write_row(file, &layout.header(table))
        })?;
        Ok(CsvZipExport {
            zip,
            layout,
            spools,
            line: Vec::new(),
        })
    }

    /// Adds one submission: its main row goes into the ZIP now, its repeat rows to the
    /// spools.
    pub fn push(&mut self, row: &ExportRow<'_>) -> Result<(), ExportError> {
        let CsvZipExport {
            zip,
            layout,
            spools,
            line,
        } = self;
        layout.rows(row, &mut |table, cells: &[Cow<'_, str>]| {
            line.clear();
            write_row(line, cells)?;
            if table == 0 {
                zip.write_all(line)
            } else {
                spools.get(table).write_all(line)
            }
        })?;
        Ok(())
    }

    /// Closes the main CSV and copies each repeat CSV in; attachments may follow.
    pub fn finish_tables(self) -> Result<MediaStage<W>, ExportError> {
        let CsvZipExport {
            mut zip,
            layout,
            spools,
            ..
        } = self;
        for spooled in spools.drain() {
            let (table, mut file) = spooled?;
            zip.start_file(
                layout.tables[table].file_name.as_str(),
                layout.entry_options(false),
            )?;
            io::copy(&mut file, &mut zip)?;
        }
        Ok(MediaStage {
            zip,
            layout,
            names: HashSet::new(),
        })
    }

    /// Central's `?attachments=false`: the CSVs only.
    pub fn finish(self) -> Result<W, ExportError> {
        self.finish_tables()?.finish()
    }
}

/// The attachments part of a ZIP export, after the tables.
pub struct MediaStage<W: Write> {
    zip: ZipWriter<StreamWriter<W>>,
    layout: ExportLayout,
    /// Entry names used so far. A ZIP cannot hold two entries of one name (Central writes
    /// duplicates, which most tools then refuse or overwrite), so a second file of a name
    /// is stored as `name~2.ext`. This set grows with the number of attachments, as the
    /// ZIP's own central directory does.
    names: HashSet<String>,
}

impl<W: Write> MediaStage<W> {
    /// Adds one attachment as `media/{name}` (the name made safe), copying it from
    /// `content` as it is read. Returns the entry name used.
    pub fn add(&mut self, file_name: &str, content: &mut dyn Read) -> Result<String, ExportError> {
        let clean = sanitize_filename(file_name);
        let mut entry = format!("media/{clean}");
        let mut n = 1;
        while self.names.contains(&entry) {
            n += 1;
            entry = match clean.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => format!("media/{stem}~{n}.{ext}"),
                _ => format!("media/{clean}~{n}"),
            };
        }
        let options = self.layout.entry_options(already_compressed(&clean));
        self.zip.start_file(entry.as_str(), options)?;
        io::copy(content, &mut self.zip)?;
        self.names.insert(entry.clone());
        Ok(entry)
    }

    /// Adds the merged client audit file, `{xmlFormId} - audit.csv`, copied from `merged`
    /// (written by a [`ClientAuditCsv`](super::ClientAuditCsv)). As in Central it is added
    /// only when some submission has an audit, so the caller calls this only then.
    pub fn add_client_audits(
        &mut self,
        xml_form_id: &str,
        merged: &mut dyn Read,
    ) -> Result<(), ExportError> {
        let entry = super::client_audit_file_name(xml_form_id);
        self.zip
            .start_file(entry.as_str(), self.layout.entry_options(false))?;
        io::copy(merged, &mut self.zip)?;
        self.names.insert(entry);
        Ok(())
    }

    /// Writes the ZIP's directory and gives the output back.
    pub fn finish(self) -> Result<W, ExportError> {
        Ok(self.zip.finish()?.into_inner())
    }
}

/// Photos, audio and video from phones are compressed already; deflating them again costs
/// time and saves nothing.
fn already_compressed(name: &str) -> bool {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        ext.as_str(),
        "jpg"
            | "jpeg"
            | "png"
            | "webp"
            | "heic"
            | "gif"
            | "mp3"
            | "m4a"
            | "aac"
            | "amr"
            | "ogg"
            | "opus"
            | "3gp"
            | "mp4"
            | "webm"
            | "mkv"
            | "zip"
            | "gz"
            | "enc"
    )
}
