//! Learning outcomes on SQLite: the question bank, templates, instruments,
//! responses and the facts of the evidence page.

use std::collections::HashMap;

use async_trait::async_trait;
use kolo_core::StoreError;
use kolo_core::events::{EventFilter, EventFormat, EventId};
use kolo_core::outcomes::{
    Answer, AnswerOption, AttendanceCount, EvidenceFacts, FollowUpCount, Instrument,
    InstrumentKind, NewResponse, OutcomeStore, Question, QuestionKind, RatingCount, ResponseSource,
    SaveOutcome, ScorePairCount, ShortCode, StagedResults, StoredResponse, Template,
};
use kolo_core::participants::{Sealed, Uic};
use kolo_core::time::Timestamp;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, Transaction};

use crate::events::{day, push_filter};
use crate::rows::{corrupt, get};
use crate::{SqliteStore, db_error, summaries};

type Tx = Transaction<'static, Sqlite>;

#[async_trait]
impl OutcomeStore for SqliteStore {
    async fn questions(&self) -> Result<Vec<Question>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, topic, kind, text_uk, text_en, numeric_answer, points, retired, updated_at \
             FROM outcome_questions ORDER BY topic, text_uk, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let options = sqlx::query(
            "SELECT question_id, text_uk, text_en, correct FROM outcome_question_options \
             ORDER BY question_id, position",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut by_question: HashMap<String, Vec<AnswerOption>> = HashMap::new();
        for row in &options {
            by_question
                .entry(get(row, "question_id")?)
                .or_default()
                .push(AnswerOption {
                    text_uk: get(row, "text_uk")?,
                    text_en: get(row, "text_en")?,
                    correct: get(row, "correct")?,
                });
        }
        rows.iter()
            .map(|row| {
                let id: String = get(row, "id")?;
                Ok(Question {
                    options: by_question.remove(&id).unwrap_or_default(),
                    id,
                    topic: get(row, "topic")?,
                    kind: QuestionKind::parse(&get::<String>(row, "kind")?)
                        .ok_or_else(|| corrupt("outcome_questions.kind"))?,
                    text_uk: get(row, "text_uk")?,
                    text_en: get(row, "text_en")?,
                    numeric_answer: get(row, "numeric_answer")?,
                    points: u32::try_from(get::<i64>(row, "points")?)
                        .map_err(|_| corrupt("outcome_questions.points"))?,
                    retired: get(row, "retired")?,
                    updated_at: Timestamp(get(row, "updated_at")?),
                })
            })
            .collect()
    }

