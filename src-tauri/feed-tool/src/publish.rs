//! Building a feed directory: validate the source records (and convert
//! OCDS publications and price files among them), write the snapshot, a
//! delta from the previous sequence, and the signed manifest.
//! Sources are read twice (once for the snapshot, once for the delta) and
//! never held whole: a million-item catalogue builds in bounded memory.

use crate::convert::{convert, is_import_source, Converted, ImportOptions};
use crate::keys::{self, KeyError};
use chrono::{DateTime, Duration, Utc};
use coopdesk_core::feed::{
    parse_manifest, verify_manifest, DeltaEntry, FileEntry, KeyEndorsement, Manifest, MANIFEST_FILE, MANIFEST_FORMAT,
    MANIFEST_VERSION, SIGNATURE_FILE,
};
use coopdesk_core::record::{
    encode_delete, encode_upsert, is_header_line, parse_line, Header, Kind, Record, RecordReader, RecordWriter, Scope,
    FORMAT_NAME, FORMAT_VERSION,
};
use coopdesk_core::store::open_record_file;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// How many deltas a manifest keeps: a client more than this many
/// publications behind takes the snapshot.
pub const KEEP_DELTAS: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{0}")]
    Key(#[from] KeyError),
    #[error("{path}: {reason}")]
    Source { path: String, reason: String },
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Invalid(String),
}

fn io(what: impl std::fmt::Display) -> impl Fn(std::io::Error) -> PublishError {
    move |e| PublishError::Io(format!("{what}: {e}"))
}

pub struct BuildOptions {
    pub source: PathBuf,
    pub key: PathBuf,
    pub out: PathBuf,
    pub previous: Option<PathBuf>,
    pub feed_id: Option<String>,
    pub feed_name: Option<String>,
    pub valid_for: Duration,
    /// The previous signing key, to endorse `key` when rotating.
    pub endorse_with: Option<PathBuf>,
    pub now: DateTime<Utc>,
    /// How to read OCDS publications and price files among the sources.
    pub import: ImportOptions,
}

type EntityKey = (Kind, String);
type Digest16 = [u8; 16];

fn digest16(bytes: &[u8]) -> Digest16 {
    let full = Sha256::digest(bytes);
    let mut d = [0u8; 16];
    d.copy_from_slice(&full[..16]);
    d
}

/// The record files in `dir`, and the OCDS publications and price files
/// to convert.
fn source_files(dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>), PublishError> {
    let mut all: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(io(dir.display()))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    all.sort();
    let records: Vec<PathBuf> = all
        .iter()
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".ndjson") || name.ends_with(".ndjson.gz")
        })
        .cloned()
        .collect();
    let imports: Vec<PathBuf> = all.into_iter().filter(|p| is_import_source(p)).collect();
    if records.is_empty() && imports.is_empty() {
        return Err(PublishError::Invalid(format!(
            "{} holds no record files (.ndjson, .ndjson.gz), OCDS publications (.json, .jsonl) or price files (.csv, .xlsx)",
            dir.display()
        )));
    }
    Ok((records, imports))
}

/// Calls `each` with every canonical upsert line of the sources.
fn for_each_source_line(
    files: &[PathBuf],
    mut each: impl FnMut(EntityKey, Vec<u8>) -> Result<(), PublishError>,
) -> Result<(), PublishError> {
    for path in files {
        let source_err = |reason: String| PublishError::Source { path: path.display().to_string(), reason };
        let mut input = open_record_file(path).map_err(|e| source_err(e.to_string()))?;
        let mut buf = Vec::new();
        let mut line = 0u64;
        loop {
            buf.clear();
            line += 1;
            let n = input.read_until(b'\n', &mut buf).map_err(|e| source_err(e.to_string()))?;
            if n == 0 {
                break;
            }
            let trimmed = buf.trim_ascii();
            if trimmed.is_empty() || is_header_line(trimmed) {
                continue;
            }
            match parse_line(trimmed, line).map_err(|e| source_err(e.to_string()))? {
                Record::Upsert(entity) => each((entity.kind(), entity.id().to_owned()), encode_upsert(&entity))?,
                Record::Delete { .. } => {
                    return Err(source_err(format!("line {line}: a source holds the whole catalog, not deletes")))
                }
            }
        }
    }
    Ok(())
}

