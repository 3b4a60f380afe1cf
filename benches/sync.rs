//! Sync benchmark (`cargo bench -p coopdesk-feed --bench sync`).
//!
//! Builds a synthetic feed of COOPDESK_BENCH_ITEMS items (default 1,000,000)
//! with the publisher tool, serves it on 127.0.0.1, and measures in a child
//! process (so peak memory is the sync's own): a full snapshot sync into an
//! empty database (download, verify, parse, store, index), then a delta sync
//! of 10,000 new items. The baseline loads the same rows with the `sqlite3`
//! shell (`.import` into the same tables, then the full-text index built in
//! one statement). Each of COOPDESK_BENCH_ROUNDS rounds (3 from 100,000
//! items) runs all three back to back into fresh databases; the table gives
//! the medians. Prints a table; `docs/performance.md` records the figures.

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

/// A field of /proc/self/status, in MB.
fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// In the child: one sync, then "seconds peak_mb peak_anon_mb" on stdout.
/// The kernel keeps the peak of the whole resident set (VmHWM), which
/// counts the index files mapped while tantivy merges them; the peak of
/// the process's own memory (RssAnon) is sampled every 10 ms beside it.
fn child_sync(db: &Path) {
    let done = std::sync::Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak: f64 = 0.0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(status_mb("RssAnon:"));
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            peak.max(status_mb("RssAnon:"))
        })
    };
    let start = Instant::now();
    let report = sync_feed(db, FEED, &SyncOptions::default(), &|_| {}, &AtomicBool::new(false)).expect("sync");
    let secs = start.elapsed().as_secs_f64();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let anon = sampler.join().unwrap();
    assert!(report.sequence.is_some());
    println!("{secs} {} {anon}", status_mb("VmHWM:"));
}

/// Writes out what the benchmark itself has just written (the feed copied
/// into the server's folder, the CSV export for the baseline) before a
/// timed step. Left dirty in the page cache, those files are written back
/// while the step runs, and the step's own disk syncs wait for them: a
/// delta timed right after the copy took 0.30 to 0.41 s, and 0.19 to
/// 0.23 s after this.
fn settle_disk() {
    Command::new("sync").status().expect("coreutils' sync");
}

/// Runs one sync in a child process. `COOPDESK_BENCH_WRAP` runs it under
/// another command, `{name}` standing for "full" or "delta": for example
/// `perf record -g -o /tmp/{name}.perf.data` (the timings then include
/// that command's overhead).
fn run_child(db: &Path, name: &str) -> (f64, f64, f64) {
    let exe = std::env::current_exe().unwrap();
    let wrap = std::env::var("COOPDESK_BENCH_WRAP").unwrap_or_default();
    let mut words = wrap.split_whitespace().map(|w| w.replace("{name}", name));
    let mut cmd = match words.next() {
        Some(program) => {
            let mut c = Command::new(program);
            c.args(words).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    settle_disk();
    let out = cmd.arg("child-sync").arg(db).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut parts = text.split_whitespace().map(|v| v.parse::<f64>().unwrap());
    (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap())
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
    settle_disk();
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

    let pubkey = keys::load_public(&public).unwrap().to_base64();
    // This machine's speed drifts by a third from one minute to the next:
    // each round runs the sync and its baseline back to back, and the
    // table gives the medians.
    let rounds: usize = std::env::var("COOPDESK_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if items >= 100_000 { 3 } else { 1 });
    let (mut full, mut full_peak, mut full_anon, mut delta, mut delta_peak, mut base, mut ratios) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let csv_dir = dir.join("csv");
    std::fs::create_dir_all(&csv_dir).unwrap();
    let mut csv = None;
    let mut db_mb = 0.0;
    for round in 1..=rounds {
        copy_dir(&v1, &live);
        let db = dir.join(format!("client-{round}.sqlite3"));
        Store::open(&db)
            .unwrap()
            .add_subscription(FEED, &format!("http://{}/manifest.json", server.addr), &pubkey)
            .unwrap();
        eprintln!("round {round} of {rounds}: full sync…");
        let (secs, peak, anon) = run_child(&db, "full");
        full.push(secs);
        full_peak.push(peak);
        full_anon.push(anon);
        // The baseline loads exactly the rows the full sync stored.
        let csv = csv.get_or_insert_with(|| export_csv(&db, &csv_dir));
        copy_dir(&v2, &live);
        eprintln!("round {round} of {rounds}: delta sync…");
        let (secs, peak, _) = run_child(&db, "delta");
        delta.push(secs);
        delta_peak.push(peak);
        {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        }
        db_mb = std::fs::metadata(&db).unwrap().len() as f64 / 1e6;
        eprintln!("round {round} of {rounds}: sqlite3 baseline…");
        base.push(sqlite3_baseline(dir, csv));
        ratios.push(full[full.len() - 1] / base[base.len() - 1]);
        for leftover in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("client-{round}.sqlite3{leftover}")));
        }
        let _ = std::fs::remove_dir_all(dir.join(format!("client-{round}.sqlite3.search")));
    }
    let snapshot_mb = std::fs::metadata(v1.join(format!("snapshot-{:08}.ndjson.gz", 1))).unwrap().len() as f64 / 1e6;
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    let rounds_ratios: Vec<String> = ratios.iter().map(|r| format!("{r:.2}x")).collect();

    println!("sync benchmark: {items} items, {DELTA_ITEMS}-item delta, median of {rounds} rounds");
    println!("| measure | value |");
    println!("|---|---|");
    println!("| snapshot file (gzip) | {snapshot_mb:.1} MB |");
    println!("| full snapshot sync (download, verify, parse, store, index) | {:.2} s |", median(&mut full));
    println!("| peak memory, full sync (highest round): resident set (VmHWM) | {:.0} MB |", max(&full_peak));
    println!("| peak of the process's own memory, full sync (RssAnon, sampled) | {:.0} MB |", max(&full_anon));
    println!("| delta sync of {DELTA_ITEMS} items | {:.2} s |", median(&mut delta));
    println!("| peak memory, delta sync (highest round) | {:.0} MB |", max(&delta_peak));
    println!("| database size | {db_mb:.0} MB |");
    println!("| sqlite3 shell baseline (.import + FTS build) | {:.2} s |", median(&mut base));
    println!("| full sync / baseline, each round | {} |", rounds_ratios.join(", "));
    println!("| full sync / baseline, median | {:.2}x |", median(&mut ratios));
}
