use crate::fixture::*;
use chrono::NaiveDate;
use coopdesk_core::agency::{AgencyProfile, Membership};
use coopdesk_core::model::{Address, CatalogueItem, EntityType, PriceTier};
use coopdesk_core::orders::*;
use coopdesk_core::policy::Severity;
use coopdesk_core::record::{Entity, Kind, Scope};
use coopdesk_core::{Cents, Store};

pub const CLERK: &str = "Dana Reyes";

pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn tiered_battery() -> Entity {
    let Entity::Item(mut item) = item("i1", "ctr-a", "UPS replacement battery cartridge", "APC-BR1500", 10_000, 7_000)
    else {
        unreachable!()
    };
    item.price_tiers = vec![PriceTier { min_quantity: 25, unit_price: Cents(6_500) }];
    Entity::Item(item)
}

fn catalogue_ops() -> Vec<Op> {
    let mut ops = base_ops();
    ops[3] = Op::Put(tiered_battery());
    ops
}

/// A store with the small catalogue, an agency profile and approvers.
pub fn ready_store() -> TestStore {
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &catalogue_ops())[..]).unwrap();
    t.store
        .set_agency_profile(&AgencyProfile {
            name: "Town of Harbor".into(),
            entity_type: EntityType::City,
            address: Address {
                street: "1 Main St".into(),
                city: "Mobile".into(),
                state: "AL".into(),
                zip: "36602".into(),
            },
            memberships: vec![Membership {
                cooperative_id: "coop-a".into(),
                signed_on: "2024-01-01".parse().unwrap(),
                expires_on: None,
            }],
            addenda: vec![],
            single_award_prohibited: false,
        })
        .unwrap();
    let settings = PurchasingSettings {
        approvers: vec![
            Approver {
                name: "Pat Lee".into(),
                title: "Public Works Director".into(),
                limit: Some(Cents::dollars(2_500)),
            },
            Approver { name: "Sam Ortiz".into(), title: "City Manager".into(), limit: None },
        ],
        ..Default::default()
    };
    t.store.set_purchasing_settings(&settings).unwrap();
    t
}

pub fn header_for(dept: &str) -> Header {
    Header {
        department: dept.into(),
        requester: CLERK.into(),
        requester_phone: "(251) 555-0142".into(),
        deliver_to: "911 Centre, 2 Harbor Way".into(),
        date_needed: Some(today() + chrono::Duration::days(21)),
        purpose: "Replace the 911 centre's UPS batteries".into(),
        notes: String::new(),
        justification: None,
    }
}

