//! Staff accounts, sessions, API tokens and failed logins on PostgreSQL.

use async_trait::async_trait;
use kolo_core::StoreError;
use kolo_core::auth::{
    ApiToken, LoginName, NewSession, NewUser, PasswordHash, Session, SessionStage, SessionStore,
    ThrottleStore, TokenStore, User, UserChange, UserId, UserStore,
};
use kolo_core::ids::new_id;
use kolo_core::lang::Lang;
use kolo_core::time::Timestamp;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, Postgres, Transaction};

use crate::rows::{USER_COLUMNS, get, user_from_row};
use crate::{PostgresStore, db_error};

impl PostgresStore {
    /// A transaction for changes of more than one row (READ COMMITTED suffices:
    /// every statement in these transactions is keyed by a primary key).
    pub(crate) async fn write_transaction(
        &self,
    ) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool.begin().await.map_err(db_error)
    }
}

async fn replace_roles(
    tx: &mut Transaction<'static, Postgres>,
    user: &UserId,
    roles: kolo_core::auth::RoleSet,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(&user.0)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    for role in roles.iter() {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(&user.0)
            .bind(role.as_str())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

#[async_trait]
impl UserStore for PostgresStore {
    async fn create_user(&self, user: &NewUser, now: Timestamp) -> Result<UserId, StoreError> {
        let id = UserId(new_id());
        let mut tx = self.write_transaction().await?;
        sqlx::query(
            "INSERT INTO users (id, login, display_name, password_hash, oblast, language, disabled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, NULL, FALSE, $6, $6)",
        )
        .bind(&id.0)
        .bind(user.login.as_str())
        .bind(&user.display_name)
        .bind(user.password_hash.as_str())
        .bind(user.oblast.map(|o| o.code()))
        .bind(now.seconds())
        .execute(&mut *tx)
        .await
        .map_err(|e| match db_error(e) {
            StoreError::Conflict(_) => StoreError::Conflict("login"),
            other => other,
        })?;
        replace_roles(&mut tx, &id, user.roles).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(&id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
            .as_ref()
            .map(user_from_row)
            .transpose()
    }

    async fn user_credentials(
        &self,
        login: &LoginName,
    ) -> Result<Option<(User, PasswordHash)>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.login = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(login.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|row| {
            Ok((
                user_from_row(&row)?,
                PasswordHash::from_stored(get(&row, "password_hash")?),
            ))
        })
        .transpose()
    }

    async fn password_hash(&self, id: &UserId) -> Result<Option<PasswordHash>, StoreError> {
        let hash: Option<String> =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(&id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(hash.map(PasswordHash::from_stored))
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.login");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn change_user(
        &self,
        id: &UserId,
        change: &UserChange,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let updated = sqlx::query(
            "UPDATE users SET display_name = $2, oblast = $3, disabled = $4, updated_at = $5 WHERE id = $1",
        )
        .bind(&id.0)
        .bind(&change.display_name)
        .bind(change.oblast.map(|o| o.code()))
        .bind(change.disabled)
        .bind(now.seconds())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        replace_roles(&mut tx, id, change.roles).await?;
        if change.disabled {
            end_sessions(&mut tx, id, None).await?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn set_password(
        &self,
        id: &UserId,
        hash: &PasswordHash,
        keep_session: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let updated =
            sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                .bind(&id.0)
                .bind(hash.as_str())
                .bind(now.seconds())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        end_sessions(&mut tx, id, keep_session).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn set_language(&self, id: &UserId, language: Lang) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET language = $2 WHERE id = $1")
            .bind(&id.0)
            .bind(language.code())
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }
}

async fn end_sessions(
    tx: &mut Transaction<'static, Postgres>,
    user: &UserId,
    except: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2")
        .bind(&user.0)
        .bind(except)
        .execute(&mut **tx)
        .await
        .map(|_| ())
        .map_err(db_error)
}

fn session_from_row(row: &PgRow) -> Result<Session, StoreError> {
    Ok(Session {
        token_hash: get(row, "token_hash")?,
        user_id: UserId(get(row, "id")?),
        created_at: Timestamp(get(row, "session_created_at")?),
        last_seen_at: Timestamp(get(row, "last_seen_at")?),
        stage: SessionStage::parse(&get::<String>(row, "stage")?)
            .ok_or_else(|| crate::rows::corrupt("sessions.stage"))?,
    })
}

#[async_trait]
impl SessionStore for PostgresStore {
    async fn create_session(&self, session: &NewSession) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, stage) VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(&session.token_hash)
        .bind(&session.user_id.0)
        .bind(session.created_at.seconds())
        .bind(session.stage.as_str())
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }

    async fn session(&self, token_hash: &str) -> Result<Option<(Session, User)>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.token_hash, s.created_at AS session_created_at, s.last_seen_at, s.stage \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|row| Ok((session_from_row(&row)?, user_from_row(&row)?)))
            .transpose()
    }

    async fn touch_session(&self, token_hash: &str, now: Timestamp) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(now.seconds())
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }

    async fn set_session_stage(
        &self,
        token_hash: &str,
        stage: SessionStage,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET stage = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(stage.as_str())
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }

    async fn delete_stale_sessions(
        &self,
        idle_before: Timestamp,
        created_before: Timestamp,
    ) -> Result<u64, StoreError> {
        sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(idle_before.seconds())
            .bind(created_before.seconds())
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_error)
    }
}