    async fn save_question(&self, question: &Question) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        sqlx::query(
            "INSERT INTO outcome_questions (id, topic, kind, text_uk, text_en, numeric_answer, points, retired, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
             ON CONFLICT (id) DO UPDATE SET topic = excluded.topic, kind = excluded.kind, \
             text_uk = excluded.text_uk, text_en = excluded.text_en, numeric_answer = excluded.numeric_answer, \
             points = excluded.points, retired = excluded.retired, updated_at = excluded.updated_at",
        )
        .bind(&question.id)
        .bind(&question.topic)
        .bind(question.kind.as_str())
        .bind(&question.text_uk)
        .bind(&question.text_en)
        .bind(question.numeric_answer.as_deref())
        .bind(i64::from(question.points))
        .bind(question.retired)
        .bind(question.updated_at.seconds())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        sqlx::query("DELETE FROM outcome_question_options WHERE question_id = ?1")
            .bind(&question.id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        for (position, option) in question.options.iter().enumerate() {
            sqlx::query(
                "INSERT INTO outcome_question_options (question_id, position, text_uk, text_en, correct) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .bind(&question.id)
            .bind(position as i64)
            .bind(&option.text_uk)
            .bind(&option.text_en)
            .bind(option.correct)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn templates(&self) -> Result<Vec<Template>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name_uk, name_en, follow_up_weeks, created_at FROM outcome_templates \
             ORDER BY name_uk, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let items = sqlx::query(
            "SELECT template_id, question_id FROM outcome_template_questions ORDER BY template_id, position",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut questions: HashMap<String, Vec<String>> = HashMap::new();
        for row in &items {
            questions
                .entry(get(row, "template_id")?)
                .or_default()
                .push(get(row, "question_id")?);
        }
        rows.iter()
            .map(|row| {
                let id: String = get(row, "id")?;
                Ok(Template {
                    question_ids: questions.remove(&id).unwrap_or_default(),
                    id,
                    name_uk: get(row, "name_uk")?,
                    name_en: get(row, "name_en")?,
                    follow_up_weeks: weeks(row)?,
                    created_at: Timestamp(get(row, "created_at")?),
                })
            })
            .collect()
    }

    async fn save_template(&self, template: &Template) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        sqlx::query(
            "INSERT INTO outcome_templates (id, name_uk, name_en, follow_up_weeks, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET name_uk = excluded.name_uk, \
             name_en = excluded.name_en, follow_up_weeks = excluded.follow_up_weeks",
        )
        .bind(&template.id)
        .bind(&template.name_uk)
        .bind(&template.name_en)
        .bind(i64::from(template.follow_up_weeks))
        .bind(template.created_at.seconds())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        sqlx::query("DELETE FROM outcome_template_questions WHERE template_id = ?1")
            .bind(&template.id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        for (position, question) in template.question_ids.iter().enumerate() {
            sqlx::query(
                "INSERT INTO outcome_template_questions (template_id, position, question_id) VALUES (?1, ?2, ?3)",
            )
            .bind(&template.id)
            .bind(position as i64)
            .bind(question)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn delete_template(&self, id: &str) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        sqlx::query("DELETE FROM outcome_template_questions WHERE template_id = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let done = sqlx::query("DELETE FROM outcome_templates WHERE id = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("template"));
        }
        tx.commit().await.map_err(db_error)
    }

    async fn create_instruments(&self, instruments: &[Instrument]) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        for instrument in instruments {
            let taken =
                sqlx::query("SELECT 1 FROM outcome_instruments WHERE event_id = ?1 AND kind = ?2")
                    .bind(&instrument.event_id.0)
                    .bind(instrument.kind.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error)?;
            if taken.is_some() {
                return Err(StoreError::Conflict("instrument"));
            }
            sqlx::query(
                "INSERT INTO outcome_instruments (id, event_id, kind, code, opens_on, closes_on, closed_at, \
                 follow_up_weeks, refused_attempts, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)",
            )
            .bind(&instrument.id)
            .bind(&instrument.event_id.0)
            .bind(instrument.kind.as_str())
            .bind(instrument.code.as_str())
            .bind(instrument.opens_on.to_string())
            .bind(instrument.closes_on.to_string())
            .bind(instrument.closed_at.map(Timestamp::seconds))
            .bind(i64::from(instrument.follow_up_weeks))
            .bind(instrument.created_at.seconds())
            .execute(&mut *tx)
            .await
            .map_err(|e| match db_error(e) {
                StoreError::Conflict(_) => StoreError::Conflict("code"),
                other => other,
            })?;
            for (position, question) in instrument.question_ids.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO outcome_instrument_questions (instrument_id, position, question_id) \
                     VALUES (?1, ?2, ?3)",
                )
                .bind(&instrument.id)
                .bind(position as i64)
                .bind(question)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            }
        }
        tx.commit().await.map_err(db_error)
    }

