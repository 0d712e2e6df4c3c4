//! Registrations and attendance on PostgreSQL.

use std::collections::HashMap;

use async_trait::async_trait;
use kolo_core::StoreError;
use kolo_core::auth::UserId;
use kolo_core::events::{
    AttendanceUpdate, EventId, NewRegistration, ParticipantEvent, Registration, RegistrationId,
    RegistrationStore,
};
use kolo_core::participants::{ParticipantId, Uic};
use kolo_core::time::Timestamp;
use sqlx::{Postgres, QueryBuilder, Transaction};

use crate::events::day;
use crate::rows::{corrupt, get};
use crate::{PostgresStore, db_error, summaries};

/// Rows per multi-row statement, well under PostgreSQL's limit of bound values.
const CHUNK: usize = 200;

#[async_trait]
impl RegistrationStore for PostgresStore {
    async fn register(&self, registration: &NewRegistration) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        insert_registration(&mut tx, registration).await?;
        summaries::refresh_attendance(&mut tx, &registration.event_id.0).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn unregister(&self, event: &EventId, id: &RegistrationId) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let deleted = sqlx::query("DELETE FROM registrations WHERE event_id = $1 AND id = $2")
            .bind(&event.0)
            .bind(&id.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound("registration"));
        }
        summaries::refresh_attendance(&mut tx, &event.0).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn registrations(&self, event: &EventId) -> Result<Vec<Registration>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id, r.participant_id, r.registered_at, p.uic, p.nickname, p.consent_certificate \
             FROM registrations r JOIN participants p ON p.id = r.participant_id \
             WHERE r.event_id = $1 ORDER BY p.uic",
        )
        .bind(&event.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let marks = sqlx::query(
            "SELECT a.registration_id, a.day FROM attendance a \
             JOIN registrations r ON r.id = a.registration_id WHERE r.event_id = $1 ORDER BY a.day",
        )
        .bind(&event.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut present: HashMap<String, Vec<jiff::civil::Date>> = HashMap::new();
        for mark in &marks {
            present
                .entry(get(mark, "registration_id")?)
                .or_default()
                .push(day(mark, "day")?);
        }
        rows.iter()
            .map(|row| {
                let id: String = get(row, "id")?;
                let uic: String = get(row, "uic")?;
                Ok(Registration {
                    present: present.remove(&id).unwrap_or_default(),
                    id: RegistrationId(id),
                    event_id: event.clone(),
                    participant_id: ParticipantId(get(row, "participant_id")?),
                    uic: Uic::parse(&uic).ok_or_else(|| corrupt("participants.uic"))?,
                    nickname: get(row, "nickname")?,
                    certificate_consent: get(row, "consent_certificate")?,
                    registered_at: Timestamp(get(row, "registered_at")?),
                })
            })
            .collect()
    }

    async fn save_attendance(
        &self,
        event: &EventId,
        new: &[NewRegistration],
        update: &AttendanceUpdate,
        by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        for registration in new {
            insert_registration(&mut tx, registration).await?;
        }
        for rows in update.rows.chunks(CHUNK) {
            let mut delete = QueryBuilder::<Postgres>::new(
                "DELETE FROM attendance WHERE registration_id IN (SELECT id FROM registrations WHERE event_id = ",
            );
            delete.push_bind(&event.0).push(" AND id IN (");
            let mut ids = delete.separated(", ");
            for row in rows {
                ids.push_bind(&row.0);
            }
            delete.push("))");
            delete.build().execute(&mut *tx).await.map_err(db_error)?;
        }
        for marks in update.present.chunks(CHUNK) {
            let mut insert = QueryBuilder::<Postgres>::new(
                "INSERT INTO attendance (registration_id, day, recorded_by, recorded_at) ",
            );
            insert.push_values(marks, |mut row, (registration, day)| {
                row.push_bind(&registration.0)
                    .push_bind(day.to_string())
                    .push_bind(by.map(|u| u.0.as_str()))
                    .push_bind(now.seconds());
            });
            insert.build().execute(&mut *tx).await.map_err(db_error)?;
        }
        // New registrations belong to this event (the caller's check), so
        // one rebuild covers them and the marks.
        summaries::refresh_attendance(&mut tx, &event.0).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn participant_events(
        &self,
        participant: &ParticipantId,
    ) -> Result<Vec<ParticipantEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.id, e.title, e.start_date, e.end_date, r.merged_from, \
             (SELECT COUNT(*) FROM event_days d WHERE d.event_id = e.id) AS days, \
             (SELECT COUNT(*) FROM attendance a WHERE a.registration_id = r.id) AS present_days \
             FROM registrations r JOIN events e ON e.id = r.event_id \
             WHERE r.participant_id = $1 ORDER BY e.start_date DESC",
        )
        .bind(&participant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(ParticipantEvent {
                    event_id: EventId(get(row, "id")?),
                    title: get(row, "title")?,
                    start: day(row, "start_date")?,
                    end: day(row, "end_date")?,
                    days: u32::try_from(get::<i64>(row, "days")?).unwrap_or(0),
                    present_days: u32::try_from(get::<i64>(row, "present_days")?).unwrap_or(0),
                    merged_from: get::<Option<String>>(row, "merged_from")?.map(ParticipantId),
                })
            })
            .collect()
    }
}

pub(crate) async fn insert_registration(
    tx: &mut Transaction<'static, Postgres>,
    registration: &NewRegistration,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO registrations (id, event_id, participant_id, merged_from, registered_by, registered_at) \
         VALUES ($1, $2, $3, NULL, $4, $5)",
    )
    .bind(&registration.id.0)
    .bind(&registration.event_id.0)
    .bind(&registration.participant_id.0)
    .bind(registration.by.as_ref().map(|u| u.0.as_str()))
    .bind(registration.at.seconds())
    .execute(&mut **tx)
    .await
    .map(|_| ())
    .map_err(|e| match db_error(e) {
        StoreError::Conflict(_) => StoreError::Conflict("registration"),
        other => other,
    })
}
