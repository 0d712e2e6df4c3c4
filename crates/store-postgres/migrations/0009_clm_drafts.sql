-- Trying a form draft from ODK Collect, as ODK Central does: a draft has a
-- token for the URL /v1/test/{token}/projects/{id}/forms/{xmlFormId}/draft,
-- and what devices send there is kept apart from the published submissions,
-- to be discarded when the draft is published or replaced. Kept in step with
-- store-sqlite/migrations/0009_clm_drafts.sql.

-- The token is kept as it is (not hashed), as Central does: the form page
-- shows it again as a QR code, and it reaches only the draft and its
-- throwaway test submissions. NULL once the version is published.
ALTER TABLE clm_form_versions ADD COLUMN draft_token TEXT;
CREATE UNIQUE INDEX clm_form_versions_by_draft_token ON clm_form_versions (draft_token)
    WHERE draft_token IS NOT NULL;

CREATE TABLE clm_draft_submissions (
    id TEXT PRIMARY KEY NOT NULL,
    form_version_id TEXT NOT NULL REFERENCES clm_form_versions (id) ON DELETE CASCADE,
    instance_id TEXT NOT NULL,
    xml BYTEA NOT NULL,
    xml_sha256 TEXT NOT NULL,
    encrypted BOOLEAN NOT NULL,
    received_at BIGINT NOT NULL,
    UNIQUE (form_version_id, instance_id)
);

-- Files of a draft submission: blob NULL while awaited (a split submission).
CREATE TABLE clm_draft_submission_files (
    submission_id TEXT NOT NULL REFERENCES clm_draft_submissions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT,
    blob_sha256 TEXT REFERENCES clm_blobs (sha256),
    PRIMARY KEY (submission_id, name)
);
CREATE INDEX clm_draft_submission_files_by_blob ON clm_draft_submission_files (blob_sha256);