    async fn instruments(&self, event: &EventId) -> Result<Vec<Instrument>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, event_id, kind, code, opens_on, closes_on, closed_at, \
             follow_up_weeks, refused_attempts, created_at FROM outcome_instruments WHERE event_id = ?1",
        )
        .bind(&event.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut instruments = Vec::with_capacity(rows.len());
        for row in &rows {
            instruments.push(self.instrument_from(row).await?);
        }
        instruments.sort_by_key(|i| i.kind);
        Ok(instruments)
    }

    async fn instrument_by_code(&self, code: &ShortCode) -> Result<Option<Instrument>, StoreError> {
        let row = sqlx::query(
            "SELECT id, event_id, kind, code, opens_on, closes_on, closed_at, \
             follow_up_weeks, refused_attempts, created_at FROM outcome_instruments WHERE code = ?1",
        )
        .bind(code.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        match row {
            Some(row) => Ok(Some(self.instrument_from(&row).await?)),
            None => Ok(None),
        }
    }

    async fn set_instrument_closed(
        &self,
        id: &str,
        closed_at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE outcome_instruments SET closed_at = ?1 WHERE id = ?2")
            .bind(closed_at.map(Timestamp::seconds))
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("instrument"));
        }
        Ok(())
    }

    async fn save_response(&self, response: &NewResponse) -> Result<SaveOutcome, StoreError> {
        let mut tx = self.write_transaction().await?;
        let answered =
            sqlx::query("SELECT 1 FROM outcome_responses WHERE instrument_id = ?1 AND uic = ?2")
                .bind(&response.instrument_id)
                .bind(response.uic.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        if answered.is_some() {
            count_refused(&mut tx, &response.instrument_id).await?;
            tx.commit().await.map_err(db_error)?;
            return Ok(SaveOutcome::AlreadyAnswered);
        }
        match insert_response(&mut tx, response).await {
            Ok(()) => {
                refresh_summaries(&mut tx, std::slice::from_ref(response)).await?;
                tx.commit().await.map_err(db_error)?;
                Ok(SaveOutcome::Saved)
            }
            // The same code answered at the same moment in another request.
            Err(StoreError::Conflict(_)) => {
                drop(tx);
                let mut tx = self.write_transaction().await?;
                count_refused(&mut tx, &response.instrument_id).await?;
                tx.commit().await.map_err(db_error)?;
                Ok(SaveOutcome::AlreadyAnswered)
            }
            Err(other) => Err(other),
        }
    }

    async fn save_responses(&self, responses: &[NewResponse]) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        for response in responses {
            insert_response(&mut tx, response)
                .await
                .map_err(|e| match e {
                    StoreError::Conflict(_) => StoreError::Conflict("response"),
                    other => other,
                })?;
        }
        refresh_summaries(&mut tx, responses).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn responses(&self, instrument_id: &str) -> Result<Vec<StoredResponse>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, uic, source, points, max_points, comment, submitted_at FROM outcome_responses \
             WHERE instrument_id = ?1 ORDER BY uic",
        )
        .bind(instrument_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let answers = sqlx::query(
            "SELECT a.response_id, a.item, a.answer, a.correct FROM outcome_answers a \
             JOIN outcome_responses r ON r.id = a.response_id WHERE r.instrument_id = ?1 \
             ORDER BY a.response_id, a.item",
        )
        .bind(instrument_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut by_response: HashMap<String, Vec<Answer>> = HashMap::new();
        for row in &answers {
            by_response
                .entry(get(row, "response_id")?)
                .or_default()
                .push(Answer {
                    item: get(row, "item")?,
                    value: get(row, "answer")?,
                    correct: get(row, "correct")?,
                });
        }
        rows.iter()
            .map(|row| {
                let id: String = get(row, "id")?;
                Ok(StoredResponse {
                    answers: by_response.remove(&id).unwrap_or_default(),
                    id,
                    instrument_id: instrument_id.to_owned(),
                    uic: Uic::parse(&get::<String>(row, "uic")?)
                        .ok_or_else(|| corrupt("outcome_responses.uic"))?,
                    source: ResponseSource::parse(&get::<String>(row, "source")?)
                        .ok_or_else(|| corrupt("outcome_responses.source"))?,
                    points: points(row, "points")?,
                    max_points: points(row, "max_points")?,
                    comment: get::<Option<Vec<u8>>>(row, "comment")?.map(Sealed),
                    submitted_at: Timestamp(get(row, "submitted_at")?),
                })
            })
            .collect()
    }

    async fn stage_results(&self, staged: &StagedResults) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO outcome_imports (id, instrument_id, created_by, created_at, file_name, content) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&staged.id)
        .bind(&staged.instrument_id)
        .bind(staged.created_by.as_ref().map(|u| u.0.as_str()))
        .bind(staged.created_at.seconds())
        .bind(&staged.file_name)
        .bind(staged.content.0.as_slice())
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn staged_results(&self, id: &str) -> Result<Option<StagedResults>, StoreError> {
        let row = sqlx::query(
            "SELECT id, instrument_id, created_by, created_at, file_name, content FROM outcome_imports WHERE id = ?1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|row| {
            Ok(StagedResults {
                id: get(&row, "id")?,
                instrument_id: get(&row, "instrument_id")?,
                created_by: get::<Option<String>>(&row, "created_by")?.map(kolo_core::auth::UserId),
                created_at: Timestamp(get(&row, "created_at")?),
                file_name: get(&row, "file_name")?,
                content: Sealed(get(&row, "content")?),
            })
        })
        .transpose()
    }

    async fn delete_staged_results(
        &self,
        id: Option<&str>,
        stale_before: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM outcome_imports WHERE id = ?1 OR created_at < ?2")
            .bind(id.unwrap_or(""))
            .bind(stale_before.seconds())
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn evidence_facts(
        &self,
        filter: &EventFilter,
        topic: Option<&str>,
    ) -> Result<EvidenceFacts, StoreError> {
        // Every query reads a per-event summary (summaries.rs) joined to the
        // events of the filter, counted per format.
        let scope = |select: &str, group: &str| {
            let mut query = QueryBuilder::<Sqlite>::new(select);
            query.push(" WHERE e.status <> 'cancelled'");
            push_filter(&mut query, filter);
            if let Some(topic) = topic {
                query
                    .push(" AND EXISTS (SELECT 1 FROM event_topics t WHERE t.event_id = e.id AND t.topic = ")
                    .push_bind(topic.to_owned())
                    .push(")");
            }
            query.push(group);
            query
        };
        let mut facts = EvidenceFacts::default();
        let rows = scope(
            "SELECT e.format, COUNT(*) AS people FROM events e",
            " AND EXISTS (SELECT 1 FROM outcome_event_scores s WHERE s.event_id = e.id) GROUP BY e.format",
        )
        .build()
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        for row in &rows {
            facts.events_with_pairs.push((format(row)?, people(row)?));
        }
        let rows = scope(
            "SELECT e.format, s.pre_points, s.pre_max, s.post_points, s.post_max, SUM(s.people) AS people \
             FROM outcome_event_scores s JOIN events e ON e.id = s.event_id",
            " GROUP BY e.format, s.pre_points, s.pre_max, s.post_points, s.post_max",
        )
        .build()
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        for row in &rows {
            let whole = |column: &str| {
                u32::try_from(get::<i64>(row, column)?)
                    .map_err(|_| corrupt("outcome_event_scores.points"))
            };
            facts.scores.push(ScorePairCount {
                format: format(row)?,
                pre_points: whole("pre_points")?,
                pre_max: whole("pre_max")?,
                post_points: whole("post_points")?,
                post_max: whole("post_max")?,
                people: people(row)?,
            });
        }
        let rows = scope(
            "SELECT e.format, a.item, a.answer, SUM(a.people) AS people \
             FROM outcome_event_answers a JOIN events e ON e.id = a.event_id",
            " GROUP BY e.format, a.item, a.answer",
        )
        .build()
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        for row in &rows {
            let item: String = get(row, "item")?;
            let answer: String = get(row, "answer")?;
            if item == "used" {
                facts.follow_up.push(FollowUpCount {
                    format: format(row)?,
                    used: answer == "yes",
                    people: people(row)?,
                });
            } else {
                facts.ratings.push(RatingCount {
                    format: format(row)?,
                    item: item.strip_prefix("likert.").unwrap_or(&item).to_owned(),
                    value: answer
                        .parse()
                        .map_err(|_| corrupt("outcome_answers.answer"))?,
                    people: people(row)?,
                });
            }
        }
        let rows = scope(
            "SELECT e.format, p.event_days, p.days_present, p.kept, SUM(p.people) AS people \
             FROM (SELECT event_id, event_days, days_present, people, EXISTS (SELECT 1 FROM event_attendance_patterns k \
             WHERE k.event_id = o.event_id AND k.days_present <> 0) AS kept FROM event_attendance_patterns o) p \
             JOIN events e ON e.id = p.event_id",
            " GROUP BY e.format, p.event_days, p.days_present, p.kept",
        )
        .build()
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        for row in &rows {
            facts.attendance.push(AttendanceCount {
                format: format(row)?,
                event_days: u32::try_from(get::<i64>(row, "event_days")?)
                    .map_err(|_| corrupt("event_attendance_patterns.event_days"))?,
                days_present: u64::try_from(get::<i64>(row, "days_present")?)
                    .map_err(|_| corrupt("event_attendance_patterns.days_present"))?,
                register_kept: get(row, "kept")?,
                people: people(row)?,
            });
        }
        Ok(facts)
    }
}