struct Written {
    entry: FileEntry,
}

/// A gzip record file being written, hashed as it goes.
struct RecordFile {
    path: PathBuf,
    gz: GzEncoder<BufWriter<File>>,
    records: u64,
}

impl RecordFile {
    fn create(path: PathBuf, header: &Header) -> Result<RecordFile, PublishError> {
        let file = File::create(&path).map_err(io(path.display()))?;
        let mut gz = GzEncoder::new(BufWriter::new(file), flate2::Compression::default());
        RecordWriter::new(&mut gz, header).map_err(io(path.display()))?;
        Ok(RecordFile { path, gz, records: 0 })
    }

    fn line(&mut self, bytes: &[u8]) -> Result<(), PublishError> {
        self.records += 1;
        self.gz.write_all(bytes).map_err(io(self.path.display()))
    }

    fn finish(self) -> Result<Written, PublishError> {
        let mut w = self.gz.finish().map_err(io(self.path.display()))?;
        w.flush().map_err(io(self.path.display()))?;
        drop(w);
        let (size, sha256) = hash_file(&self.path)?;
        let name = self.path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        Ok(Written { entry: FileEntry { path: name, size, sha256, records: self.records } })
    }
}

pub fn hash_file(path: &Path) -> Result<(u64, String), PublishError> {
    let mut f = File::open(path).map_err(io(path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(io(path.display()))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()))
}

fn header(
    feed_id: &str,
    feed_name: &str,
    sequence: u64,
    scope: Scope,
    base: Option<u64>,
    now: DateTime<Utc>,
) -> Header {
    Header {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION,
        feed_id: feed_id.into(),
        feed_name: feed_name.into(),
        sequence,
        scope,
        base_sequence: base,
        generated_at: now,
    }
}

fn read_previous(dir: &Path) -> Result<(Manifest, HashMap<EntityKey, Digest16>), PublishError> {
    let bytes = std::fs::read(dir.join(MANIFEST_FILE)).map_err(io(dir.join(MANIFEST_FILE).display()))?;
    let manifest = parse_manifest(&bytes).map_err(|e| PublishError::Invalid(format!("previous feed: {e}")))?;
    let snapshot = dir.join(&manifest.snapshot.path);
    let input = open_record_file(&snapshot).map_err(|e| PublishError::Invalid(e.to_string()))?;
    let reader = RecordReader::new(input).map_err(|e| PublishError::Invalid(format!("previous snapshot: {e}")))?;
    let mut map = HashMap::new();
    for record in reader {
        match record.map_err(|e| PublishError::Invalid(format!("previous snapshot: {e}")))? {
            Record::Upsert(entity) => {
                map.insert((entity.kind(), entity.id().to_owned()), digest16(&encode_upsert(&entity)));
            }
            Record::Delete { .. } => return Err(PublishError::Invalid("previous snapshot holds a delete".into())),
        }
    }
    Ok((manifest, map))
}

/// Builds a feed directory and returns its manifest.
pub fn build(opts: &BuildOptions) -> Result<Manifest, PublishError> {
    build_with_report(opts).map(|(m, _)| m)
}