#[test]
fn a_requisition_goes_from_empty_to_closed() {
    let mut t = ready_store();
    let s = &mut t.store;
    let number = s.create_requisition(&header_for("pw"), CLERK).unwrap();
    let req = s.requisition(&number).unwrap();
    let fy = numbering::fiscal_year(today(), 10);
    assert_eq!(req.number, format!("{fy}-PW-0001"));
    assert_eq!(s.create_requisition(&header_for("PW"), CLERK).unwrap(), format!("{fy}-PW-0002"));
    assert_eq!(s.create_requisition(&header_for("Fire"), CLERK).unwrap(), format!("{fy}-FIRE-0001"));
    let n = req.number.as_str();

    s.add_item(n, "i1", 10, Some("100-210-01-5230"), CLERK).unwrap();
    s.add_item(n, "i2", 1, None, CLERK).unwrap();
    let req = s.requisition(n).unwrap();
    assert_eq!(req.lines[1].account, "100-210-01-5230", "a new line takes the account of the one before");
    assert_eq!(req.vendor.as_ref().unwrap().name, "Pelican Power Supply");
    assert_eq!(req.lines[0].unit_price, Cents(7_000));

    // Raising the quantity past a tier applies the tier price.
    s.update_line(n, 1, &LineEdit { quantity: Some(40), ..Default::default() }, CLERK).unwrap();
    let req = s.requisition(n).unwrap();
    assert_eq!(req.lines[0].unit_price, Cents(6_500));
    assert_eq!(req.total(), Cents(40 * 6_500 + 36_000));

    // Over Pat Lee's limit but not Sam Ortiz's; the route says so.
    let view = s.review_requisition(n, today()).unwrap();
    assert!(view.ready, "{:?}", view.findings);
    assert_eq!(view.list_total, Cents(40 * 10_000 + 50_000));
    assert_eq!(view.saving, Cents(view.list_total.0 - view.total.0));
    let route = view.findings.iter().find(|f| f.key == "approval_route").unwrap();
    assert!(route.message.contains("Sam Ortiz") && !route.message.contains("Pat Lee"), "{}", route.message);

    s.submit(n, CLERK, today()).unwrap();

    let req = s.requisition(n).unwrap();
    assert_eq!(req.status, Status::Submitted);
    let err = s.update_line(n, 1, &LineEdit { quantity: Some(1), ..Default::default() }, CLERK).unwrap_err();
    assert_eq!(err.code(), "invalid_state");
    assert!(err.to_string().contains("Return it to draft"), "{err}");

    let err = s.approve(n, "Pat Lee", CLERK, today()).unwrap_err();
    assert!(err.to_string().contains("may approve up to $2,500.00"), "{err}");
    s.approve(n, "sam ortiz", CLERK, today()).unwrap();
    let req = s.requisition(n).unwrap();
    assert_eq!((req.status, req.approved_by.as_deref()), (Status::Approved, Some("Sam Ortiz")));

    assert!(s.mark_ordered(n, " ", CLERK).is_err());
    s.mark_ordered(n, "PO-26-0419", CLERK).unwrap();
    let req = s.requisition(n).unwrap();
    assert_eq!(req.po_number.as_deref(), Some("PO-26-0419"));

    // A receipt that fails part-way records nothing at all.
    assert!(s.receive(n, &[(1, 5), (2, 99)], CLERK).is_err());
    assert!(s.requisition(n).unwrap().lines.iter().all(|l| l.received == 0));
    s.receive(n, &[(1, 30)], CLERK).unwrap();
    let req = s.requisition(n).unwrap();
    assert_eq!(req.status, Status::PartiallyReceived);
    assert!(s.receive(n, &[(1, 11)], CLERK).unwrap_err().to_string().contains("too many"));
    s.receive(n, &[], CLERK).unwrap();
    let req = s.requisition(n).unwrap();
    assert_eq!(req.status, Status::Received);
    assert!(req.lines.iter().all(|l| l.received == l.quantity));
    s.close(n, "", CLERK).unwrap();
    let req = s.requisition(n).unwrap();
    assert_eq!(req.status, Status::Closed);
    assert_eq!(s.cancel(n, "oops", CLERK).unwrap_err().code(), "invalid_state");

    let actions: Vec<String> = s.requisition_history(n).unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            "created",
            "line_added",
            "line_added",
            "line_changed",
            "submitted",
            "approved",
            "ordered",
            "received",
            "received",
            "closed"
        ]
    );
    let report = s.verify_history().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.requisitions, 3);

    let list = s.requisitions(&ListFilter { department: Some("pw".into()), ..Default::default() }).unwrap();
    assert_eq!(list.requisitions.len(), 2);
    let closed = s.requisitions(&ListFilter { status: Some(Status::Closed), ..Default::default() }).unwrap();
    assert_eq!(closed.total, Cents(40 * 6_500 + 36_000));
    let by_vendor = s.requisitions(&ListFilter { supplier: Some("pelican".into()), ..Default::default() }).unwrap();
    assert_eq!(by_vendor.requisitions.len(), 1);
}

