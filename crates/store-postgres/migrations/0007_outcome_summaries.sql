-- Per-event summaries of what the evidence page compares, so that page
-- reads a few rows per event instead of every response, answer and
-- attendance mark. Each summary is a pure function of one event's raw rows:
-- the store rebuilds an event's summary in the same transaction as every
-- write that changes them (crates/store-postgres/src/summaries.rs holds the
-- same statements, restricted to one event). This migration fills them for
-- existing events. Kept in step with
-- store-sqlite/migrations/0007_outcome_summaries.sql; a test compares
-- the two schemas.

-- Paired pre-/post-test scores: how many people of the event scored
-- exactly these points (a person's pre-test and post-test pair by code).
-- Only valid scores (0 <= points <= max_points, max_points > 0) count.
CREATE TABLE outcome_event_scores (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    pre_points BIGINT NOT NULL,
    pre_max BIGINT NOT NULL,
    post_points BIGINT NOT NULL,
    post_max BIGINT NOT NULL,
    people BIGINT NOT NULL,
    PRIMARY KEY (event_id, pre_points, pre_max, post_points, post_max)
);

-- Rating and follow-up answers: how many people gave this answer to this
-- item (`likert.*` and `recommend` of the feedback form, `used` of the
-- follow-up questionnaire).
CREATE TABLE outcome_event_answers (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    answer TEXT NOT NULL,
    people BIGINT NOT NULL,
    PRIMARY KEY (event_id, item, answer)
);

-- Attendance: how many registered people were present on exactly this set
-- of the event's days (`days_present`: bit 0 is the first event day; marks
-- on days that are no longer event days do not count). `event_days` is the
-- number of days of the event. Events of more than 63 days are not
-- summarised.
CREATE TABLE event_attendance_patterns (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    event_days BIGINT NOT NULL,
    days_present BIGINT NOT NULL,
    people BIGINT NOT NULL,
    PRIMARY KEY (event_id, days_present)
);

INSERT INTO outcome_event_scores (event_id, pre_points, pre_max, post_points, post_max, people)
SELECT ipre.event_id, pre.points, pre.max_points, post.points, post.max_points, COUNT(*)
FROM outcome_instruments ipre
JOIN outcome_instruments ipost ON ipost.event_id = ipre.event_id AND ipost.kind = 'post_test'
JOIN outcome_responses pre ON pre.instrument_id = ipre.id
JOIN outcome_responses post ON post.instrument_id = ipost.id AND post.uic = pre.uic
WHERE ipre.kind = 'pre_test'
  AND pre.max_points > 0 AND pre.points BETWEEN 0 AND pre.max_points
  AND post.max_points > 0 AND post.points BETWEEN 0 AND post.max_points
GROUP BY ipre.event_id, pre.points, pre.max_points, post.points, post.max_points;

INSERT INTO outcome_event_answers (event_id, item, answer, people)
SELECT i.event_id, a.item, a.answer, COUNT(*)
FROM outcome_answers a
JOIN outcome_responses r ON r.id = a.response_id
JOIN outcome_instruments i ON i.id = r.instrument_id
WHERE (i.kind = 'feedback' AND (a.item = 'recommend' OR a.item LIKE 'likert.%'))
   OR (i.kind = 'follow_up' AND a.item = 'used')
GROUP BY i.event_id, a.item, a.answer;

INSERT INTO event_attendance_patterns (event_id, event_days, days_present, people)
SELECT event_id, event_days, days_present, COUNT(*) FROM (
    SELECT r.event_id,
        (SELECT COUNT(*) FROM event_days n WHERE n.event_id = r.event_id) AS event_days,
        COALESCE((
            SELECT SUM(CAST(1 AS BIGINT) << (SELECT COUNT(*) FROM event_days b WHERE b.event_id = d.event_id AND b.day < d.day)::INTEGER)::BIGINT
            FROM attendance a JOIN event_days d ON d.event_id = r.event_id AND d.day = a.day
            WHERE a.registration_id = r.id
        ), 0) AS days_present
    FROM registrations r
) AS registered
WHERE event_days BETWEEN 1 AND 63
GROUP BY event_id, event_days, days_present;
