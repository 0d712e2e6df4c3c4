//! Events, their types, funders and materials on SQLite.

use async_trait::async_trait;
use kolo_core::StoreError;
use kolo_core::auth::UserId;
use kolo_core::events::{
    AttendeeFact, Currency, Event, EventDetails, EventFilter, EventFormat, EventId, EventListItem,
    EventStatus, EventStore, EventType, Funder, MaterialInfo, Money, Trainer,
};
use kolo_core::org::Oblast;
use kolo_core::participants::ParticipantId;
use kolo_core::time::Timestamp;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, Transaction};

use crate::rows::{corrupt, get};
use crate::{SqliteStore, db_error};

#[async_trait]
impl EventStore for SqliteStore {
    async fn event_types(&self) -> Result<Vec<EventType>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name_uk, name_en, position, retired FROM event_types ORDER BY position, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(EventType {
                    id: get(row, "id")?,
                    name_uk: get(row, "name_uk")?,
                    name_en: get(row, "name_en")?,
                    position: get(row, "position")?,
                    retired: get(row, "retired")?,
                })
            })
            .collect()
    }

    async fn save_event_type(&self, event_type: &EventType) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO event_types (id, name_uk, name_en, position, retired) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (id) DO UPDATE SET name_uk = excluded.name_uk, name_en = excluded.name_en, \
             position = excluded.position, retired = excluded.retired",
        )
        .bind(&event_type.id)
        .bind(&event_type.name_uk)
        .bind(&event_type.name_en)
        .bind(event_type.position)
        .bind(event_type.retired)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(db_error)
    }

    async fn funders(&self) -> Result<Vec<Funder>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, grant_code, period_start, period_end FROM funders ORDER BY name, grant_code",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(Funder {
                    id: get(row, "id")?,
                    name: get(row, "name")?,
                    grant_code: get(row, "grant_code")?,
                    period_start: optional_day(row, "period_start")?,
                    period_end: optional_day(row, "period_end")?,
                })
            })
            .collect()
    }

    async fn save_funder(&self, funder: &Funder, now: Timestamp) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO funders (id, name, grant_code, period_start, period_end, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, grant_code = excluded.grant_code, \
             period_start = excluded.period_start, period_end = excluded.period_end, updated_at = excluded.updated_at",
        )
        .bind(&funder.id)
        .bind(&funder.name)
        .bind(&funder.grant_code)
        .bind(funder.period_start.map(|d| d.to_string()))
        .bind(funder.period_end.map(|d| d.to_string()))
        .bind(now.seconds())
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(|e| match db_error(e) {
            StoreError::Conflict(_) => StoreError::Conflict("funder"),
            other => other,
        })
    }

    async fn create_event(
        &self,
        id: &EventId,
        details: &EventDetails,
        by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        sqlx::query(
            "INSERT INTO events (id, title, type_id, format, start_date, end_date, oblast, city, venue, \
             budget_minor, budget_currency, agenda, planned_participants, actual_participants, status, notes, \
             created_by, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18)",
        )
        .bind(&id.0)
        .bind(&details.title)
        .bind(&details.type_id)
        .bind(details.format.as_str())
        .bind(details.start.to_string())
        .bind(details.end.to_string())
        .bind(details.oblast.map(|o| o.code()))
        .bind(&details.city)
        .bind(&details.venue)
        .bind(details.budget.map(|m| m.minor))
        .bind(details.budget.map(|m| m.currency.as_str()))
        .bind(&details.agenda)
        .bind(details.planned_participants.map(i64::from))
        .bind(details.actual_participants.map(i64::from))
        .bind(details.status.as_str())
        .bind(&details.notes)
        .bind(by.map(|u| u.0.as_str()))
        .bind(now.seconds())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        write_children(&mut tx, id, details).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn update_event(
        &self,
        id: &EventId,
        details: &EventDetails,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let updated = sqlx::query(
            "UPDATE events SET title = ?2, type_id = ?3, format = ?4, start_date = ?5, end_date = ?6, \
             oblast = ?7, city = ?8, venue = ?9, budget_minor = ?10, budget_currency = ?11, agenda = ?12, \
             planned_participants = ?13, actual_participants = ?14, status = ?15, notes = ?16, updated_at = ?17 \
             WHERE id = ?1",
        )
        .bind(&id.0)
        .bind(&details.title)
        .bind(&details.type_id)
        .bind(details.format.as_str())
        .bind(details.start.to_string())
        .bind(details.end.to_string())
        .bind(details.oblast.map(|o| o.code()))
        .bind(&details.city)
        .bind(&details.venue)
        .bind(details.budget.map(|m| m.minor))
        .bind(details.budget.map(|m| m.currency.as_str()))
        .bind(&details.agenda)
        .bind(details.planned_participants.map(i64::from))
        .bind(details.actual_participants.map(i64::from))
        .bind(details.status.as_str())
        .bind(&details.notes)
        .bind(now.seconds())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound("event"));
        }
        for table in [
            "event_days",
            "event_topics",
            "event_trainers",
            "event_funders",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE event_id = ?1"
            )))
            .bind(&id.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        write_children(&mut tx, id, details).await?;
        // The days may have changed, and with them who was there every day.
        crate::summaries::refresh_attendance(&mut tx, &id.0).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn event(&self, id: &EventId) -> Result<Option<Event>, StoreError> {
        let Some(row) = sqlx::query("SELECT * FROM events WHERE id = ?1")
            .bind(&id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
        else {
            return Ok(None);
        };
        let days = sqlx::query_scalar::<_, String>(
            "SELECT day FROM event_days WHERE event_id = ?1 ORDER BY day",
        )
        .bind(&id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let topics = sqlx::query_scalar::<_, String>(
            "SELECT topic FROM event_topics WHERE event_id = ?1 ORDER BY position",
        )
        .bind(&id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let trainer_rows = sqlx::query(
            "SELECT user_id, external_name FROM event_trainers WHERE event_id = ?1 ORDER BY position",
        )
        .bind(&id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let funder_ids = sqlx::query_scalar::<_, String>(
            "SELECT f.funder_id FROM event_funders f JOIN funders n ON n.id = f.funder_id \
             WHERE f.event_id = ?1 ORDER BY n.name",
        )
        .bind(&id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut trainers = Vec::with_capacity(trainer_rows.len());
        for trainer in &trainer_rows {
            let user: Option<String> = get(trainer, "user_id")?;
            let external: Option<String> = get(trainer, "external_name")?;
            trainers.push(match (user, external) {
                (Some(user), _) => Trainer::Staff(UserId(user)),
                (None, Some(name)) => Trainer::External(name),
                (None, None) => return Err(corrupt("event_trainers")),
            });
        }
        let days = days
            .iter()
            .map(|d| d.parse().map_err(|_| corrupt("event_days.day")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Event {
            id: id.clone(),
            details: EventDetails {
                title: get(&row, "title")?,
                type_id: get(&row, "type_id")?,
                topics,
                format: EventFormat::parse(&get::<String>(&row, "format")?)
                    .ok_or_else(|| corrupt("events.format"))?,
                start: day(&row, "start_date")?,
                end: day(&row, "end_date")?,
                days,
                oblast: oblast(&row)?,
                city: get(&row, "city")?,
                venue: get(&row, "venue")?,
                trainers,
                funder_ids,
                budget: budget(&row)?,
                agenda: get(&row, "agenda")?,
                planned_participants: count(&row, "planned_participants")?,
                actual_participants: count(&row, "actual_participants")?,
                status: status(&row)?,
                notes: get(&row, "notes")?,
            },
            created_by: get::<Option<String>>(&row, "created_by")?.map(UserId),
            created_at: Timestamp(get(&row, "created_at")?),
            updated_at: Timestamp(get(&row, "updated_at")?),
        }))
    }

    async fn events(&self, filter: &EventFilter) -> Result<Vec<EventListItem>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT e.id, e.title, e.type_id, e.format, e.start_date, e.end_date, e.oblast, e.city, e.status, \
             (SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id) AS registered, \
             (SELECT COUNT(DISTINCT a.registration_id) FROM attendance a \
                JOIN registrations r ON r.id = a.registration_id WHERE r.event_id = e.id) AS attended \
             FROM events e WHERE 1 = 1",
        );
        push_filter(&mut query, filter);
        query.push(" ORDER BY e.start_date DESC, e.title");
        let rows = query
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(EventListItem {
                    id: EventId(get(row, "id")?),
                    title: get(row, "title")?,
                    type_id: get(row, "type_id")?,
                    format: EventFormat::parse(&get::<String>(row, "format")?)
                        .ok_or_else(|| corrupt("events.format"))?,
                    start: day(row, "start_date")?,
                    end: day(row, "end_date")?,
                    oblast: oblast(row)?,
                    city: get(row, "city")?,
                    status: status(row)?,
                    registered: u32::try_from(get::<i64>(row, "registered")?).unwrap_or(u32::MAX),
                    attended: u32::try_from(get::<i64>(row, "attended")?).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    async fn add_material(&self, info: &MaterialInfo, bytes: &[u8]) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO event_materials (id, event_id, file_name, content_type, size, content, uploaded_by, uploaded_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&info.id)
        .bind(&info.event_id)
        .bind(&info.file_name)
        .bind(&info.content_type)
        .bind(i64::try_from(info.size).unwrap_or(i64::MAX))
        .bind(bytes)
        .bind(info.uploaded_by.as_ref().map(|u| u.0.as_str()))
        .bind(info.uploaded_at.seconds())
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(db_error)
    }

    async fn materials(&self, event: &EventId) -> Result<Vec<MaterialInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, event_id, file_name, content_type, size, uploaded_by, uploaded_at \
             FROM event_materials WHERE event_id = ?1 ORDER BY uploaded_at, file_name",
        )
        .bind(&event.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(material_info).collect()
    }

    async fn material(
        &self,
        event: &EventId,
        id: &str,
    ) -> Result<Option<(MaterialInfo, Vec<u8>)>, StoreError> {
        let row = sqlx::query(
            "SELECT id, event_id, file_name, content_type, size, uploaded_by, uploaded_at, content \
             FROM event_materials WHERE event_id = ?1 AND id = ?2",
        )
        .bind(&event.0)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|row| Ok((material_info(&row)?, get(&row, "content")?)))
            .transpose()
    }

    async fn delete_material(&self, event: &EventId, id: &str) -> Result<(), StoreError> {
        let deleted = sqlx::query("DELETE FROM event_materials WHERE event_id = ?1 AND id = ?2")
            .bind(&event.0)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound("material"));
        }
        Ok(())
    }

    async fn attendees(&self, filter: &EventFilter) -> Result<Vec<AttendeeFact>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT DISTINCT e.id, e.type_id, e.format, r.participant_id FROM events e \
             JOIN registrations r ON r.event_id = e.id \
             JOIN attendance a ON a.registration_id = r.id WHERE 1 = 1",
        );
        push_filter(&mut query, filter);
        let rows = query
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(AttendeeFact {
                    event_id: EventId(get(row, "id")?),
                    type_id: get(row, "type_id")?,
                    format: EventFormat::parse(&get::<String>(row, "format")?)
                        .ok_or_else(|| corrupt("events.format"))?,
                    participant_id: ParticipantId(get(row, "participant_id")?),
                })
            })
            .collect()
    }
}