#[test]
fn policy_blocks_submission_until_fixed_and_acknowledged() {
    let mut t = ready_store();
    let s = &mut t.store;
    let mut h = header_for("PW");
    h.date_needed = None;
    let n = s.create_requisition(&h, CLERK).unwrap();
    let err = s.submit(&n, CLERK, today()).unwrap_err();
    assert_eq!(err.code(), "policy_blocked");
    assert!(err.to_string().contains("no lines") && err.to_string().contains("date the goods are needed"), "{err}");

    s.add_item(&n, "i1", 2, Some("100-210"), CLERK).unwrap();
    s.add_manual_line(
        &n,
        &ManualLine {
            description: "Battery disposal fee".into(),
            unit: "EA".into(),
            quantity: 1,
            unit_price: Cents(2_500),
            vendor: "Bayou Recycling".into(),
            account: "100-210-01-5230".into(),
            ..Default::default()
        },
        CLERK,
    )
    .unwrap();
    h.date_needed = Some(today() + chrono::Duration::days(10));
    s.update_header(&n, &h, CLERK).unwrap();
    let view = s.review_requisition(&n, today()).unwrap();
    let keys: Vec<String> = view.findings.iter().map(|f| f.key.to_string()).collect();
    assert!(keys.iter().any(|k| k == "account:1") && keys.iter().any(|k| k == "off_contract_quote:2"), "{keys:?}");

    // An error cannot be acknowledged away; a warning needs a note.
    assert!(s.acknowledge(&n, "account:1", "fine", CLERK, today()).is_err());
    s.update_line(&n, 1, &LineEdit { account: Some("100-210-01-5230".into()), ..Default::default() }, CLERK).unwrap();
    assert!(s.acknowledge(&n, "off_contract_quote:2", " ", CLERK, today()).is_err());
    let quote = NewAttachment {
        file_name: "bayou-quote.pdf".into(),
        kind: AttachmentKind::Quote,
        quote: QuoteInfo {
            vendor: Some("bayou recycling".into()),
            amount: Some(Cents(2_500)),
            quoted_on: Some(today()),
        },
        note: String::new(),
    };
    let out = s.attach(&n, &quote, b"%PDF-1.4 quote from Bayou Recycling", CLERK).unwrap();
    assert_eq!(out.attachment.media_type, "application/pdf");
    assert!(out.also_on.is_empty());
    let again = s.attach(&n, &quote, b"%PDF-1.4 quote from Bayou Recycling", CLERK).unwrap_err();
    assert!(again.to_string().contains("already attached"), "{again}");
    let (_, bytes) = s.attachment_bytes(&n, out.attachment.id).unwrap();
    assert_eq!(bytes, b"%PDF-1.4 quote from Bayou Recycling");

    // The same file on another requisition is allowed and reported.
    let other = s.create_requisition(&header_for("PW"), CLERK).unwrap();
    assert_eq!(
        s.attach(&other, &quote, b"%PDF-1.4 quote from Bayou Recycling", CLERK).unwrap().also_on,
        vec![n.clone()]
    );

    let view = s.review_requisition(&n, today()).unwrap();
    assert!(view.ready, "{:?}", view.findings);
    s.submit(&n, CLERK, today()).unwrap();
    s.return_to_draft(&n, "wrong fund", "Pat Lee").unwrap();
    assert_eq!(s.requisition(&n).unwrap().status, Status::Draft);
    assert!(s.verify_history().unwrap().problems.is_empty());
}

#[test]
fn a_sync_changes_nothing_on_a_requisition_until_the_clerk_accepts() {
    let mut t = ready_store();
    let s = &mut t.store;
    let n = s.create_requisition(&header_for("PW"), CLERK).unwrap();
    s.add_item(&n, "i1", 10, Some("100-210-01-5230"), CLERK).unwrap();
    s.add_item(&n, "i2", 1, Some("100-210-01-5230"), CLERK).unwrap();
    let before = s.requisition(&n).unwrap();
    let ev = before.lines[0].evidence().cloned().unwrap();
    assert_eq!((ev.feed_id.as_str(), ev.feed_sequence, ev.contract.number.as_str()), ("feed-a", 1, "GSP-2501-001"));

    // The publisher raises the battery's price and drops the UPS.
    let Entity::Item(CatalogueItem { .. }) = tiered_battery() else { unreachable!() };
    let Entity::Item(mut dearer) = tiered_battery() else { unreachable!() };
    dearer.contract_price = Cents(7_700);
    let delta =
        file(&header("feed-a", 2, Scope::Delta, Some(1)), &[Op::Put(Entity::Item(dearer)), Op::Del(Kind::Item, "i2")]);
    s.apply_records("test", &delta[..]).unwrap();

    assert_eq!(s.requisition(&n).unwrap(), before, "a sync must not touch a requisition");
    let view = s.review_requisition(&n, today()).unwrap();
    let battery = &view.lines[0];
    assert!(battery.price_changed && battery.current_unit_price == Some(Cents(7_700)));
    assert!(view.lines[1].item_gone);
    let msg = &view.findings.iter().find(|f| f.key == "price_changed:1:7700").unwrap().message;
    assert!(msg.contains("was $70.00, now $77.00"), "{msg}");
    assert!(view.findings.iter().any(|f| f.key == "item_gone:2"));

    s.accept_current_price(&n, 1, CLERK).unwrap();

    let req = s.requisition(&n).unwrap();
    assert_eq!(req.lines[0].unit_price, Cents(7_700));
    assert_eq!(req.lines[0].evidence().unwrap().feed_sequence, 2);
    assert!(s.accept_current_price(&n, 2, CLERK).unwrap_err().to_string().contains("no longer in the catalog"));
    let view = s.review_requisition(&n, today()).unwrap();
    assert!(!view.findings.iter().any(|f| f.key.to_string().starts_with("price_changed")));
}

