//! Search benchmark (`cargo bench -p coopdesk-feed --bench search`).
//!
//! Loads a synthetic catalogue of COOPDESK_BENCH_ITEMS items (default
//! 1,000,000; the same generator as the sync benchmark) and runs a fixed mix
//! of realistic queries: p50, p95 and p99 latency per query type, measured
//! in-process from query string to the first page (50) of ranked results.
//! The baseline runs the same text queries bare through SQLite FTS5 (bm25
//! order, LIMIT 50): an FTS5 index of the same text (the one coopdesk used
//! before its dedicated index), built in the same database for the purpose.
//! Bare FTS5 neither folds plurals nor corrects typos, so for those types it
//! answers a different (mostly empty) question: its figure is the cost of
//! the lookup, not of the same answer.

use coopdesk_core::search::{Filters, SearchQuery, StatusFilter};
use coopdesk_core::{Cents, Store};
use coopdesk_feed::synth;
use std::time::{Duration, Instant};

/// Each type runs this many times, or for this long, whichever comes first.
const RUNS: usize = 200;
const BUDGET: Duration = Duration::from_secs(20);

struct Case {
    name: &'static str,
    queries: Vec<SearchQuery>,
}

fn text(t: &str) -> SearchQuery {
    SearchQuery::text(t)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn measure(mut run: impl FnMut(usize)) -> (f64, f64, f64) {
    let start = Instant::now();
    let mut times = Vec::new();
    for i in 0..RUNS {
        let t = Instant::now();
        run(i);
        times.push(t.elapsed());
        if start.elapsed() > BUDGET && times.len() >= 20 {
            break;
        }
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.95), percentile(&times, 0.99))
}

/// Typed text as an FTS5 expression, as coopdesk built it for FTS5: every
/// word a prefix; a word with punctuation the phrase of its parts or one run
/// in the compact part numbers.
fn fts_expression(text: &str) -> String {
    text.split_whitespace()
        .filter_map(|raw| {
            let parts: Vec<String> =
                raw.split(|c: char| !c.is_alphanumeric()).filter(|p| !p.is_empty()).map(|p| p.to_lowercase()).collect();
            match parts.len() {
                0 => None,
                1 => Some(format!("\"{}\"*", parts[0])),
                _ => Some(format!("(\"{}\"* OR parts_compact : \"{}\"*)", parts.join(" "), parts.concat())),
            }
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn main() {
    let items: usize = std::env::var("COOPDESK_BENCH_ITEMS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let work = tempfile::tempdir().unwrap();
    eprintln!("loading {items} items…");
    let (db, spec) = synth::bench_database(work.path(), items).unwrap();
    let store = Store::open(&db).unwrap();

    // A real part number from the catalogue, typed with its dash and without.
    let cat = synth::catalogue(&spec);
    let parts: Vec<String> = (0..20).map(|n| synth::item(&spec, &cat, n * 997).manufacturer_part.unwrap()).collect();
    let filtered = |t: &str| SearchQuery {
        filters: Filters {
            cooperative_id: Some("coop-gulf-states".into()),
            status: Some(StatusFilter::Active),
            ..Default::default()
        },
        ..text(t)
    };
    let cases = vec![
        Case { name: "one common word", queries: ["battery", "generator", "led", "laptop", "tire"].map(text).to_vec() },
        Case {
            name: "two words",
            queries: ["portable generator", "ups battery", "street light", "trash liner", "brake pad"]
                .map(text)
                .to_vec(),
        },
        Case {
            name: "part number",
            queries: parts.iter().flat_map(|p| [text(p), text(&p.replace('-', ""))]).collect(),
        },
        Case { name: "short prefix while typing", queries: ["ge", "ba", "lig", "por", "tr"].map(text).to_vec() },
        // Four letters and more: the words they begin, from the term dictionary.
        Case {
            name: "longer prefix while typing",
            queries: ["gene", "batt", "lapt", "porta", "stree"].map(text).to_vec(),
        },
        // What the clerk types that the catalog words differently: a plural
        // (both forms meet), a number with or without its thousands comma,
        // and a typo (answered with the correction's results at once).
        Case {
            name: "plural form",
            queries: ["generators", "batteries", "lights", "laptops", "tires"].map(text).to_vec(),
        },
        Case {
            name: "number without its comma",
            queries: ["7500W generator", "7500w", "generator 7500W", "7500W"].map(text).to_vec(),
        },
        Case { name: "typo", queries: ["genrator", "battrey", "laptpo", "gnerator", "batery"].map(text).to_vec() },
        Case {
            name: "text + two filters",
            queries: ["battery", "generator", "light", "laptop"].map(filtered).to_vec(),
        },
        Case {
            name: "filters only",
            queries: vec![
                SearchQuery {
                    filters: Filters {
                        cooperative_id: Some("coop-atlantic-municipal".into()),
                        max_price: Some(Cents(50_000)),
                        ..Default::default()
                    },
                    ..text("")
                },
                SearchQuery {
                    filters: Filters { classification: Some("2611".into()), ..Default::default() },
                    ..text("")
                },
            ],
        },
    ];

    println!("search benchmark: {items} items, first page of 50, ms");
    println!("| query type | p50 | p95 | p99 | bare FTS5 p50 | p95 | p99 | p95 ratio |");
    println!("|---|---|---|---|---|---|---|---|");
    let conn = rusqlite::Connection::open(&db).unwrap();
    eprintln!("building the FTS5 baseline…");
    conn.execute_batch(
        "CREATE VIRTUAL TABLE baseline_fts USING fts5(description, parts, parts_compact, supplier, contract, cooperative,
             tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
         INSERT INTO baseline_fts (rowid, description, parts, parts_compact, supplier, contract, cooperative)
             SELECT i.rowid, i.description, i.supplier_sku || ' ' || ifnull(i.manufacturer_part, ''),
                 lower(replace(i.supplier_sku, '-', '')) || ' ' || lower(replace(ifnull(i.manufacturer_part, ''), '-', '')),
                 ifnull(s.legal_name, ''), ifnull(c.number, '') || ' ' || c.title, ifnull(co.name, '')
             FROM items i JOIN contracts c ON c.id = i.contract_id JOIN suppliers s ON s.id = c.supplier_id
             JOIN cooperatives co ON co.id = c.cooperative_id;",
    )
    .unwrap();
    for case in &cases {
        let n = case.queries.len();
        let ours = measure(|i| {
            let page = store.search(&case.queries[i % n]).unwrap();
            std::hint::black_box(page);
        });
        let bare: Option<(f64, f64, f64)> = case.queries[0].text.trim().is_empty().then_some(()).map_or_else(
            || {
                let mut stmt = conn
                    .prepare("SELECT rowid FROM baseline_fts WHERE baseline_fts MATCH ?1 ORDER BY bm25(baseline_fts) LIMIT 50")
                    .unwrap();
                Some(measure(|i| {
                    let expr = fts_expression(&case.queries[i % n].text);
                    let rows: Vec<i64> = stmt.query_map([expr], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
                    std::hint::black_box(rows);
                }))
            },
            |_| None,
        );
        let (b50, b95, b99, ratio) = match bare {
            Some((a, b, c)) => (format!("{a:.1}"), format!("{b:.1}"), format!("{c:.1}"), format!("{:.2}x", ours.1 / b)),
            None => ("—".into(), "—".into(), "—".into(), "—".into()),
        };
        println!("| {} | {:.1} | {:.1} | {:.1} | {b50} | {b95} | {b99} | {ratio} |", case.name, ours.0, ours.1, ours.2);
    }
}
