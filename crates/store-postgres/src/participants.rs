//! The participant register on PostgreSQL. Personal fields arrive encrypted and
//! are stored as they are.

use async_trait::async_trait;
use kolo_core::StoreError;
use kolo_core::auth::UserId;
use kolo_core::events::{NewRegistration, RegisterScope};
use kolo_core::org::Oblast;
use kolo_core::participants::{
    AgeBand, CodeEntry, ConsentPurpose, ConsentRecord, Consents, FieldUpdate, Gender, Group,
    MergeOutcome, NewParticipant, Nickname, Participant, ParticipantChange, ParticipantId,
    ParticipantProfile, ParticipantQuery, ParticipantStore, ParticipantSummary, Sealed,
    SealedPersonal, StagedImport, Uic,
};
use kolo_core::time::Timestamp;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Transaction};

use crate::registrations::insert_registration;
use crate::rows::{corrupt, get};
use crate::{PostgresStore, db_error, summaries};

const COLUMNS: &str = "id, uic, uic_scheme, nickname, oblast, group_kind, gender, age_band, \
     consent_contact, consent_certificate, real_name, phone, messenger, phone_index, merged_into, \
     created_at, updated_at";

#[async_trait]
impl ParticipantStore for PostgresStore {
    async fn create_participants(
        &self,
        participants: &[NewParticipant],
        registrations: &[NewRegistration],
        by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        for p in participants {
            sqlx::query(
                "INSERT INTO participants (id, uic, uic_scheme, nickname, nickname_key, oblast, group_kind, gender, \
                 age_band, consent_contact, consent_certificate, real_name, phone, messenger, phone_index, \
                 merged_into, merged_at, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, NULL, NULL, $16, $17, $17)",
            )
            .bind(&p.id.0)
            .bind(p.uic.as_str())
            .bind(&p.uic_scheme)
            .bind(p.profile.nickname.as_str())
            .bind(p.profile.nickname.as_str().to_lowercase())
            .bind(p.profile.oblast.map(|o| o.code()))
            .bind(p.profile.group.map(|g| g.as_str()))
            .bind(p.profile.gender.map(|g| g.as_str()))
            .bind(p.profile.age_band.map(|a| a.as_str()))
            .bind(p.consents.contact)
            .bind(p.consents.certificate)
            .bind(p.personal.real_name.as_ref().map(|s| s.0.as_slice()))
            .bind(p.personal.phone.as_ref().map(|s| s.0.as_slice()))
            .bind(p.personal.messenger.as_ref().map(|s| s.0.as_slice()))
            .bind(p.personal.phone_index.as_deref())
            .bind(by.map(|u| u.0.as_str()))
            .bind(now.seconds())
            .execute(&mut *tx)
            .await
            .map_err(|e| match db_error(e) {
                StoreError::Conflict(_) => StoreError::Conflict("uic"),
                other => other,
            })?;
            for purpose in ConsentPurpose::ALL {
                if p.consents.given(*purpose) {
                    record_consent(&mut tx, &p.id, *purpose, true, by, now).await?;
                }
            }
        }
        for registration in registrations {
            insert_registration(&mut tx, registration).await?;
        }
        let mut events: Vec<&str> = registrations
            .iter()
            .map(|r| r.event_id.0.as_str())
            .collect();
        events.sort_unstable();
        events.dedup();
        for event in events {
            summaries::refresh_attendance(&mut tx, event).await?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn update_participant(
        &self,
        id: &ParticipantId,
        change: &ParticipantChange,
        by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let current = sqlx::query(
            "SELECT consent_contact, consent_certificate FROM participants WHERE id = $1 AND merged_into IS NULL",
        )
        .bind(&id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound("participant"))?;
        let before = Consents {
            contact: get(&current, "consent_contact")?,
            certificate: get(&current, "consent_certificate")?,
        };
        let profile = &change.profile;
        let mut query = QueryBuilder::<Postgres>::new("UPDATE participants SET nickname = ");
        query
            .push_bind(profile.nickname.as_str())
            .push(", nickname_key = ")
            .push_bind(profile.nickname.as_str().to_lowercase())
            .push(", oblast = ")
            .push_bind(profile.oblast.map(|o| o.code()))
            .push(", group_kind = ")
            .push_bind(profile.group.map(|g| g.as_str()))
            .push(", gender = ")
            .push_bind(profile.gender.map(|g| g.as_str()))
            .push(", age_band = ")
            .push_bind(profile.age_band.map(|a| a.as_str()))
            .push(", consent_contact = ")
            .push_bind(change.consents.contact)
            .push(", consent_certificate = ")
            .push_bind(change.consents.certificate)
            .push(", updated_at = ")
            .push_bind(now.seconds());
        for (column, update) in [
            ("real_name", &change.real_name),
            ("phone", &change.phone),
            ("messenger", &change.messenger),
        ] {
            match update {
                FieldUpdate::Keep => {}
                FieldUpdate::Set(sealed) => {
                    query
                        .push(format!(", {column} = "))
                        .push_bind(sealed.0.clone());
                }
                FieldUpdate::Erase => {
                    query.push(format!(", {column} = NULL"));
                }
            }
        }
        if change.phone != FieldUpdate::Keep {
            query
                .push(", phone_index = ")
                .push_bind(change.phone_index.clone());
        }
        query.push(" WHERE id = ").push_bind(&id.0);
        query.build().execute(&mut *tx).await.map_err(db_error)?;
        for purpose in ConsentPurpose::ALL {
            let given = change.consents.given(*purpose);
            if given != before.given(*purpose) {
                record_consent(&mut tx, id, *purpose, given, by, now).await?;
            }
        }
        tx.commit().await.map_err(db_error)
    }

    async fn participant(&self, id: &ParticipantId) -> Result<Option<Participant>, StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM participants WHERE id = $1"
        )))
        .bind(&id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?
        .as_ref()
        .map(participant_from_row)
        .transpose()
    }

    async fn participant_by_uic(&self, uic: &Uic) -> Result<Option<Participant>, StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM participants WHERE uic = $1 AND merged_into IS NULL"
        )))
        .bind(uic.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?
        .as_ref()
        .map(participant_from_row)
        .transpose()
    }

    async fn find_participants(
        &self,
        query: &ParticipantQuery,
    ) -> Result<Vec<ParticipantSummary>, StoreError> {
        let mut sql = QueryBuilder::<Postgres>::new(
            "SELECT p.id, p.uic, p.nickname, p.oblast, p.group_kind, p.merged_into, \
             (SELECT COUNT(*) FROM registrations r WHERE r.participant_id = p.id) AS events \
             FROM participants p WHERE 1 = 1",
        );
        push_query(&mut sql, query);
        sql.push(" ORDER BY p.uic LIMIT ")
            .push_bind(i64::from(query.limit))
            .push(" OFFSET ")
            .push_bind(i64::from(query.offset));
        let rows = sql.build().fetch_all(&self.pool).await.map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let uic: String = get(row, "uic")?;
                Ok(ParticipantSummary {
                    id: ParticipantId(get(row, "id")?),
                    uic: Uic::parse(&uic).ok_or_else(|| corrupt("participants.uic"))?,
                    nickname: get(row, "nickname")?,
                    oblast: oblast(row)?,
                    group: choice(row, "group_kind", Group::parse)?,
                    merged_into: get::<Option<String>>(row, "merged_into")?.map(ParticipantId),
                    events: u32::try_from(get::<i64>(row, "events")?).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    async fn count_participants(&self, query: &ParticipantQuery) -> Result<u64, StoreError> {
        let mut sql =
            QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM participants p WHERE 1 = 1");
        push_query(&mut sql, query);
        let count: i64 = sql
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn participant_codes(&self) -> Result<Vec<CodeEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, uic, nickname, phone_index FROM participants WHERE merged_into IS NULL",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let uic: String = get(row, "uic")?;
                Ok(CodeEntry {
                    id: ParticipantId(get(row, "id")?),
                    uic: Uic::parse(&uic).ok_or_else(|| corrupt("participants.uic"))?,
                    nickname: get(row, "nickname")?,
                    phone_index: get(row, "phone_index")?,
                })
            })
            .collect()
    }

    async fn consent_history(&self, id: &ParticipantId) -> Result<Vec<ConsentRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT purpose, given, recorded_at, recorded_by FROM participant_consents \
             WHERE participant_id = $1 ORDER BY recorded_at, purpose",
        )
        .bind(&id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(ConsentRecord {
                    purpose: ConsentPurpose::parse(&get::<String>(row, "purpose")?)
                        .ok_or_else(|| corrupt("participant_consents.purpose"))?,
                    given: get(row, "given")?,
                    at: Timestamp(get(row, "recorded_at")?),
                    by: get(row, "recorded_by")?,
                })
            })
            .collect()
    }

    async fn merge_participants(
        &self,
        keep: &ParticipantId,
        absorb: &ParticipantId,
        _by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<MergeOutcome, StoreError> {
        let mut tx = self.write_transaction().await?;
        let live: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM participants WHERE id IN ($1, $2) AND merged_into IS NULL",
        )
        .bind(&keep.0)
        .bind(&absorb.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        if live != 2 || keep == absorb {
            return Err(StoreError::NotFound("participant"));
        }
        let absorbed = sqlx::query(
            "SELECT r.id, r.event_id, k.id AS kept_id FROM registrations r \
             LEFT JOIN registrations k ON k.event_id = r.event_id AND k.participant_id = $1 \
             WHERE r.participant_id = $2",
        )
        .bind(&keep.0)
        .bind(&absorb.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let mut outcome = MergeOutcome::default();
        for row in &absorbed {
            let id: String = get(row, "id")?;
            match get::<Option<String>>(row, "kept_id")? {
                Some(kept) => {
                    sqlx::query(
                        "INSERT INTO attendance (registration_id, day, recorded_by, recorded_at) \
                         SELECT $1, day, recorded_by, recorded_at FROM attendance WHERE registration_id = $2 \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(&kept)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    sqlx::query("DELETE FROM registrations WHERE id = $1")
                        .bind(&id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    outcome.combined += 1;
                    // Two registrations became one: the event's retention changed.
                    summaries::refresh_attendance(&mut tx, &get::<String>(row, "event_id")?)
                        .await?;
                }
                None => {
                    sqlx::query(
                        "UPDATE registrations SET participant_id = $1, merged_from = $2 WHERE id = $3",
                    )
                    .bind(&keep.0)
                    .bind(&absorb.0)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    outcome.moved += 1;
                }
            }
        }
        // Records merged earlier into the absorbed one now point at the kept one.
        sqlx::query("UPDATE participants SET merged_into = $1 WHERE merged_into = $2")
            .bind(&keep.0)
            .bind(&absorb.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "UPDATE participants SET merged_into = $1, merged_at = $2, updated_at = $2 WHERE id = $3",
        )
        .bind(&keep.0)
        .bind(now.seconds())
        .bind(&absorb.0)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        sqlx::query("UPDATE participants SET updated_at = $1 WHERE id = $2")
            .bind(now.seconds())
            .bind(&keep.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(outcome)
    }

    async fn stage_import(&self, import: &StagedImport) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO participant_imports (id, created_by, created_at, file_name, content) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&import.id)
        .bind(import.created_by.as_ref().map(|u| u.0.as_str()))
        .bind(import.created_at.seconds())
        .bind(&import.file_name)
        .bind(import.content.0.as_slice())
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(db_error)
    }

    async fn staged_import(&self, id: &str) -> Result<Option<StagedImport>, StoreError> {
        let row = sqlx::query(
            "SELECT id, created_by, created_at, file_name, content FROM participant_imports WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|row| {
            Ok(StagedImport {
                id: get(&row, "id")?,
                created_by: get::<Option<String>>(&row, "created_by")?.map(UserId),
                created_at: Timestamp(get(&row, "created_at")?),
                file_name: get(&row, "file_name")?,
                content: Sealed(get(&row, "content")?),
            })
        })
        .transpose()
    }

    async fn delete_staged_imports(
        &self,
        id: Option<&str>,
        stale_before: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM participant_imports WHERE id = $1 OR created_at < $2")
            .bind(id)
            .bind(stale_before.seconds())
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }
}

fn push_query(sql: &mut QueryBuilder<Postgres>, query: &ParticipantQuery) {
    if let Some(text) = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        sql.push(" AND (left(p.uic, length(")
            .push_bind(text.to_uppercase())
            .push(")) = ")
            .push_bind(text.to_uppercase())
            .push(" OR strpos(p.nickname_key, ")
            .push_bind(text.to_lowercase())
            .push(") > 0)");
    }
    if let Some(oblast) = query.oblast {
        sql.push(" AND p.oblast = ").push_bind(oblast.code());
    }
    if let Some(group) = query.group {
        sql.push(" AND p.group_kind = ").push_bind(group.as_str());
    }
    if let Some(merged_into) = &query.merged_into {
        sql.push(" AND p.merged_into = ")
            .push_bind(merged_into.0.clone());
    } else if !query.include_merged {
        sql.push(" AND p.merged_into IS NULL");
    }
    if let RegisterScope::Limited { oblast, trainer } = &query.scope {
        sql.push(" AND (1 = 0");
        if let Some(oblast) = oblast {
            sql.push(" OR p.oblast = ").push_bind(oblast.code());
        }
        if let Some(trainer) = trainer {
            sql.push(
                " OR EXISTS (SELECT 1 FROM registrations r JOIN event_trainers t ON t.event_id = r.event_id \
                 WHERE r.participant_id = p.id AND t.user_id = ",
            )
            .push_bind(trainer.0.clone())
            .push(")");
        }
        sql.push(")");
    }
}

