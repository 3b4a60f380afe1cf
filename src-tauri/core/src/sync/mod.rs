//! Syncing a followed feed: fetch the signed manifest, verify it, plan, fetch
//! and verify the record files, then apply them in one transaction. Nothing
//! touches the catalogue until every byte has been checked, and the apply
//! itself is all-or-nothing, so a sync that fails or is cut off at any point
//! leaves the previous catalogue exactly as it was.
//!
//! The sync uses its own database connection, so the app keeps searching the
//! old catalogue (WAL) while a new one is written.

pub(crate) mod http;
pub mod plan;

use crate::error::{Error, Result};
use crate::feed::{self, verify_manifest, MAX_MANIFEST_BYTES, MAX_SIGNATURE_BYTES};
use crate::record::Scope;
use crate::store::{ApplyControl, ApplySummary, Expect, Store, SyncOutcome};
use chrono::Utc;
use http::{FetchError, Fetcher, Small};
use plan::Plan;
use reqwest::Url;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct SyncOptions {
    pub connect_timeout: Duration,
    /// How long a silent connection is waited on before it counts as a
    /// stall and the sync gives up, keeping what arrived
    /// (`COOPDESK_SYNC_STALL_SECONDS`, 30 by default).
    pub read_timeout: Duration,
    /// Retries of a passing fault (after the first attempt).
    pub retries: u32,
    /// First backoff; doubled on each retry.
    pub backoff: Duration,
    /// Where downloads are staged; by default a folder beside the database.
    pub staging_dir: Option<PathBuf>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(stall_seconds()),
            retries: 3,
            backoff: Duration::from_millis(500),
            staging_dir: None,
        }
    }
}

/// Sets how many seconds without a byte a sync waits before giving up.
pub const STALL_VARIABLE: &str = "COOPDESK_SYNC_STALL_SECONDS";

/// The stall time: `COOPDESK_SYNC_STALL_SECONDS` (5 to 600), else 30.
fn stall_seconds() -> u64 {
    std::env::var(STALL_VARIABLE)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|s| (5..=600).contains(s))
        .unwrap_or(30)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Checking,
    Downloading,
    Applying,
}

/// Progress of one feed's sync, for a progress bar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Progress {
    pub feed_id: String,
    pub phase: Phase,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub records_done: u64,
    pub records_total: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SyncResult {
    /// New records were applied.
    Updated,
    /// The manifest was fetched; the catalogue already holds its sequence.
    UpToDate,
    /// The server said the manifest has not changed (HTTP 304).
    NotModified,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    pub feed_id: String,
    pub result: SyncResult,
    pub from_sequence: Option<u64>,
    pub sequence: Option<u64>,
    /// "snapshot" or "deltas" when records were applied.
    pub via: Option<String>,
    pub bytes: u64,
    pub applied: Vec<ApplySummary>,
    /// The feed moved to a new signing key, endorsed by the old one.
    pub key_rotated: bool,
}

fn sync_error(feed_id: &str, e: FetchError) -> Error {
    match e {
        FetchError::Cancelled => Error::Cancelled,
        FetchError::Transient(reason) | FetchError::Stalled(reason) => {
            Error::Sync { feed_id: feed_id.to_owned(), reason, retryable: true }
        }
        FetchError::Permanent(reason) => Error::Sync { feed_id: feed_id.to_owned(), reason, retryable: false },
    }
}

fn refused(feed_id: &str, reason: impl ToString) -> Error {
    Error::Sync { feed_id: feed_id.to_owned(), reason: reason.to_string(), retryable: false }
}

fn signature_url(manifest: &Url) -> Url {
    let mut url = manifest.clone();
    url.set_path(&format!("{}.minisig", manifest.path()));
    url
}

/// The default staging folder for a database.
pub fn staging_dir(db_path: &Path, feed_id: &str) -> PathBuf {
    let base = db_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    base.join("coopdesk-sync").join(feed_id)
}

