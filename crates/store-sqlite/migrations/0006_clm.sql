-- Community-led monitoring: projects and their staff, forms with versions and
-- media, app users (field devices), submissions with their versions (edits),
-- files and reviews. Kept in step with store-postgres/migrations/0006_clm.sql;
-- a test compares the two schemas. Times are seconds since the Unix epoch.
-- File contents live in the blob store (DATA/blobs, named by SHA-256); rows
-- name them, and a row is committed only after its file is durable.

CREATE TABLE clm_projects (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE clm_project_staff (
    project_id TEXT NOT NULL REFERENCES clm_projects (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX clm_project_staff_by_user ON clm_project_staff (user_id);

CREATE TABLE clm_blobs (
    sha256 TEXT PRIMARY KEY NOT NULL,
    size BIGINT NOT NULL,
    md5 TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE clm_forms (
    id TEXT PRIMARY KEY NOT NULL,
    project_id TEXT NOT NULL REFERENCES clm_projects (id),
    xml_form_id TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (project_id, xml_form_id)
);

-- state: draft | current | previous. At most one draft and one current per form.
CREATE TABLE clm_form_versions (
    id TEXT PRIMARY KEY NOT NULL,
    form_id TEXT NOT NULL REFERENCES clm_forms (id),
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    xml TEXT NOT NULL,
    xml_md5 TEXT NOT NULL,
    root_name TEXT NOT NULL,
    public_key TEXT,
    binary_fields TEXT NOT NULL,
    source_sha256 TEXT REFERENCES clm_blobs (sha256),
    state TEXT NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    published_at BIGINT
);
CREATE UNIQUE INDEX clm_form_versions_one_draft ON clm_form_versions (form_id) WHERE state = 'draft';
CREATE UNIQUE INDEX clm_form_versions_one_current ON clm_form_versions (form_id) WHERE state = 'current';
-- Publishing needs a new version string: published versions never share one.
CREATE UNIQUE INDEX clm_form_versions_published ON clm_form_versions (form_id, version) WHERE state <> 'draft';

CREATE TABLE clm_form_attachments (
    version_id TEXT NOT NULL REFERENCES clm_form_versions (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT,
    blob_sha256 TEXT REFERENCES clm_blobs (sha256),
    uploaded_at BIGINT,
    PRIMARY KEY (version_id, name)
);

CREATE TABLE clm_app_users (
    id TEXT PRIMARY KEY NOT NULL,
    project_id TEXT NOT NULL REFERENCES clm_projects (id),
    display_name TEXT NOT NULL,
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX clm_app_users_by_project ON clm_app_users (project_id);

-- A submission across its edits; its versions below.
CREATE TABLE clm_submissions (
    id TEXT PRIMARY KEY NOT NULL,
    form_id TEXT NOT NULL REFERENCES clm_forms (id),
    review_state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX clm_submissions_by_form ON clm_submissions (form_id, created_at);

CREATE TABLE clm_submission_versions (
    id TEXT PRIMARY KEY NOT NULL,
    submission_id TEXT NOT NULL REFERENCES clm_submissions (id),
    form_id TEXT NOT NULL REFERENCES clm_forms (id),
    form_version_id TEXT NOT NULL REFERENCES clm_form_versions (id),
    form_version TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    deprecated_id TEXT,
    instance_name TEXT,
    app_user_id TEXT REFERENCES clm_app_users (id),
    xml BLOB NOT NULL,
    xml_sha256 TEXT NOT NULL,
    encrypted BOOLEAN NOT NULL,
    is_current BOOLEAN NOT NULL,
    received_at BIGINT NOT NULL,
    -- 1 for the first version, then one more per edit.
    number BIGINT NOT NULL,
    UNIQUE (form_id, instance_id),
    UNIQUE (submission_id, number)
);
CREATE INDEX clm_submission_versions_by_submission ON clm_submission_versions (submission_id);
CREATE UNIQUE INDEX clm_submission_versions_one_current ON clm_submission_versions (submission_id) WHERE is_current;
CREATE INDEX clm_submission_versions_by_app_user ON clm_submission_versions (app_user_id);

-- Files of a submission version: blob NULL while awaited (a split submission).
CREATE TABLE clm_submission_files (
    version_id TEXT NOT NULL REFERENCES clm_submission_versions (id),
    name TEXT NOT NULL,
    content_type TEXT,
    blob_sha256 TEXT REFERENCES clm_blobs (sha256),
    PRIMARY KEY (version_id, name)
);
CREATE INDEX clm_submission_files_by_blob ON clm_submission_files (blob_sha256);

CREATE TABLE clm_reviews (
    id TEXT PRIMARY KEY NOT NULL,
    submission_id TEXT NOT NULL REFERENCES clm_submissions (id),
    state TEXT NOT NULL,
    comment TEXT NOT NULL,
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX clm_reviews_by_submission ON clm_reviews (submission_id, created_at);
