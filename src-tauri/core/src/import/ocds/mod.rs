//! OCDS publications: the Open Contracting Data Standard public buyers
//! publish their contracts in.
//!
//! - [`read`]: any package form, stream or encoding, into processes by ocid.
//! - [`merge`]: a process's releases into its compiled (or versioned)
//!   release, by the schema's merge rules for its OCDS version.
//! - [`map`]: a compiled release into cooperatives, suppliers, contracts and
//!   items.
//!
//! [`convert`] chains the three for the publisher tool; [`Store::import_ocds`]
//! writes the result into the catalogue as local records, in one transaction.

pub mod map;
pub mod merge;
pub mod read;

use super::LOCAL_FEED;
use crate::error::{Error, Result};
use crate::record::{Entity, Kind};
use crate::store::Store;
use read::{ReadStats, Skip};
use rusqlite::{OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Read;

/// Created and updated counts for one kind of record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
}

/// What an OCDS import read, did and left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OcdsSummary {
    pub source: String,
    /// SHA-256 of the bytes read, to tell later which file it was.
    pub sha256: String,
    pub read: ReadStats,
    /// Contracting processes (distinct ocids) read.
    pub processes: u64,
    pub cooperatives: Counts,
    pub suppliers: Counts,
    pub contracts: Counts,
    pub items: Counts,
    /// Items published without a unit price, which are not catalogue items.
    pub unpriced_items: u64,
    /// Processes with no award or contract yet (plans, open tenders).
    pub not_awarded: u64,
    pub skipped: Vec<Skip>,
    /// True when nothing was written (a preview).
    pub dry_run: bool,
}

/// Progress through the processes of a publication.
#[derive(Clone, Copy, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ImportProgress"))]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// Hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// What [`convert`] read, apart from the records it handed out.
#[derive(Clone, Debug, Default)]
pub struct Converted {
    pub sha256: String,
    pub read: ReadStats,
    pub processes: u64,
    pub unpriced_items: u64,
    pub not_awarded: u64,
    pub skipped: Vec<Skip>,
}

/// Reads a publication, merges each process and maps it, calling `each` with
/// the records of every process in ocid order. A process whose releases
/// cannot be merged is skipped with the reason.
pub fn convert(
    source: &str,
    input: impl Read,
    mut progress: impl FnMut(Progress),
    mut each: impl FnMut(map::Mapped) -> Result<()>,
) -> Result<Converted> {
    let mut hashing = Hashing { inner: input, hasher: Sha256::new() };
    let publication = read::read(source, &mut hashing)?;
    // Read to the end so the hash is of the whole file even after broken JSON.
    std::io::copy(&mut hashing, &mut std::io::sink()).map_err(|e| Error::io(source, e))?;
    let mut out = Converted {
        sha256: crate::digest::hex(&hashing.hasher.finalize()),
        read: publication.stats.clone(),
        processes: publication.process_count()?,
        unpriced_items: 0,
        not_awarded: 0,
        skipped: publication.skipped.clone(),
    };
    let total = out.processes;
    let mut done = 0;
    publication.for_each_process(|process| {
        let compiled = if process.releases.is_empty() {
            process.compiled.clone()
        } else {
            match merge::compile(process.version.rules(), &process.releases) {
                Ok(c) => Some(c),
                Err(e) => {
                    out.skipped.push(Skip {
                        source: source.to_owned(),
                        record: format!("ocid {}", process.ocid),
                        field: None,
                        reason: format!("its releases could not be merged: {e}"),
                    });
                    None
                }
            }
        };
        if let Some(compiled) = compiled {
            let cx = map::Context { ocid: &process.ocid, source, publisher: process.publisher.as_deref() };
            let mut mapped = map::map(&compiled, &cx);
            out.unpriced_items += mapped.unpriced_items;
            out.not_awarded += u64::from(mapped.not_awarded);
            out.skipped.append(&mut mapped.skipped);
            each(mapped)?;
        }
        done += 1;
        progress(Progress { done, total });
        Ok(())
    })?;
    Ok(out)
}

/// Writes records as local ones, counting each once per import.
struct Writer<'t> {
    tx: &'t Transaction<'t>,
    source: &'t str,
    /// Records already written by this import: a process published twice
    /// (as a record and as releases, say) is not counted as an update.
    seen: HashSet<(Kind, String)>,
    skipped: Vec<Skip>,
}