/// Syncs one feed of the catalogue at `db_path`. Blocks; runs its own small
/// async runtime for the network part.
pub fn sync_feed(
    db_path: &Path,
    feed_id: &str,
    options: &SyncOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<SyncReport> {
    let mut store = Store::open(db_path)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("the network runtime", std::io::Error::other(e.to_string())))?;
    let result = runtime.block_on(run(&mut store, db_path, feed_id, options, progress, cancel));
    if let Err(e) = &result {
        // A cancel is the clerk's choice, not a fault of the feed.
        if !matches!(e, Error::NotFound { what: "feed", .. } | Error::Cancelled) {
            let message = e.to_string();
            store.record_sync(feed_id, SyncOutcome::Failure { code: e.code(), message: &message })?;
        }
    }
    result
}

async fn run(
    store: &mut Store,
    db_path: &Path,
    feed_id: &str,
    options: &SyncOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<SyncReport> {
    let sub = store.subscription(feed_id)?;
    let held = sub.sequence;
    let report = |p: Phase, bytes_done, bytes_total, records_done, records_total| {
        progress(Progress {
            feed_id: feed_id.to_owned(),
            phase: p,
            bytes_done,
            bytes_total,
            records_done,
            records_total,
        })
    };
    report(Phase::Checking, 0, 0, 0, 0);

    let url = Url::parse(&sub.url).map_err(|_| refused(feed_id, format!("'{}' is not a valid address", sub.url)))?;
    let fetcher = Fetcher::new(options.connect_timeout, options.read_timeout, options.retries, options.backoff)
        .map_err(|m| refused(feed_id, m))?;

    // A conditional request only when we hold data: an empty catalogue
    // always needs the manifest itself.
    let etag = sub.etag.as_deref().filter(|_| held.is_some());
    let (manifest_bytes, new_etag) =
        match fetcher.get_small(&url, etag, MAX_MANIFEST_BYTES, cancel).await.map_err(|e| sync_error(feed_id, e))? {
            Small::NotModified => {
                if sub.is_expired(Utc::now()) {
                    return Err(refused(
                        feed_id,
                        format!(
                            "the feed's manifest expired on {} and the publisher has not published since",
                            sub.manifest_expires_at.unwrap_or_default()
                        ),
                    ));
                }
                store.record_sync(feed_id, SyncOutcome::NotModified)?;
                return Ok(SyncReport {
                    feed_id: feed_id.to_owned(),
                    result: SyncResult::NotModified,
                    from_sequence: held,
                    sequence: held,
                    via: None,
                    bytes: 0,
                    applied: Vec::new(),
                    key_rotated: false,
                });
            }
            Small::Body { bytes, etag } => (bytes, etag),
        };
    let signature = match fetcher
        .get_small(&signature_url(&url), None, MAX_SIGNATURE_BYTES, cancel)
        .await
        .map_err(|e| sync_error(feed_id, e))?
    {
        Small::Body { bytes, .. } => {
            String::from_utf8(bytes).map_err(|_| refused(feed_id, feed::ManifestError::MalformedSignature))?
        }
        Small::NotModified => return Err(refused(feed_id, "the server answered 304 for the signature")),
    };
    let verified = verify_manifest(&manifest_bytes, &signature, &sub.public_keys).map_err(|e| refused(feed_id, e))?;
    let manifest = verified.manifest;
    let plan = plan::plan(feed_id, held, &manifest, Utc::now()).map_err(|e| refused(feed_id, e))?;
    let rotated_to = verified.rotated.then_some(verified.signing_key.as_str());

    let files = plan.files();
    let bytes_total: u64 = files.iter().map(|f| f.size).sum();
    let records_total: u64 = files.iter().map(|f| f.records).sum();
    let staging = options.staging_dir.clone().unwrap_or_else(|| staging_dir(db_path, feed_id));
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(staging.display().to_string(), e))?;

    let mut local = Vec::new();
    let mut done_before = 0u64;
    for file in &files {
        let file_url = url.join(&file.path).map_err(|_| refused(feed_id, format!("bad file path '{}'", file.path)))?;
        let dest = staging.join(format!("{}.ndjson.gz", file.sha256));
        if !dest.exists() {
            let base = done_before;
            fetcher
                .download(
                    &file_url,
                    file,
                    &dest,
                    &|n| report(Phase::Downloading, base + n, bytes_total, 0, records_total),
                    cancel,
                )
                .await
                .map_err(|e| sync_error(feed_id, e))?;
        }
        done_before += file.size;
        report(Phase::Downloading, done_before, bytes_total, 0, records_total);
        local.push(dest);
    }

    let (expects, via) = match &plan {
        Plan::UpToDate => (Vec::new(), None),
        Plan::Snapshot(f) => (
            vec![Expect {
                feed_id: feed_id.to_owned(),
                scope: Scope::Snapshot,
                sequence: manifest.sequence,
                base_sequence: None,
                records: f.records,
            }],
            Some("snapshot".to_owned()),
        ),
        Plan::Deltas(fs) => {
            let mut at = held.unwrap_or_default();
            let mut v = Vec::new();
            for f in fs {
                let d = manifest.deltas.iter().find(|d| &d.file == f).expect("planned deltas come from the manifest");
                v.push(Expect {
                    feed_id: feed_id.to_owned(),
                    scope: Scope::Delta,
                    sequence: d.to_sequence,
                    base_sequence: Some(at),
                    records: f.records,
                });
                at = d.to_sequence;
            }
            (v, Some("deltas".to_owned()))
        }
    };

    let mut applied = Vec::new();
    if !expects.is_empty() {
        report(Phase::Applying, bytes_total, bytes_total, 0, records_total);
        let chain: Vec<(PathBuf, Expect)> = local.iter().cloned().zip(expects).collect();
        let on_records = |n: u64| report(Phase::Applying, bytes_total, bytes_total, n, records_total);
        let control = ApplyControl { on_records: Some(&on_records), cancel: Some(cancel) };
        applied = store.apply_chain(&sub.url, &chain, &control)?;
        // Made-up items never sit beside a real feed's contracts.
        store.remove_sample()?;
    }
    store.record_sync(
        feed_id,
        SyncOutcome::Success { etag: new_etag.as_deref(), expires_at: manifest.expires_at, rotated_to },
    )?;
    for f in &local {
        let _ = std::fs::remove_file(f);
    }
    Ok(SyncReport {
        feed_id: feed_id.to_owned(),
        result: if plan == Plan::UpToDate { SyncResult::UpToDate } else { SyncResult::Updated },
        from_sequence: held,
        sequence: Some(manifest.sequence),
        via,
        bytes: bytes_total,
        applied,
        key_rotated: rotated_to.is_some(),
    })
}

