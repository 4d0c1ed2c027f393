//! Write transactions that hold the database's write lock from their first statement.
//!
//! SQLite begins a plain (deferred) transaction as a reader and upgrades it to a writer at
//! its first write. If another connection committed in between, the upgrade cannot wait for
//! it (the transaction's snapshot is stale) and fails at once with "database is locked",
//! which no busy timeout helps: a transaction that reads before it writes (a re-run counting
//! what it resets, an insert checking for a conflict) then fails whenever a runner writes
//! results at the same moment. `BEGIN IMMEDIATE` takes the write lock first, waiting for it
//! under the busy timeout, so such a transaction waits its turn instead of failing.
//! PostgreSQL's row locks need nothing of the kind.

use std::future::Future;

use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use sqlx::{Database, Postgres, Sqlite, Transaction};

/// Begins a transaction that will write.
pub(crate) trait BeginWrite {
    type Db: Database;
    fn begin_write(&self) -> impl Future<Output = sqlx::Result<Transaction<'static, Self::Db>>> + Send;
}

impl BeginWrite for SqlitePool {
    type Db = Sqlite;
    fn begin_write(&self) -> impl Future<Output = sqlx::Result<Transaction<'static, Sqlite>>> + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Db = Postgres;
    fn begin_write(&self) -> impl Future<Output = sqlx::Result<Transaction<'static, Postgres>>> + Send {
        self.begin()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

    use super::*;

    #[tokio::test]
    async fn a_transaction_that_reads_first_waits_for_another_connections_write_instead_of_failing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("lock.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new().max_connections(2).connect_with(options).await.expect("pool");
        sqlx::query("CREATE TABLE counts (n INTEGER NOT NULL)").execute(&pool).await.expect("table");

        let mut tx = pool.begin_write().await.expect("begin");
        let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM counts").fetch_one(&mut *tx).await.expect("read");
        // Another connection writes while the transaction holds what it read.
        let other = tokio::spawn({
            let pool = pool.clone();
            async move { sqlx::query("INSERT INTO counts (n) VALUES (2)").execute(&pool).await }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        sqlx::query("INSERT INTO counts (n) VALUES ($1)")
            .bind(before)
            .execute(&mut *tx)
            .await
            .expect("the transaction's write is not refused");
        tx.commit().await.expect("commit");
        other.await.expect("task").expect("the other write went in after the transaction");
        let rows: Vec<i64> = sqlx::query_scalar("SELECT n FROM counts ORDER BY rowid").fetch_all(&pool).await.expect("rows");
        assert_eq!(rows, [0, 2], "the transaction wrote first, from what it read, and the other write followed");
    }
}
