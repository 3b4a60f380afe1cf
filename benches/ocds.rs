//! OCDS import benchmark (`cargo bench -p coopdesk-core --bench ocds`).
//!
//! Writes a publication as JSON Lines of release packages: for each
//! contracting process a tender, an award and a contract release (five items
//! priced per unit), all tenders first, then all awards, then all contracts,
//! so that every process's releases are far apart in the file, as in a
//! publisher's bulk download. Imports it into a fresh catalogue in a child
//! process and prints the time, the rate and the peak memory, for two sizes
//! ten times apart: the memory should not grow with the file. Figures in
//! `docs/performance.md`. `COOPDESK_BENCH_PROCESSES=200,2000` sets the sizes
//! (the test command runs it small, so it cannot rot).

#[path = "sizes.rs"]
mod sizes;

use coopdesk_core::Store;
use serde_json::json;
use sizes::sizes;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

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

fn items(p: usize, priced: bool) -> serde_json::Value {
    let list: Vec<serde_json::Value> = (0..5)
        .map(|i| {
            let mut unit = json!({ "name": "Each", "id": "EA", "scheme": "UNCEFACT" });
            if priced {
                unit["value"] = json!({ "amount": 100 + (p * 7 + i * 13) % 9_000, "currency": "USD" });
            }
            json!({
                "id": format!("{}", i + 1),
                "description": format!("Storm supply item {i} for process {p}: sandbags, tarps, generators"),
                "classification": { "scheme": "UNSPSC", "id": format!("{}", 46_000_000 + i * 1000), "description": "Safety equipment" },
                "quantity": 10,
                "unit": unit
            })
        })
        .collect();
    serde_json::Value::Array(list)
}

fn release(p: usize, stage: usize) -> serde_json::Value {
    let ocid = format!("ocds-bench-{p:07}");
    let tag = ["tender", "award", "contract"][stage];
    let supplier = json!({ "id": format!("US-EIN-{:07}", p % 2_000), "name": format!("Gulf Supply {}", p % 2_000) });
    let mut r = json!({
        "ocid": ocid,
        "id": format!("{ocid}-{stage}"),
        "date": format!("2026-0{}-01T00:00:00Z", stage + 1),
        "tag": [tag],
        "initiationType": "tender",
        "buyer": { "id": "US-CITY-1", "name": "City of Gulf Breeze" },
        "tender": { "id": format!("T-{p}"), "title": format!("Emergency supplies, lot {p}"), "items": items(p, false) }
    });
    if stage >= 1 {
        r["parties"] = json!([{
            "id": supplier["id"], "name": supplier["name"], "roles": ["supplier"],
            "identifier": { "scheme": "US-EIN", "id": format!("{:07}", p % 2_000), "legalName": supplier["name"] },
            "address": { "streetAddress": "1 Harbor Way", "locality": "Pensacola", "region": "FL", "postalCode": "32502", "countryName": "United States" },
            "contactPoint": { "name": "Bids desk", "telephone": "(850) 555-0100", "email": "bids@example.com" }
        }]);
        r["awards"] = json!([{ "id": format!("A-{p}"), "status": "active", "suppliers": [supplier], "items": items(p, true),
            "value": { "amount": 50_000, "currency": "USD" } }]);
    }
    if stage == 2 {
        r["contracts"] = json!([{ "id": format!("C-{p}"), "awardID": format!("A-{p}"), "status": "active",
            "period": { "startDate": "2026-04-01T00:00:00Z", "endDate": "2028-03-31T00:00:00Z" }, "items": items(p, true) }]);
    }
    r
}

fn write_publication(path: &Path, processes: usize) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    for stage in 0..3 {
        for chunk in (0..processes).collect::<Vec<_>>().chunks(100) {
            let releases: Vec<serde_json::Value> = chunk.iter().map(|&p| release(p, stage)).collect();
            let package = json!({ "version": "1.1", "publisher": { "name": "Bench publisher" }, "releases": releases });
            serde_json::to_writer(&mut out, &package).unwrap();
            out.write_all(b"\n").unwrap();
        }
    }
    out.flush().unwrap();
}

/// In the child: import the file; print "seconds contracts items peak_mb".
fn child(db: &Path, file: &Path) {
    let mut store = Store::open(db).unwrap();
    let input = std::io::BufReader::new(std::fs::File::open(file).unwrap());
    let t = Instant::now();
    let s = store.import_ocds("bench.jsonl", input, false, |_| {}).unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(s.skipped.is_empty(), "{:?}", &s.skipped[..1]);
    println!("{secs:.2} {} {} {:.0}", s.contracts.created, s.items.created, peak_rss_mb());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        return child(Path::new(&args[i + 1]), Path::new(&args[i + 2]));
    }
    let dir = tempfile::tempdir().unwrap();
    println!("| processes | releases | file | import | releases/s | contracts | items | peak memory |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for processes in sizes("COOPDESK_BENCH_PROCESSES", &[5_000, 50_000]) {
        let file = dir.path().join(format!("publication-{processes}.jsonl"));
        write_publication(&file, processes);
        let mb = std::fs::metadata(&file).unwrap().len() as f64 / 1e6;
        let db = dir.path().join(format!("bench-{processes}.sqlite3"));
        let out =
            Command::new(&args[0]).args(["--child", db.to_str().unwrap(), file.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let v: Vec<&str> = text.split_whitespace().collect();
        let secs: f64 = v[0].parse().unwrap();
        let releases = processes * 3;
        println!(
            "| {processes} | {releases} | {mb:.0} MB | {secs:.1} s | {:.0} | {} | {} | {} MB |",
            releases as f64 / secs,
            v[1],
            v[2],
            v[3]
        );
    }
}