impl Writer<'_> {
    /// A record whose id a feed owns is skipped, so a sync never finds its
    /// records changed underneath it. False when skipped.
    fn write(&mut self, entity: Entity, counts: &mut Counts) -> Result<bool> {
        let key = (entity.kind(), entity.id().to_owned());
        if !self.seen.contains(&key) {
            let owner: Option<String> = self
                .tx
                .prepare_cached(&format!("SELECT feed_id FROM {} WHERE id = ?1", crate::store::table(entity.kind())))?
                .query_row([entity.id()], |r| r.get(0))
                .optional()?;
            match owner.as_deref() {
                Some(feed) if feed != LOCAL_FEED => {
                    self.skipped.push(Skip {
                        source: self.source.to_owned(),
                        record: format!("{} {}", entity.kind().as_str(), entity.id()),
                        field: None,
                        reason: format!("feed '{feed}' already holds a record with this id"),
                    });
                    return Ok(false);
                }
                Some(_) => counts.updated += 1,
                None => counts.created += 1,
            }
            self.seen.insert(key);
        }
        crate::store::upsert(self.tx, LOCAL_FEED, &entity)?;
        Ok(true)
    }
}

impl Store {
    /// Imports an OCDS publication as local contracts, in one transaction:
    /// the file is all in, or (on an error, or with `dry_run`) not at all.
    pub fn import_ocds(
        &mut self,
        source: &str,
        input: impl Read,
        dry_run: bool,
        progress: impl FnMut(Progress),
    ) -> Result<OcdsSummary> {
        let mut summary = OcdsSummary { source: source.to_owned(), dry_run, ..Default::default() };
        let tx = self.conn_mut().transaction()?;
        super::ensure_local_feed(&tx)?;
        let mut writer = Writer { tx: &tx, source, seen: HashSet::new(), skipped: Vec::new() };
        let converted = convert(source, input, progress, |mapped| {
            if let Some(c) = mapped.cooperative {
                writer.write(Entity::Cooperative(c), &mut summary.cooperatives)?;
            }
            let mut refused_suppliers = Vec::new();
            for s in mapped.suppliers {
                let id = s.id.clone();
                if !writer.write(Entity::Supplier(s), &mut summary.suppliers)? {
                    refused_suppliers.push(id);
                }
            }
            let mut refused_contracts = Vec::new();
            for c in mapped.contracts {
                let id = c.id.clone();
                // A local contract must not hang on a feed's supplier, which
                // a later sync may remove.
                if refused_suppliers.contains(&c.supplier_id) {
                    refused_contracts.push(id);
                    continue;
                }
                if !writer.write(Entity::Contract(c), &mut summary.contracts)? {
                    refused_contracts.push(id);
                }
            }
            for i in mapped.items {
                if !refused_contracts.contains(&i.contract_id) {
                    writer.write(Entity::Item(i), &mut summary.items)?;
                }
            }
            Ok(())
        })?;
        let mut extra_skips = writer.skipped;
        // Suppliers skipped above would leave contracts pointing nowhere.
        if let Some(problem) = crate::store::first_dangling_reference(&tx)? {
            return Err(Error::Invalid(format!("{source} was not imported: {problem}. Nothing was changed.")));
        }
        summary.sha256 = converted.sha256;
        summary.read = converted.read;
        summary.processes = converted.processes;
        summary.unpriced_items = converted.unpriced_items;
        summary.not_awarded = converted.not_awarded;
        summary.skipped = converted.skipped;
        summary.skipped.append(&mut extra_skips);
        if summary.processes == 0 {
            // Nothing read is a failure, not an empty success: the reason
            // (broken JSON, usually) comes first.
            let reason = match summary.skipped.first() {
                Some(skip) => match skip.reason.strip_prefix("it ") {
                    Some(rest) => format!("{source} {rest}"),
                    None => format!("{source}: {}", skip.reason),
                },
                None => format!("{source} holds no OCDS releases or records"),
            };
            return Err(Error::Invalid(format!("{reason}. Nothing was imported.")));
        }
        if dry_run {
            tx.rollback()?;
        } else {
            super::log_import(&tx, "ocds", source, &summary.sha256, &summary)?;
            tx.commit()?;
        }
        Ok(summary)
    }
}