#[test]
fn items_from_another_supplier_need_their_own_requisition() {
    let mut t = ready_store();
    let s = &mut t.store;
    let ops = vec![
        Op::Put(supplier("sup-b", "Heron Electric")),
        Op::Put(contract("ctr-b", "GSP-2501-002", "coop-a", "sup-b")),
        Op::Put(item("i9", "ctr-b", "Generator 20kW", "GN-20", 900_000, 700_000)),
    ];
    s.apply_records("test", &file(&header("feed-a", 2, Scope::Delta, Some(1)), &ops)[..]).unwrap();
    let n = s.create_requisition(&header_for("PW"), CLERK).unwrap();
    s.add_item(&n, "i1", 1, None, CLERK).unwrap();
    let err = s.add_item(&n, "i9", 1, None, CLERK).unwrap_err();
    assert!(
        err.to_string().contains("is for Pelican Power Supply") && err.to_string().contains("Heron Electric"),
        "{err}"
    );
    // Adding the same item again adds to its quantity.
    s.add_item(&n, "i1", 4, None, CLERK).unwrap();
    let req = s.requisition(&n).unwrap();
    assert_eq!((req.lines.len(), req.lines[0].quantity), (1, 5));
    s.remove_line(&n, 1, CLERK).unwrap();
    let req = s.requisition(&n).unwrap();
    assert!(req.lines.is_empty() && req.vendor.is_none());
    s.add_item(&n, "i9", 1, None, CLERK).unwrap();
}

#[test]
fn split_purchases_across_requisitions_are_flagged() {
    let mut t = ready_store();
    let s = &mut t.store;
    let mut numbers = vec![];
    for _ in 0..2 {
        let n = s.create_requisition(&header_for("PW"), CLERK).unwrap();
        // 120 batteries at the $65 tier: $7,800 each, $15,600 together,
        // over the federal micro-purchase threshold of $15,000.
        s.add_item(&n, "i1", 120, Some("100-210-01-5230"), CLERK).unwrap();
        numbers.push(n);
    }
    let view = s.review_requisition(&numbers[1], today()).unwrap();
    let split = view.findings.iter().find(|f| f.key.to_string().starts_with("split:")).expect("split flagged");
    assert!(split.message.contains(&numbers[0]) && split.message.contains("$15,600.00"), "{}", split.message);
    assert!(
        split.message.contains("threshold of $15,000.00 (federal: FAR 2.101 since 2025-10-01)"),
        "{}",
        split.message
    );
    s.cancel(&numbers[0], "duplicate", CLERK).unwrap();
    let view = s.review_requisition(&numbers[1], today()).unwrap();
    assert!(
        !view.findings.iter().any(|f| f.key.to_string().starts_with("split:")),
        "a canceled requisition is not a split"
    );
}

