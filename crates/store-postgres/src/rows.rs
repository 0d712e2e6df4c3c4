//! Reading domain values back from rows.

use kolo_core::StoreError;
use kolo_core::auth::{LoginName, Role, RoleSet, User, UserId};
use kolo_core::lang::Lang;
use kolo_core::org::Oblast;
use kolo_core::time::Timestamp;
use sqlx::Row;
use sqlx::postgres::PgRow;

/// The columns `user_from_row` reads, for `SELECT` lists.
pub(crate) const USER_COLUMNS: &str = "u.id, u.login, u.display_name, u.oblast, u.language, u.disabled, u.created_at, \
     (SELECT string_agg(r.role, ',') FROM user_roles r WHERE r.user_id = u.id) AS roles";

pub(crate) fn user_from_row(row: &PgRow) -> Result<User, StoreError> {
    let login: String = get(row, "login")?;
    let roles: Option<String> = get(row, "roles")?;
    let oblast: Option<String> = get(row, "oblast")?;
    let language: Option<String> = get(row, "language")?;
    Ok(User {
        id: UserId(get(row, "id")?),
        login: LoginName::parse(&login).map_err(|_| corrupt("users.login"))?,
        display_name: get(row, "display_name")?,
        roles: parse_roles(roles.as_deref())?,
        oblast: oblast
            .map(|code| Oblast::from_code(&code).ok_or_else(|| corrupt("users.oblast")))
            .transpose()?,
        language: language.and_then(|tag| Lang::from_tag(&tag)),
        disabled: get(row, "disabled")?,
        created_at: Timestamp(get(row, "created_at")?),
    })
}

pub(crate) fn parse_roles(list: Option<&str>) -> Result<RoleSet, StoreError> {
    list.unwrap_or_default()
        .split(',')
        .filter(|r| !r.is_empty())
        .map(|r| Role::parse(r).ok_or_else(|| corrupt("user_roles.role")))
        .collect()
}

pub(crate) fn get<'r, T>(row: &'r PgRow, column: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(column)
        .map_err(|e| StoreError::Corrupt(format!("column {column}: {e}")))
}

pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "{what} holds a value this version of Kolo does not know"
    ))
}
