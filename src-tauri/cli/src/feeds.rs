//! `coopdesk feeds ...` and `coopdesk sync`: following marketplace feeds from
//! the command line, with the same sync engine the app uses.

use crate::{print_json, stdout_error, FeedsAction};
use coopdesk_core::sync::{sync_all, sync_feed, FeedOutcome, Phase, SyncOptions, SyncReport, SyncResult};
use coopdesk_core::{Error, Result, Store};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::AtomicBool;

pub fn run(store: &mut Store, action: &FeedsAction, json: bool, out: &mut dyn Write) -> Result<()> {
    match action {
        FeedsAction::Add { id, url, pubkey } => {
            // A path to a .pub file, or the key itself.
            let key = match std::fs::read_to_string(pubkey) {
                Ok(text) => text,
                Err(_) => pubkey.clone(),
            };
            let sub = store.add_subscription(id, url, &key)?;
            writeln!(out, "Following feed '{}' at {}. Run `coopdesk sync` to fetch it.", sub.id, sub.url)
                .map_err(stdout_error)
        }
        FeedsAction::List {} => {
            let subs = store.subscriptions()?;
            if json {
                return print_json(out, &subs);
            }
            if subs.is_empty() {
                return writeln!(out, "No feeds followed. Add one with `coopdesk feeds add ID URL --pubkey KEY`.")
                    .map_err(stdout_error);
            }
            let now = chrono::Utc::now();
            for s in subs {
                let state = match (&s.last_error, s.is_expired(now)) {
                    (Some(e), _) => format!("last sync failed: {e}"),
                    (None, true) => "data is past the feed's expiry".to_owned(),
                    (None, false) => "ok".to_owned(),
                };
                writeln!(
                    out,
                    "{}  {}\n    sequence {}, last synced {}, {}",
                    s.id,
                    s.url,
                    s.sequence.map_or("none".to_owned(), |n| n.to_string()),
                    s.last_success_at.as_deref().unwrap_or("never"),
                    state
                )
                .map_err(stdout_error)?;
            }
            Ok(())
        }
        FeedsAction::Move { id, url } => {
            let sub = store.set_subscription_url(id, url)?;
            if json {
                return print_json(out, &sub);
            }
            writeln!(
                out,
                "Feed '{}' is now fetched from {}; it is still checked against its pinned keys.",
                sub.id, sub.url
            )
            .map_err(stdout_error)
        }
        FeedsAction::Remove { id } => {
            store.remove_subscription(id)?;
            writeln!(out, "No longer following '{id}'; its records were removed from the catalog.")
                .map_err(stdout_error)
        }
    }
}

fn describe(r: &SyncReport) -> String {
    match r.result {
        SyncResult::NotModified => format!("{}: not modified since the last sync.", r.feed_id),
        SyncResult::UpToDate => format!("{}: already at sequence {}.", r.feed_id, r.sequence.unwrap_or_default()),
        SyncResult::Updated => {
            let items: u64 = r.applied.iter().map(|a| a.items).sum();
            let deleted: u64 = r.applied.iter().map(|a| a.deleted).sum();
            format!(
                "{}: sequence {} -> {} via {} ({} bytes): {items} items written, {deleted} records deleted{}.",
                r.feed_id,
                r.from_sequence.map_or("none".to_owned(), |n| n.to_string()),
                r.sequence.unwrap_or_default(),
                r.via.as_deref().unwrap_or("-"),
                r.bytes,
                if r.key_rotated { "; the feed moved to a new signing key, endorsed by the old one" } else { "" }
            )
        }
    }
}

/// Syncs one feed or all; fails (non-zero exit) if any feed failed.
pub fn sync(
    db_path: &Path,
    feed: Option<&str>,
    options: &SyncOptions,
    json: bool,
    progress_lines: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let cancel = AtomicBool::new(false);
    // The phase last reported, so that `--progress` says when each starts
    // rather than once per downloaded chunk.
    let last_phase = std::sync::Mutex::new(None);
    let progress = |p: coopdesk_core::sync::Progress| {
        if progress_lines {
            let mut last = last_phase.lock().unwrap_or_else(|e| e.into_inner());
            if *last != Some(p.phase) || (p.phase == Phase::Applying && p.records_done > 0) {
                *last = Some(p.phase);
                eprintln!("{}", serde_json::to_string(&p).expect("progress serialises"));
            }
        } else if p.phase == Phase::Applying && p.records_done > 0 && p.records_done.is_multiple_of(100_000) && !json {
            eprintln!("{}: applied {} of {} records", p.feed_id, p.records_done, p.records_total);
        }
    };
    let outcomes = match feed {
        Some(id) => {
            vec![FeedOutcome { feed_id: id.to_owned(), result: sync_feed(db_path, id, options, &progress, &cancel) }]
        }
        None => sync_all(db_path, options, &progress, &cancel)?,
    };
    if outcomes.is_empty() {
        return Err(Error::Invalid(
            "This catalog follows no feeds yet. Add one with `coopdesk feeds add ID URL --pubkey KEY`.".into(),
        ));
    }
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for o in outcomes {
        match o.result {
            Ok(r) => {
                if !json {
                    writeln!(out, "{}", describe(&r)).map_err(stdout_error)?;
                }
                reports.push(r);
            }
            Err(e) => failures.push(e),
        }
    }
    if json {
        print_json(out, &reports)?;
    }
    match failures.len() {
        0 => Ok(()),
        1 => Err(failures.remove(0)),
        _ => Err(Error::Invalid(failures.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\ncoopdesk: "))),
    }
}
