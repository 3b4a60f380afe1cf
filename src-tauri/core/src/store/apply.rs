//! Applying a record file to the store: all or nothing. The whole file is
//! read, validated and written inside one transaction; any refused line, a
//! rollback to an older sequence, a delta on the wrong base, or a record that
//! refers to something absent rolls everything back, so the catalogue the
//! clerk had before is exactly the catalogue they have after.

use super::entity_rows::{write_row, Write};
use super::search_marks::StreamIndexer;
use super::Store;
use crate::error::{Error, Result};
use crate::record::{Header, Kind, Record, RecordReader, Scope};
use crate::search_index::SearchIndex;
use chrono::Utc;
use flate2::read::GzDecoder;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// What an apply did, for the clerk's sync report and the command line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApplySummary {
    pub feed_id: String,
    pub sequence: u64,
    /// True when the catalogue already held this sequence: nothing was written.
    pub already_current: bool,
    pub cooperatives: u64,
    pub suppliers: u64,
    pub contracts: u64,
    pub dealers: u64,
    pub items: u64,
    pub deleted: u64,
}

/// The table that holds records of `kind`.
pub(crate) fn table(kind: Kind) -> &'static str {
    match kind {
        Kind::Cooperative => "cooperatives",
        Kind::Supplier => "suppliers",
        Kind::Contract => "contracts",
        Kind::Dealer => "dealers",
        Kind::Item => "items",
    }
}

/// What the manifest promised about a record file; the file's own header and
/// record count must agree, or the file is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    pub feed_id: String,
    pub scope: Scope,
    pub sequence: u64,
    pub base_sequence: Option<u64>,
    pub records: u64,
}

/// Progress reporting and cancellation for a long apply.
#[derive(Default)]
pub struct ApplyControl<'a> {
    /// Called every few thousand records with the running count.
    pub on_records: Option<&'a (dyn Fn(u64) + Sync)>,
    pub cancel: Option<&'a AtomicBool>,
}

const PROGRESS_EVERY: u64 = 5_000;

impl Store {
    /// Applies a record file from disk, gzip-compressed or plain.
    pub fn apply_file(&mut self, path: &Path) -> Result<ApplySummary> {
        let name = path.display().to_string();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (summary, indexer) =
            apply_one(&tx, &name, open_record_file(path)?, None, &ApplyControl::default(), Some(&self.search))?;
        let summary = finish(tx, &name, summary)?;
        if let Some(indexer) = indexer {
            indexer.commit(&self.conn)?;
        }
        self.refresh_search()?;
        Ok(summary)
    }

    /// Applies one record file. `source_name` names it in error messages
    /// (a file path or a feed URL).
    pub fn apply_records<R: BufRead>(&mut self, source_name: &str, input: R) -> Result<ApplySummary> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (summary, indexer) =
            apply_one(&tx, source_name, input, None, &ApplyControl::default(), Some(&self.search))?;
        let summary = finish(tx, source_name, summary)?;
        if let Some(indexer) = indexer {
            indexer.commit(&self.conn)?;
        }
        self.refresh_search()?;
        Ok(summary)
    }

    /// Applies several record files (a snapshot, or a chain of deltas) in one
    /// transaction: the catalogue moves from the version before to the
    /// version after the last file, or does not move at all.
    pub fn apply_chain(
        &mut self,
        source_name: &str,
        files: &[(PathBuf, Expect)],
        control: &ApplyControl,
    ) -> Result<Vec<ApplySummary>> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut summaries = Vec::new();
        let mut indexer = None;
        // A lone file is indexed as it is written; a chain (whose later files
        // change what the earlier ones wrote) is indexed after the commit.
        let stream_index = (files.len() == 1).then_some(&self.search);
        for (path, expect) in files {
            let (summary, streamed) =
                apply_one(&tx, source_name, open_record_file(path)?, Some(expect), control, stream_index)?;
            summaries.push(summary);
            indexer = streamed;
        }
        commit_checked(tx, source_name)?;
        if let Some(indexer) = indexer {
            indexer.commit(&self.conn)?;
        }
        self.refresh_search()?;
        Ok(summaries)
    }
}

fn finish(tx: Transaction, source_name: &str, summary: ApplySummary) -> Result<ApplySummary> {
    if !summary.already_current {
        commit_checked(tx, source_name)?;
    }
    Ok(summary)
}