/// Builds a feed directory; also says what converting the OCDS
/// publications and price files among the sources did, if there were any.
pub fn build_with_report(opts: &BuildOptions) -> Result<(Manifest, Option<Converted>), PublishError> {
    let sk = keys::load_secret(&opts.key)?;
    let (mut files, imports) = source_files(&opts.source)?;
    let work = tempfile::tempdir().map_err(io("a temporary folder"))?;
    let converted = if imports.is_empty() {
        None
    } else {
        let out = work.path().join("converted.ndjson.gz");
        let converted = convert(&imports, &opts.import, work.path(), &out)?;
        files.push(out);
        Some(converted)
    };
    let previous = opts.previous.as_deref().map(read_previous).transpose()?;
    let feed_id = opts
        .feed_id
        .clone()
        .or_else(|| previous.as_ref().map(|(m, _)| m.feed_id.clone()))
        .ok_or_else(|| PublishError::Invalid("a first build needs --feed-id".into()))?;
    coopdesk_core::model::check_id("feed id", &feed_id)
        .map_err(|i| PublishError::Invalid(format!("the feed id {}", i.reason)))?;
    let feed_name = opts
        .feed_name
        .clone()
        .or_else(|| previous.as_ref().map(|(m, _)| m.feed_name.clone()))
        .unwrap_or_else(|| feed_id.clone());
    if let Some((m, _)) = &previous {
        if m.feed_id != feed_id {
            return Err(PublishError::Invalid(format!("the previous feed is '{}', not '{feed_id}'", m.feed_id)));
        }
    }
    let sequence = previous.as_ref().map_or(1, |(m, _)| m.sequence + 1);
    std::fs::create_dir_all(&opts.out).map_err(io(opts.out.display()))?;

    // Pass 1: the snapshot, with a digest of every record for the delta.
    let snap_header = header(&feed_id, &feed_name, sequence, Scope::Snapshot, None, opts.now);
    let mut snapshot = RecordFile::create(opts.out.join(format!("snapshot-{sequence:08}.ndjson.gz")), &snap_header)?;
    let mut seen: HashMap<EntityKey, Digest16> = HashMap::new();
    for_each_source_line(&files, |key, line| {
        if seen.insert(key.clone(), digest16(&line)).is_some() {
            return Err(PublishError::Invalid(format!("{} '{}' appears twice in the sources", key.0.as_str(), key.1)));
        }
        snapshot.line(&line)
    })?;
    let snapshot = snapshot.finish()?.entry;

    // Pass 2: the delta from the previous sequence.
    let mut deltas = Vec::new();
    if let Some((prev, prev_map)) = &previous {
        let name = format!("delta-{:08}-{sequence:08}.ndjson.gz", prev.sequence);
        let d_header = header(&feed_id, &feed_name, sequence, Scope::Delta, Some(prev.sequence), opts.now);
        let mut delta = RecordFile::create(opts.out.join(name), &d_header)?;
        for_each_source_line(&files, |key, line| {
            if prev_map.get(&key) != Some(&digest16(&line)) {
                delta.line(&line)?;
            }
            Ok(())
        })?;
        let mut gone: Vec<&EntityKey> = prev_map.keys().filter(|k| !seen.contains_key(*k)).collect();
        // Children before parents, so that no step leaves an orphan behind.
        gone.sort_by_key(|(kind, id)| (std::cmp::Reverse(kind_rank(*kind)), id.clone()));
        for (kind, id) in gone {
            delta.line(&encode_delete(*kind, id))?;
        }
        deltas.push(DeltaEntry { from_sequence: prev.sequence, to_sequence: sequence, file: delta.finish()?.entry });
        // Older deltas stay useful for clients further behind.
        let prev_dir = opts.previous.as_deref().expect("previous manifest came from a directory");
        for old in prev.deltas.iter().take(KEEP_DELTAS - 1) {
            let from = prev_dir.join(&old.file.path);
            let to = opts.out.join(&old.file.path);
            if from != to {
                std::fs::copy(&from, &to).map_err(io(from.display()))?;
            }
            deltas.push(old.clone());
        }
    }

    let key_endorsement = match &opts.endorse_with {
        Some(old_key) => {
            let old = keys::load_secret(old_key)?;
            let new_pub = keys::public_of(&sk)?.to_base64();
            let signature = keys::sign(&old, new_pub.as_bytes(), "coopdesk feed key rotation")?;
            Some(KeyEndorsement { public_key: new_pub, signature })
        }
        None => None,
    };

    let manifest = Manifest {
        format: MANIFEST_FORMAT.into(),
        format_version: MANIFEST_VERSION,
        feed_id: feed_id.clone(),
        feed_name,
        sequence,
        generated_at: opts.now,
        expires_at: opts.now + opts.valid_for,
        snapshot,
        deltas,
        key_endorsement,
    };
    write_signed_manifest(&opts.out, &manifest, &sk)?;
    Ok((manifest, converted))
}