fn raw(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn edits_behind_the_apps_back_are_found() {
    let mut t = ready_store();
    let n = t.store.create_requisition(&header_for("PW"), CLERK).unwrap();
    t.store.add_item(&n, "i1", 10, Some("100-210-01-5230"), CLERK).unwrap();
    t.store.add_item(&n, "i2", 1, Some("100-210-01-5230"), CLERK).unwrap();
    let other = t.store.create_requisition(&header_for("Fire"), CLERK).unwrap();
    assert!(t.store.verify_history().unwrap().problems.is_empty());

    let cases: [(&str, &str, &str); 4] = [
        ("UPDATE requisition_lines SET unit_cents = 1 WHERE position = 1", "", "was changed outside coopdesk"),
        ("UPDATE requisition_history SET actor = 'Someone' WHERE seq = 2", "", "entry 2 (line_added"),
        ("DELETE FROM requisition_history WHERE seq = 3", "", "entries 3 to 3 are missing"),
        ("UPDATE requisitions SET status = 'approved' WHERE number = ?1", "other", "was changed outside coopdesk"),
    ];
    for (sql, which, want) in cases {
        let backup = t.path.with_extension("before");
        t.store.backup_to(&backup).unwrap();
        let conn = raw(&t.path);
        if which == "other" {
            conn.execute(sql, [&other]).unwrap();
        } else {
            conn.execute(sql, []).unwrap();
        }
        drop(conn);
        let report = t.store.verify_history().unwrap();
        assert!(report.problems.iter().any(|p| p.contains(want)), "{sql}: {:?}", report.problems);
        t.store.restore_from(&backup).unwrap();
        assert!(t.store.verify_history().unwrap().problems.is_empty(), "restored after {sql}");
    }
}

#[test]
fn backup_and_restore_round_trip_and_refuse_what_is_not_a_backup() {
    let mut t = ready_store();
    let n = t.store.create_requisition(&header_for("PW"), CLERK).unwrap();
    t.store.add_item(&n, "i1", 3, Some("100-210-01-5230"), CLERK).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("coopdesk-backup.sqlite3");
    let summary = t.store.backup_to(&file).unwrap();
    assert_eq!((summary.requisitions, summary.items), (1, 3));

    t.store.cancel(&n, "changed my mind", CLERK).unwrap();
    t.store.create_requisition(&header_for("Fire"), CLERK).unwrap();
    let restored = t.store.restore_from(&file).unwrap();
    assert_eq!(restored.requisitions, 1);
    assert_eq!(t.store.requisition(&n).unwrap().status, Status::Draft);
    assert_eq!(t.store.requisition(&n).unwrap().lines[0].quantity, 3);
    assert!(t.store.verify_history().unwrap().problems.is_empty());

    // What is not a coopdesk backup is refused and nothing changes.
    let before = t.store.requisition(&n).unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database").unwrap();
    let foreign = dir.path().join("other.sqlite3");
    raw(&foreign).execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    let newer = dir.path().join("newer.sqlite3");
    std::fs::copy(&file, &newer).unwrap();
    raw(&newer).execute_batch("PRAGMA user_version = 99").unwrap();
    for (path, why) in [
        (text.as_path(), "not a database"),
        (foreign.as_path(), "not written by coopdesk"),
        (newer.as_path(), "newer coopdesk"),
        (dir.path().join("missing.sqlite3").as_path(), "no such file"),
    ] {
        let err = t.store.restore_from(path).unwrap_err();
        assert!(err.to_string().contains(why) && err.to_string().contains("Nothing was changed"), "{err}");
        assert_eq!(t.store.requisition(&n).unwrap(), before);
    }
    t.store.check_integrity().unwrap();
    drop(t.store);
    Store::open(&t.path).unwrap();
}

#[test]
fn csv_export_is_spreadsheet_friendly() {
    let mut t = ready_store();
    let n = t.store.create_requisition(&header_for("PW"), CLERK).unwrap();
    t.store.add_item(&n, "i1", 30, Some("100-210-01-5230"), CLERK).unwrap();
    t.store
        .add_manual_line(
            &n,
            &ManualLine {
                description: "=cmd| café fee, \"rush\"".into(),
                unit: "EA".into(),
                quantity: 1,
                unit_price: Cents(1_050),
                vendor: "Bayou".into(),
                ..Default::default()
            },
            CLERK,
        )
        .unwrap();
    let req = t.store.requisition(&n).unwrap();
    let csv = export::requisition_csv(&[req]).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    let mut rows = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][13], "65.00");
    assert_eq!(&rows[0][14], "1950.00");
    assert_eq!(&rows[0][18], "GSP-2501-001");
    assert_eq!(&rows[1][10], "'=cmd| café fee, \"rush\"");
    let list = t.store.requisitions(&ListFilter::default()).unwrap();
    assert!(export::list_csv(&list).unwrap().contains(&format!("{n},draft,PW,Dana Reyes,Pelican Power Supply")));
}

/// A restore brings back the backup's catalog as search finds it (the index
/// is rebuilt, not left describing the database that was replaced), and a
/// damaged backup is refused with the current database untouched.
#[test]
fn a_restore_is_what_search_finds_and_a_damaged_backup_is_refused() {
    let mut t = ready_store();
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("coopdesk-backup.sqlite3");
    t.store.backup_to(&backup).unwrap();
    assert_eq!(search_ids(&t.store, "ups battery cartridge"), ["i1"]);

    // After the backup the feed drops the battery and adds a generator.
    let mut ops = base_ops();
    ops.remove(3);
    ops.push(Op::Put(item("i7", "ctr-a", "Portable generator 9500W", "PG-9500", 90_000, 70_000)));
    t.store.apply_records("test", &file(&header("feed-a", 9, Scope::Snapshot, None), &ops)[..]).unwrap();
    assert!(search_ids(&t.store, "ups battery cartridge").is_empty());
    assert_eq!(search_ids(&t.store, "generator"), ["i7"]);

    t.store.restore_from(&backup).unwrap();
    assert_eq!(search_ids(&t.store, "ups battery cartridge"), ["i1"], "the backup's item is found again");
    assert!(search_ids(&t.store, "generator").is_empty(), "the replaced database's item is gone from search");

    // Damaged backups: cut short, another program's file, a newer schema.
    let bytes = std::fs::read(&backup).unwrap();
    let truncated = dir.path().join("truncated.sqlite3");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let foreign_id = dir.path().join("foreign-id.sqlite3");
    std::fs::copy(&backup, &foreign_id).unwrap();
    raw(&foreign_id).execute_batch("PRAGMA application_id = 1234").unwrap();
    let newer = dir.path().join("newer.sqlite3");
    std::fs::copy(&backup, &newer).unwrap();
    raw(&newer).execute_batch("PRAGMA user_version = 99").unwrap();
    let before = dump(&t.store);
    for (path, why) in [
        (&truncated, "the file is damaged or cut short"),
        (&foreign_id, "it was not written by coopdesk"),
        (&newer, "it comes from a newer coopdesk"),
    ] {
        let err = t.store.restore_from(path).unwrap_err().to_string();
        assert!(err.contains(why) && err.ends_with("Nothing was changed."), "{}: {err}", path.display());
        assert_eq!(dump(&t.store), before);
    }
    t.store.check_integrity().unwrap();
    drop(t.store);
    assert_eq!(dump(&Store::open(&t.path).unwrap()), before, "reopened, the database is as it was");
}