async fn record_consent(
    tx: &mut Transaction<'static, Postgres>,
    id: &ParticipantId,
    purpose: ConsentPurpose,
    given: bool,
    by: Option<&UserId>,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO participant_consents (participant_id, purpose, given, recorded_at, recorded_by) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id.0)
    .bind(purpose.as_str())
    .bind(given)
    .bind(now.seconds())
    .bind(by.map(|u| u.0.as_str()))
    .execute(&mut **tx)
    .await
    .map(|_| ())
    .map_err(db_error)
}

fn participant_from_row(row: &PgRow) -> Result<Participant, StoreError> {
    let uic: String = get(row, "uic")?;
    let nickname: String = get(row, "nickname")?;
    let sealed = |column: &str| -> Result<Option<Sealed>, StoreError> {
        Ok(get::<Option<Vec<u8>>>(row, column)?.map(Sealed))
    };
    Ok(Participant {
        id: ParticipantId(get(row, "id")?),
        uic: Uic::parse(&uic).ok_or_else(|| corrupt("participants.uic"))?,
        uic_scheme: get(row, "uic_scheme")?,
        profile: ParticipantProfile {
            nickname: Nickname::parse(&nickname).ok_or_else(|| corrupt("participants.nickname"))?,
            oblast: oblast(row)?,
            group: choice(row, "group_kind", Group::parse)?,
            gender: choice(row, "gender", Gender::parse)?,
            age_band: choice(row, "age_band", AgeBand::parse)?,
        },
        consents: Consents {
            contact: get(row, "consent_contact")?,
            certificate: get(row, "consent_certificate")?,
        },
        personal: SealedPersonal {
            real_name: sealed("real_name")?,
            phone: sealed("phone")?,
            messenger: sealed("messenger")?,
            phone_index: get(row, "phone_index")?,
        },
        merged_into: get::<Option<String>>(row, "merged_into")?.map(ParticipantId),
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}

fn oblast(row: &PgRow) -> Result<Option<Oblast>, StoreError> {
    get::<Option<String>>(row, "oblast")?
        .map(|code| Oblast::from_code(&code).ok_or_else(|| corrupt("participants.oblast")))
        .transpose()
}

fn choice<T>(
    row: &PgRow,
    column: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, StoreError> {
    get::<Option<String>>(row, column)?
        .map(|value| parse(&value).ok_or_else(|| corrupt(column)))
        .transpose()
}
