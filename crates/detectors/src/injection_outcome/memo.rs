//! What was read of a text, kept for the process: a scan sends the same planted texts and
//! contexts with every repeat, converter and target of a probe, and reading them is the
//! costly part.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Readings of texts, at most `kept` of them; past that the memo starts over (a scan's tests
/// come probe by probe, so the readings still in use are soon read again).
pub(super) struct TextMemo<T> {
    readings: Mutex<Option<HashMap<String, Arc<T>>>>,
    kept: usize,
}

impl<T> TextMemo<T> {
    pub(super) const fn new(kept: usize) -> Self {
        Self { readings: Mutex::new(None), kept }
    }

    /// The reading of `text`, made by `read` the first time.
    pub(super) fn get_or_read(&self, text: &str, read: impl FnOnce() -> T) -> Arc<T> {
        if let Some(reading) = self.readings.lock().unwrap_or_else(PoisonError::into_inner).as_ref().and_then(|map| map.get(text)) {
            return reading.clone();
        }
        // Read outside the lock: two first readers of one text both read it, the same way.
        let reading = Arc::new(read());
        let mut readings = self.readings.lock().unwrap_or_else(PoisonError::into_inner);
        let map = readings.get_or_insert_with(HashMap::new);
        if map.len() >= self.kept {
            map.clear();
        }
        map.insert(text.to_owned(), reading.clone());
        reading
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_read_once_until_the_memo_is_full() {
        let memo = TextMemo::new(2);
        let reads = std::cell::Cell::new(0);
        let read = |text: &str| {
            memo.get_or_read(text, || {
                reads.set(reads.get() + 1);
                text.len()
            })
        };
        assert_eq!(*read("one"), 3);
        assert!(Arc::ptr_eq(&read("one"), &read("one")));
        assert_eq!(reads.get(), 1);
        assert_eq!(*read("three"), 5);
        // Full: the next new text starts the memo over, and "one" is read again.
        read("eleven");
        read("one");
        assert_eq!(reads.get(), 4);
    }
}
