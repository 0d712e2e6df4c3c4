-- Every submission stored writes one entry in each index of its tables, and
-- this one repeated what the unique (submission_id, number) index already
-- gives: lookups by submission use that index instead.
DROP INDEX clm_submission_versions_by_submission;
