//! Throw-away databases on a PostgreSQL server, for tests and benchmarks that
//! must not touch real data. Each gets a random name and is dropped afterwards.

use kolo_core::StoreError;
use kolo_core::ids::new_id;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::db_error;

/// A database made for one test run.
pub struct ScratchDatabase {
    server_url: String,
    name: String,
}

impl ScratchDatabase {
    /// Creates an empty database on the server that `server_url` points at.
    pub async fn create(server_url: &str) -> Result<ScratchDatabase, StoreError> {
        let name = format!("kolo_scratch_{}", new_id());
        let mut conn = PgConnection::connect(server_url).await.map_err(db_error)?;
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        conn.close().await.map_err(db_error)?;
        Ok(ScratchDatabase {
            server_url: server_url.to_owned(),
            name,
        })
    }

    /// The URL of the scratch database.
    pub fn url(&self) -> String {
        with_database(&self.server_url, &self.name)
    }

    /// Drops the database, ending any connection still open to it.
    pub async fn drop_database(self) -> Result<(), StoreError> {
        let mut conn = PgConnection::connect(&self.server_url)
            .await
            .map_err(db_error)?;
        sqlx::query(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.name
        )))
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
        conn.close().await.map_err(db_error)
    }
}

/// Replaces the database name in a `postgres://` URL, keeping any query string.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{database}", &base[..host_part_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced_and_query_kept() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
