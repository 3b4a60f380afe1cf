//! Reports benchmark (`cargo bench -p coopdesk-core --bench reports`).
//!
//! A generated history of COOPDESK_BENCH_REQUISITIONS requisitions (default
//! 50,000): three real ones are built through the store from the bundled
//! sample catalog (on-contract lines with their evidence, an off-contract
//! line, ordered and received), then copied in one transaction across the
//! fiscal year's months and twelve departments, half of them with an
//! invoice check. Times the Reports screen's computation for the fiscal year
//! (the savings report, every breakdown) against the bare read of the same
//! lines' amounts from the same database. Target: under 200 ms.

use coopdesk_core::orders::{Header, ManualLine};
use coopdesk_core::reports::savings::{Period, DEFAULT_ESTIMATE_BPS};
use coopdesk_core::{Cents, Store};
use std::time::Instant;

const RUNS: usize = 9;
const TARGET_MS: f64 = 200.0;

fn header(dept: &str) -> Header {
    Header {
        department: dept.into(),
        requester: "Dana Reyes".into(),
        requester_phone: "(850) 555-0142".into(),
        deliver_to: "221 Palafox Pl".into(),
        date_needed: Some(chrono::Local::now().date_naive() + chrono::Duration::days(14)),
        purpose: "Benchmark history".into(),
        notes: String::new(),
        justification: None,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let requisitions: usize =
        std::env::var("COOPDESK_BENCH_REQUISITIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let work = tempfile::tempdir().unwrap();
    let db = work.path().join("reports.sqlite3");
    let mut store = Store::open(&db).unwrap();
    store.ensure_catalogue().unwrap();
    let mut settings = store.purchasing_settings().unwrap();
    settings.approvers =
        vec![coopdesk_core::orders::Approver { name: "Pat Lee".into(), title: "Director".into(), limit: None }];
    store.set_purchasing_settings(&settings).unwrap();
    let today = chrono::Local::now().date_naive();

    eprintln!("three real requisitions, then {requisitions} in all…");
    let hits = store.search(&coopdesk_core::search::SearchQuery::text("battery")).unwrap().hits;
    for (n, hit) in hits.iter().take(3).enumerate() {
        let number = store.create_requisition(&header("PW"), "Dana Reyes").unwrap();
        store.add_item(&number, &hit.item_id, 4 + n as u32, Some("100-210-01-5230"), "Dana Reyes").unwrap();
        let manual = ManualLine {
            description: "Delivery and setup".into(),
            unit: "EA".into(),
            account: "100-210-01-5230".into(),
            vendor: hit.supplier.clone(),
            unit_price: Cents(12_500),
            quantity: 1,
            ..Default::default()
        };
        store.add_manual_line(&number, &manual, "Dana Reyes").unwrap();
        let view = store.review_requisition(&number, today).unwrap();
        for f in view.findings.iter().filter(|f| f.severity == coopdesk_core::policy::Severity::Warning) {
            store.acknowledge(&number, &f.key.to_string(), "Reviewed", "Dana Reyes", today).unwrap();
        }
        store.submit(&number, "Dana Reyes", today).unwrap();
        store.approve(&number, "Pat Lee", "Dana Reyes", today).unwrap();
        store.mark_ordered(&number, &format!("PO-{n}"), "Dana Reyes").unwrap();
        store.receive(&number, &[], "Dana Reyes").unwrap();
    }
    drop(store);

    // The history: copies of the three across the year, in one transaction.
    let fy = coopdesk_core::orders::numbering::fiscal_year(today, 10);
    let period = Period::fiscal_year(fy, 10);
    {
        let mut conn = rusqlite::Connection::open(&db).unwrap();
        let tx = conn.transaction().unwrap();
        let columns: Vec<String> = tx
            .prepare("SELECT name FROM pragma_table_info('requisitions') WHERE name NOT IN ('id', 'number', 'department', 'ordered_at')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let line_columns: Vec<String> = tx
            .prepare(
                "SELECT name FROM pragma_table_info('requisition_lines') WHERE name NOT IN ('id', 'requisition_id')",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let (cols, lcols) = (columns.join(", "), line_columns.join(", "));
        let mut copy = tx
            .prepare(&format!(
                "INSERT INTO requisitions (number, department, ordered_at, {cols})
                 SELECT ?1, ?2, ?3, {cols} FROM requisitions WHERE id = ?4"
            ))
            .unwrap();
        let mut copy_lines = tx
            .prepare(&format!(
                "INSERT INTO requisition_lines (requisition_id, {lcols})
                 SELECT ?1, {lcols} FROM requisition_lines WHERE requisition_id = ?2"
            ))
            .unwrap();
        let mut invoice = tx
            .prepare(
                "INSERT INTO invoices (requisition_id, number, vendor_key, invoice_date, lines, findings, recorded_by, recorded_at)
                 VALUES (?1, ?2, 'bench', ?3, '[]', '[{\"kind\":\"over_contract_price\",\"invoice_line\":1,\"order_line\":1,\"amount\":250,\"message\":\"\"}]', 'Dana Reyes', ?4)",
            )
            .unwrap();
        let days = (period.to - period.from).num_days();
        for i in 3..requisitions {
            let day = period.from + chrono::Duration::days((i as i64 * 7) % (days + 1));
            let at = format!("{day}T15:00:00.000Z");
            copy.execute(rusqlite::params![format!("BENCH-{i:06}"), format!("D{:02}", i % 12), at, (i % 3) as i64 + 1])
                .unwrap();
            let id = tx.last_insert_rowid();
            copy_lines.execute(rusqlite::params![id, (i % 3) as i64 + 1]).unwrap();
            if i % 2 == 0 {
                invoice.execute(rusqlite::params![id, format!("INV-{i}"), day.to_string(), at]).unwrap();
            }
        }
        drop((copy, copy_lines, invoice));
        tx.commit().unwrap();
    }

    let store = Store::open(&db).unwrap();
    let (mut report_ms, mut bare_ms) = (Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        last = Some(store.savings_report(&period, None, DEFAULT_ESTIMATE_BPS).unwrap());
        report_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    for _ in 0..RUNS {
        let t = Instant::now();
        let _: (i64, i64) = conn
            .query_row(
                "SELECT count(*), sum(l.quantity * l.unit_cents) FROM requisitions r
                 JOIN requisition_lines l ON l.requisition_id = r.id WHERE r.status IN ('ordered', 'partially_received', 'received', 'closed')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        bare_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let report = last.unwrap();
    let (ms, bare) = (median(report_ms), median(bare_ms));
    println!(
        "reports benchmark: {} requisitions counted in {}, median of {RUNS} runs",
        report.requisitions, report.period
    );
    println!("| measure | ms |");
    println!("|---|---|");
    println!("| savings report, every breakdown (the Reports screen's computation) | {ms:.1} |");
    println!("| reference: the bare read of the same lines' amounts | {bare:.1} |");
    println!("| ratio | {:.1}x |", ms / bare.max(0.001));
    println!("target: under {TARGET_MS:.0} ms: {}", if ms < TARGET_MS { "met" } else { "not met" });
}
