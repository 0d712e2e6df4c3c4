//! The SQLite and PostgreSQL migrations must describe the same schema.

use kolo_store_postgres::PostgresStore;
use kolo_store_postgres::scratch::ScratchDatabase;
use kolo_store_sqlite::SqliteStore;

use crate::common::postgres_server;

#[tokio::test]
async fn both_backends_have_the_same_tables_columns_types_and_nullability() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("kolo.db"))
        .await
        .unwrap();
    let sqlite_schema = sqlite.describe_schema().await.unwrap();
    assert!(
        sqlite_schema
            .iter()
            .any(|c| c.table == "users" && c.column == "login")
    );
    assert!(
        sqlite_schema.iter().all(|c| !c.kind.starts_with("unknown")),
        "SQLite columns with types the comparison does not know: {sqlite_schema:?}"
    );

    let Some(server) = postgres_server() else {
        eprintln!("KOLO_TEST_DATABASE_URL is not set: only the SQLite half of the comparison ran");
        return;
    };
    let scratch = ScratchDatabase::create(&server).await.unwrap();
    let postgres = PostgresStore::open(&scratch.url()).await.unwrap();
    let postgres_schema = postgres.describe_schema().await.unwrap();
    postgres.close().await;
    scratch.drop_database().await.unwrap();

    let as_tuples = |schema: &[kolo_store_sqlite::ColumnDescription]| {
        schema
            .iter()
            .map(|c| {
                (
                    c.table.clone(),
                    c.column.clone(),
                    c.kind.clone(),
                    c.nullable,
                )
            })
            .collect::<Vec<_>>()
    };
    let postgres_tuples: Vec<_> = postgres_schema
        .iter()
        .map(|c| {
            (
                c.table.clone(),
                c.column.clone(),
                c.kind.clone(),
                c.nullable,
            )
        })
        .collect();
    let sqlite_tuples = as_tuples(&sqlite_schema);
    let only_sqlite: Vec<_> = sqlite_tuples
        .iter()
        .filter(|c| !postgres_tuples.contains(c))
        .collect();
    let only_postgres: Vec<_> = postgres_tuples
        .iter()
        .filter(|c| !sqlite_tuples.contains(c))
        .collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the schemas drifted.\nonly in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_postgres:#?}"
    );
}
