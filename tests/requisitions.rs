//! The requisition flow scripted through the headless command line, against
//! the bundled sample catalogue: from a new draft to a closed order, with the
//! policy, exports, backup and restore, and tampering found.

use crate::util::*;
use serde_json::Value;

fn ok(db: &std::path::Path, args: &[&str]) -> String {
    let out = coopdesk(db, args);
    assert!(out.status.success(), "coopdesk {args:?} failed: {}{}", stdout(&out), stderr(&out));
    stdout(&out)
}

fn json(db: &std::path::Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).unwrap()
}

/// The sample catalog, a Florida county, Pat Lee approving up to `limit`
/// dollars, Dana Reyes at the keyboard, and the membership of the
/// cooperative of the first UPS battery found: that item's id.
fn scripted_agency(db: &std::path::Path, limit: &str) -> String {
    ok(db, &["load-sample"]);
    ok(
        db,
        &["agency", "set", "--name", "Escambia Harbor County", "--type", "county", "--state", "FL", "--zip", "32502"],
    );
    ok(db, &["purchasing", "add-approver", "Pat Lee", "--title", "Director of Public Works", "--limit", limit]);
    ok(db, &["purchasing", "operator", "Dana Reyes"]);
    let hits = json(db, &["search", "ups battery", "--eligible", "--json", "--limit", "5"]);
    let hit = &hits["hits"][0];
    let contract = json(db, &["contract", hit["contract_id"].as_str().unwrap(), "--json"]);
    ok(db, &["agency", "add-membership", contract["cooperative"]["id"].as_str().unwrap(), "--signed", "2024-07-01"]);
    hit["item_id"].as_str().unwrap().to_owned()
}

