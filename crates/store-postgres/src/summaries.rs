//! The per-event summaries the evidence page reads (migration 0007, PostgreSQL): paired
//! scores, rating and follow-up answers, attendance patterns. Each is a pure
//! function of one event's raw rows, so every write that changes those rows
//! rebuilds the event's summary in its own transaction: the summary can
//! never disagree with the responses, answers and attendance marks it
//! stands for. The statements are the migration's backfill, restricted to
//! one event.

use sqlx::{Postgres, Transaction};

use crate::db_error;
use kolo_core::StoreError;

type Tx = Transaction<'static, Postgres>;

const SCORES: &str = "INSERT INTO outcome_event_scores (event_id, pre_points, pre_max, post_points, post_max, people) \
     SELECT ipre.event_id, pre.points, pre.max_points, post.points, post.max_points, COUNT(*) \
     FROM outcome_instruments ipre \
     JOIN outcome_instruments ipost ON ipost.event_id = ipre.event_id AND ipost.kind = 'post_test' \
     JOIN outcome_responses pre ON pre.instrument_id = ipre.id \
     JOIN outcome_responses post ON post.instrument_id = ipost.id AND post.uic = pre.uic \
     WHERE ipre.kind = 'pre_test' AND ipre.event_id = $1 \
     AND pre.max_points > 0 AND pre.points BETWEEN 0 AND pre.max_points \
     AND post.max_points > 0 AND post.points BETWEEN 0 AND post.max_points \
     GROUP BY ipre.event_id, pre.points, pre.max_points, post.points, post.max_points";

const ANSWERS: &str = "INSERT INTO outcome_event_answers (event_id, item, answer, people) \
     SELECT i.event_id, a.item, a.answer, COUNT(*) FROM outcome_answers a \
     JOIN outcome_responses r ON r.id = a.response_id \
     JOIN outcome_instruments i ON i.id = r.instrument_id \
     WHERE i.event_id = $1 AND ((i.kind = 'feedback' AND (a.item = 'recommend' OR a.item LIKE 'likert.%')) \
     OR (i.kind = 'follow_up' AND a.item = 'used')) \
     GROUP BY i.event_id, a.item, a.answer";

/// Bit k of `days_present` is the (k+1)-th event day; marks on days that
/// are no longer event days do not count.
const ATTENDANCE: &str = "INSERT INTO event_attendance_patterns (event_id, event_days, days_present, people) \
     SELECT event_id, event_days, days_present, COUNT(*) FROM ( \
         SELECT r.event_id, \
             (SELECT COUNT(*) FROM event_days n WHERE n.event_id = r.event_id) AS event_days, \
             COALESCE(( \
                 SELECT SUM(CAST(1 AS BIGINT) << (SELECT COUNT(*) FROM event_days b WHERE b.event_id = d.event_id AND b.day < d.day)::INTEGER)::BIGINT \
                 FROM attendance a JOIN event_days d ON d.event_id = r.event_id AND d.day = a.day \
                 WHERE a.registration_id = r.id \
             ), 0) AS days_present \
         FROM registrations r WHERE r.event_id = $1 \
     ) AS registered \
     WHERE event_days BETWEEN 1 AND 63 \
     GROUP BY event_id, event_days, days_present";

/// Rebuilds the event's score and answer summaries, after its responses changed.
pub(crate) async fn refresh_outcomes(tx: &mut Tx, event_id: &str) -> Result<(), StoreError> {
    rebuild(tx, "outcome_event_scores", SCORES, event_id).await?;
    rebuild(tx, "outcome_event_answers", ANSWERS, event_id).await
}

/// Rebuilds the event's attendance patterns, after its registrations,
/// attendance marks or days changed.
pub(crate) async fn refresh_attendance(tx: &mut Tx, event_id: &str) -> Result<(), StoreError> {
    rebuild(tx, "event_attendance_patterns", ATTENDANCE, event_id).await
}

async fn rebuild(
    tx: &mut Tx,
    table: &'static str,
    insert: &'static str,
    event_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE event_id = $1"
    )))
    .bind(event_id)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    sqlx::query(insert)
        .bind(event_id)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(())
}