pub(crate) fn push_filter(query: &mut QueryBuilder<Sqlite>, filter: &EventFilter) {
    if let Some(from) = filter.from {
        query
            .push(" AND e.end_date >= ")
            .push_bind(from.to_string());
    }
    if let Some(until) = filter.until {
        query
            .push(" AND e.start_date <= ")
            .push_bind(until.to_string());
    }
    if let Some(type_id) = &filter.type_id {
        query.push(" AND e.type_id = ").push_bind(type_id.clone());
    }
    if let Some(format) = filter.format {
        query.push(" AND e.format = ").push_bind(format.as_str());
    }
    if let Some(oblast) = filter.oblast {
        query.push(" AND e.oblast = ").push_bind(oblast.code());
    }
    if let Some(status) = filter.status {
        query.push(" AND e.status = ").push_bind(status.as_str());
    }
    if let Some(funder) = &filter.funder_id {
        query
            .push(" AND EXISTS (SELECT 1 FROM event_funders f WHERE f.event_id = e.id AND f.funder_id = ")
            .push_bind(funder.clone())
            .push(")");
    }
    if let Some(trainer) = &filter.trainer {
        query
            .push(" AND EXISTS (SELECT 1 FROM event_trainers t WHERE t.event_id = e.id AND t.user_id = ")
            .push_bind(trainer.0.clone())
            .push(")");
    }
}

