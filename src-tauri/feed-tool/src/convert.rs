//! OCDS publications and vendor price files as feed sources: they are
//! imported, with the app's own import, into a scratch catalogue, whose
//! records are then written out as one record file the build reads like
//! any other. A marketplace or a state that publishes OCDS can so publish a
//! signed coopdesk feed without writing records by hand.

use crate::publish::PublishError;
use coopdesk_core::import::prices::PriceOptions;
use coopdesk_core::import::source::Kind;
use coopdesk_core::import::{ImportOutcome, ImportRequest, LOCAL_FEED};
use coopdesk_core::record::{Header, RecordWriter, Scope, FORMAT_NAME, FORMAT_VERSION};
use coopdesk_core::Store;
use flate2::write::GzEncoder;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// How to read the sources that are not record files.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Force the kind instead of telling it from each file.
    pub kind: Option<Kind>,
    /// For price files: contract number, cooperative, supplier, columns.
    pub prices: PriceOptions,
}

/// Files a build converts rather than reads as records.
pub fn is_import_source(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_lowercase();
    [".json", ".jsonl", ".csv", ".xlsx"].iter().any(|ext| name.ends_with(ext))
}

/// What converting each source did.
pub struct Converted {
    pub outcomes: Vec<(PathBuf, ImportOutcome)>,
    pub records: u64,
}

/// Imports `sources` into a scratch catalogue in `work` and writes its
/// records to `out` (gzip NDJSON with a header).
pub fn convert(
    sources: &[PathBuf],
    options: &ImportOptions,
    work: &Path,
    out: &Path,
) -> Result<Converted, PublishError> {
    let source_err = |path: &Path, e: coopdesk_core::Error| PublishError::Source {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut store = Store::open(&work.join("convert.sqlite3")).map_err(|e| PublishError::Io(e.to_string()))?;
    let mut outcomes = Vec::new();
    for path in sources {
        let request = ImportRequest {
            location: path.display().to_string(),
            kind: options.kind,
            prices: options.prices.clone(),
            dry_run: false,
            // The publisher's own folders are no business of the feed's.
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
        };
        let outcome = store.import(&request, |_| {}).map_err(|e| source_err(path, e))?;
        outcomes.push((path.clone(), outcome));
    }
    let io = |e: std::io::Error| PublishError::Io(format!("{}: {e}", out.display()));
    let file = File::create(out).map_err(io)?;
    let header = Header {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION,
        feed_id: "converted".into(),
        feed_name: "Converted sources".into(),
        sequence: 1,
        scope: Scope::Snapshot,
        base_sequence: None,
        generated_at: chrono::Utc::now(),
    };
    let mut writer =
        RecordWriter::new(GzEncoder::new(BufWriter::new(file), flate2::Compression::default()), &header).map_err(io)?;
    let mut records = 0;
    store
        .for_each_record_of(LOCAL_FEED, |entity| {
            records += 1;
            writer
                .upsert(&entity)
                .map_err(|e| coopdesk_core::Error::io(out.display().to_string(), std::io::Error::other(e.to_string())))
        })
        .map_err(|e| PublishError::Io(e.to_string()))?;
    writer.finish().finish().and_then(|mut w| w.flush()).map_err(io)?;
    Ok(Converted { outcomes, records })
}

/// A few lines per source for the publisher: what came in, what was left out.
pub fn report(converted: &Converted) -> String {
    let mut text = String::new();
    for (path, outcome) in &converted.outcomes {
        match outcome {
            ImportOutcome::Ocds(s) => {
                text += &format!(
                    "{}: OCDS, {} processes: {} contracts, {} suppliers, {} items",
                    path.display(),
                    s.processes,
                    s.contracts.created + s.contracts.updated,
                    s.suppliers.created + s.suppliers.updated,
                    s.items.created + s.items.updated
                );
                if s.not_awarded > 0 {
                    text += &format!("; {} not yet awarded", s.not_awarded);
                }
                text += &format!("; {} skipped\n", s.skipped.len());
                for k in &s.skipped {
                    let field = k.field.as_deref().map(|f| format!(" [{f}]")).unwrap_or_default();
                    text += &format!("  skipped {}{field}: {}\n", k.record, k.reason);
                }
            }
            ImportOutcome::Prices(p) => {
                text += &format!(
                    "{}: price file, {} contracts, {} items; {} rows refused\n",
                    path.display(),
                    p.contracts.len(),
                    p.added() + p.changed() + p.unchanged(),
                    p.refused.len()
                );
                for r in &p.refused {
                    text += &format!("  row {} refused: {}\n", r.line, r.reason);
                }
            }
        }
    }
    text
}
