//! Schema migrations. Append-only: a released migration is never edited; a
//! change to the schema is a new file at the end of the list.

use crate::error::{Error, Result};
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};
use std::path::Path;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("migrations/0001_catalogue.sql")),
        M::up(include_str!("migrations/0002_feed_subscriptions.sql")),
    ])
}

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    2
}

pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > latest_version() {
        return Err(Error::DatabaseTooNew { path: path.to_owned(), found, supported: latest_version() });
    }
    migrations().to_latest(conn).map_err(|e| Error::Database(format!("the schema could not be updated: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_list_is_valid_and_matches_latest_version() {
        migrations().validate().unwrap();
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, latest_version());
    }

    #[test]
    fn empty_file_migrates_to_latest_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        drop(crate::store::Store::open(&path).unwrap());
        let store = crate::store::Store::open(&path).unwrap();
        let v: i64 = store.conn().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, latest_version());
    }

    #[test]
    fn database_from_a_newer_version_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE future(x); PRAGMA user_version = 99;").unwrap();
        }
        let err = crate::store::Store::open(&path).err().expect("must refuse");
        assert_eq!(err.code(), "db_too_new");
        assert!(err.to_string().contains("schema version 99"), "{err}");
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, 99);
    }
}
