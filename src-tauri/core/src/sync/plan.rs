//! The sync plan: given what the catalogue holds and a verified manifest,
//! decide what to fetch. Pure, so every case is a row in a table test; the
//! fetching and applying happen elsewhere.

use crate::feed::{FileEntry, Manifest};
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// The catalogue already holds this sequence.
    UpToDate,
    /// Replace the feed's records with the snapshot.
    Snapshot(FileEntry),
    /// Apply these deltas, in order, in one transaction.
    Deltas(Vec<FileEntry>),
}

impl Plan {
    pub fn files(&self) -> Vec<FileEntry> {
        match self {
            Plan::UpToDate => Vec::new(),
            Plan::Snapshot(f) => vec![f.clone()],
            Plan::Deltas(fs) => fs.clone(),
        }
    }
}

/// A manifest the plan refuses, with the catalogue left as it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the feed offers sequence {offered}, older than the sequence {held} already synced; this looks like a replayed old manifest")]
    Rollback { held: u64, offered: u64 },
    #[error(
        "the feed's manifest expired on {expires_at}; the publisher has not published since, so its data may be stale"
    )]
    Expired { expires_at: DateTime<Utc> },
    #[error("the manifest is for feed '{found}', not '{expected}'")]
    WrongFeed { expected: String, found: String },
}

/// Decides what to fetch. `held` is the sequence the catalogue holds for this
/// feed, if any.
pub fn plan(expected_feed: &str, held: Option<u64>, manifest: &Manifest, now: DateTime<Utc>) -> Result<Plan, Refusal> {
    if manifest.feed_id != expected_feed {
        return Err(Refusal::WrongFeed { expected: expected_feed.to_owned(), found: manifest.feed_id.clone() });
    }
    if manifest.expires_at <= now {
        return Err(Refusal::Expired { expires_at: manifest.expires_at });
    }
    let Some(held) = held else { return Ok(Plan::Snapshot(manifest.snapshot.clone())) };
    if held > manifest.sequence {
        return Err(Refusal::Rollback { held, offered: manifest.sequence });
    }
    if held == manifest.sequence {
        return Ok(Plan::UpToDate);
    }
    // Follow deltas from what we hold to the manifest's sequence; take the
    // chain only if it is complete and smaller than the snapshot.
    let mut chain = Vec::new();
    let mut at = held;
    while at < manifest.sequence {
        let next = manifest.deltas.iter().filter(|d| d.from_sequence == at).max_by_key(|d| d.to_sequence);
        match next {
            Some(d) => {
                chain.push(d.file.clone());
                at = d.to_sequence;
            }
            None => return Ok(Plan::Snapshot(manifest.snapshot.clone())),
        }
    }
    let chain_bytes: u64 = chain.iter().map(|f| f.size).sum();
    if at != manifest.sequence || chain_bytes >= manifest.snapshot.size {
        return Ok(Plan::Snapshot(manifest.snapshot.clone()));
    }
    Ok(Plan::Deltas(chain))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::DeltaEntry;

    fn file(path: &str, size: u64) -> FileEntry {
        FileEntry { path: path.into(), size, sha256: "0".repeat(64), records: 1 }
    }

    fn delta(from: u64, to: u64, size: u64) -> DeltaEntry {
        DeltaEntry { from_sequence: from, to_sequence: to, file: file(&format!("d{from}-{to}"), size) }
    }

    fn manifest(sequence: u64, deltas: Vec<DeltaEntry>) -> Manifest {
        Manifest {
            format: "coopdesk-feed".into(),
            format_version: 1,
            feed_id: "gulf".into(),
            feed_name: "Gulf".into(),
            sequence,
            generated_at: "2026-11-01T00:00:00Z".parse().unwrap(),
            expires_at: "2026-11-08T00:00:00Z".parse().unwrap(),
            snapshot: file("snap", 1000),
            deltas,
            key_endorsement: None,
        }
    }

    #[test]
    fn plans() {
        let now: DateTime<Utc> = "2026-11-02T00:00:00Z".parse().unwrap();
        let later: DateTime<Utc> = "2026-11-09T00:00:00Z".parse().unwrap();
        let paths = |p: Plan| match p {
            Plan::UpToDate => vec!["up-to-date".to_owned()],
            other => other.files().into_iter().map(|f| f.path).collect(),
        };
        type Row = (&'static str, Option<u64>, Manifest, DateTime<Utc>, Result<Vec<&'static str>, &'static str>);
        let rows: Vec<Row> = vec![
            ("first sync takes the snapshot", None, manifest(5, vec![delta(4, 5, 10)]), now, Ok(vec!["snap"])),
            ("same sequence", Some(5), manifest(5, vec![]), now, Ok(vec!["up-to-date"])),
            ("one delta", Some(4), manifest(5, vec![delta(4, 5, 10)]), now, Ok(vec!["d4-5"])),
            (
                "chain of deltas",
                Some(2),
                manifest(5, vec![delta(2, 3, 10), delta(3, 4, 10), delta(4, 5, 10)]),
                now,
                Ok(vec!["d2-3", "d3-4", "d4-5"]),
            ),
            (
                "longest hop is preferred",
                Some(2),
                manifest(5, vec![delta(2, 3, 10), delta(2, 5, 20), delta(3, 5, 10)]),
                now,
                Ok(vec!["d2-5"]),
            ),
            ("gap in the chain", Some(2), manifest(5, vec![delta(3, 4, 10), delta(4, 5, 10)]), now, Ok(vec!["snap"])),
            ("deltas bigger than snapshot", Some(4), manifest(5, vec![delta(4, 5, 5000)]), now, Ok(vec!["snap"])),
            ("rollback", Some(6), manifest(5, vec![]), now, Err("older than the sequence 6")),
            ("expired", Some(4), manifest(5, vec![delta(4, 5, 10)]), later, Err("expired on 2026-11-08")),
        ];
        for (what, held, m, at, want) in rows {
            let got = plan("gulf", held, &m, at).map(paths).map_err(|e| e.to_string());
            match want {
                Ok(w) => assert_eq!(got, Ok(w.into_iter().map(String::from).collect()), "{what}"),
                Err(w) => assert!(got.as_ref().is_err_and(|e| e.contains(w)), "{what}: {got:?}"),
            }
        }
    }

    #[test]
    fn refuses_another_feeds_manifest() {
        let now: DateTime<Utc> = "2026-11-02T00:00:00Z".parse().unwrap();
        let err = plan("atlantic", None, &manifest(1, vec![]), now).unwrap_err();
        assert_eq!(err, Refusal::WrongFeed { expected: "atlantic".into(), found: "gulf".into() });
    }
}
