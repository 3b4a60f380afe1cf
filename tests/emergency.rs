//! An emergency scripted headless, with no network: declare, buy under an
//! authorisation number, document, print the vendor sheet and the FEMA
//! reimbursement packet, and read them back with pdftotext.

use crate::util::*;
use serde_json::Value;

fn ok(db: &std::path::Path, args: &[&str]) -> String {
    let out = coopdesk(db, args);
    assert!(out.status.success(), "coopdesk {args:?} failed: {}{}", stdout(&out), stderr(&out));
    stdout(&out)
}

fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext").arg(path).arg("-").output().unwrap();
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn an_emergency_is_run_from_the_command_line() {
    let s = Scratch::new();
    let db = s.db();
    ok(&db, &["load-sample"]);
    ok(
        &db,
        &["agency", "set", "--name", "Escambia Harbor County", "--type", "county", "--state", "FL", "--zip", "32502"],
    );
    ok(&db, &["purchasing", "operator", "Dana Reyes"]);
    let today = chrono::Local::now().date_naive();
    let later = (today + chrono::Duration::days(30)).to_string();
    let declared = ok(
        &db,
        &[
            "emergency",
            "declare",
            "--name",
            "Hurricane Delia",
            "--kind",
            "hurricane",
            "--declaration",
            "EO 26-114",
            "--declared",
            &today.to_string(),
            "--authority",
            "Board of County Commissioners",
            "--waiver-start",
            &today.to_string(),
            "--waiver-end",
            &later,
            "--approver",
            "Emergency Manager",
        ],
    );
    assert!(declared.starts_with("Declared incident 1: Hurricane Delia"), "{declared}");

    let hits: Value = serde_json::from_str(&ok(
        &db,
        &["search", "portable generator", "--eligible", "--status", "active", "--json", "--limit", "1"],
    ))
    .unwrap();
    let item = hits["hits"][0]["item_id"].as_str().unwrap();
    let created = ok(
        &db,
        &[
            "req",
            "new",
            "--emergency",
            "--department",
            "EOC",
            "--requester",
            "Dana Reyes",
            "--deliver-to",
            "EOC",
            "--needed",
            &today.to_string(),
        ],
    );
    assert!(created.contains("emergency authorization EM-EOC-"), "{created}");
    let number = created.split_whitespace().next().unwrap().to_owned();
    ok(&db, &["req", "add", &number, item, "--qty", "3", "--account", "100-525-01-5230"]);
    let shown = ok(&db, &["req", "show", &number]);
    assert!(
        shown.contains("EMERGENCY purchase under Hurricane Delia")
            && shown.contains("[MISSING] Emergency documentation missing"),
        "{shown}"
    );
    // Warnings are acknowledged as usual; the documentation gaps do not block.
    let view: Value = serde_json::from_str(&ok(&db, &["req", "show", &number, "--json"])).unwrap();
    for f in view["findings"].as_array().unwrap().iter().filter(|f| f["severity"] == "warning") {
        ok(
            &db,
            &[
                "req",
                "ack",
                &number,
                f["key"].as_str().unwrap(),
                "--note",
                "Membership form being filed after the storm",
            ],
        );
    }
    ok(&db, &["req", "submit", &number]);
    ok(&db, &["req", "approve", &number, "--approver", "Emergency Manager"]);

    ok(&db, &["emergency", "fema-number", "1", "DR-4999-FL"]);
    ok(&db, &["emergency", "add-project", "1", "PW-00123", "--title", "Emergency protective measures"]);
    ok(
        &db,
        &[
            "req",
            "docs",
            &number,
            "--need",
            "Shelter power during the outage",
            "--duration",
            "About 10 days",
            "--competition",
            "Cooperative contract, already competed",
            "--price",
            "Contract price",
            "--conflict",
            "None",
            "--project",
            "PW-00123",
        ],
    );
    let dash = ok(&db, &["emergency", "show", "1"]);
    assert!(dash.contains("Purchases: 1") && !dash.contains("Missing for"), "{dash}");
    // The incident's own history: declared, and by whom.
    assert!(dash.contains("History:") && dash.contains("incident declared by Dana Reyes"), "{dash}");

    let sheet = s.path("vendors.pdf");
    let sheet_csv = s.path("vendors.csv");
    let wrote = ok(
        &db,
        &[
            "emergency",
            "vendor-sheet",
            "--category",
            "generators",
            "--out",
            sheet.to_str().unwrap(),
            "--csv",
            sheet_csv.to_str().unwrap(),
        ],
    );
    assert!(wrote.contains("Wrote the vendor sheet"), "{wrote}");
    let text = pdf_text(&sheet);
    assert!(text.contains("Emergency vendor sheet") && text.contains("Generators") && text.contains("24h:"), "{text}");
    assert!(std::fs::read_to_string(&sheet_csv).unwrap().contains("supplier,phone,emergency_contact"));

    let packet = s.path("fema.pdf");
    let ledger = s.path("fema.csv");
    ok(
        &db,
        &["emergency", "fema-packet", "1", "--out", packet.to_str().unwrap(), "--ledger", ledger.to_str().unwrap()],
    );
    let text = pdf_text(&packet);
    for want in [
        "FEMA Public Assistance",
        "DR-4999-FL",
        "PW-00123",
        number.as_str(),
        "complete",
        "Shelter power during the outage",
    ] {
        assert!(text.contains(want), "{want:?} missing from the FEMA packet:\n{text}");
    }
    assert!(std::fs::read_to_string(&ledger).unwrap().contains(&format!("{number},Approved")));
    ok(&db, &["emergency", "close", "1"]);
    assert!(ok(&db, &["req", "verify-history"]).contains("History verified"));
}
