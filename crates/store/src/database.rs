//! Which database to open: parsed from `--database-url` or defaulted under the data dir.

use std::path::{Path, PathBuf};

use crate::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// The zero-config default: `assay.db` in the data directory.
    pub fn default_in(data_dir: &Path) -> Self {
        Self::Sqlite(data_dir.join("assay.db"))
    }

    /// Accepts `postgres://…`, `postgresql://…`, `sqlite://PATH`, `sqlite:PATH` or a bare path.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        let path = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")).unwrap_or(raw);
        if path.is_empty() || path.contains("://") {
            return Err(Error::InvalidUrl(raw.to_owned()));
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    /// A form safe to log: the password of a PostgreSQL URL is masked.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => redact_password(url),
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, host)) = rest.rsplit_once('@') else { return url.to_owned() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_to_their_backend() {
        assert_eq!(DatabaseUrl::parse("postgres://u@h/db").ok(), Some(DatabaseUrl::Postgres("postgres://u@h/db".into())));
        assert_eq!(DatabaseUrl::parse("postgresql://h/db").ok(), Some(DatabaseUrl::Postgres("postgresql://h/db".into())));
        assert_eq!(DatabaseUrl::parse("sqlite:///tmp/a.db").ok(), Some(DatabaseUrl::Sqlite("/tmp/a.db".into())));
        assert_eq!(DatabaseUrl::parse("data/a.db").ok(), Some(DatabaseUrl::Sqlite("data/a.db".into())));
        assert!(DatabaseUrl::parse("mysql://h/db").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn passwords_are_redacted_for_logs() {
        let url = DatabaseUrl::Postgres("postgres://assay:s3cret@db:5432/assay".into());
        assert_eq!(url.redacted(), "postgres://assay:***@db:5432/assay");
    }
}
