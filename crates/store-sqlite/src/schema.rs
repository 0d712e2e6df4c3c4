//! A description of the live schema, so a test can prove that the SQLite and
//! PostgreSQL migrations describe the same tables.

use kolo_core::StoreError;
use sqlx::Row;

use crate::{SqliteStore, db_error};

/// One column as both backends can describe it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ColumnDescription {
    pub table: String,
    pub column: String,
    /// One of `text`, `integer`, `boolean`, `bytes`, `real`.
    pub kind: String,
    pub nullable: bool,
}

impl SqliteStore {
    /// Every column of every table Kolo's migrations made, sorted.
    pub async fn describe_schema(&self) -> Result<Vec<ColumnDescription>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS declared, \
                    p.\"notnull\" AS not_null, p.pk AS pk \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx_%'",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut columns = Vec::with_capacity(rows.len());
        for row in rows {
            let declared: String = row.try_get("declared").map_err(db_error)?;
            let not_null: i64 = row.try_get("not_null").map_err(db_error)?;
            let pk: i64 = row.try_get("pk").map_err(db_error)?;
            columns.push(ColumnDescription {
                table: row.try_get("table_name").map_err(db_error)?,
                column: row.try_get("column_name").map_err(db_error)?,
                kind: kind_of(&declared),
                nullable: not_null == 0 && pk == 0,
            });
        }
        columns.sort();
        Ok(columns)
    }
}

fn kind_of(declared: &str) -> String {
    let declared = declared.to_ascii_uppercase();
    let kind = match declared.as_str() {
        "TEXT" => "text",
        "BIGINT" | "INTEGER" => "integer",
        "BOOLEAN" => "boolean",
        "BLOB" => "bytes",
        "DOUBLE PRECISION" | "REAL" => "real",
        _ => return format!("unknown:{declared}"),
    };
    kind.to_owned()
}
