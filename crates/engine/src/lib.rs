//! Expands evaluations into jobs, claims and runs them, judges the replies, persists results.