fn token_from_row(row: &PgRow) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: get(row, "token_id")?,
        user_id: UserId(get(row, "token_user_id")?),
        name: get(row, "token_name")?,
        created_at: Timestamp(get(row, "token_created_at")?),
        last_used_at: get::<Option<i64>>(row, "token_last_used_at")?.map(Timestamp),
    })
}

const TOKEN_COLUMNS: &str = "t.id AS token_id, t.user_id AS token_user_id, t.name AS token_name, \
     t.created_at AS token_created_at, t.last_used_at AS token_last_used_at";

#[async_trait]
impl TokenStore for PostgresStore {
    async fn create_api_token(&self, token: &ApiToken, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&token.id)
        .bind(&token.user_id.0)
        .bind(&token.name)
        .bind(token_hash)
        .bind(token.created_at.seconds())
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(db_error)
    }

    async fn api_token(&self, token_hash: &str) -> Result<Option<(ApiToken, User)>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|row| Ok((token_from_row(&row)?, user_from_row(&row)?)))
            .transpose()
    }

    async fn api_tokens_of(&self, user: &UserId) -> Result<Vec<ApiToken>, StoreError> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t WHERE t.user_id = $1 AND t.revoked_at IS NULL \
             ORDER BY t.created_at, t.id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(&user.0)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_api_token(
        &self,
        user: &UserId,
        token_id: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let result = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 WHERE user_id = $1 AND id = $2 AND revoked_at IS NULL",
        )
        .bind(&user.0)
        .bind(token_id)
        .bind(now.seconds())
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound("api token"));
        }
        Ok(())
    }

    async fn touch_api_token(&self, token_id: &str, now: Timestamp) -> Result<(), StoreError> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(token_id)
            .bind(now.seconds())
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }
}

#[async_trait]
impl ThrottleStore for PostgresStore {
    async fn record_login_failure(&self, keys: &[&str], at: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key_hash, failed_at) VALUES ($1, $2)")
                .bind(key)
                .bind(at.seconds())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn login_failures_since(&self, key: &str, since: Timestamp) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "SELECT count(*) FROM login_failures WHERE key_hash = $1 AND failed_at >= $2",
        )
        .bind(key)
        .bind(since.seconds())
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)
    }

    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE key_hash = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }

    async fn prune_login_failures(&self, before: Timestamp) -> Result<u64, StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE failed_at < $1")
            .bind(before.seconds())
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_error)
    }
}
