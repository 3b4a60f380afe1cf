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
        M::up(include_str!("migrations/0003_contentless_search_index.sql")),
        M::up(include_str!("migrations/0004_agency_profile.sql")),
        M::up(include_str!("migrations/0005_search_vocabulary.sql")),
        M::up(include_str!("migrations/0006_requisitions.sql")),
        M::up(include_str!("migrations/0007_packets.sql")),
        M::up(include_str!("migrations/0008_emergencies.sql")),
        M::up(include_str!("migrations/0009_document_cache.sql")),
        M::up(include_str!("migrations/0010_search_index_outside.sql")),
        M::up(include_str!("migrations/0011_imports.sql")),
        M::up(include_str!("migrations/0012_search_marks_on_change.sql")),
        M::up(include_str!("migrations/0013_office.sql")),
        M::up(include_str!("migrations/0014_office_steps.sql")),
        M::up(include_str!("migrations/0015_office_files.sql")),
        M::up(include_str!("migrations/0016_office_conflicts.sql")),
        M::up(include_str!("migrations/0017_office_progress.sql")),
        M::up(include_str!("migrations/0018_office_incidents.sql")),
        M::up(include_str!("migrations/0019_office_snapshot_once.sql")),
        M::up(include_str!("migrations/0020_invoices.sql")),
        M::up(include_str!("migrations/0021_line_facts.sql")),
        M::up(include_str!("migrations/0022_first_run.sql")),
    ])
}

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    22
}

pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > latest_version() {
        return Err(Error::DatabaseTooNew { path: path.to_owned(), found, supported: latest_version() });
    }
    migrations().to_latest(conn).map_err(|e| Error::database(format!("the schema could not be updated: {e}")))
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

    /// A catalogue written before search moved out of SQLite is still found
    /// after the migration: the index is built from the tables, and kept in
    /// step with later changes.
    #[test]
    fn a_catalogue_from_before_the_search_index_is_found_after_migrating() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        {
            let mut conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "foreign_keys", "ON").unwrap();
            migrations().to_version(&mut conn, 2).unwrap();
            conn.execute_batch(
                "INSERT INTO feeds VALUES ('f', 'F', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
                 INSERT INTO cooperatives VALUES ('co', 'f', 'Gulf Cooperative', NULL, 0, NULL);
                 INSERT INTO suppliers VALUES ('s', 'f', 'Pelican Supply', '[]', '', '', '', '', NULL, NULL, NULL);
                 INSERT INTO contracts VALUES ('c', 'f', 'co', 's', 'GC-1', 'Power', NULL, '2026-01-01', '2027-01-01', NULL, '{}', '[]');
                 INSERT INTO items (id, feed_id, contract_id, supplier_sku, description, unit, list_cents, contract_cents,
                     classifications, price_tiers, attributes)
                 VALUES ('i', 'f', 'c', 'SKU-1', 'Portable generator', 'EA', 100, 90, '[]', '[]', '[]');",
            )
            .unwrap();
        }
        let store = crate::store::Store::open(&path).unwrap();
        let found = |q: &str| store.search(&crate::search::SearchQuery::text(q)).unwrap().total;
        assert_eq!((found("generator"), found("pelican"), found("gulf")), (1, 1, 1));
        store.conn().execute("UPDATE suppliers SET legal_name = 'Heron Supply' WHERE id = 's'", []).unwrap();
        assert_eq!((found("pelican"), found("heron")), (0, 1));
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

    /// `schema.sql` is the schema every migration adds up to, so a reader
    /// need not replay them. Regenerate it with
    /// `COOPDESK_BLESS=1 cargo test -p coopdesk-core schema_snapshot`.
    #[test]
    fn schema_snapshot_matches_the_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("db.sqlite3")).unwrap();
        let mut stmt = store
            .conn()
            .prepare(
                "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
                 ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name",
            )
            .unwrap();
        let statements: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
        let version: i64 = store.conn().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        let schema = format!(
            "-- The schema after every migration (user_version {version}), generated by\n\
             -- the test `schema_snapshot_matches_the_migrations`; never edited by hand.\n\
             -- The migrations in migrations/ are the truth; this is for reading.\n\n{};\n",
            statements.join(";\n\n")
        );
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/schema.sql");
        if std::env::var_os("COOPDESK_BLESS").is_some() {
            std::fs::write(&path, &schema).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == schema,
            "src/store/schema.sql is not the schema the migrations make; regenerate it with COOPDESK_BLESS=1"
        );
    }
}
