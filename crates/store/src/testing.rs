//! Helpers for tests (of this crate and of the crates above it) that need a real database:
//! a fresh SQLite file, or a fresh PostgreSQL database on the server named by
//! `ASSAY_TEST_POSTGRES_URL` (the test script starts one on 127.0.0.1).

use crate::{DatabaseUrl, Result, Store};

/// The environment variable naming the PostgreSQL server tests may create databases on.
pub const POSTGRES_URL_VAR: &str = "ASSAY_TEST_POSTGRES_URL";

/// The admin URL of the test PostgreSQL server, if configured. Under `CI=true` it must be:
/// the PostgreSQL half of the suite may not be skipped silently there.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{POSTGRES_URL_VAR} must be set under CI=true (scripts/test.sh starts PostgreSQL and sets it)"
            );
            eprintln!("note: {POSTGRES_URL_VAR} is not set; skipping the PostgreSQL half of this test");
            None
        }
    }
}

/// Creates an empty database with a random name on the test server and returns its URL.
pub async fn fresh_postgres_url(admin_url: &str) -> Result<DatabaseUrl> {
    let admin = Store::open(&DatabaseUrl::Postgres(admin_url.to_owned())).await?;
    let name = format!("assay_test_{}", assay_core::Id::generate());
    create_database(&admin, &name).await?;
    admin.close().await;
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin_url, String::new()),
    };
    let server = base.rsplit_once('/').map_or(base, |(server, _db)| server);
    Ok(DatabaseUrl::Postgres(format!("{server}/{name}{query}")))
}

/// Drops a database made by [`fresh_postgres_url`] on the server `admin_url` names; any other
/// URL is left alone.
pub async fn drop_fresh_postgres_database(admin_url: &str, url: &DatabaseUrl) -> Result<()> {
    let Some(name) = postgres_database_name(url) else { return Ok(()) };
    // Only a name this module made (hex digits after the prefix) is formatted into the DDL.
    let ours = name.strip_prefix("assay_test_").is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()));
    if !ours {
        return Ok(());
    }
    let admin = Store::open(&DatabaseUrl::Postgres(admin_url.to_owned())).await?;
    let ddl = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let dropped = crate::on_pool!(admin, pool => sqlx::query(sqlx::AssertSqlSafe(ddl)).execute(pool).await.map(|_| ()));
    admin.close().await;
    Ok(dropped?)
}

/// The database a PostgreSQL URL names (the last path segment, without the query).
pub fn postgres_database_name(url: &DatabaseUrl) -> Option<&str> {
    let DatabaseUrl::Postgres(url) = url else { return None };
    url.split('?').next().and_then(|path| path.rsplit('/').next())
}

/// Whether a database of this name exists on the server `admin_url` names.
pub async fn postgres_database_exists(admin_url: &str, name: &str) -> Result<bool> {
    let admin = Store::open(&DatabaseUrl::Postgres(admin_url.to_owned())).await?;
    let found = crate::on_pool!(admin, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_one(pool)
        .await);
    admin.close().await;
    Ok(found? > 0)
}

async fn create_database(admin: &Store, name: &str) -> Result<()> {
    // The name is ours (hex digits only), so formatting it into DDL is safe.
    let ddl = format!("CREATE DATABASE {name}");
    crate::on_pool!(admin, pool => sqlx::query(sqlx::AssertSqlSafe(ddl)).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// A migrated store on a new SQLite file inside `dir`, sealing with a fresh key.
pub async fn sqlite_store(dir: &std::path::Path) -> Result<Store> {
    Ok(Store::open_and_migrate(&DatabaseUrl::default_in(dir)).await?.with_secret_key(crate::SecretKey::generate()))
}

/// A migrated store on a new PostgreSQL database (fresh key), or `None` without a test server.
pub async fn postgres_store() -> Result<Option<Store>> {
    let Some(admin) = postgres_admin_url() else { return Ok(None) };
    let url = fresh_postgres_url(&admin).await?;
    Ok(Some(Store::open_and_migrate(&url).await?.with_secret_key(crate::SecretKey::generate())))
}

/// The same database without the secret key (to test the refusal to store credentials).
pub fn without_secret_key(store: &Store) -> Store {
    Store { pool: store.pool.clone(), secret_key: None, writer: store.writer.clone() }
}
