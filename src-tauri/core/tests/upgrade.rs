//! A database written by an earlier release, with requisitions from draft to
//! closed, attachments, acknowledgements, an incident and an emergency
//! purchase (`fixtures/db-0.1.0`, made by its `make.sh` with that release's
//! binary), opens in this build, migrates, and its history verifies to the
//! same head: the entry and state hashes are byte-identical across the move
//! of the audit trail into its own module. New entries chain onto the old.

use coopdesk_core::Store;
use std::io::Read;

fn old_database() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/db-0.1.0/history-0.1.0.sqlite3.gz");
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(fixture).unwrap()).read_to_end(&mut bytes).unwrap();
    let path = dir.path().join("coopdesk.sqlite3");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn recorded_head() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/db-0.1.0/history-0.1.0.head"))
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn an_earlier_releases_history_verifies_to_the_same_head() {
    let (_dir, path) = old_database();
    let store = Store::open(&path).unwrap();
    store.check_integrity().unwrap();
    let report = store.verify_history().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.requisitions, 3);
    assert_eq!(report.incidents, 1);
    assert_eq!(report.entries, 18);
    assert_eq!(report.head, recorded_head());
}

#[test]
fn new_changes_chain_onto_the_old_history() {
    let (_dir, path) = old_database();
    let mut store = Store::open(&path).unwrap();
    // The store's clock stamps every change: fixed here, so the entry says exactly when.
    let at: chrono::DateTime<chrono::Utc> = "2026-12-01T15:04:05.678Z".parse().unwrap();
    store.set_clock(coopdesk_core::clock::Clock::Fixed(at));
    let before = store.verify_history().unwrap();
    let list = store.requisitions(&Default::default()).unwrap();
    let draft = list
        .requisitions
        .iter()
        .find(|r| r.status == coopdesk_core::orders::Status::Draft)
        .expect("the emergency purchase is still a draft");
    let header = store.requisition(&draft.number).unwrap().header;
    let mut changed = header.clone();
    changed.purpose = "Generators for the shelters".into();
    store.update_header(&draft.number, &changed, "Dana Reyes").unwrap();
    let incident = store.incidents().unwrap().remove(0);
    store.close_incident(incident.id, "2026-12-01".parse().unwrap(), "Dana Reyes").unwrap();

    let after = store.verify_history().unwrap();
    assert!(after.problems.is_empty(), "{:?}", after.problems);
    assert_eq!(after.entries, before.entries + 2);
    assert_ne!(after.head, before.head);
    let history = store.requisition_history(&draft.number).unwrap();
    assert_eq!(history.last().unwrap().action, "header_changed");
    assert_eq!(history.last().unwrap().at.to_string(), "2026-12-01T15:04:05.678Z");
    assert_eq!(store.requisition(&draft.number).unwrap().updated_at.to_string(), "2026-12-01T15:04:05.678Z");

    // And a change behind the app's back is still found in the old part of the chain.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE requisition_history SET actor = 'Someone Else' WHERE seq = 2", []).unwrap();
    let tampered = store.verify_history().unwrap();
    assert!(
        tampered.problems.iter().any(|p| p.contains("entry 2") && p.contains("was altered")),
        "{:?}",
        tampered.problems
    );
}

/// The report's facts added after that release are copied from the old
/// lines when the database migrates: the savings report names the
/// cooperative of every catalog line ordered then, the same as reading the
/// evidence itself.
#[test]
fn an_earlier_releases_orders_count_in_the_savings_report() {
    let (_dir, path) = old_database();
    let store = Store::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (lines, filled): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE f.cooperative = json_extract(l.evidence, '$.cooperative.name')
                 AND f.list_cents = json_extract(l.evidence, '$.item.list_price') * l.quantity
                 AND f.spend_cents = l.quantity * l.unit_cents)
             FROM requisition_lines l JOIN requisition_line_facts f ON f.line_id = l.id
             WHERE l.evidence IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(lines > 0, "the fixture has catalog lines");
    assert_eq!(filled, lines);
    let period =
        coopdesk_core::reports::savings::Period::between("2000-01-01".parse().unwrap(), "2099-12-31".parse().unwrap());
    let report = store.savings_report(&period, None, 1_000).unwrap();
    assert!(report.requisitions > 0 && !report.by_cooperative.is_empty(), "{report:?}");
}