/// The outcome of one feed in a sync of all feeds.
#[derive(Debug)]
pub struct FeedOutcome {
    pub feed_id: String,
    pub result: Result<SyncReport>,
}

/// One feed's result in a sync as the window receives it: its report or
/// why it failed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeedSyncResult {
    pub feed_id: String,
    pub report: Option<SyncReport>,
    pub error: Option<crate::error::ErrorReply>,
}

impl From<FeedOutcome> for FeedSyncResult {
    fn from(o: FeedOutcome) -> Self {
        match o.result {
            Ok(r) => FeedSyncResult { feed_id: o.feed_id, report: Some(r), error: None },
            Err(e) => FeedSyncResult { feed_id: o.feed_id, report: None, error: Some(e.into()) },
        }
    }
}

/// Syncs every followed feed in turn; one feed's failure does not stop the
/// others. Stops early only when cancelled.
pub fn sync_all(
    db_path: &Path,
    options: &SyncOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<Vec<FeedOutcome>> {
    let ids: Vec<String> = Store::open(db_path)?.subscriptions()?.into_iter().map(|s| s.id).collect();
    let mut outcomes = Vec::new();
    for feed_id in ids {
        let result = sync_feed(db_path, &feed_id, options, progress, cancel);
        let cancelled = matches!(result, Err(Error::Cancelled));
        outcomes.push(FeedOutcome { feed_id, result });
        if cancelled {
            break;
        }
    }
    Ok(outcomes)
}
