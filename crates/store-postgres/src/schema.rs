//! A description of the live schema, so a test can prove that the SQLite and
//! PostgreSQL migrations describe the same tables.

use kolo_core::StoreError;
use sqlx::Row;

use crate::{PostgresStore, db_error};

/// One column as both backends can describe it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ColumnDescription {
    pub table: String,
    pub column: String,
    /// One of `text`, `integer`, `boolean`, `bytes`, `real`.
    pub kind: String,
    pub nullable: bool,
}

impl PostgresStore {
    /// Every column of every table Kolo's migrations made in the current schema, sorted.
    pub async fn describe_schema(&self) -> Result<Vec<ColumnDescription>, StoreError> {
        let rows = sqlx::query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                    data_type::text AS data_type, is_nullable::text AS is_nullable \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx\\_%'",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut columns = Vec::with_capacity(rows.len());
        for row in rows {
            let data_type: String = row.try_get("data_type").map_err(db_error)?;
            let nullable: String = row.try_get("is_nullable").map_err(db_error)?;
            columns.push(ColumnDescription {
                table: row.try_get("table_name").map_err(db_error)?,
                column: row.try_get("column_name").map_err(db_error)?,
                kind: kind_of(&data_type),
                nullable: nullable == "YES",
            });
        }
        columns.sort();
        Ok(columns)
    }
}

fn kind_of(data_type: &str) -> String {
    let kind = match data_type {
        "text" => "text",
        "bigint" | "integer" => "integer",
        "boolean" => "boolean",
        "bytea" => "bytes",
        "double precision" | "real" => "real",
        other => return format!("unknown:{other}"),
    };
    kind.to_owned()
}
