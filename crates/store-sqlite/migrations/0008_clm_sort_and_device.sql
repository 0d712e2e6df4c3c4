-- Community-led monitoring: the device a submission came from, and the values
-- the submissions table sorts by. Kept in step with the other store's 0008.

-- The `deviceID` Collect sends with a submission (`POST …/submission?deviceID=…`),
-- as the first version brought it: edits keep it, as in ODK Central's exports.
ALTER TABLE clm_submissions ADD COLUMN device_id TEXT;

-- Whether the current version's values are in clm_submission_sort_values.
-- Rows stored before this migration (or without a readable form) are FALSE
-- and are read once, before the table is first sorted by a field.
ALTER TABLE clm_submissions ADD COLUMN sort_values_ready BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX clm_submissions_sort_pending ON clm_submissions (form_id) WHERE NOT sort_values_ready;

-- One row per non-empty value of the current version that the submissions
-- table shows as a column (values outside repeats, and each repeat's count),
-- keyed by the field's path so every form version shares the column. Numbers
-- also go in value_num, so 10 sorts after 9.
CREATE TABLE clm_submission_sort_values (
    submission_id TEXT NOT NULL REFERENCES clm_submissions (id),
    form_id TEXT NOT NULL REFERENCES clm_forms (id),
    field TEXT NOT NULL,
    value_num DOUBLE PRECISION,
    value_text TEXT NOT NULL,
    PRIMARY KEY (submission_id, field)
);
CREATE INDEX clm_submission_sort_values_by_field
    ON clm_submission_sort_values (form_id, field, value_num, value_text);
