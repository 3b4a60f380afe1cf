//! Search in the window (`xvfb-run -a cargo bench --bench window_search`).
//!
//! Loads a synthetic catalog of COOPDESK_BENCH_ITEMS items (default
//! 1,000,000; the generator the sync and search benchmarks use), opens the
//! real app window on it through tauri-driver, types each query into the
//! search box over WebDriver, and reads the UI's performance marks
//! (`ui/src/lib/marks.ts`): when the search went to the backend, after the
//! typing pause, when the rows in view were painted, and when the whole
//! first page (the table draws it one frame later) was. The reference from the
//! same run is the core's in-process search of the same queries on the same
//! database: the difference is what the window adds (IPC, JSON, drawing).

// Shared with the window tests; each user calls only part of it.
#[allow(dead_code)]
#[path = "../tests/driver.rs"]
mod driver;

use coopdesk_core::search::SearchQuery;
use coopdesk_core::Store;
use coopdesk_feed::synth;
use driver::Driver;
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};

const APP: &str = env!("CARGO_BIN_EXE_coopdesk");
/// The pause after the last keystroke before a search is sent
/// (`createSearcher` in ui/src/lib/search.ts).
const DEBOUNCE_MS: f64 = 120.0;
const TARGET_P95_MS: f64 = 50.0;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The marks of the last search, once its results for `text` are painted,
/// in ms on the page's clock.
struct Marks {
    keystroke: f64,
    sent: f64,
    received: f64,
    painted: f64,
    complete: f64,
}

async fn marks_for(c: &Client, text: &str) -> Marks {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let v = c
            .execute(
                "const get = (n) => performance.getEntriesByName(n).at(-1); \
                 const [k, s, r, p, w] = ['search-keystroke', 'search-sent', 'search-received', 'search-painted', 'search-complete'].map(get); \
                 return (k && s && r && p && w && [p, s, r, w].every((m) => m.detail === arguments[0]) && w.startTime >= p.startTime) \
                   ? [k.startTime, s.startTime, r.startTime, p.startTime, w.startTime] : null;",
                vec![serde_json::json!(text)],
            )
            .await
            .unwrap();
        if let Some(a) = v.as_array() {
            let f = |i: usize| a[i].as_f64().unwrap();
            return Marks { keystroke: f(0), sent: f(1), received: f(2), painted: f(3), complete: f(4) };
        }
        assert!(Instant::now() < deadline, "the results for {text:?} were never painted");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let items: usize = std::env::var("COOPDESK_BENCH_ITEMS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let rounds: usize = if items >= 100_000 { 10 } else { 2 };
    let work = tempfile::tempdir().unwrap();
    eprintln!("loading {items} items…");
    let (db, spec) = synth::bench_database(work.path(), items).unwrap();

    let cat = synth::catalogue(&spec);
    let part = synth::item(&spec, &cat, 997).manufacturer_part.unwrap();
    let queries: Vec<String> = ["battery", "portable generator", "generators", "genrator", "7500W generator", "lig"]
        .into_iter()
        .map(String::from)
        .chain([part.clone(), part.replace('-', "")])
        .collect();

    // The reference: the core alone, on the same database, same queries.
    let mut core_ms = Vec::new();
    {
        let store = Store::open(&db).unwrap();
        for _ in 0..rounds {
            for q in &queries {
                let t = Instant::now();
                std::hint::black_box(store.search(&SearchQuery::text(q)).unwrap());
                core_ms.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }

    let log = work.path().join("tauri-driver.log");
    let driver = Driver::start_logging_to(&log, &[]);
    let c = driver.open(APP, &db).await;
    let input = c
        .wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css("[data-testid='search-input']"))
        .await
        .expect("the search box");
    // The first page of the whole catalog is on screen before typing starts.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !c.find(Locator::Css("[data-testid='result-count']")).await.unwrap().text().await.unwrap().contains("catalog")
    {
        assert!(Instant::now() < deadline, "the catalog never showed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let (mut after_pause, mut keystroke_to_paint, mut round_trip, mut drawing, mut whole_page) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        for q in &queries {
            // Cleared from script, so that only the typed query is searched.
            c.execute("performance.clearMarks(); const i = arguments[0]; i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));", vec![
                serde_json::to_value(&input).unwrap(),
            ])
            .await
            .unwrap();
            marks_for(&c, "").await;
            input.send_keys(q).await.unwrap();
            let m = marks_for(&c, q).await;
            if round > 0 {
                after_pause.push(m.painted - m.sent);
                keystroke_to_paint.push(m.painted - m.keystroke);
                round_trip.push(m.received - m.sent);
                drawing.push(m.painted - m.received);
                whole_page.push(m.complete - m.sent);
            }
        }
    }
    c.close().await.unwrap();
    drop(driver);

    for v in [&mut core_ms, &mut after_pause, &mut keystroke_to_paint, &mut round_trip, &mut drawing, &mut whole_page] {
        v.sort_by(|a, b| a.total_cmp(b));
    }
    let row = |name: &str, v: &[f64]| {
        println!("| {name} | {:.1} | {:.1} | {:.1} |", percentile(v, 0.5), percentile(v, 0.95), percentile(v, 0.99));
    };
    println!(
        "window search benchmark: {items} items, {} queries x {} rounds (the first round warms up), ms",
        queries.len(),
        rounds - 1
    );
    println!("| measure | p50 | p95 | p99 |");
    println!("|---|---|---|---|");
    row("window: search sent (after the pause) to the rows in view painted", &after_pause);
    row("  of which: the backend's answer (IPC, search, JSON)", &round_trip);
    row("  of which: drawing the first rows (DOM, layout, paint)", &drawing);
    row("window: search sent to the whole page of 50 painted (one frame later)", &whole_page);
    row(
        &format!("window: last keystroke to the rows in view painted (includes the {DEBOUNCE_MS:.0} ms pause)"),
        &keystroke_to_paint,
    );
    row("reference: the core's search, in-process, same queries and database", &core_ms);
    let p95 = percentile(&after_pause, 0.95);
    println!(
        "target: p95 after the pause under {TARGET_P95_MS:.0} ms: {p95:.1} ms, {}",
        if p95 < TARGET_P95_MS { "met" } else { "not met" }
    );
}