/// Commits, or, when a record points at something absent, refuses the file
/// naming that record and rolls everything back.
fn commit_checked(tx: Transaction, source_name: &str) -> Result<()> {
    match commit_unless_dangling(tx)? {
        None => Ok(()),
        Some(reason) => Err(Error::FeedRejected { source_name: source_name.to_owned(), reason }),
    }
}

/// Commits; or, when SQLite refuses because a record now points at
/// something absent, rolls back and returns what refers to what. SQLite
/// counts the broken references of the deferred keys as rows are written
/// and removed, so only a refused commit pays for the scan of the whole
/// catalog that names one (about 200 ms at a million items).
pub(crate) fn commit_unless_dangling(tx: Transaction) -> Result<Option<String>> {
    let foreign_key = |e: &rusqlite::Error| matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY);
    match tx.execute_batch("COMMIT") {
        Ok(()) => Ok(None),
        // A commit refused for its foreign keys leaves the transaction open
        // to look into; dropping `tx` then rolls it back.
        Err(e) if foreign_key(&e) => Ok(Some(
            first_dangling_reference(&tx)?
                .unwrap_or_else(|| "a record refers to something the catalog does not hold".to_owned()),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Opens a record file, decompressing it if it starts with gzip's magic bytes.
pub fn open_record_file(path: &Path) -> Result<Box<dyn BufRead>> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::io(&name, e))?;
    let mut input = BufReader::with_capacity(256 * 1024, file);
    let gzip = input.fill_buf().map_err(|e| Error::io(&name, e))?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip { Box::new(BufReader::with_capacity(256 * 1024, GzDecoder::new(input))) } else { Box::new(input) })
}

fn apply_one<'i, R: BufRead>(
    tx: &Transaction,
    source_name: &str,
    input: R,
    expect: Option<&Expect>,
    control: &ApplyControl,
    index: Option<&'i SearchIndex>,
) -> Result<(ApplySummary, Option<StreamIndexer<'i>>)> {
    let invalid = |error| Error::FeedInvalid { source_name: source_name.to_owned(), error };
    let rejected = |reason: String| Error::FeedRejected { source_name: source_name.to_owned(), reason };

    let mut reader = RecordReader::new(input).map_err(invalid)?;
    let header = reader.header().clone();
    if let Some(e) = expect {
        if header.feed_id != e.feed_id
            || header.scope != e.scope
            || header.sequence != e.sequence
            || header.base_sequence != e.base_sequence
        {
            return Err(rejected(format!(
                "the file's header (feed '{}', sequence {}) does not match what the signed manifest lists",
                header.feed_id, header.sequence
            )));
        }
    }

    let current: Option<i64> = tx
        .query_row("SELECT sequence FROM feeds WHERE id = ?1", [&header.feed_id], |r| r.get(0))
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    let current = current.map(|c| c as u64);
    let mut summary = ApplySummary { feed_id: header.feed_id.clone(), sequence: header.sequence, ..Default::default() };

    match (header.scope, current) {
        (_, Some(cur)) if cur == header.sequence && expect.is_none() => {
            summary.already_current = true;
            return Ok((summary, None));
        }
        (_, Some(cur)) if cur >= header.sequence => {
            return Err(rejected(format!(
                "it is sequence {}, not newer than the sequence {cur} already in the catalog",
                header.sequence
            )))
        }
        (Scope::Delta, cur) if cur != header.base_sequence => {
            return Err(rejected(format!(
                "it holds changes since sequence {}, but the catalog is at {}; a full snapshot is needed",
                header.base_sequence.unwrap_or_default(),
                cur.map_or("no sequence".to_owned(), |c| c.to_string())
            )))
        }
        _ => {}
    }

    write_feed_row(tx, &header)?;
    let bulk = header.scope == Scope::Snapshot;
    if bulk {
        begin_bulk(tx, &header.feed_id)?;
        clear_feed(tx, &header.feed_id)?;
    }
    let mut indexer = match index {
        Some(index) => StreamIndexer::start(tx, index, &header.feed_id, bulk)?,
        None => None,
    };

    // The snapshot's feed was just cleared: its records are new rows.
    let how = if bulk { Write::Insert } else { Write::Upsert };
    let mut count = 0u64;
    while let Some(record) = reader.next() {
        let record = record.map_err(invalid)?;
        let line = reader.line();
        count += 1;
        if count.is_multiple_of(PROGRESS_EVERY) {
            if control.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                return Err(Error::Cancelled);
            }
            if let Some(report) = control.on_records {
                report(count);
            }
        }
        match record {
            Record::Upsert(entity) => {
                let Some(rowid) = write_row(tx, &header.feed_id, &entity, how)? else {
                    return Err(rejected(format!(
                        "line {line}: {} '{}' belongs to another feed",
                        entity.kind().as_str(),
                        entity.id()
                    )));
                };
                if let Some(indexer) = indexer.as_mut() {
                    indexer.written(tx, &entity, rowid);
                }
                match entity.kind() {
                    Kind::Cooperative => summary.cooperatives += 1,
                    Kind::Supplier => summary.suppliers += 1,
                    Kind::Contract => summary.contracts += 1,
                    Kind::Dealer => summary.dealers += 1,
                    Kind::Item => summary.items += 1,
                }
            }
            Record::Delete { kind, id } => {
                let sql = format!("DELETE FROM {} WHERE id = ?1 AND feed_id = ?2 RETURNING rowid", table(kind));
                let rowid: Option<i64> =
                    tx.prepare_cached(&sql)?.query_row(params![id, header.feed_id], |r| r.get(0)).optional()?;
                summary.deleted += u64::from(rowid.is_some());
                if let (Some(indexer), Some(rowid)) = (indexer.as_mut(), rowid) {
                    indexer.deleted(kind, rowid);
                }
            }
        }
    }
    if bulk {
        end_bulk(tx, &header.feed_id)?;
    }
    if let Some(e) = expect {
        if count != e.records {
            return Err(rejected(format!("it holds {count} records, but the signed manifest lists {}", e.records)));
        }
    }
    if let Some(indexer) = indexer.as_mut() {
        indexer.finish(tx)?;
    }
    if let Some(report) = control.on_records {
        report(count);
    }
    Ok((summary, indexer))
}