#[test]
fn a_clerk_scripts_a_requisition_from_draft_to_closed() {
    let s = Scratch::new();
    let db = s.db();
    let item = scripted_agency(&db, "50000");
    let item = item.as_str();

    let number = ok(
        &db,
        &[
            "req",
            "new",
            "--department",
            "PW",
            "--requester",
            "Dana Reyes",
            "--phone",
            "850-555-0142",
            "--deliver-to",
            "911 Centre, 2 Harbor Way",
            "--needed",
            &(chrono::Local::now().date_naive() + chrono::Duration::days(14)).to_string(),
            "--purpose",
            "Replace the 911 centre's UPS batteries",
        ],
    );
    let number = number.trim();
    assert!(number.contains("-PW-0001"), "{number}");
    let added = ok(&db, &["req", "add", number, item, "--qty", "40", "--account", "100-210-01-5230"]);
    assert!(added.starts_with("Line 1: 40 x"), "{added}");

    // A bad account string is an error that blocks submission.
    ok(&db, &["req", "line", number, "1", "--account", "100-210"]);
    let blocked = coopdesk(&db, &["req", "submit", number]);
    assert!(!blocked.status.success());
    assert!(stderr(&blocked).contains("account string '100-210' is missing program, object"), "{}", stderr(&blocked));
    ok(&db, &["req", "line", number, "1", "--account", "100-210-01-5230"]);

    let view = json(&db, &["req", "show", number, "--json"]);
    assert_eq!(view["ready"], true, "{}", view["findings"]);
    assert_eq!(view["requisition"]["lines"][0]["evidence"]["feed_id"], "coopdesk-sample");
    let text = ok(&db, &["req", "show", number]);
    assert!(text.contains("To be approved by Pat Lee") && text.contains("History:"), "{text}");
    // The history says what changed in words: money as money, no item ids.
    assert!(text.contains("account 100-210 → 100-210-01-5230"), "{text}");
    let added = text.lines().skip_while(|l| !l.contains("line added")).nth(1).unwrap_or_default();
    assert!(added.contains("quantity 40") && added.contains("unit price $") && !added.contains("item "), "{text}");

    ok(&db, &["req", "submit", number]);
    ok(&db, &["req", "approve", number, "--approver", "Pat Lee"]);
    let shown = ok(&db, &["req", "show", number]);
    assert!(shown.contains("Approval of Pat Lee, Director of Public Works, recorded by Dana Reyes on"), "{shown}");
    assert!(!shown.contains("To be approved by"), "{shown}");
    ok(&db, &["req", "order", number, "--po", "PO-27-0419"]);
    assert!(ok(&db, &["req", "receive", number, "1:10"]).contains("partially received"));
    assert!(ok(&db, &["req", "receive", number]).contains("now received"));
    ok(&db, &["req", "close", number]);

    let list = json(&db, &["req", "list", "--status", "closed", "--json"]);
    assert_eq!(list["requisitions"][0]["number"], number);
    let history = view_history(&db, number);
    assert_eq!(
        history,
        [
            "created",
            "line_added",
            "line_changed",
            "line_changed",
            "submitted",
            "approved",
            "ordered",
            "received",
            "received",
            "closed"
        ]
    );
    let entries = json(&db, &["req", "show", number, "--json"]);
    assert!(entries["history"].as_array().unwrap().iter().all(|e| e["actor"] == "Dana Reyes"));

    // The packet, printed headless to a file, is recorded in the history.
    let pdf = s.path("packet.pdf");
    let printed = ok(&db, &["packet", number, "--out", pdf.to_str().unwrap(), "--paper", "a4"]);
    assert!(printed.contains("Wrote the packet") && printed.contains("pages, packet "), "{printed}");
    let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Purchase requisition") && text.contains(number) && text.contains("PO-27-0419"), "{text}");
    assert!(!text.contains("DRAFT"), "only a draft's packet is marked DRAFT: {text}");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Approval of Pat Lee, recorded by Dana Reyes on"), "{flat}");
    assert_eq!(view_history(&db, number).last().unwrap(), "packet_printed");
    // The contract's expiry is its date, with how far off it is.
    let expiry = text.lines().find(|l| l.contains("days after this packet)")).unwrap_or_default();
    assert!(
        expiry.get(..10).is_some_and(|d| d.parse::<chrono::NaiveDate>().is_ok()) && expiry[10..].starts_with(" ("),
        "{text}"
    );

    let csv_path = s.path("export.csv");
    ok(&db, &["req", "export", number, "--out", csv_path.to_str().unwrap()]);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv.lines().nth(1).unwrap().starts_with(&format!("{number},closed,PW,Dana Reyes")), "{csv}");

    assert!(ok(&db, &["req", "verify-history"]).contains("History verified: 11 entries over 1 requisition."));
    let backup = s.path("backup.sqlite3");
    assert!(ok(&db, &["backup", backup.to_str().unwrap()]).contains("Backed up 1 requisition and "));

    // An edit made behind the app's back is found, and the backup undoes it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE requisition_lines SET quantity = 4", []).unwrap();
    drop(conn);
    let tampered = coopdesk(&db, &["req", "verify-history"]);
    assert!(!tampered.status.success());
    assert!(
        stderr(&tampered).contains(&format!("requisition {number} was changed outside coopdesk")),
        "{}",
        stderr(&tampered)
    );
    ok(&db, &["restore", backup.to_str().unwrap()]);
    ok(&db, &["req", "verify-history"]);

    let not_backup = coopdesk(&db, &["restore", csv_path.to_str().unwrap()]);
    assert!(
        stderr(&not_backup).contains("is not a coopdesk backup") && stderr(&not_backup).contains("Nothing was changed")
    );
}