/// Above every approver's limit, the governing board's approval is recorded
/// as the approval (the meeting and its agenda item), not a dead end; and
/// an approval recorded for someone says who recorded it.
#[test]
fn the_board_approves_what_no_approver_may_and_every_approval_says_who_recorded_it() {
    let mut t = ready_store();
    let s = &mut t.store;
    let mut settings = s.purchasing_settings().unwrap();
    settings.approvers.retain(|a| a.limit.is_some());
    s.set_purchasing_settings(&settings).unwrap();
    let n = s.create_requisition(&header_for("PW"), CLERK).unwrap();
    s.add_item(&n, "i1", 100, Some("100-210-01-5230"), CLERK).unwrap();
    let view = s.review_requisition(&n, today()).unwrap();
    let none = view.findings.iter().find(|f| f.key.to_string().starts_with("no_approver")).expect("no approver");
    assert!(none.message.contains("record the governing board's approval"), "{}", none.message);
    for f in view.findings.iter().filter(|f| f.severity == Severity::Warning) {
        s.acknowledge(&n, &f.key.to_string(), "Going to the board on the 2nd", CLERK, today()).unwrap();
    }
    s.submit(&n, CLERK, today()).unwrap();
    assert!(s.approve(&n, "Pat Lee", CLERK, today()).is_err());
    let tomorrow = today() + chrono::Duration::days(1);
    let early = s.board_approve(&n, tomorrow, "7.B", CLERK, today()).unwrap_err();
    assert!(early.to_string().contains("has not happened yet"), "{early}");
    assert!(s.board_approve(&n, today(), " ", CLERK, today()).is_err(), "an agenda item is needed");
    s.board_approve(&n, today(), "7.B", CLERK, today()).unwrap();
    let view = s.review_requisition(&n, today()).unwrap();
    assert_eq!(view.requisition.status, Status::Approved);
    assert_eq!(
        view.approval.as_deref(),
        Some(
            format!(
                "Approved by the governing board at its meeting of {}, agenda item 7.B; recorded by Dana Reyes on {}",
                today(),
                today()
            )
            .as_str()
        )
    );
    assert!(!view.findings.iter().any(|f| f.message.starts_with("To be approved by")), "approved: no route");

    // An approver's approval recorded by the clerk says both names.
    let m = s.create_requisition(&header_for("PW"), CLERK).unwrap();
    s.add_item(&m, "i1", 10, Some("100-210-01-5230"), CLERK).unwrap();
    for f in s.review_requisition(&m, today()).unwrap().findings.iter().filter(|f| f.severity == Severity::Warning) {
        s.acknowledge(&m, &f.key.to_string(), "noted", CLERK, today()).unwrap();
    }
    s.submit(&m, CLERK, today()).unwrap();
    let below = s.board_approve(&m, today(), "7.C", CLERK, today()).unwrap_err();
    assert!(below.to_string().contains("Pat Lee may approve"), "{below}");
    s.approve(&m, "Pat Lee", CLERK, today()).unwrap();
    let approval = s.review_requisition(&m, today()).unwrap().approval.unwrap();
    assert_eq!(approval, format!("Approval of Pat Lee, Public Works Director, recorded by Dana Reyes on {}", today()));
    assert!(s.verify_history().unwrap().problems.is_empty());
}
