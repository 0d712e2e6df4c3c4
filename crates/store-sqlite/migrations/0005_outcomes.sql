-- Learning outcomes: the question bank, templates, the instruments of an
-- event with their short codes, and the responses keyed by participant code
-- (UIC). Kept in step with store-postgres/migrations/0005_outcomes.sql; a
-- test compares the two schemas. Scores are whole points, never floats.
-- Free text is a BLOB encrypted by the server, bound to the response's id.

CREATE TABLE outcome_questions (
    id TEXT PRIMARY KEY NOT NULL,
    topic TEXT NOT NULL,
    kind TEXT NOT NULL,
    text_uk TEXT NOT NULL,
    text_en TEXT NOT NULL,
    numeric_answer TEXT,
    points BIGINT NOT NULL,
    retired BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT NOT NULL
);
CREATE INDEX outcome_questions_by_topic ON outcome_questions (topic);

CREATE TABLE outcome_question_options (
    question_id TEXT NOT NULL REFERENCES outcome_questions (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    text_uk TEXT NOT NULL,
    text_en TEXT NOT NULL,
    correct BOOLEAN NOT NULL,
    PRIMARY KEY (question_id, position)
);

CREATE TABLE outcome_templates (
    id TEXT PRIMARY KEY NOT NULL,
    name_uk TEXT NOT NULL,
    name_en TEXT NOT NULL,
    follow_up_weeks BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE outcome_template_questions (
    template_id TEXT NOT NULL REFERENCES outcome_templates (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    question_id TEXT NOT NULL REFERENCES outcome_questions (id),
    PRIMARY KEY (template_id, position)
);

CREATE TABLE outcome_instruments (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    closed_at BIGINT,
    follow_up_weeks BIGINT NOT NULL,
    refused_attempts BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (event_id, kind)
);

CREATE TABLE outcome_instrument_questions (
    instrument_id TEXT NOT NULL REFERENCES outcome_instruments (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    question_id TEXT NOT NULL REFERENCES outcome_questions (id),
    PRIMARY KEY (instrument_id, position)
);

CREATE TABLE outcome_responses (
    id TEXT PRIMARY KEY NOT NULL,
    instrument_id TEXT NOT NULL REFERENCES outcome_instruments (id) ON DELETE CASCADE,
    uic TEXT NOT NULL,
    source TEXT NOT NULL,
    points BIGINT,
    max_points BIGINT,
    comment BLOB,
    recorded_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    submitted_at BIGINT NOT NULL,
    -- One response per person per instrument.
    UNIQUE (instrument_id, uic)
);

CREATE TABLE outcome_answers (
    response_id TEXT NOT NULL REFERENCES outcome_responses (id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    answer TEXT NOT NULL,
    correct BOOLEAN,
    PRIMARY KEY (response_id, item)
);

-- An uploaded results file waiting for its preview to be confirmed
-- (encrypted: it holds participant codes and free text).
CREATE TABLE outcome_imports (
    id TEXT PRIMARY KEY NOT NULL,
    instrument_id TEXT NOT NULL REFERENCES outcome_instruments (id) ON DELETE CASCADE,
    created_by TEXT REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content BLOB NOT NULL
);
