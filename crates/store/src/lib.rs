//! All of assay's SQL: one [`Store`] over SQLite (the default, a file under the data dir) and
//! PostgreSQL (`--database-url postgres://…`), with embedded, append-only migrations.
//!
//! Both databases run the same statements (`$1` placeholders and `RETURNING` work on both);
//! each method dispatches on the pool with [`on_pool!`] so the SQL is written once. The two
//! migration folders exist because DDL types differ and sqlx checksums each folder; they
//! must describe the same schema.

mod agents;
mod batch;
mod custom_harnesses;
mod database;
mod error;
mod evaluations;
mod ingest;
mod invites;
mod judge_answers;
mod notifications;
mod playgrounds;
mod probe_variants;
mod prompts;
mod provider_keys;
mod queue;
mod rate_buckets;
mod results;
mod secret;
mod sessions;
mod targets;
mod team_prompts;
mod templates;
mod tenancy;
pub mod testing;
mod trust;
mod trust_objects;
mod ui;
mod uploads;
mod workbench_runs;
mod write_lock;

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub use custom_harnesses::StageFilter;
pub use database::DatabaseUrl;
pub use error::{Error, Result};
pub use ingest::{IngestWrite, month_of};
pub use invites::Membership;
pub use playgrounds::MessageFilter;
pub use prompts::RevisionDeletion;
pub use provider_keys::SealedChange;
pub use queue::{JobView, unix_millis};
pub use rate_buckets::BucketShape;
pub use results::{ResultFilter, WriteOutcome};
pub use secret::SecretKey;
pub use targets::CredentialChange;
pub use templates::TemplateUpdate;
pub use tenancy::OWNER_USER_NAME;
pub use trust_objects::FeedbackFilter;
pub use ui::{GridCell, ListedEvaluation, ListedKind, OverviewQuery, TrendPoint, UiSession};
pub use workbench_runs::{Deletion, NewCaseJob, NewWorkbenchEvaluation, Rerun, states_for_status};
pub(crate) use write_lock::BeginWrite;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// SQLite connections of a server: WAL lets readers run beside the one writer. Each connection
/// is a thread with its own statement cache and malloc arena, so a few suffice.
pub const SQLITE_CONNECTIONS: u32 = 4;

/// How long a request waits for a pooled connection before the database counts as down.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// SQLite waits this long on a locked database (another process, e.g. `assay keys create`
/// next to a running server) before failing a statement.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
enum Pool {
    /// `pool` for everything but the hot writes, which run on `writes`, its one write
    /// connection (see [`on_write_pool`]), opened on first use.
    Sqlite {
        pool: SqlitePool,
        writes: SqlitePool,
    },
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever pool the store holds; the body is
/// compiled once per database, so it must be valid SQL for both.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite { pool: $pool, .. } => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Like [`on_pool`], for the hot writes that take a [`Store::write_turn`]: on SQLite they all
/// run on the store's one write connection. A connection's page cache is dropped whenever
/// another connection has written, so writes spread over the pool each began by re-reading
/// the B-trees' pages; on one connection its cache stays warm.
macro_rules! on_write_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite { writes: $pool, .. } => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_write_pool;

/// The handle to assay's database; cheap to clone (it wraps a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// Seals credentials at rest; without it, storing a credential is refused.
    secret_key: Option<std::sync::Arc<SecretKey>>,
    /// The hot writes on SQLite (ingest batches; the engine's claims, result batches,
    /// heartbeats and lease expiry) take turns here: SQLite has one writer, and a second
    /// connection that tries to write waits in its busy handler's sleeps (up to 100 ms each)
    /// instead of starting the moment the first commits.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Store {
    /// Opens (creating if needed) the database. Does not migrate: call [`Store::migrate`].
    pub async fn open(url: &DatabaseUrl) -> Result<Self> {
        Self::open_with(url, SQLITE_CONNECTIONS).await
    }

    /// Opens with at most `sqlite_connections` SQLite connections (PostgreSQL keeps its
    /// pool). A one-process scan needs two: its writer and everything else.
    pub async fn open_with(url: &DatabaseUrl, sqlite_connections: u32) -> Result<Self> {
        let pool = match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|e| Error::DataDir(parent.display().to_string(), e))?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    // 16 KiB pages for a new database (an existing one keeps its own): a
                    // result row is about 2 KiB, and with 4 KiB pages a scan's commits and
                    // checkpoints made twice the writes and four times the reads, a system
                    // call each.
                    .page_size(16384)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT);
                let pool = SqlitePoolOptions::new()
                    .max_connections(sqlite_connections.max(1))
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(options.clone())
                    .await?;
                // The write connection keeps SQLite's default 2 MiB page cache: 8 MiB made no
                // difference to the pages it reads back (58,062 against 58,988 reads in a
                // 100,000-test scan) and held 6 MB more of the process's memory.
                let writes = SqlitePoolOptions::new().max_connections(1).acquire_timeout(ACQUIRE_TIMEOUT).connect_lazy_with(options);
                Pool::Sqlite { pool, writes }
            }
            DatabaseUrl::Postgres(url) => {
                let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(ACQUIRE_TIMEOUT).connect(url).await?;
                Pool::Postgres(pool)
            }
        };
        Ok(Self { pool, secret_key: None, writer: std::sync::Arc::default() })
    }

    /// The store, sealing credentials with `key`.
    pub fn with_secret_key(mut self, key: SecretKey) -> Self {
        self.secret_key = Some(std::sync::Arc::new(key));
        self
    }

    /// The turn of a hot SQLite write (PostgreSQL needs none: its row locks do).
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.pool {
            Pool::Sqlite { .. } => Some(self.writer.lock().await),
            Pool::Postgres(_) => None,
        }
    }

    fn secret_key(&self) -> Result<&SecretKey> {
        self.secret_key.as_deref().ok_or(Error::NoSecretKey)
    }

    /// Opens the database and brings its schema up to date.
    pub async fn open_and_migrate(url: &DatabaseUrl) -> Result<Self> {
        Self::open_and_migrate_with(url, SQLITE_CONNECTIONS).await
    }

    /// [`Store::open_with`], then migrate.
    pub async fn open_and_migrate_with(url: &DatabaseUrl, sqlite_connections: u32) -> Result<Self> {
        let store = Self::open_with(url, sqlite_connections).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies every embedded migration not yet applied; returns how many were applied.
    pub async fn migrate(&self) -> Result<usize> {
        let before = self.applied_migrations().await.unwrap_or(0);
        match &self.pool {
            Pool::Sqlite { pool, .. } => SQLITE_MIGRATIONS.run(pool).await?,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(self.applied_migrations().await?.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> Result<usize> {
        let count: i64 = on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await?);
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match &self.pool {
            Pool::Sqlite { .. } => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<()> {
        let _: i32 = on_pool!(self, pool => sqlx::query_scalar("SELECT 1").fetch_one(pool).await?);
        Ok(())
    }

    /// Closes every connection; later calls fail as if the database were down.
    pub async fn close(&self) {
        if let Pool::Sqlite { writes, .. } = &self.pool {
            writes.close().await;
        }
        on_pool!(self, pool => pool.close().await);
    }
}