impl SqliteStore {
    async fn instrument_from(&self, row: &SqliteRow) -> Result<Instrument, StoreError> {
        let id: String = get(row, "id")?;
        let questions = sqlx::query(
            "SELECT question_id FROM outcome_instrument_questions WHERE instrument_id = ?1 ORDER BY position",
        )
        .bind(&id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(Instrument {
            question_ids: questions
                .iter()
                .map(|q| get(q, "question_id"))
                .collect::<Result<_, _>>()?,
            id,
            event_id: EventId(get(row, "event_id")?),
            kind: InstrumentKind::parse(&get::<String>(row, "kind")?)
                .ok_or_else(|| corrupt("outcome_instruments.kind"))?,
            code: ShortCode::parse(&get::<String>(row, "code")?)
                .ok_or_else(|| corrupt("outcome_instruments.code"))?,
            opens_on: day(row, "opens_on")?,
            closes_on: day(row, "closes_on")?,
            closed_at: get::<Option<i64>>(row, "closed_at")?.map(Timestamp),
            follow_up_weeks: weeks(row)?,
            refused_attempts: u32::try_from(get::<i64>(row, "refused_attempts")?)
                .unwrap_or(u32::MAX),
            created_at: Timestamp(get(row, "created_at")?),
        })
    }
}

fn format(row: &SqliteRow) -> Result<EventFormat, StoreError> {
    EventFormat::parse(&get::<String>(row, "format")?).ok_or_else(|| corrupt("events.format"))
}

fn people(row: &SqliteRow) -> Result<usize, StoreError> {
    usize::try_from(get::<i64>(row, "people")?).map_err(|_| corrupt("summary count"))
}

fn weeks(row: &SqliteRow) -> Result<u32, StoreError> {
    u32::try_from(get::<i64>(row, "follow_up_weeks")?).map_err(|_| corrupt("follow_up_weeks"))
}

fn points(row: &SqliteRow, column: &str) -> Result<Option<u32>, StoreError> {
    get::<Option<i64>>(row, column)?
        .map(|p| u32::try_from(p).map_err(|_| corrupt("outcome_responses.points")))
        .transpose()
}

async fn count_refused(tx: &mut Tx, instrument_id: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outcome_instruments SET refused_attempts = refused_attempts + 1 WHERE id = ?1",
    )
    .bind(instrument_id)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Rebuilds the evidence summaries of the events these responses belong to,
/// once per event however many responses it received.
async fn refresh_summaries(tx: &mut Tx, responses: &[NewResponse]) -> Result<(), StoreError> {
    let mut instruments: Vec<&str> = responses.iter().map(|r| r.instrument_id.as_str()).collect();
    instruments.sort_unstable();
    instruments.dedup();
    let mut events = Vec::with_capacity(instruments.len());
    for instrument in instruments {
        let event: Option<String> =
            sqlx::query_scalar("SELECT event_id FROM outcome_instruments WHERE id = ?1")
                .bind(instrument)
                .fetch_optional(&mut **tx)
                .await
                .map_err(db_error)?;
        events.extend(event);
    }
    events.sort_unstable();
    events.dedup();
    for event in &events {
        summaries::refresh_outcomes(tx, event).await?;
    }
    Ok(())
}

async fn insert_response(tx: &mut Tx, response: &NewResponse) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outcome_responses (id, instrument_id, uic, source, points, max_points, comment, \
         recorded_by, submitted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .bind(&response.id)
    .bind(&response.instrument_id)
    .bind(response.uic.as_str())
    .bind(response.source.as_str())
    .bind(response.points.map(i64::from))
    .bind(response.max_points.map(i64::from))
    .bind(response.comment.as_ref().map(|c| c.0.as_slice()))
    .bind(response.recorded_by.as_ref().map(|u| u.0.as_str()))
    .bind(response.submitted_at.seconds())
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    if response.answers.is_empty() {
        return Ok(());
    }
    let mut insert = QueryBuilder::<Sqlite>::new(
        "INSERT INTO outcome_answers (response_id, item, answer, correct) ",
    );
    insert.push_values(&response.answers, |mut row, answer| {
        row.push_bind(&response.id)
            .push_bind(&answer.item)
            .push_bind(&answer.value)
            .push_bind(answer.correct);
    });
    insert.build().execute(&mut **tx).await.map_err(db_error)?;
    Ok(())
}