fn write_feed_row(tx: &Transaction, header: &Header) -> Result<()> {
    tx.execute(
        "INSERT INTO feeds (id, name, sequence, generated_at, applied_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, sequence = excluded.sequence,
             generated_at = excluded.generated_at, applied_at = excluded.applied_at",
        params![
            header.feed_id,
            header.feed_name,
            header.sequence as i64,
            header.generated_at.to_rfc3339(),
            Utc::now().to_rfc3339()
        ],
    )?;
    Ok(())
}

/// A snapshot replaces a feed wholesale, so instead of marking items for the
/// search index row by row it turns the per-row triggers off for this
/// transaction and asks for the index to be rebuilt once it commits.
fn begin_bulk(tx: &Transaction, _feed_id: &str) -> Result<()> {
    tx.execute("UPDATE fts_control SET bulk = 1", [])?;
    tx.execute("UPDATE search_state SET rebuild = 1, generation = generation + 1 WHERE id = 1", [])?;
    Ok(())
}

fn end_bulk(tx: &Transaction, _feed_id: &str) -> Result<()> {
    tx.execute("UPDATE fts_control SET bulk = 0", [])?;
    Ok(())
}

/// A snapshot replaces everything the feed owned. Children go first so the
/// deferred foreign keys never see an orphan for long.
pub(super) fn clear_feed(tx: &Transaction, feed_id: &str) -> Result<()> {
    for t in ["items", "dealers", "contracts", "suppliers", "cooperatives"] {
        tx.execute(&format!("DELETE FROM {t} WHERE feed_id = ?1"), [feed_id])?;
    }
    Ok(())
}

/// Names the first record that points at something absent, in words, so the
/// refusal says which record to fix rather than "FOREIGN KEY constraint failed".
pub(crate) fn first_dangling_reference(tx: &Transaction) -> Result<Option<String>> {
    let row = tx
        .query_row("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check LIMIT 1", [], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
        })
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    let Some((child, rowid, parent)) = row else {
        return Ok(None);
    };
    let id: String = tx.query_row(&format!("SELECT id FROM {child} WHERE rowid = ?1"), [rowid], |r| r.get(0))?;
    let singular = |t: &str| {
        match t {
            "cooperatives" => "cooperative",
            "suppliers" => "supplier",
            "contracts" => "contract",
            "dealers" => "dealer",
            "items" => "item",
            other => other,
        }
        .to_owned()
    };
    Ok(Some(format!("{} '{id}' refers to a {} that the catalog does not hold", singular(&child), singular(&parent))))
}