fn kind_rank(kind: Kind) -> u8 {
    match kind {
        Kind::Cooperative => 0,
        Kind::Supplier => 1,
        Kind::Contract => 2,
        Kind::Dealer => 3,
        Kind::Item => 4,
    }
}

/// Writes `manifest.json` and its detached signature.
pub fn write_signed_manifest(dir: &Path, manifest: &Manifest, sk: &minisign::SecretKey) -> Result<(), PublishError> {
    let mut bytes = serde_json::to_vec_pretty(manifest).expect("a manifest serialises");
    bytes.push(b'\n');
    let comment = format!("feed:{} sequence:{}", manifest.feed_id, manifest.sequence);
    let sig = keys::sign(sk, &bytes, &comment)?;
    std::fs::write(dir.join(MANIFEST_FILE), &bytes).map_err(io(MANIFEST_FILE))?;
    std::fs::write(dir.join(SIGNATURE_FILE), sig).map_err(io(SIGNATURE_FILE))?;
    Ok(())
}

/// What `verify` found.
pub struct Verified {
    pub manifest: Manifest,
    pub files_checked: usize,
    pub records: u64,
}

/// Checks a feed directory as a client would: the signature against
/// `public_key`, then every listed file's size, hash, header and records.
pub fn verify(dir: &Path, public_key: &Path) -> Result<Verified, PublishError> {
    let pk = keys::load_public(public_key)?;
    let bytes = std::fs::read(dir.join(MANIFEST_FILE)).map_err(io(dir.join(MANIFEST_FILE).display()))?;
    let sig = std::fs::read_to_string(dir.join(SIGNATURE_FILE)).map_err(io(dir.join(SIGNATURE_FILE).display()))?;
    let manifest =
        verify_manifest(&bytes, &sig, &[pk.to_base64()]).map_err(|e| PublishError::Invalid(e.to_string()))?.manifest;
    let mut entries = vec![(manifest.snapshot.clone(), Scope::Snapshot, manifest.sequence)];
    entries.extend(manifest.deltas.iter().map(|d| (d.file.clone(), Scope::Delta, d.to_sequence)));
    let mut records = 0;
    for (entry, scope, sequence) in &entries {
        let path = dir.join(&entry.path);
        let (size, sha256) = hash_file(&path)?;
        if size != entry.size || sha256 != entry.sha256 {
            return Err(PublishError::Invalid(format!(
                "{} does not match its size or SHA-256 in the manifest",
                entry.path
            )));
        }
        let input = open_record_file(&path).map_err(|e| PublishError::Invalid(e.to_string()))?;
        let reader = RecordReader::new(input).map_err(|e| PublishError::Invalid(format!("{}: {e}", entry.path)))?;
        let h = reader.header().clone();
        if h.feed_id != manifest.feed_id || h.scope != *scope || h.sequence != *sequence {
            return Err(PublishError::Invalid(format!("{}: its header does not match the manifest", entry.path)));
        }
        let mut n = 0;
        for r in reader {
            r.map_err(|e| PublishError::Invalid(format!("{}: {e}", entry.path)))?;
            n += 1;
        }
        if n != entry.records {
            return Err(PublishError::Invalid(format!(
                "{}: {n} records, the manifest lists {}",
                entry.path, entry.records
            )));
        }
        records += n;
    }
    Ok(Verified { manifest, files_checked: entries.len(), records })
}