fn view_history(db: &std::path::Path, number: &str) -> Vec<String> {
    let view = json(db, &["req", "show", number, "--json"]);
    view["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

/// Today's federal thresholds by default, each finding naming its rule; a
/// stricter state rule wins and says so; a self-certified micro-purchase
/// threshold is held to the federal bounds.
#[test]
fn thresholds_are_today_s_federal_figures_and_the_stricter_rule_wins() {
    let s = Scratch::new();
    let db = s.db();
    ok(&db, &["purchasing", "operator", "Dana Reyes"]);
    let shown = ok(&db, &["purchasing", "show"]);
    assert!(shown.contains("Micro-purchase: $15,000.00 (federal: FAR 2.101 since 2025-10-01)"), "{shown}");
    assert!(shown.contains("Formal bid above $350,000.00 (federal: FAR 2.101 since 2025-10-01)"), "{shown}");
    assert!(shown.contains("FAR 2.101 as amended effective 2025-10-01 (90 FR 41872)"), "{shown}");

    let number =
        ok(&db, &["req", "new", "--department", "PW", "--requester", "Dana Reyes", "--purpose", "Fence repair"]);
    let number = number.trim();
    let args = ["req", "add-manual", number, "--description", "Fence panels", "--vendor", "Bayou Fence"];
    ok(&db, &[&args[..], &["--price", "12000", "--account", "100-210-01-5230"]].concat());
    let findings = |db: &std::path::Path| json(db, &["req", "show", number, "--json"])["findings"].to_string();
    assert!(!findings(&db).contains("written-quotes threshold"), "$12,000 is under the federal $15,000");

    let set = ok(&db, &["purchasing", "local-thresholds", "--source", "Fla. Stat. 287.017", "--quotes-above", "10000"]);
    assert!(set.contains("written quotes above $10,000.00 (Fla. Stat. 287.017, stricter than $15,000.00"), "{set}");
    let now = findings(&db);
    assert!(
        now.contains(
            "over the written-quotes threshold of $10,000.00 (Fla. Stat. 287.017, stricter than $15,000.00 \
             (federal: FAR 2.101 since 2025-10-01)): attach 3 written quotes"
        ),
        "{now}"
    );

    let refused = coopdesk(
        &db,
        &["purchasing", "self-certify", "--amount", "75000", "--on", "2025-11-03", "--reference", "R-14"],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("at most $50,000.00 (2 CFR 200.320(a)(1)(iv))"), "{}", stderr(&refused));
    let certified = ok(
        &db,
        &["purchasing", "self-certify", "--amount", "50000", "--on", "11/03/2025", "--reference", "Resolution 2025-14"],
    );
    assert!(certified.contains("now $50,000.00 (self-certified on 2025-11-03 (Resolution 2025-14))"), "{certified}");
    ok(&db, &["purchasing", "self-certify", "--clear"]);
    assert!(ok(&db, &["purchasing", "show"]).contains("Micro-purchase: $15,000.00"));
}

/// Headless: a requisition above every approver's limit is approved by the
/// board, with its meeting and agenda item.
#[test]
fn the_board_s_approval_is_recorded_from_the_command_line() {
    let s = Scratch::new();
    let db = s.db();
    let item = scripted_agency(&db, "100");
    let number = ok(
        &db,
        &[
            "req",
            "new",
            "--department",
            "PW",
            "--purpose",
            "UPS batteries",
            "--needed",
            "2030-01-01",
            "--deliver-to",
            "2 Harbor Way",
            "--phone",
            "850-555-0142",
        ],
    );
    let number = number.trim();
    ok(&db, &["req", "add", number, &item, "--qty", "40", "--account", "100-210-01-5230"]);
    for f in json(&db, &["req", "show", number, "--json"])["findings"].as_array().unwrap() {
        if f["severity"] == "warning" && f["acknowledged"].is_null() {
            ok(&db, &["req", "ack", number, f["key"].as_str().unwrap(), "--note", "Board meeting on the 2nd"]);
        }
    }
    ok(&db, &["req", "submit", number]);
    let today = chrono::Local::now().date_naive().format("%m/%d/%Y").to_string();
    let done = ok(&db, &["req", "board-approve", number, "--meeting", &today, "--item", "7.B"]);
    assert!(
        done.contains("Approved by the governing board at its meeting of") && done.contains("agenda item 7.B"),
        "{done}"
    );
    assert_eq!(json(&db, &["req", "show", number, "--json"])["requisition"]["status"], "approved");
}

/// Invoices at receipt from the command line: a matching invoice passes, one
/// that bills more and dearer than ordered is held with each finding's kind
/// and amount in the JSON, and is approved only once both are acknowledged.
/// A requisition for ten of the scripted agency's item, ordered and
/// received: its number, and `req show --json` of it.
fn ordered_and_received(db: &std::path::Path) -> (String, serde_json::Value) {
    let item = scripted_agency(db, "50000");
    let needed = (chrono::Local::now().date_naive() + chrono::Duration::days(14)).to_string();
    let created = ok(
        db,
        &[
            "req",
            "new",
            "--department",
            "PW",
            "--requester",
            "Dana Reyes",
            "--deliver-to",
            "2 Harbor Way",
            "--needed",
            &needed,
        ],
    );
    let number = created.trim();
    ok(db, &["req", "add", number, &item, "--qty", "10", "--account", "100-210-01-5230"]);
    ok(db, &["req", "submit", number]);
    ok(db, &["req", "approve", number, "--approver", "Pat Lee"]);
    ok(db, &["req", "order", number, "--po", "PO-27-0420"]);
    ok(db, &["req", "receive", number]);
    (number.to_owned(), json(db, &["req", "show", number, "--json"]))
}

#[test]
fn invoices_are_checked_against_the_order_and_held_until_every_finding_is_answered() {
    let s = Scratch::new();
    let db = s.db();
    let (number, view) = ordered_and_received(&db);
    let number = number.as_str();
    let price = view["requisition"]["lines"][0]["unit_price"].as_i64().unwrap();
    let dollars = |cents: i64| format!("{}.{:02}", cents / 100, cents % 100);
    let today = chrono::Local::now().date_naive().to_string();

    let clean = json(
        &db,
        &[
            "req",
            "invoice",
            number,
            "--number",
            "INV-7001",
            "--date",
            &today,
            "--line",
            &format!("1:10:{}", dollars(price)),
            "--json",
        ],
    );
    assert_eq!(clean["findings"].as_array().unwrap().len(), 0, "{clean}");
    ok(&db, &["req", "invoice-approve", number, "--invoice", "INV-7001"]);

    let over = json(
        &db,
        &[
            "req",
            "invoice",
            number,
            "--number",
            "INV-7002",
            "--date",
            &today,
            "--line",
            &format!("1:2:{}", dollars(price + 100)),
            "--total",
            "1.00",
            "--json",
        ],
    );
    let found: Vec<(String, i64)> = over["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap().to_owned(), f["amount"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("over_contract_price".to_owned(), 200),
            ("over_quantity".to_owned(), 2 * (price + 100)),
            ("total_mismatch".to_owned(), 2 * (price + 100) - 100),
        ]
    );
    let refused = coopdesk(&db, &["req", "invoice-approve", number, "--invoice", "INV-7002"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("3 findings not yet resolved"), "{}", stderr(&refused));
    for finding in ["1", "2", "3"] {
        ok(
            &db,
            &[
                "req",
                "invoice-ack",
                number,
                "--invoice",
                "INV-7002",
                "--finding",
                finding,
                "--reason",
                "Credit memo CM-9 covers it",
            ],
        );
    }
    let text = ok(&db, &["req", "invoices", number]);
    assert!(text.contains("Invoice INV-7002") && text.contains("all acknowledged"), "{text}");
    ok(&db, &["req", "invoice-approve", number, "--invoice", "INV-7002"]);
    let listed = json(&db, &["req", "invoices", number, "--json"]);
    assert!(listed.as_array().unwrap().iter().all(|i| i["approved_by"] == "Dana Reyes"), "{listed}");

    // The board's report counts the order and the overcharge the check caught.
    let (csv, pdf) = (s.path("savings.csv"), s.path("board.pdf"));
    let report =
        json(&db, &["report", "savings", "--csv", csv.to_str().unwrap(), "--out", pdf.to_str().unwrap(), "--json"]);
    assert_eq!(report["requisitions"], 1, "{report}");
    assert_eq!(report["spend"].as_i64().unwrap(), 10 * price);
    assert_eq!(report["cooperative_spend"], report["spend"]);
    assert_eq!(report["overcharges_caught"], 200);
    assert_eq!(report["by_department"][0]["name"], "PW");
    let list = view["list_total"].as_i64().unwrap();
    assert_eq!(report["saving_actual"].as_i64().unwrap(), list - 10 * price, "list minus contract, from the evidence");
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(
        written.starts_with("section,name,spend,saving\n")
            && written.contains("invoice checks,overcharges caught,2.00,"),
        "{written}"
    );
    let text = ok(&db, &["report", "savings"]);
    assert!(text.contains("canceled ones are not counted") && text.contains("By cooperative:"), "{text}");
    let board = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let board = String::from_utf8_lossy(&board.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Escambia Harbor County",
        "Cooperative purchasing, FY",
        "Spend and savings by cooperative",
        "OVERCHARGES CAUGHT BY INVOICE",
        "$2.00",
        "Top contracts by use",
        "Purchasing agent",
    ] {
        assert!(board.contains(expected), "{expected:?} in the board report:\n{board}");
    }
    let empty = json(&db, &["report", "savings", "--fy", "2019", "--json"]);
    assert_eq!((empty["requisitions"].as_i64(), empty["spend"].as_i64()), (Some(0), Some(0)));
    let bad = coopdesk(&db, &["report", "savings", "--estimate", "150"]);
    assert!(!bad.status.success() && stderr(&bad).contains("percentage of the spend"), "{}", stderr(&bad));

    // Bad input says what is wrong and records nothing.
    let bad = coopdesk(&db, &["req", "invoice", number, "--number", "INV-7003", "--date", &today, "--line", "1:x:5"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("is not LINE:QTY:UNIT_PRICE"), "{}", stderr(&bad));
    assert_eq!(json(&db, &["req", "invoices", number, "--json"]).as_array().unwrap().len(), 2);
}

#[test]
fn an_invoice_is_read_from_the_vendors_file_with_a_column_the_clerk_names() {
    let s = Scratch::new();
    let db = s.db();
    let (number, view) = ordered_and_received(&db);
    let number = number.as_str();
    let line = &view["requisition"]["lines"][0];
    let (price, sku) = (line["unit_price"].as_i64().unwrap(), line["supplier_sku"].as_str().unwrap());
    let dollars = |cents: i64| format!("{}.{:02}", cents / 100, cents % 100);
    let today = chrono::Local::now().date_naive().format("%m/%d/%Y").to_string();
    let file = s.path("vendor-invoice.csv");
    std::fs::write(
        &file,
        format!(
            "Invoice No.,INV-8100\nDate,{today}\n\nPart,Description,Shipped,Each,Amount\n\
             {sku},Battery,10,{},{}\n,Fuel surcharge,,,12.00\n,,,Total,{}\n",
            dollars(price),
            dollars(10 * price),
            dollars(10 * price + 1_200)
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();

    // "Each" is no name an invoice column goes by; the amount gives the price.
    let read = json(&db, &["req", "invoice", number, "--file", file, "--json"]);
    assert_eq!(read["invoice"]["number"], "INV-8100", "{read}");
    assert_eq!(read["invoice"]["lines"][0]["unit_price"].as_i64(), Some(price));
    assert_eq!(read["findings"][0]["kind"], "not_on_order", "the surcharge: {read}");

    // Named by the clerk, under another number: ten more than the ten
    // received, and the surcharge again.
    let again = json(
        &db,
        &["req", "invoice", number, "--file", file, "--column", "unit_price=Each", "--number", "INV-8100-B", "--json"],
    );
    let found: Vec<(String, i64)> = again["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap().to_owned(), f["amount"].as_i64().unwrap()))
        .collect();
    assert_eq!(found, [("over_quantity".to_owned(), 10 * price), ("not_on_order".to_owned(), 1_200)], "{again}");
    assert_eq!(again["invoice"]["stated_total"].as_i64(), Some(10 * price + 1_200));

    let bad = s.path("bad.csv");
    std::fs::write(&bad, format!("Part,Qty,Unit Price\n{sku},ten,1.00\n")).unwrap();
    let refused = coopdesk(&db, &["req", "invoice", number, "--file", bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    let why = stderr(&refused);
    assert!(
        why.contains("row 2: the quantity 'ten' is not a whole number") && why.contains("Nothing was recorded"),
        "{why}"
    );
    let usage = coopdesk(&db, &["req", "invoice", number, "--column", "quantity=B", "--line", "1:1:1.00"]);
    assert!(!usage.status.success() && stderr(&usage).contains("--file"), "{}", stderr(&usage));
    let bad_field = coopdesk(&db, &["req", "invoice", number, "--file", file, "--column", "colour=B"]);
    assert!(stderr(&bad_field).contains("not an invoice column"), "{}", stderr(&bad_field));
    assert_eq!(json(&db, &["req", "invoices", number, "--json"]).as_array().unwrap().len(), 2);
}
