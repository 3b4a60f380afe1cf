//! The SQLite store: the single source of truth on the machine. Opening sets
//! the pragmas every connection needs (WAL, foreign keys, busy timeout),
//! brings the schema up to date with append-only migrations, and refuses a
//! database written by a newer coopdesk.

mod apply;
mod backup;
mod catalogue;
pub(crate) mod columns;
mod detail;
mod entity_rows;
mod export;
mod migrations;
mod search_marks;
mod subscriptions;

pub(crate) use apply::{commit_unless_dangling, first_dangling_reference, table};
pub use apply::{open_record_file, ApplyControl, ApplySummary, Expect};
pub use backup::{BackupSummary, APPLICATION_ID};
pub use catalogue::{CatalogueStatus, Choice, Facets, FeedInfo};
pub(crate) use detail::{contract_from_row, cooperative_from_row, origin, CONTRACT_COLUMNS};
pub use detail::{ContractDetail, ContractStatus, DealerDistance, ItemDetail};
pub(crate) use entity_rows::upsert;
pub(crate) use subscriptions::delete_feed_records;
pub use subscriptions::{FeedHealth, FeedView, Subscription, SyncOutcome, STALE_AFTER_HOURS};

use crate::error::{Error, Result};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    search: crate::search_index::SearchIndex,
    clock: crate::clock::Clock,
    /// The database's state (`PRAGMA data_version`, this connection's total
    /// changes) when the search index was last brought up to date.
    search_caught_up: std::cell::Cell<Option<(i64, u64)>>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Store> {
        let open_err = |reason: String| Error::Open { path: path.to_owned(), reason };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        }
        let mut conn = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(|e| open_err(e.to_string()))?;
        // Every transaction takes the write lock when it begins: one that
        // read first and wrote later would fail at once, not wait, when
        // another connection (the office's listener, a sync, the command
        // line) wrote in between.
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        // WAL lets the window read while a sync writes; FULL sync because a
        // requisition saved just before a power cut must still be there.
        conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| open_err(e.to_string()))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // rarray(): lets a search pass a set of ids computed in Rust (eligible
        // contracts, suppliers with a dealer nearby) as one parameter.
        rusqlite::vtab::array::load_module(&conn)?;
        migrations::migrate(&mut conn, path)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        let (search, fresh) = crate::search_index::SearchIndex::open(path)?;
        let store = Store {
            conn,
            path: path.to_owned(),
            search,
            clock: Default::default(),
            search_caught_up: Default::default(),
        };
        if fresh {
            store.request_search_rebuild()?;
        }
        // Repairs what a crash between the catalogue's commit and the index's left behind.
        store.refresh_search()?;
        Ok(store)
    }

    pub(crate) fn search_index(&self) -> &crate::search_index::SearchIndex {
        &self.search
    }

    /// Brings the search index up to date with the catalogue.
    pub fn refresh_search(&self) -> Result<()> {
        search_marks::refresh(&self.conn, &self.search)
    }

    /// Brings the search index up to date if the database changed since it
    /// last was: another connection committed (a sync, the command line:
    /// `PRAGMA data_version` moves) or this one wrote (an import). Otherwise
    /// nothing is read and the index is not reloaded, which a search would
    /// pay for on every keystroke.
    pub(crate) fn catch_up_search(&self) -> Result<()> {
        let stamp = || -> Result<(i64, u64)> {
            let version: i64 = self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
            Ok((version, self.conn.total_changes()))
        };
        if self.search_caught_up.get() == Some(stamp()?) {
            return Ok(());
        }
        self.refresh_search()?;
        // Clearing the marks is a change of this connection's own.
        self.search_caught_up.set(Some(stamp()?));
        Ok(())
    }

    /// Asks for the search index to be rebuilt from the catalogue.
    pub(crate) fn request_search_rebuild(&self) -> Result<()> {
        self.conn.execute("UPDATE search_state SET rebuild = 1, generation = generation + 1 WHERE id = 1", [])?;
        Ok(())
    }

    /// The clock every recorded time and every "today" comes from.
    pub fn clock(&self) -> crate::clock::Clock {
        self.clock
    }

    /// Sets the clock (tests, and output that must not depend on the day).
    pub fn set_clock(&mut self, clock: crate::clock::Clock) {
        self.clock = clock;
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// `PRAGMA integrity_check` and a foreign-key check; `Ok` when sound.
    pub fn check_integrity(&self) -> Result<()> {
        let verdict: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if verdict != "ok" {
            return Err(Error::database(format!("integrity check failed: {verdict}")));
        }
        let dangling: i64 = self.conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if dangling > 0 {
            return Err(Error::database(format!("{dangling} records refer to records that do not exist")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_a_new_file_in_wal_mode_with_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/coopdesk.sqlite3");
        let store = Store::open(&path).unwrap();
        assert!(path.exists());
        let mode: String = store.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        store.check_integrity().unwrap();
    }

    #[test]
    fn a_directory_is_not_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let err = Store::open(dir.path()).err().expect("a directory must not open");
        assert_eq!(err.code(), "db_open");
        assert!(err.to_string().contains("open another database file"), "{err}");
    }
}
