//! Sync benchmark (`cargo bench -p coopdesk-feed --bench sync`).
//!
//! Builds a synthetic feed of COOPDESK_BENCH_ITEMS items (default 1,000,000)
//! with the publisher tool, serves it on 127.0.0.1, and measures in a child
//! process (so peak memory is the sync's own): a full snapshot sync into an
//! empty database (download, verify, parse, store, index), then a delta sync
//! of 10,000 new items. The baseline loads the same rows with the `sqlite3`
//! shell (`.import` into the same tables, then the full-text index built in
//! one statement). Prints a table; `docs/performance.md` records the figures.

use coopdesk_core::store::Store;
use coopdesk_core::sync::{sync_feed, SyncOptions};
use coopdesk_feed::{keys, publish, serve, synth};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

const FEED: &str = "bench-market";
const DELTA_ITEMS: usize = 10_000;
/// The current schema, as the store's own test keeps it.
const SCHEMA: &str = include_str!("../src-tauri/core/src/store/schema.sql");
const INDEX: &str = include_str!("../src-tauri/core/src/store/migrations/0003_contentless_search_index.sql");

/// The catalog tables as they are today (every column a sync fills, so the
/// shell imports the same rows the sync stored) and a full-text index, as
/// plain DDL for the sqlite3 shell: no triggers (the shell builds the index
/// in one statement), and no `contentless_delete`, which Debian's shell
/// predates and which changes nothing about building the index.
fn baseline_schema() -> String {
    let catalog = ["feeds", "cooperatives", "suppliers", "contracts", "dealers", "items"];
    let wanted = |stmt: &&str| {
        let stmt = stmt.trim_start();
        catalog.iter().any(|t| stmt.starts_with(&format!("CREATE TABLE {t} (")))
            || stmt.starts_with("CREATE VIEW item_search_text")
    };
    let tables: Vec<&str> = SCHEMA.split(";\n").filter(wanted).collect();
    assert_eq!(tables.len(), catalog.len() + 1, "the schema snapshot names every catalog table and the search view");
    let start = INDEX.find("CREATE VIRTUAL TABLE item_fts").unwrap();
    let end = start + INDEX[start..].find(");").unwrap() + 2;
    let index = INDEX[start..end].replace("    contentless_delete = 1,\n", "");
    format!("{};\n{index}\n", tables.join(";\n"))
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// In the child: one sync, then "seconds peak_mb" on stdout.
fn child_sync(db: &Path) {
    let start = Instant::now();
    let report = sync_feed(db, FEED, &SyncOptions::default(), &|_| {}, &AtomicBool::new(false)).expect("sync");
    let secs = start.elapsed().as_secs_f64();
    assert!(report.sequence.is_some());
    println!("{secs} {}", peak_rss_mb());
}

fn run_child(db: &Path) -> (f64, f64) {
    let out = Command::new(std::env::current_exe().unwrap()).arg("child-sync").arg(db).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut parts = text.split_whitespace().map(|v| v.parse::<f64>().unwrap());
    (parts.next().unwrap(), parts.next().unwrap())
}

fn write_source(dir: &Path, items: usize) -> PathBuf {
    let source = dir.join(format!("source-{items}"));
    std::fs::create_dir_all(&source).unwrap();
    let mut spec = synth::Spec::bundled_sample();
    spec.feed_id = FEED.into();
    spec.items = items;
    let f = std::io::BufWriter::new(std::fs::File::create(source.join("catalogue.ndjson")).unwrap());
    synth::write_snapshot(&spec, f).unwrap().flush().unwrap();
    source
}

fn build(dir: &Path, name: &str, source: PathBuf, key: &Path, previous: Option<&Path>) -> PathBuf {
    let out = dir.join(name);
    publish::build(&publish::BuildOptions {
        source,
        key: key.to_owned(),
        out: out.clone(),
        previous: previous.map(Path::to_owned),
        feed_id: Some(FEED.into()),
        feed_name: Some("Benchmark marketplace".into()),
        valid_for: chrono::Duration::days(7),
        endorse_with: None,
        now: chrono::Utc::now(),
        import: Default::default(),
    })
    .unwrap();
    out
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn csv_field(out: &mut impl Write, v: rusqlite::types::ValueRef) {
    use rusqlite::types::ValueRef::*;
    match v {
        Null => {}
        Integer(i) => write!(out, "{i}").unwrap(),
        Real(f) => write!(out, "{f}").unwrap(),
        Text(t) | Blob(t) => {
            let s = String::from_utf8_lossy(t);
            write!(out, "\"{}\"", s.replace('"', "\"\"")).unwrap()
        }
    }
}

/// The catalogue tables of `db` as CSV files, for the sqlite3 baseline.
fn export_csv(db: &Path, dir: &Path) -> Vec<(String, PathBuf)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut files = Vec::new();
    for table in ["feeds", "cooperatives", "suppliers", "contracts", "dealers", "items"] {
        let path = dir.join(format!("{table}.csv"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                if i > 0 {
                    out.write_all(b",").unwrap();
                }
                csv_field(&mut out, row.get_ref(i).unwrap());
            }
            out.write_all(b"\n").unwrap();
        }
        out.flush().unwrap();
        files.push((table.to_owned(), path));
    }
    files
}

fn sqlite3_baseline(dir: &Path, csv: &[(String, PathBuf)]) -> f64 {
    let db = dir.join("baseline.sqlite3");
    let _ = std::fs::remove_file(&db);
    let mut script = String::from("PRAGMA journal_mode=WAL;\n");
    script.push_str(&baseline_schema());
    script.push_str("\nBEGIN;\n");
    for (table, path) in csv {
        script.push_str(&format!(".import --csv {} {table}\n", path.display()));
    }
    script.push_str(
        "INSERT INTO item_fts(rowid, description, parts, parts_compact, supplier, contract, cooperative, classification)
         SELECT item_rowid, description, parts, parts_compact, supplier, contract, cooperative, classification FROM item_search_text;\nCOMMIT;\n",
    );
    let script_path = dir.join("baseline.sql");
    std::fs::write(&script_path, script).unwrap();
    let start = Instant::now();
    let status = Command::new("sqlite3")
        .arg(&db)
        .stdin(std::fs::File::open(&script_path).unwrap())
        .status()
        .expect("the sqlite3 shell (apt install sqlite3)");
    assert!(status.success());
    start.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child-sync") {
        child_sync(Path::new(&args[2]));
        return;
    }
    let items: usize = std::env::var("COOPDESK_BENCH_ITEMS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    eprintln!("building a {items}-item feed and a {DELTA_ITEMS}-item delta…");
    let (key, public) = (dir.join("feed.key"), dir.join("feed.pub"));
    keys::keygen(&key, &public).unwrap();
    let v1 = build(dir, "v1", write_source(dir, items), &key, None);
    let v2 = build(dir, "v2", write_source(dir, items + DELTA_ITEMS), &key, Some(&v1));
    let live = dir.join("live");
    copy_dir(&v1, &live);
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();

    let db = dir.join("client.sqlite3");
    let pubkey = keys::load_public(&public).unwrap().to_base64();
    Store::open(&db)
        .unwrap()
        .add_subscription(FEED, &format!("http://{}/manifest.json", server.addr), &pubkey)
        .unwrap();

    eprintln!("full sync…");
    let (full_secs, full_peak) = run_child(&db);
    copy_dir(&v2, &live);
    eprintln!("delta sync…");
    let (delta_secs, delta_peak) = run_child(&db);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let db_mb = std::fs::metadata(&db).unwrap().len() as f64 / 1e6;
    let snapshot_mb = std::fs::metadata(v1.join(format!("snapshot-{:08}.ndjson.gz", 1))).unwrap().len() as f64 / 1e6;

    eprintln!("sqlite3 baseline…");
    let csv_dir = dir.join("csv");
    std::fs::create_dir_all(&csv_dir).unwrap();
    let csv = export_csv(&db, &csv_dir);
    let base_secs = sqlite3_baseline(dir, &csv);

    println!("sync benchmark: {items} items, {DELTA_ITEMS}-item delta");
    println!("| measure | value |");
    println!("|---|---|");
    println!("| snapshot file (gzip) | {snapshot_mb:.1} MB |");
    println!("| full snapshot sync (download, verify, parse, store, index) | {full_secs:.2} s |");
    println!("| peak memory, full sync | {full_peak:.0} MB |");
    println!("| delta sync of {DELTA_ITEMS} items | {delta_secs:.2} s |");
    println!("| peak memory, delta sync | {delta_peak:.0} MB |");
    println!("| database size | {db_mb:.0} MB |");
    println!("| sqlite3 shell baseline (.import + FTS build) | {base_secs:.2} s |");
    println!("| full sync / baseline | {:.2}x |", full_secs / base_secs);
}
