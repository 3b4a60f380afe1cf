//! Documents on their way to tantivy's indexing thread, counted until that
//! thread has indexed them, so the thread that stores records never runs
//! more than [`MAX_WAITING`] documents ahead. Tantivy bounds its queue in
//! messages, not documents: one document a message woke the indexing thread
//! for each, and a batch a message would let a snapshot's million documents
//! pile up in memory while the indexing thread catches up.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;
use tantivy::{Document, TantivyDocument};

/// Documents handed over and not yet indexed, at most. Once storing became
/// faster than indexing the queue stayed full, and at 10,000 (what
/// tantivy's own queue held when each document was a message of its own)
/// a snapshot's own memory peaked at 148 MB. Eight batches keep the
/// indexing thread fed: it is the slower of the two.
pub(super) const MAX_WAITING: usize = 2_048;

/// How many documents wait, shared with the documents themselves.
pub(super) struct Waiting {
    count: Mutex<usize>,
    /// Signaled when the count falls to `resume_at`.
    fell: Condvar,
    resume_at: usize,
}

/// A document counted as waiting until tantivy drops it, indexed.
pub(super) struct Counted {
    doc: TantivyDocument,
    _waiting: Ticket,
}

struct Ticket(Arc<Waiting>);

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut count = self.0.lock();
        *count -= 1;
        // Only the crossing: a signal for every document would wake the
        // storing thread as often as one message a document did.
        if *count == self.0.resume_at {
            self.0.fell.notify_one();
        }
    }
}

impl Waiting {
    /// Counts; a waiter resumes once no more than `resume_at` documents wait.
    pub(super) fn new(resume_at: usize) -> Arc<Waiting> {
        Arc::new(Waiting { count: Mutex::new(0), fell: Condvar::new(), resume_at })
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        // A count is still right after a panic elsewhere.
        self.count.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn count(self: &Arc<Self>, doc: TantivyDocument) -> Counted {
        *self.lock() += 1;
        Counted { doc, _waiting: Ticket(self.clone()) }
    }

    /// Waits until no more than `resume_at` documents wait, if more than
    /// [`MAX_WAITING`] do. False when the indexing thread indexed none for
    /// `patience`: it has stopped.
    pub(super) fn keep_within_bound(&self, patience: Duration) -> bool {
        let mut count = self.lock();
        if *count <= MAX_WAITING {
            return true;
        }
        while *count > self.resume_at {
            let before = *count;
            let (after, timeout) = self.fell.wait_timeout(count, patience).unwrap_or_else(|e| e.into_inner());
            count = after;
            if timeout.timed_out() && *count == before {
                return false;
            }
        }
        true
    }
}

impl Document for Counted {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiter_resumes_once_the_count_falls_far_enough() {
        let waiting = Waiting::new(MAX_WAITING - 2);
        let mut docs: Vec<Counted> = (0..MAX_WAITING + 1).map(|_| waiting.count(TantivyDocument::new())).collect();
        let indexer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            docs.truncate(MAX_WAITING - 2);
            docs
        });
        assert!(waiting.keep_within_bound(Duration::from_secs(30)));
        assert!(*waiting.lock() <= MAX_WAITING - 2);
        drop(indexer.join().unwrap());
        assert_eq!(*waiting.lock(), 0);
    }

    #[test]
    fn a_stopped_indexer_is_noticed_instead_of_waited_for() {
        let waiting = Waiting::new(0);
        let _docs: Vec<Counted> = (0..MAX_WAITING + 1).map(|_| waiting.count(TantivyDocument::new())).collect();
        assert!(!waiting.keep_within_bound(Duration::from_millis(20)));
    }

    #[test]
    fn within_the_bound_nothing_waits() {
        let waiting = Waiting::new(0);
        let _docs: Vec<Counted> = (0..10).map(|_| waiting.count(TantivyDocument::new())).collect();
        assert!(waiting.keep_within_bound(Duration::from_secs(30)));
    }
}
