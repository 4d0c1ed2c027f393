//! Multi-row statements: their placeholders and their chunking.
//!
//! SQLite resolves `$N` parameters by name, which costs a linear search per parameter while
//! preparing (quadratic in a statement of a thousand parameters), so SQLite gets plain `?`;
//! PostgreSQL needs `$N`. Chunks come in a few fixed sizes so each distinct statement is
//! prepared once and then found in the connection's statement cache.

use crate::{Pool, Store};

/// Placeholder style of the store's database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Question,
    Numbered,
}

impl Store {
    pub(crate) fn style(&self) -> Style {
        match self.pool {
            Pool::Sqlite { .. } => Style::Question,
            Pool::Postgres(_) => Style::Numbered,
        }
    }
}

/// `(p, p, …), (…)` for `rows` rows of `columns` parameters, numbered from `first`.
pub(crate) fn values(style: Style, rows: usize, columns: usize, first: usize) -> String {
    let mut sql = String::with_capacity(rows * (columns * 6 + 4));
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(&list(style, columns, first + row * columns));
        sql.push(')');
    }
    sql
}

/// `p, p, …` for `count` parameters numbered from `first`.
pub(crate) fn list(style: Style, count: usize, first: usize) -> String {
    let mut sql = String::with_capacity(count * 6);
    for index in 0..count {
        if index > 0 {
            sql.push_str(", ");
        }
        match style {
            Style::Question => sql.push('?'),
            Style::Numbered => {
                sql.push('$');
                sql.push_str(&(first + index).to_string());
            }
        }
    }
    sql
}

/// One parameter numbered `index`.
pub(crate) fn param(style: Style, index: usize) -> String {
    list(style, 1, index)
}

/// Splits `items` into chunks of `max`, then powers of two for the rest: at most
/// log2(max) + 1 distinct chunk sizes, whatever the batch size.
pub(crate) fn fixed_chunks<T>(mut items: &[T], max: usize) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        if items.is_empty() {
            return None;
        }
        let size = if items.len() >= max { max } else { 1 << items.len().ilog2() };
        let (chunk, rest) = items.split_at(size);
        items = rest;
        Some(chunk)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_database_style() {
        assert_eq!(values(Style::Numbered, 2, 2, 1), "($1, $2), ($3, $4)");
        assert_eq!(values(Style::Question, 2, 2, 1), "(?, ?), (?, ?)");
        assert_eq!(list(Style::Numbered, 3, 2), "$2, $3, $4");
    }

    #[test]
    fn chunks_come_in_few_sizes_and_cover_everything() {
        let items: Vec<u32> = (0..300).collect();
        let sizes: Vec<usize> = fixed_chunks(&items, 128).map(<[u32]>::len).collect();
        assert_eq!(sizes, vec![128, 128, 32, 8, 4]);
        assert_eq!(fixed_chunks(&items, 128).flatten().count(), 300);
        assert_eq!(fixed_chunks::<u32>(&[], 128).count(), 0);
    }
}
