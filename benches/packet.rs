//! Packet benchmark (`cargo bench -p coopdesk-core --bench packet`).
//!
//! For requisitions of 10, 100 and 1,000 lines (on-contract lines from the
//! bundled sample catalogue, with a quote attached), builds the packet
//! several times in a child process, so that the peak memory reported is the
//! packet's own (plus an open store), and prints the first (cold) time and
//! the median of the rest.
//! Target: a 100-line packet under 150 ms. `docs/performance.md` records
//! the figures. `COOPDESK_BENCH_LINES=10,100` sets the sizes (the test
//! command runs it small, so it cannot rot).

#[path = "sizes.rs"]
mod sizes;

use coopdesk_core::orders::{AttachmentKind, Header, ManualLine, NewAttachment, QuoteInfo};
use coopdesk_core::packet::Paper;
use coopdesk_core::{Cents, Store};
use sizes::sizes;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 7;

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// A store holding the sample catalogue and one requisition of `lines` lines.
fn prepare(db: &Path, lines: usize) -> String {
    let mut store = Store::open(db).unwrap();
    store.ensure_catalogue().unwrap();
    let mut settings = store.purchasing_settings().unwrap();
    settings.operator = "Bench Clerk".into();
    store.set_purchasing_settings(&settings).unwrap();
    let header = Header {
        department: "PW".into(),
        requester: "Bench Clerk".into(),
        requester_phone: "(850) 555-0100".into(),
        deliver_to: "1 City Hall Plaza".into(),
        date_needed: Some(chrono::Local::now().date_naive() + chrono::Duration::days(30)),
        purpose: "Benchmark requisition".into(),
        ..Default::default()
    };
    let number = store.create_requisition(&header, "Bench Clerk").unwrap();
    // Catalogue lines of one supplier, then off-contract lines to make up the count.
    let items: Vec<String> = {
        let page = store.search(&coopdesk_core::search::SearchQuery { limit: 1000, ..Default::default() }).unwrap();
        let supplier = page.hits[0].supplier.clone();
        page.hits.into_iter().filter(|h| h.supplier == supplier).map(|h| h.item_id).collect()
    };
    for i in 0..lines {
        match items.get(i) {
            Some(item) => {
                store.add_item(&number, item, 1 + (i % 5) as u32, Some("100-210-01-5230"), "Bench Clerk").unwrap()
            }
            None => store
                .add_manual_line(
                    &number,
                    &ManualLine {
                        description: format!("Storm shutter bracket, size {i}"),
                        unit: "EA".into(),
                        quantity: 2,
                        unit_price: Cents(1_250),
                        vendor: "Gulf Hardware".into(),
                        account: "100-210-01-5230".into(),
                        ..Default::default()
                    },
                    "Bench Clerk",
                )
                .unwrap(),
        }
    }
    let quote = NewAttachment {
        file_name: "quote.txt".into(),
        kind: AttachmentKind::Quote,
        quote: QuoteInfo { vendor: Some("Gulf Hardware".into()), amount: Some(Cents(99_00)), quoted_on: None },
        note: String::new(),
    };
    store.attach(&number, &quote, b"Quote from Gulf Hardware", "Bench Clerk").unwrap();
    number
}

/// In the child: build the packet RUNS times; print "first_ms median_ms pages
/// peak_mb". The first build in a fresh process is the cold figure; later ones
/// reuse Typst's memoised layout, as a long-running app does.
fn child(db: &Path, number: &str) {
    let store = Store::open(db).unwrap();
    let at = chrono::Utc::now();
    let mut times = Vec::new();
    let mut pages = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let p = store.build_packet(number, Paper::Letter, at).unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        pages = p.pages;
    }
    let first = times[0];
    let mut rest = times[1..].to_vec();
    rest.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("{first:.1} {:.1} {pages} {:.0}", rest[rest.len() / 2], peak_rss_mb());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        return child(Path::new(&args[i + 1]), &args[i + 2]);
    }
    let dir = tempfile::tempdir().unwrap();
    println!("| lines | pages | first build (cold process) | median of the next {} | peak memory |", RUNS - 1);
    println!("|---:|---:|---:|---:|---:|");
    for lines in sizes("COOPDESK_BENCH_LINES", &[10, 100, 1000]) {
        let db = dir.path().join(format!("bench-{lines}.sqlite3"));
        let number = prepare(&db, lines);
        let out = Command::new(&args[0]).args(["--child", db.to_str().unwrap(), &number]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let v: Vec<&str> = text.split_whitespace().collect();
        println!("| {lines} | {} | {} ms | {} ms | {} MB |", v[2], v[0], v[1], v[3]);
    }
}