async fn write_children(
    tx: &mut Transaction<'static, Sqlite>,
    id: &EventId,
    details: &EventDetails,
) -> Result<(), StoreError> {
    for day in &details.days {
        sqlx::query("INSERT INTO event_days (event_id, day) VALUES (?1, ?2)")
            .bind(&id.0)
            .bind(day.to_string())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
    }
    for (position, topic) in (0_i64..).zip(&details.topics) {
        sqlx::query("INSERT INTO event_topics (event_id, position, topic) VALUES (?1, ?2, ?3)")
            .bind(&id.0)
            .bind(position)
            .bind(topic)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
    }
    for (position, trainer) in (0_i64..).zip(&details.trainers) {
        let (user, external) = match trainer {
            Trainer::Staff(user) => (Some(user.0.as_str()), None),
            Trainer::External(name) => (None, Some(name.as_str())),
        };
        sqlx::query(
            "INSERT INTO event_trainers (event_id, position, user_id, external_name) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(&id.0)
        .bind(position)
        .bind(user)
        .bind(external)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    for funder in &details.funder_ids {
        sqlx::query("INSERT INTO event_funders (event_id, funder_id) VALUES (?1, ?2)")
            .bind(&id.0)
            .bind(funder)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

fn material_info(row: &SqliteRow) -> Result<MaterialInfo, StoreError> {
    Ok(MaterialInfo {
        id: get(row, "id")?,
        event_id: get(row, "event_id")?,
        file_name: get(row, "file_name")?,
        content_type: get(row, "content_type")?,
        size: u64::try_from(get::<i64>(row, "size")?).unwrap_or(0),
        uploaded_by: get::<Option<String>>(row, "uploaded_by")?.map(UserId),
        uploaded_at: Timestamp(get(row, "uploaded_at")?),
    })
}

pub(crate) fn day(row: &SqliteRow, column: &str) -> Result<jiff::civil::Date, StoreError> {
    get::<String>(row, column)?
        .parse()
        .map_err(|_| corrupt(column))
}

fn optional_day(row: &SqliteRow, column: &str) -> Result<Option<jiff::civil::Date>, StoreError> {
    get::<Option<String>>(row, column)?
        .map(|d| d.parse().map_err(|_| corrupt(column)))
        .transpose()
}

fn oblast(row: &SqliteRow) -> Result<Option<Oblast>, StoreError> {
    get::<Option<String>>(row, "oblast")?
        .map(|code| Oblast::from_code(&code).ok_or_else(|| corrupt("oblast")))
        .transpose()
}

fn status(row: &SqliteRow) -> Result<EventStatus, StoreError> {
    EventStatus::parse(&get::<String>(row, "status")?).ok_or_else(|| corrupt("events.status"))
}

fn count(row: &SqliteRow, column: &str) -> Result<Option<u32>, StoreError> {
    Ok(get::<Option<i64>>(row, column)?.and_then(|n| u32::try_from(n).ok()))
}

fn budget(row: &SqliteRow) -> Result<Option<Money>, StoreError> {
    let minor: Option<i64> = get(row, "budget_minor")?;
    let currency: Option<String> = get(row, "budget_currency")?;
    match (minor, currency) {
        (Some(minor), Some(currency)) => Ok(Some(Money {
            minor,
            currency: Currency::parse(&currency)
                .ok_or_else(|| corrupt("events.budget_currency"))?,
        })),
        _ => Ok(None),
    }
}
