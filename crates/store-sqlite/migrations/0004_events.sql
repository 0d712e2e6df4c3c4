-- Events, funders, materials, the pseudonymous participant register,
-- registrations and attendance. Kept in step with
-- store-postgres/migrations/0004_events.sql; a test compares the two schemas.
-- Times are seconds since the Unix epoch (UTC). Calendar days (event days,
-- funding periods) are TEXT `YYYY-MM-DD`: civil dates, not moments, and
-- they sort as text. Personal fields are BLOBs encrypted by the server.

CREATE TABLE event_types (
    id TEXT PRIMARY KEY NOT NULL,
    name_uk TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position BIGINT NOT NULL,
    retired BOOLEAN NOT NULL DEFAULT FALSE
);

INSERT INTO event_types (id, name_uk, name_en, position, retired) VALUES
    ('training', 'Тренінг', 'Training', 1, FALSE),
    ('workshop', 'Воркшоп', 'Workshop', 2, FALSE),
    ('strategic_session', 'Стратегічна сесія', 'Strategic session', 3, FALSE),
    ('consultation', 'Консультація спільноти', 'Community consultation', 4, FALSE),
    ('partner_training', 'Тренінг для партнерських НУО', 'Partner-NGO training', 5, FALSE),
    ('community_meeting', 'Зустріч спільноти', 'Community meeting', 6, FALSE);

CREATE TABLE funders (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    grant_code TEXT NOT NULL,
    period_start TEXT,
    period_end TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (name, grant_code)
);

CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    type_id TEXT NOT NULL REFERENCES event_types (id),
    format TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    oblast TEXT,
    city TEXT NOT NULL,
    venue TEXT NOT NULL,
    budget_minor BIGINT,
    budget_currency TEXT,
    agenda TEXT NOT NULL,
    planned_participants BIGINT,
    actual_participants BIGINT,
    status TEXT NOT NULL,
    notes TEXT NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX events_by_start ON events (start_date);
CREATE INDEX events_by_oblast ON events (oblast, start_date);

CREATE TABLE event_days (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    PRIMARY KEY (event_id, day)
);

CREATE TABLE event_topics (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    topic TEXT NOT NULL,
    PRIMARY KEY (event_id, position)
);

CREATE TABLE event_trainers (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    user_id TEXT REFERENCES users (id),
    external_name TEXT,
    PRIMARY KEY (event_id, position)
);
CREATE INDEX event_trainers_by_user ON event_trainers (user_id);

CREATE TABLE event_funders (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    funder_id TEXT NOT NULL REFERENCES funders (id),
    PRIMARY KEY (event_id, funder_id)
);

CREATE TABLE event_materials (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX event_materials_by_event ON event_materials (event_id);

CREATE TABLE participants (
    id TEXT PRIMARY KEY NOT NULL,
    uic TEXT NOT NULL,
    uic_scheme TEXT NOT NULL,
    nickname TEXT NOT NULL,
    -- The nickname lower-cased by Kolo (SQLite lower() folds ASCII only).
    nickname_key TEXT NOT NULL,
    oblast TEXT,
    group_kind TEXT,
    gender TEXT,
    age_band TEXT,
    consent_contact BOOLEAN NOT NULL DEFAULT FALSE,
    consent_certificate BOOLEAN NOT NULL DEFAULT FALSE,
    real_name BLOB,
    phone BLOB,
    messenger BLOB,
    phone_index TEXT,
    merged_into TEXT REFERENCES participants (id),
    merged_at BIGINT,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One live record per code; merged records keep theirs.
CREATE UNIQUE INDEX participants_live_uic ON participants (uic) WHERE merged_into IS NULL;
CREATE INDEX participants_by_uic ON participants (uic);
CREATE INDEX participants_by_oblast ON participants (oblast);
CREATE INDEX participants_by_merge ON participants (merged_into);

CREATE TABLE participant_consents (
    participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    given BOOLEAN NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by TEXT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX participant_consents_by_participant ON participant_consents (participant_id, recorded_at);

CREATE TABLE participant_imports (
    id TEXT PRIMARY KEY NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content BLOB NOT NULL
);

CREATE TABLE registrations (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    -- The record the registration belonged to before a merge moved it.
    merged_from TEXT REFERENCES participants (id),
    registered_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    registered_at BIGINT NOT NULL,
    UNIQUE (event_id, participant_id)
);
CREATE INDEX registrations_by_participant ON registrations (participant_id);

CREATE TABLE attendance (
    registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (registration_id, day)
);
