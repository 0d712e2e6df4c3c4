//! The merged client audit file of a ZIP export with files (Central's
//! `{xmlFormId} - audit.csv`). Collect's `audit.csv` of each exported
//! submission is read as the media are written and its events are spooled to
//! a temporary file, which joins the ZIP after the media: memory holds one
//! line of one log, whatever the number of submissions.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Seek, SeekFrom, Write};

use kolo_core::clm::SubmissionId;
use odk_data::export::{ClientAuditCsv, ExportError, MediaStage};

/// Created at the first audit log, so that an export with none has no file.
#[derive(Default)]
pub(super) struct AuditSpool {
    csv: Option<ClientAuditCsv<BufWriter<File>>>,
}

impl AuditSpool {
    /// Adds one submission's log, each event led by the submission's KEY (its
    /// first instanceID, as in the main table). A damaged log keeps the events
    /// read before the fault; the warning names the submission and the fault,
    /// never the log's content.
    pub(super) fn append(
        &mut self,
        key: &str,
        submission: &SubmissionId,
        log: File,
    ) -> io::Result<()> {
        let csv = match &mut self.csv {
            Some(csv) => csv,
            None => self
                .csv
                .insert(ClientAuditCsv::new(BufWriter::new(tempfile::tempfile()?))?),
        };
        let appended = csv.append(key, &mut BufReader::new(log))?;
        if let Some(damage) = appended.damaged {
            tracing::warn!(
                submission = %submission.0,
                events_kept = appended.rows,
                %damage,
                "a client audit log was exported only in part"
            );
        }
        Ok(())
    }

    /// Adds the merged file to the ZIP, if any submission had a log.
    pub(super) fn finish_into<W: Write>(
        self,
        media: &mut MediaStage<W>,
        xml_form_id: &str,
    ) -> Result<(), ExportError> {
        let Some(csv) = self.csv else {
            return Ok(());
        };
        let mut file = csv.finish()?.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        media.add_client_audits(xml_form_id, &mut file)
    }
}
