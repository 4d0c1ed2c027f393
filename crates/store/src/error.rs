//! The store's error type.

/// Errors from the store. A unique-constraint hit becomes [`Error::Conflict`] so callers
/// can answer 409 instead of 500.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, #[source] std::io::Error),
    #[error("invalid database URL {0:?}: expected postgres://…, postgresql://…, sqlite://PATH or a file path")]
    InvalidUrl(String),
    #[error("{0} already exists")]
    Conflict(String),
    /// The change contradicts the stored state (an invite already answered, a team left
    /// without an owner); the text says why, for a 409.
    #[error("{0}")]
    StateConflict(String),
    #[error("secret key: {0}")]
    SecretKey(String),
    #[error("no secret key is configured, so credentials cannot be stored")]
    NoSecretKey,
    /// A sealed credential did not open with this process's key: its `ASSAY_SECRET_KEY` (or
    /// `secret.key`) is not the one the credential was sealed with.
    #[error("a stored credential cannot be decrypted (wrong ASSAY_SECRET_KEY or secret.key?)")]
    Undecryptable,
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

impl Error {
    /// True when the database could not be reached (as opposed to a query being refused).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Database(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_)))
    }

    /// True when the fault lies with this process rather than with the data: it has no secret
    /// key, or not the one a credential was sealed with, or cannot reach the database. Another
    /// process on the same database may well succeed.
    pub fn is_environmental(&self) -> bool {
        matches!(self, Self::NoSecretKey | Self::SecretKey(_) | Self::Undecryptable) || self.is_unavailable()
    }
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

/// Maps a unique violation to [`Error::Conflict`] naming `what`.
pub(crate) fn conflict_as(what: &str) -> impl FnOnce(sqlx::Error) -> Error + '_ {
    move |error| match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => Error::Conflict(what.to_owned()),
        _ => Error::Database(error),
    }
}

/// Reads a JSON column; bad JSON there is corrupt data, named by `what`.
pub(crate) fn from_json_column<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::Corrupt(format!("{what}: {e}")))
}

/// Writes a value for a JSON column.
pub(crate) fn to_json_column<T: serde::Serialize + ?Sized>(what: &str, value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Corrupt(format!("{what}: {e}")))
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
