-- The tamper-evident audit log. Each entry stores the hash of the previous one;
-- details are canonical JSON text (not jsonb) so the hashed bytes survive storage.

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY NOT NULL,
    at_ms BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    address TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_by_time ON audit_log (at_ms);
