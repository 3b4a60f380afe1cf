//! The office on a real PostgreSQL server with several coopdesk instances,
//! each with its own SQLite file and key, run as their people run them:
//! an administrator creates the office, a clerk, a department head and a
//! purchasing agent join from their own laptops and are admitted, and every
//! laptop converges on the same roster and history head. The server is not
//! trusted: rows edited, deleted, forged or restored from an older dump
//! are each named by every laptop and never applied.

use crate::postgres::{Postgres, APP_PASSWORD, OWNER_PASSWORD};
use crate::util::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// One person's coopdesk: their database (and, beside it, their key).
pub struct Laptop {
    _scratch: Scratch,
    pub db: PathBuf,
    pub passphrase: String,
    password: &'static str,
    /// More environment for each run (a keyring's session bus).
    pub env: Vec<(String, String)>,
}

impl Laptop {
    pub fn new(who: &str, password: &'static str) -> Laptop {
        let scratch = Scratch::new();
        let db = scratch.db();
        Laptop { _scratch: scratch, db, passphrase: format!("{who} passphrase, long enough"), password, env: vec![] }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("COOPDESK_DB")
            .env("COOPDESK_KEY_PASSPHRASE", &self.passphrase)
            .env("PGPASSWORD", self.password)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}{}", stdout(&out), stderr(&out));
        stdout(&out)
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    pub fn status(&self) -> Value {
        self.json(&["office", "status"])
    }
}

/// An office of four: Alex (administrator, created it), Casey (clerk,
/// requester), Pat (department head, approver to $5,000 for Public Works, PW)
/// and Jordan (purchasing), each admitted by Alex.
pub struct Office {
    pub pg: Postgres,
    pub admin: Laptop,
    pub clerk: Laptop,
    pub head: Laptop,
    pub buyer: Laptop,
}

impl Office {
    fn laptops(&self) -> [&Laptop; 4] {
        [&self.admin, &self.clerk, &self.head, &self.buyer]
    }
}

/// A PostgreSQL server and Alex's laptop, which created the office on it.
pub fn founded() -> (Postgres, Laptop) {
    let pg = Postgres::start();
    let admin = Laptop::new("alex", OWNER_PASSWORD);
    let created = admin.ok(&[
        "office",
        "init",
        "--url",
        &pg.url("coopdesk_owner"),
        "--office",
        "Harbor County Purchasing",
        "--name",
        "Alex Admin",
    ]);
    assert!(created.contains("Created the office 'Harbor County Purchasing'"), "{created}");
    (pg, admin)
}

pub fn office() -> Office {
    let (pg, admin) = founded();
    let admin_fp = admin.status()["fingerprint"].as_str().unwrap().to_owned();

    let mut joined = Vec::new();
    for (who, name) in [("casey", "Casey Clerk"), ("pat", "Pat Lee"), ("jordan", "Jordan Buyer")] {
        let laptop = Laptop::new(who, APP_PASSWORD);
        let status = laptop.json(&["office", "join", "--url", &pg.url("coopdesk_app"), "--name", name]);
        assert_eq!(status["founder"], admin_fp.as_str(), "the founder to compare is the administrator");
        assert!(status["me"].is_null(), "not admitted yet");
        joined.push((laptop, status["fingerprint"].as_str().unwrap().to_owned()));
    }
    let [(clerk, clerk_fp), (head, head_fp), (buyer, buyer_fp)] = <[_; 3]>::try_from(joined).ok().unwrap();
    let admitted = admin.ok(&["office", "admit", &clerk_fp, "--role", "requester", "--title", "Account clerk"]);
    assert!(admitted.contains("reached the office server"), "{admitted}");
    admin.ok(&[
        "office",
        "admit",
        &head_fp.to_lowercase().replace('-', " "),
        "--role",
        "approver",
        "--limit",
        "5000",
        "--department",
        "PW",
        "--title",
        "Director of Public Works",
    ]);
    admin.ok(&["office", "admit", &buyer_fp, "--role", "purchasing", "--title", "Purchasing agent"]);
    let office = Office { pg, admin, clerk, head, buyer };
    for l in office.laptops() {
        l.ok(&["office", "sync"]);
    }
    office
}

#[test]
fn people_join_from_their_own_laptops_are_admitted_and_every_laptop_agrees() {
    let o = office();
    let heads: Vec<Value> = o.laptops().iter().map(|l| l.status()["head"].clone()).collect();
    assert!(heads.iter().all(|h| h == &heads[0] && h.as_str().unwrap().len() == 64), "{heads:?}");
    for l in o.laptops() {
        let status = l.status();
        assert_eq!((status["waiting"].as_u64(), status["events"].as_u64()), (Some(0), Some(4)));
        assert!(status["problem"].is_null() && status["refused"].as_array().unwrap().is_empty(), "{status}");
    }
    let me = &o.head.status()["me"]["person"];
    assert_eq!((me["name"].as_str(), me["approval_limit"].as_i64()), (Some("Pat Lee"), Some(500_000)));
    assert_eq!(me["departments"], serde_json::json!(["PW"]));

    let people = o.clerk.ok(&["office", "people"]);
    for line in [
        "Alex Admin: administrator",
        "Casey Clerk, Account clerk: requester",
        "Pat Lee, Director of Public Works: approver, up to $5,000.00, for PW",
        "Jordan Buyer, Purchasing agent: purchasing",
    ] {
        assert!(people.contains(line), "{line}\n{people}");
    }

    // Only an administrator changes the roster.
    let clerk_fp = o.clerk.status()["fingerprint"].as_str().unwrap().to_owned();
    let refused = o.clerk.run(&["office", "admit", &clerk_fp, "--role", "administrator"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused)
            .contains("The office would refuse that: it changes the roster, but Casey Clerk is not an administrator."),
        "{}",
        stderr(&refused)
    );

    // The laptops' role may read and append, nothing else; and even the
    // owner's edits are refused by the server's own trigger.
    let denied = o.pg.role_sql("coopdesk_app", APP_PASSWORD, "DELETE FROM coopdesk_events");
    assert!(String::from_utf8_lossy(&denied.stderr).contains("permission denied"), "{denied:?}");
    let trigger = o.pg.role_sql("coopdesk_owner", OWNER_PASSWORD, "UPDATE coopdesk_events SET author = 'x'");
    assert!(String::from_utf8_lossy(&trigger.stderr).contains("append-only"), "{trigger:?}");

    // A removal reaches everyone.
    let buyer_fp = o.buyer.status()["fingerprint"].as_str().unwrap().to_owned();
    o.admin.ok(&["office", "remove", &buyer_fp]);
    o.buyer.ok(&["office", "sync"]);
    assert_eq!(o.buyer.status()["me"]["person"]["active"], false);
    assert!(o.buyer.ok(&["office", "status"]).contains("Jordan Buyer (removed)"));
}

#[test]
fn a_change_made_with_the_server_down_waits_and_goes_when_it_is_back() {
    let o = office();
    o.pg.stop_server();
    let head_fp = o.head.status()["fingerprint"].as_str().unwrap().to_owned();
    let waits = o.admin.ok(&["office", "admit", &head_fp, "--role", "approver", "--limit", "25000"]);
    assert!(waits.contains("signed and waits: 1 changes will be sent"), "{waits}");
    let status = o.admin.ok(&["office", "status"]);
    assert!(status.contains("Changes waiting to send: 1"), "{status}");
    let offline = o.head.run(&["office", "sync"]);
    assert_eq!(offline.status.code(), Some(1));
    assert!(stderr(&offline).contains("The office server could not be reached"), "{}", stderr(&offline));

    o.pg.start_server();
    let sent = o.admin.ok(&["office", "sync"]);
    assert!(sent.starts_with("Sent 1 changes, received 1."), "{sent}");
    o.head.ok(&["office", "sync"]);
    assert_eq!(o.head.status()["me"]["person"]["approval_limit"], 2_500_000);
    assert_eq!(o.head.status()["head"], o.admin.status()["head"]);
}

/// Runs SQL on the server as its superuser with the append-only triggers
/// off, as someone with full access to the server could.
fn tamper(pg: &Postgres, sql: &str) {
    pg.superuser_sql(
        "office",
        &format!(
            "ALTER TABLE coopdesk_events DISABLE TRIGGER USER; {sql}; ALTER TABLE coopdesk_events ENABLE TRIGGER USER;"
        ),
    );
}

fn verify_fails_saying(laptop: &Laptop, want: &str) {
    let out = laptop.run(&["office", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(text.contains(want), "{want}:\n{text}");
}

#[test]
fn rows_edited_deleted_or_forged_on_the_server_are_named_by_every_laptop_and_never_applied() {
    let o = office();
    for l in o.laptops() {
        l.ok(&["office", "verify"]);
    }
    let clerk_row = o.pg.superuser_sql(
        "office",
        "SELECT seq FROM coopdesk_events WHERE envelope LIKE '%Casey Clerk%' ORDER BY seq LIMIT 1",
    );

    // An administrator of the server edits the clerk's admission.
    tamper(&o.pg, &format!("UPDATE coopdesk_events SET envelope = replace(envelope, 'requester', 'administrator') WHERE seq = {clerk_row}"));
    for l in o.laptops() {
        verify_fails_saying(l, &format!("#{clerk_row}: event"));
        verify_fails_saying(l, "was altered");
    }
    let clerk = o.clerk.status();
    assert_eq!(clerk["me"]["person"]["roles"], serde_json::json!(["requester"]), "never applied");
    tamper(&o.pg, &format!("UPDATE coopdesk_events SET envelope = replace(envelope, 'administrator\"],\"approval', 'requester\"],\"approval') WHERE seq = {clerk_row}"));

    // A forged event at the end: the clerk made an administrator, signed by
    // no one the office knows.
    let last: i64 = o.pg.superuser_sql("office", "SELECT max(seq) FROM coopdesk_events").parse().unwrap();
    tamper(
        &o.pg,
        &format!(
            "INSERT INTO coopdesk_events (office, id, device, device_seq, author, envelope, signature)
             SELECT office, md5(id) || md5(id), device, device_seq + 100, author,
                    replace(envelope, 'Jordan Buyer', 'Jordan Boss'), signature
             FROM coopdesk_events WHERE seq = {last}"
        ),
    );
    let forged: i64 = o.pg.superuser_sql("office", "SELECT max(seq) FROM coopdesk_events").parse().unwrap();
    assert!(forged > last);
    for l in o.laptops() {
        let sync = l.ok(&["office", "sync"]);
        assert!(sync.contains("Refused: event") && sync.contains("was altered"), "{sync}");
        let people = l.ok(&["office", "people"]);
        assert!(!people.contains("Jordan Boss"), "{people}");
        let status = l.ok(&["office", "status"]);
        assert!(status.contains(&format!("Refused #{forged}: event")), "{status}");
        verify_fails_saying(l, "was altered");
    }

    // The last row deleted: the history this laptop holds is gone from the server.
    let end: i64 = o.pg.superuser_sql("office", "SELECT max(seq) FROM coopdesk_events").parse().unwrap();
    tamper(&o.pg, &format!("DELETE FROM coopdesk_events WHERE seq = {end}"));
    for l in o.laptops() {
        let out = l.run(&["office", "sync"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains(&format!("event number {end} that this laptop received is gone")),
            "{}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("Nothing from the server was applied"), "{}", stderr(&out));
        assert!(l.ok(&["office", "status"]).contains("Problem: event number"));
    }
}

#[test]
fn a_server_restored_from_an_older_dump_is_detected() {
    let o = office();
    let dump = o.pg.path("before-removal.dump");
    o.pg.dump(&dump);
    let buyer_fp = o.buyer.status()["fingerprint"].as_str().unwrap().to_owned();
    o.admin.ok(&["office", "remove", &buyer_fp]);
    for l in o.laptops() {
        l.ok(&["office", "sync"]);
    }
    o.pg.restore(&dump);
    for l in o.laptops() {
        let out = l.run(&["office", "sync"]);
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("restored from an older copy"), "{err}");
        verify_fails_saying(l, "gone from the server");
    }
    // The removal stands on every laptop: nothing of the old copy was applied.
    assert_eq!(
        o.clerk
            .json(&["office", "people"])
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["person"]["active"] == false)
            .count(),
        1
    );
}

#[test]
fn a_removed_administrators_later_changes_are_refused_everywhere() {
    let o = office();
    // Pat is made a second administrator, then removed while their laptop
    // is offline; it still admits someone with its old rights.
    let head_fp = o.head.status()["fingerprint"].as_str().unwrap().to_owned();
    o.admin.ok(&["office", "admit", &head_fp, "--role", "administrator", "--role", "approver", "--limit", "5000"]);
    o.head.ok(&["office", "sync"]);
    o.admin.ok(&["office", "remove", &head_fp]);
    let clerk_fp = o.clerk.status()["fingerprint"].as_str().unwrap().to_owned();
    let sneaky = o.head.ok(&["office", "admit", &clerk_fp, "--role", "administrator"]);
    assert!(sneaky.contains("reached the office server"), "{sneaky}");
    for l in o.laptops() {
        l.ok(&["office", "sync"]);
        let status = l.status();
        let refused = status["refused"].as_array().unwrap();
        assert!(refused.iter().any(|r| r.as_str().unwrap().contains("signed by Pat Lee, who was removed")), "{status}");
        let clerk = l
            .json(&["office", "people"])
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["fingerprint"] == clerk_fp.as_str())
            .unwrap()
            .clone();
        assert_eq!(clerk["person"]["roles"], serde_json::json!(["requester"]));
    }
    let heads: Vec<Value> = o.laptops().iter().map(|l| l.status()["head"].clone()).collect();
    assert!(heads.iter().all(|h| h == &heads[0]), "the refused event is in everyone's history alike: {heads:?}");
}

#[test]
fn waiting_changes_travel_on_a_file_to_a_laptop_that_can_reach_the_server() {
    let o = office();
    o.pg.stop_server();
    let head_fp = o.head.status()["fingerprint"].as_str().unwrap().to_owned();
    o.admin.ok(&["office", "admit", &head_fp, "--role", "approver", "--limit", "7500", "--title", "Director"]);
    let stick = o.pg.path("usb-stick.json");
    let wrote = o.admin.ok(&["office", "export-events", stick.to_str().unwrap()]);
    assert!(wrote.starts_with("Wrote 1 waiting changes"), "{wrote}");

    // A copy with a byte changed on the way is refused, and nothing taken.
    let tampered = o.pg.path("tampered.json");
    std::fs::write(
        &tampered,
        std::fs::read_to_string(&stick).unwrap().replace("7500", "9500").replace("750000", "950000"),
    )
    .unwrap();
    let refused = o.clerk.run(&["office", "import-events", tampered.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stdout(&refused).contains("Refused: event") && stdout(&refused).contains("was altered"),
        "{}",
        stdout(&refused)
    );
    assert_eq!(o.clerk.status()["waiting"], 0);

    let took = o.clerk.ok(&["office", "import-events", stick.to_str().unwrap()]);
    assert!(took.starts_with("Took 1 changes to send on (0 already here)"), "{took}");
    let again = o.clerk.ok(&["office", "import-events", stick.to_str().unwrap()]);
    assert!(again.starts_with("Took 0 changes to send on (1 already here)"), "{again}");

    // The clerk's laptop reaches the server first and sends it on.
    o.pg.start_server();
    let sent = o.clerk.ok(&["office", "sync"]);
    assert!(sent.starts_with("Sent 1 changes, received 1."), "{sent}");
    for l in o.laptops() {
        l.ok(&["office", "sync"]);
        assert_eq!(l.status()["waiting"], 0);
    }
    assert_eq!(o.head.status()["me"]["person"]["approval_limit"], 750_000);
    let heads: Vec<Value> = o.laptops().iter().map(|l| l.status()["head"].clone()).collect();
    assert!(heads.iter().all(|h| h == &heads[0]), "{heads:?}");
}

/// The clerk's catalog, agency and a submitted requisition of `qty` UPS
/// batteries for Public Works, drafted on the clerk's own laptop; returns
/// its number and its total in cents.
pub fn submitted_requisition(clerk: &Laptop, qty: u32) -> (String, i64) {
    if clerk.json(&["status"])["items"] == 0 {
        clerk.ok(&["load-sample"]);
        clerk.ok(&[
            "agency",
            "set",
            "--name",
            "Escambia Harbor County",
            "--type",
            "county",
            "--state",
            "FL",
            "--zip",
            "32502",
        ]);
    }
    let hits = clerk.json(&["search", "ups battery", "--eligible", "--limit", "1"]);
    let hit = &hits["hits"][0];
    let contract = clerk.json(&["contract", hit["contract_id"].as_str().unwrap()]);
    clerk.ok(&["agency", "add-membership", contract["cooperative"]["id"].as_str().unwrap(), "--signed", "2024-07-01"]);
    let needed = (chrono::Local::now().date_naive() + chrono::Duration::days(14)).to_string();
    let number = clerk
        .ok(&[
            "req",
            "new",
            "--department",
            "PW",
            "--requester",
            "Casey Clerk",
            "--phone",
            "850-555-0142",
            "--deliver-to",
            "911 Centre, 2 Harbor Way",
            "--needed",
            &needed,
            "--purpose",
            "Replace the 911 centre's UPS batteries",
            "--by",
            "Casey Clerk",
        ])
        .trim()
        .to_owned();
    let qty = qty.to_string();
    clerk.ok(&[
        "req",
        "add",
        &number,
        hit["item_id"].as_str().unwrap(),
        "--qty",
        &qty,
        "--account",
        "100-210-01-5230",
        "--by",
        "Casey Clerk",
    ]);
    // A warning (no approver on the roster may approve this much) is
    // acknowledged, as a clerk would before the board takes it up.
    for f in clerk.json(&["req", "show", &number])["findings"].as_array().unwrap().clone() {
        if f["severity"] == "warning" {
            let note = "For the board's next meeting";
            clerk.ok(&["req", "ack", &number, f["key"].as_str().unwrap(), "--note", note, "--by", "Casey Clerk"]);
        }
    }
    clerk.ok(&["req", "submit", &number, "--by", "Casey Clerk"]);
    let view = clerk.json(&["req", "show", &number]);
    (number, view["requisition"]["lines"][0]["unit_price"].as_i64().unwrap() * qty.parse::<i64>().unwrap())
}

fn history_actions(laptop: &Laptop, number: &str) -> Vec<(String, String)> {
    laptop.json(&["req", "show", number])["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_owned(), e["actor"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn a_requisition_shared_offline_is_approved_by_its_department_head_on_their_own_laptop_and_ordered() {
    let o = office();
    let (number, total) = submitted_requisition(&o.clerk, 10);
    assert!(total < 500_000, "within the head's limit: {total}");

    // Drafted and shared with the server down: it waits, then goes.
    o.pg.stop_server();
    let waits = o.clerk.ok(&["office", "share", &number]);
    assert!(waits.contains("signed and waits: 1 changes"), "{waits}");
    o.pg.start_server();
    o.clerk.ok(&["office", "sync"]);

    // Under an office the old "approve as someone else" path is gone.
    let as_someone = o.clerk.run(&["req", "approve", &number, "--approver", "Pat Lee"]);
    assert_eq!(as_someone.status.code(), Some(1));
    assert!(stderr(&as_someone).contains("The office would refuse that"), "{}", stderr(&as_someone));
    assert!(stderr(&as_someone).contains("is not an approver"), "{}", stderr(&as_someone));

    o.head.ok(&["office", "sync"]);
    let inbox = o.head.ok(&["office", "inbox"]);
    assert!(inbox.starts_with(&format!("{number} from Casey Clerk (PW): ")) && inbox.contains("submitted"), "{inbox}");
    assert!(
        o.buyer.ok(&["office", "inbox"]).contains("Nothing waits for your approval"),
        "purchasing approves nothing"
    );

    let approved = o.head.ok(&["req", "approve", &number]);
    assert_eq!(approved.trim(), format!("{number} approved by Pat Lee, signed, and sent to the office."));
    assert!(o.head.ok(&["office", "inbox"]).contains("Nothing waits for your approval"));

    // The requester's own laptop takes the signed approval into the requisition.
    o.clerk.ok(&["office", "sync"]);
    let req = o.clerk.json(&["req", "show", &number]);
    assert_eq!(
        (req["requisition"]["status"].as_str(), req["requisition"]["approved_by"].as_str()),
        (Some("approved"), Some("Pat Lee"))
    );
    let last = req["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["actor"].as_str()), (Some("approved"), Some("Pat Lee")));
    let head_fp = o.head.status()["fingerprint"].as_str().unwrap().to_owned();
    assert_eq!(last["detail"]["signed_in_coopdesk"], head_fp.as_str());
    assert_eq!(last["detail"]["title"], "Director of Public Works");
    o.clerk.ok(&["req", "verify-history"]);

    // The packet prints the signed approval beside the wet-signature line.
    let pdf = o.pg.path("packet.pdf");
    o.clerk.ok(&["packet", &number, "--out", pdf.to_str().unwrap(), "--by", "Casey Clerk"]);
    let text = Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Pat Lee, Director of Public Works"), "{text}");
    let words: Vec<&str> = text.split_whitespace().collect();
    let signed = words.windows(6).any(|w| w[..4] == ["Signed", "in", "coopdesk", "on"] && w[5] == "key")
        && words.contains(&head_fp.as_str());
    assert!(signed, "the signed approval, its day and the whole key: {text}");

    // Purchasing issues the PO on their own laptop; the number is the office's.
    o.buyer.ok(&["office", "sync"]);
    o.buyer.ok(&["office", "order", &number, "--po", "PO-27-0101"]);
    o.clerk.ok(&["office", "sync"]);
    let req = o.clerk.json(&["req", "show", &number]);
    assert_eq!(
        (req["requisition"]["status"].as_str(), req["requisition"]["po_number"].as_str()),
        (Some("ordered"), Some("PO-27-0101"))
    );
    assert_eq!(
        history_actions(&o.clerk, &number).into_iter().rev().take(4).collect::<Vec<_>>(),
        [
            ("ordered".to_owned(), "Jordan Buyer".to_owned()),
            ("packet_printed".to_owned(), "Casey Clerk".to_owned()),
            ("approved".to_owned(), "Pat Lee".to_owned()),
            ("submitted".to_owned(), "Casey Clerk".to_owned())
        ]
    );

    // A second requisition: above the head's limit, refused; approved by
    // the administrator made an approver; its PO may not repeat the first.
    let admin_fp = o.admin.status()["fingerprint"].as_str().unwrap().to_owned();
    o.admin.ok(&["office", "admit", &admin_fp, "--role", "administrator", "--role", "approver", "--limit", "25000"]);
    o.clerk.ok(&["office", "sync"]);
    let (big, big_total) = submitted_requisition(&o.clerk, 50);
    assert!(big_total > 500_000, "{big_total}");
    o.clerk.ok(&["office", "share", &big]);
    o.head.ok(&["office", "sync"]);
    assert!(o.head.ok(&["office", "inbox"]).contains("Nothing waits for your approval"), "above the head's limit");
    let over = o.head.run(&["req", "approve", &big]);
    assert_eq!(over.status.code(), Some(1));
    assert!(stderr(&over).contains("above their limit of $5,000.00"), "{}", stderr(&over));
    let unseen = o.admin.run(&["office", "approve", &big]);
    assert!(stderr(&unseen).contains("sync with the office to take in new ones"), "{}", stderr(&unseen));
    o.admin.ok(&["office", "sync"]);
    o.admin.ok(&["office", "approve", &big]);
    o.buyer.ok(&["office", "sync"]);
    let again = o.buyer.run(&["office", "order", &big, "--po", "po-27-0101"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("a number the office has already issued"), "{}", stderr(&again));
    o.buyer.ok(&["office", "order", &big, "--po", "PO-27-0102"]);

    for l in o.laptops() {
        l.ok(&["office", "sync"]);
        let s = l.status();
        assert!(s["refused"].as_array().unwrap().is_empty(), "{s}");
    }
    let heads: Vec<Value> = o.laptops().iter().map(|l| l.status()["head"].clone()).collect();
    assert!(heads.iter().all(|h| h == &heads[0]), "{heads:?}");
    let shared = o.head.json(&["office", "inbox"])["shared"].clone();
    assert_eq!(shared.as_array().unwrap().len(), 2);
    assert!(shared.as_array().unwrap().iter().all(|s| s["status"] == "ordered"), "{shared}");
}

#[test]
fn an_approval_of_a_version_changed_afterwards_is_superseded_on_every_laptop() {
    let o = office();
    let (number, _) = submitted_requisition(&o.clerk, 10);
    o.clerk.ok(&["office", "share", &number]);
    o.head.ok(&["office", "sync"]);

    // The clerk changes it and shares the new version before the head's
    // laptop hears of it; the head then approves the version they saw.
    o.clerk.ok(&["req", "return", &number, "--reason", "Two more for the backup site", "--by", "Casey Clerk"]);
    o.clerk.ok(&["req", "line", &number, "1", "--qty", "12", "--by", "Casey Clerk"]);
    o.clerk.ok(&["req", "submit", &number, "--by", "Casey Clerk"]);
    o.clerk.ok(&["office", "share", &number]);
    let approved = o.head.ok(&["req", "approve", &number]);
    assert!(approved.contains("approved by Pat Lee, signed"), "{approved}");

    for l in o.laptops() {
        l.ok(&["office", "sync"]);
        let refused = l.status()["refused"].clone();
        assert!(
            refused.as_array().unwrap().iter().any(|r| r.as_str().unwrap().contains("decision on an earlier version")
                && r.as_str().unwrap().contains("superseded")),
            "{refused}"
        );
        let shared = &l.json(&["office", "inbox"])["shared"][0];
        assert_eq!(
            (shared["status"].as_str(), shared["approved_by"].as_array().unwrap().len()),
            (Some("submitted"), 0)
        );
    }
    let req = o.clerk.json(&["req", "show", &number]);
    assert_eq!(req["requisition"]["status"], "submitted", "the new version still needs approval");
    assert!(o.head.ok(&["office", "inbox"]).contains(&number), "it waits for the head again");
    o.head.ok(&["req", "approve", &number]);
    o.clerk.ok(&["office", "sync"]);
    assert_eq!(o.clerk.json(&["req", "show", &number])["requisition"]["status"], "approved");
}

/// Makes every insert into the event table wait `seconds` inside its
/// transaction, so that a push can be interrupted in the middle.
fn slow_pushes(pg: &Postgres, seconds: f64) {
    pg.superuser_sql(
        "office",
        &format!(
            "CREATE OR REPLACE FUNCTION test_slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN PERFORM pg_sleep({seconds}); RETURN NEW; END $$;
             DROP TRIGGER IF EXISTS test_slow ON coopdesk_events;
             CREATE TRIGGER test_slow BEFORE INSERT ON coopdesk_events FOR EACH ROW EXECUTE FUNCTION test_slow_insert();"
        ),
    );
}

fn events_on_server(pg: &Postgres) -> i64 {
    pg.superuser_sql("office", "SELECT count(*) FROM coopdesk_events").parse().unwrap()
}

/// Waits until the server is inside a push (an insert sleeping in the
/// trigger), so an interruption lands mid-push and not before or after it.
fn wait_for_push_in_progress(pg: &Postgres) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let sleeping = pg.superuser_sql(
            "office",
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'INSERT INTO coopdesk_events%' AND wait_event = 'PgSleep'",
        );
        if sleeping != "0" {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "no push reached the server");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn a_push_cut_by_killing_the_laptop_or_stopping_the_server_loses_nothing_and_applies_nothing_twice() {
    let o = office();
    let before = events_on_server(&o.pg);
    let clerk_fp = o.clerk.status()["fingerprint"].as_str().unwrap().to_owned();
    let head_fp = o.head.status()["fingerprint"].as_str().unwrap().to_owned();

    // Two roster changes made offline, then a push killed with SIGKILL
    // while the server is inside it.
    o.pg.stop_server();
    o.admin.ok(&["office", "admit", &clerk_fp, "--role", "requester", "--title", "Senior account clerk"]);
    o.admin.ok(&["office", "admit", &head_fp, "--role", "approver", "--limit", "6000", "--department", "PW"]);
    assert_eq!(o.admin.status()["waiting"], 2);
    o.pg.start_server();
    slow_pushes(&o.pg, 2.0);
    let mut push = std::process::Command::new(BIN)
        .args(["--db", o.admin.db.to_str().unwrap(), "office", "sync"])
        .env("PGPASSWORD", OWNER_PASSWORD)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for_push_in_progress(&o.pg);
    push.kill().unwrap();
    push.wait().unwrap();
    // The server rolls the dead connection's transaction back.
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(events_on_server(&o.pg), before, "nothing of a push that did not finish");
    assert_eq!(o.admin.status()["waiting"], 2, "nothing lost on the laptop");

    // The server stopped in the middle of the next push.
    let push = std::process::Command::new(BIN)
        .args(["--db", o.admin.db.to_str().unwrap(), "office", "sync"])
        .env("PGPASSWORD", OWNER_PASSWORD)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_push_in_progress(&o.pg);
    o.pg.stop_server();
    let out = push.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("could not be reached"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    o.pg.start_server();
    assert_eq!(events_on_server(&o.pg), before);
    assert_eq!(o.admin.status()["waiting"], 2);

    // Once more, uninterrupted: each change arrives exactly once.
    o.pg.superuser_sql("office", "DROP TRIGGER test_slow ON coopdesk_events");
    let sent = o.admin.ok(&["office", "sync"]);
    assert!(sent.starts_with("Sent 2 changes, received 2."), "{sent}");
    assert_eq!(events_on_server(&o.pg), before + 2);
    let again = o.admin.ok(&["office", "sync"]);
    assert!(again.starts_with("Sent 0 changes, received 0."), "{again}");
    for l in o.laptops() {
        l.ok(&["office", "sync"]);
        l.ok(&["office", "verify"]);
    }
    assert_eq!(o.head.status()["me"]["person"]["approval_limit"], 600_000);
    let heads: Vec<Value> = o.laptops().iter().map(|l| l.status()["head"].clone()).collect();
    assert!(heads.iter().all(|h| h == &heads[0]), "{heads:?}");
}

#[test]
fn laptops_reach_the_office_over_tls_and_refuse_a_server_whose_certificate_they_cannot_check() {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
    let o = office();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name.push(DnType::CommonName, "Harbor County IT CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    o.pg.require_tls(&format!("{}{}", server.pem(), ca.pem()), &server_key.serialize_pem());
    let ca_file = o.pg.path("county-ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();

    // Only TLS is accepted now: the plain address is turned away.
    let plain = Laptop::new("riley", APP_PASSWORD);
    let refused = plain.run(&["office", "join", "--url", &o.pg.url("coopdesk_app"), "--name", "Riley Plain"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("could not be reached"), "{}", stderr(&refused));

    // Over TLS without the county's authority: the certificate is refused.
    let untrusted = plain.run(&["office", "join", "--url", &o.pg.tls_url("coopdesk_app"), "--name", "Riley Plain"]);
    assert_eq!(untrusted.status.code(), Some(1));
    assert!(
        stderr(&untrusted).contains(
            "The office server was refused: 127.0.0.1's certificate is not from an authority this computer trusts"
        ),
        "{}",
        stderr(&untrusted)
    );

    // With it, joining and syncing work, over TLS only.
    let joined = Command::new(BIN)
        .args([
            "--db",
            plain.db.to_str().unwrap(),
            "office",
            "join",
            "--url",
            &o.pg.tls_url("coopdesk_app"),
            "--name",
            "Riley Tls",
            "--json",
        ])
        .env("COOPDESK_KEY_PASSPHRASE", &plain.passphrase)
        .env("PGPASSWORD", APP_PASSWORD)
        .env("COOPDESK_EXTRA_CA", &ca_file)
        .output()
        .unwrap();
    assert!(joined.status.success(), "{}", stderr(&joined));
    let status: Value = serde_json::from_slice(&joined.stdout).unwrap();
    assert_eq!(status["events"], o.admin.status()["events"], "the whole history came over TLS");
    let requests = o.pg.superuser_sql("office", "SELECT name FROM coopdesk_join_requests WHERE name = 'Riley Tls'");
    assert_eq!(requests, "Riley Tls");
}

#[test]
fn a_purchase_above_every_approvers_limit_is_approved_by_the_board_and_recorded_as_such() {
    let o = office();
    let (number, total) = submitted_requisition(&o.clerk, 50);
    assert!(total > 500_000, "above every approver's limit: {total}");
    o.clerk.ok(&["office", "share", &number]);
    for l in [&o.head, &o.buyer, &o.admin] {
        l.ok(&["office", "sync"]);
    }
    let over = o.head.run(&["req", "approve", &number]);
    assert!(stderr(&over).contains("above their limit"), "{}", stderr(&over));

    // The requester may not record it; a meeting yet to happen is refused.
    let own = o.clerk.run(&["office", "board-approve", &number, "--meeting", "2026-11-20", "--item", "7B"]);
    assert!(stderr(&own).contains("may not"), "{}", stderr(&own));
    let future = o.buyer.run(&["office", "board-approve", &number, "--meeting", "2099-01-01", "--item", "7B"]);
    assert!(stderr(&future).contains("which has not happened"), "{}", stderr(&future));

    o.buyer.ok(&["office", "board-approve", &number, "--meeting", "2026-11-20", "--item", "7B"]);
    o.clerk.ok(&["office", "sync"]);
    let req = o.clerk.json(&["req", "show", &number]);
    assert_eq!(req["requisition"]["status"], "approved");
    assert_eq!(req["requisition"]["approved_by"], "The board (meeting of 2026-11-20, item 7B)");
    let last = req["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["actor"].as_str(), last["detail"]["recorded_by"].as_str()),
        (Some("Jordan Buyer"), Some("Jordan Buyer"))
    );
    assert_eq!(last["detail"]["agenda_item"], "7B");
    o.buyer.ok(&["office", "order", &number, "--po", "PO-27-0200"]);
    for l in o.laptops() {
        l.ok(&["office", "sync"]);
        assert!(l.status()["refused"].as_array().unwrap().is_empty());
    }
    assert_eq!(o.clerk.json(&["req", "show", &number])["requisition"]["status"], "ordered");
}

#[test]
fn finance_gives_a_second_approval_when_the_rules_ask_and_receipts_and_cancellations_reach_every_laptop() {
    let o = office();
    let finance = Laptop::new("morgan", APP_PASSWORD);
    let joined = finance.json(&["office", "join", "--url", &o.pg.url("coopdesk_app"), "--name", "Morgan Finance"]);
    let finance_fp = joined["fingerprint"].as_str().unwrap().to_owned();
    o.admin.ok(&["office", "admit", &finance_fp, "--role", "finance", "--title", "Finance director"]);
    let ruled = o.clerk.run(&["office", "rules", "--finance-from", "1000"]);
    assert!(stderr(&ruled).contains("not an administrator"), "only administrators set rules: {}", stderr(&ruled));
    o.admin.ok(&["office", "rules", "--finance-from", "1000"]);

    let (number, total) = submitted_requisition(&o.clerk, 10);
    assert!((100_000..=500_000).contains(&total), "within the head's limit, above finance's threshold: {total}");
    o.clerk.ok(&["office", "share", &number]);
    o.head.ok(&["office", "sync"]);
    o.head.ok(&["req", "approve", &number]);
    for l in [&o.buyer, &finance] {
        l.ok(&["office", "sync"]);
    }

    // Purchasing may not order before finance approves; the approver may not
    // give finance's approval too.
    let early = o.buyer.run(&["office", "order", &number, "--po", "PO-27-0300"]);
    assert!(stderr(&early).contains("before finance approved it"), "{}", stderr(&early));
    let head_again = o.head.run(&["office", "finance-approve", &number]);
    assert!(stderr(&head_again).contains("is not finance"), "{}", stderr(&head_again));
    let inbox = finance.json(&["office", "inbox"]);
    assert_eq!(inbox["waiting_for_finance"][0]["number"], number.as_str());
    assert!(o.buyer.json(&["office", "inbox"])["ready_to_order"].as_array().unwrap().is_empty());

    finance.ok(&["office", "finance-approve", &number]);
    o.buyer.ok(&["office", "sync"]);
    assert_eq!(o.buyer.json(&["office", "inbox"])["ready_to_order"][0]["number"], number.as_str());
    o.buyer.ok(&["office", "order", &number, "--po", "PO-27-0300"]);
    o.clerk.ok(&["office", "sync"]);
    let actions = history_actions(&o.clerk, &number);
    assert!(actions.contains(&("finance_approved".to_owned(), "Morgan Finance".to_owned())), "{actions:?}");

    // Goods received are recorded through the office, so everyone sees them:
    // part by the clerk, the rest by purchasing; more than ordered is refused.
    let local = o.clerk.run(&["req", "receive", &number, "1:4", "--by", "Casey Clerk"]);
    assert!(stderr(&local).contains("shared with the office"), "{}", stderr(&local));
    o.clerk.ok(&["office", "receive", &number, "--line", "1:4"]);
    o.buyer.ok(&["office", "sync"]);
    let too_many = o.buyer.run(&["office", "receive", &number, "--line", "1:7"]);
    assert!(stderr(&too_many).contains("line 1 has 6 to receive, not 7"), "{}", stderr(&too_many));
    let shared = o.buyer.json(&["office", "inbox", "--all"])["shared"][0].clone();
    assert_eq!(
        (shared["status"].as_str(), shared["outstanding"][0][1].as_u64()),
        (Some("partially_received"), Some(6))
    );
    o.buyer.ok(&["office", "receive", &number]);
    o.clerk.ok(&["office", "sync"]);
    let req = o.clerk.json(&["req", "show", &number]);
    assert_eq!(req["requisition"]["status"], "received");
    assert_eq!(req["requisition"]["lines"][0]["received"], 10);

    // The packet prints finance's signed approval in its block.
    let pdf = o.pg.path("finance-packet.pdf");
    o.clerk.ok(&["packet", &number, "--out", pdf.to_str().unwrap(), "--by", "Casey Clerk"]);
    let text = Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Morgan Finance"), "{text}");
    assert_eq!(text.matches("Signed in coopdesk on").count(), 2, "the head's and finance's: {text}");

    // A second requisition is canceled by its requester; nobody may act on it after.
    let (second, _) = submitted_requisition(&o.clerk, 2);
    o.clerk.ok(&["office", "share", &second]);
    let local = o.clerk.run(&["req", "cancel", &second, "--reason", "Ordered twice", "--by", "Casey Clerk"]);
    assert!(stderr(&local).contains("shared with the office"), "{}", stderr(&local));
    o.clerk.ok(&["office", "cancel", &second, "--reason", "Ordered twice by mistake"]);
    o.head.ok(&["office", "sync"]);
    let late = o.head.run(&["req", "approve", &second]);
    assert!(stderr(&late).contains("which is canceled"), "{}", stderr(&late));
    assert_eq!(o.clerk.json(&["req", "show", &second])["requisition"]["status"], "cancelled");

    let mut heads = Vec::new();
    for l in [&o.admin, &o.clerk, &o.head, &o.buyer, &finance] {
        l.ok(&["office", "sync"]);
        let status = l.status();
        assert!(status["refused"].as_array().unwrap().is_empty(), "{status}");
        heads.push(status["head"].as_str().unwrap().to_owned());
    }
    heads.dedup();
    assert_eq!(heads.len(), 1, "every laptop holds the same history");
}

#[test]
fn syncs_of_one_laptop_running_at_once_take_everything_in_once() {
    // The window's background listener and a sync the clerk asks for can
    // run together on one database; neither may mistake the other's
    // progress for a changed server.
    let o = office();
    let clerk_fp = o.clerk.status()["fingerprint"].as_str().unwrap().to_owned();
    for round in 0..3 {
        for i in 0..4 {
            let title = format!("Account clerk {round}.{i}");
            o.admin.ok(&["office", "admit", &clerk_fp, "--role", "requester", "--title", &title]);
        }
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| o.head.ok(&["office", "sync"]));
            }
        });
        let status = o.head.status();
        assert!(status["problem"].is_null(), "{status}");
        assert!(status["refused"].as_array().unwrap().is_empty(), "{status}");
        assert_eq!(status["head"], o.admin.status()["head"]);
    }
    o.head.ok(&["office", "verify"]);
}

#[test]
fn attachments_travel_with_a_shared_requisition_and_are_checked_against_their_hash() {
    let o = office();
    // A server set up by an earlier coopdesk is refused with the way
    // forward, and its administrator upgrades it.
    o.pg.superuser_sql("office", "DROP TABLE coopdesk_files; DELETE FROM coopdesk_schema WHERE version = 2");
    let old = o.clerk.run(&["office", "sync"]);
    assert!(stderr(&old).contains("coopdesk office upgrade-server"), "{}", stderr(&old));
    let upgraded = o.admin.ok(&["office", "upgrade-server"]);
    assert!(upgraded.contains("version 2"), "{upgraded}");

    let (number, _) = submitted_requisition(&o.clerk, 10);
    let quote = o.pg.path("quote.pdf");
    std::fs::write(&quote, b"%PDF-1.4\n% Pelican Power Supply quote Q-4471 for 10 UPS batteries\n").unwrap();
    let by = ["--by", "Casey Clerk"];
    let attach = |n: &str, file: &std::path::Path, kind: &str| {
        let mut args = vec!["req", "attach", n, file.to_str().unwrap(), "--kind", kind];
        args.extend(by);
        o.clerk.ok(&args);
    };
    attach(&number, &quote, "quote");
    // A second requisition whose file the server already holds a forged
    // copy of, under the file's own hash.
    let (second, _) = submitted_requisition(&o.clerk, 2);
    let memo = o.pg.path("memo.txt");
    let memo_text = b"Sole source: only Pelican stocks this battery in Escambia County.\n";
    std::fs::write(&memo, memo_text).unwrap();
    let sha = coopdesk_core::digest::sha256_hex(memo_text);
    o.pg.superuser_sql(
        "office",
        &format!("INSERT INTO coopdesk_files (office, sha256, content) SELECT id, '{sha}', 'forged'::bytea FROM coopdesk_offices"),
    );
    attach(&second, &memo, "memo");
    o.clerk.ok(&["office", "share", &number]);
    o.clerk.ok(&["office", "share", &second]);

    o.head.ok(&["office", "sync"]);
    let shared = o.head.json(&["office", "inbox", "--all"])["shared"].as_array().unwrap().clone();
    let find = |n: &str| shared.iter().find(|s| s["number"] == n).unwrap().clone();
    assert_eq!(find(&number)["attachments_received"], serde_json::json!([true]));
    assert_eq!(find(&second)["attachments_received"], serde_json::json!([false]));
    let refused = o.head.status()["refused"].to_string();
    assert!(
        refused.contains("attachment 'memo.txt'")
            && refused.contains("does not match the SHA-256 its requester signed"),
        "{refused}"
    );

    let saved = o.pg.path("head-quote.pdf");
    let out = o.head.ok(&["office", "attachment", &number, "quote.pdf", "--out", saved.to_str().unwrap()]);
    assert!(out.contains("SHA-256 checked"), "{out}");
    assert_eq!(std::fs::read(&saved).unwrap(), std::fs::read(&quote).unwrap());
    let missing = o.head.run(&["office", "attachment", &second, "memo.txt", "--out", saved.to_str().unwrap()]);
    assert!(stderr(&missing).contains("has not arrived from the office's server"), "{}", stderr(&missing));

    // With the network down, the file goes on the USB stick with its event.
    let (third, _) = submitted_requisition(&o.clerk, 3);
    let photo = o.pg.path("site-photo.jpg");
    std::fs::write(&photo, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 0xFF, 0xD9]).unwrap();
    attach(&third, &photo, "other");
    o.buyer.ok(&["office", "sync"]);
    o.pg.stop_server();
    o.clerk.ok(&["office", "share", &third]);
    let stick = o.pg.path("stick.json");
    o.clerk.ok(&["office", "export-events", stick.to_str().unwrap()]);
    o.buyer.ok(&["office", "import-events", stick.to_str().unwrap()]);
    o.pg.start_server();
    o.buyer.ok(&["office", "sync"]);
    o.head.ok(&["office", "sync"]);
    let shared = o.head.json(&["office", "inbox", "--all"])["shared"].as_array().unwrap().clone();
    let third_seen = shared.iter().find(|s| s["number"] == third.as_str()).unwrap();
    assert_eq!(
        third_seen["attachments_received"],
        serde_json::json!([true]),
        "carried by the purchasing agent's laptop"
    );
}

/// A requisition shared, returned by the head, then changed apart: while
/// the server is down, purchasing corrects the account code (to
/// 100-210-01-5240) and the clerk changes the quantity (to 9) and shares
/// again; purchasing's change reaches the server first. Returns its number.
pub fn conflict_made_apart(o: &Office) -> String {
    let (number, _) = submitted_requisition(&o.clerk, 10);
    o.clerk.ok(&["office", "share", &number]);
    o.head.ok(&["office", "sync"]);
    o.head.ok(&["office", "return", &number, "--note", "Check the quantity with the 911 centre"]);
    for l in [&o.clerk, &o.buyer] {
        l.ok(&["office", "sync"]);
    }
    assert_eq!(o.clerk.json(&["req", "show", &number])["requisition"]["status"], "draft");
    o.pg.stop_server();
    o.buyer.ok(&["office", "edit", &number, "--account", "1:100-210-01-5240"]);
    o.clerk.ok(&["req", "line", &number, "1", "--qty", "9", "--by", "Casey Clerk"]);
    o.clerk.ok(&["req", "submit", &number, "--by", "Casey Clerk"]);
    o.clerk.ok(&["office", "share", &number]);
    o.pg.start_server();
    o.buyer.ok(&["office", "sync"]);
    o.clerk.ok(&["office", "sync"]);
    number
}

#[test]
fn two_people_changing_one_requisition_while_apart_get_a_conflict_a_person_resolves() {
    let o = office();
    let number = conflict_made_apart(&o);
    for l in o.laptops() {
        l.ok(&["office", "sync"]);
    }

    // Every laptop shows both versions; nobody decides on either until a
    // person resolves them.
    let shared = |l: &Laptop| {
        l.json(&["office", "inbox", "--all"])["shared"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["number"] == number.as_str())
            .unwrap()
            .clone()
    };
    for l in o.laptops() {
        let s = shared(l);
        assert_eq!(s["requisition"]["lines"][0]["account"], "100-210-01-5240", "purchasing's change landed first");
        assert_eq!(s["requisition"]["lines"][0]["quantity"], 10);
        assert_eq!(s["conflict"]["author"], "Casey Clerk", "{s}");
        assert_eq!(s["conflict"]["requisition"]["lines"][0]["quantity"], 9);
        assert_eq!(s["conflict"]["requisition"]["lines"][0]["account"], "100-210-01-5230");
    }
    let clerk_history = history_actions(&o.clerk, &number);
    assert!(clerk_history.contains(&("office_edit_not_taken".into(), "Jordan Buyer".into())), "{clerk_history:?}");
    assert!(clerk_history.contains(&("office_conflict".into(), "Casey Clerk".into())), "{clerk_history:?}");
    assert_eq!(o.clerk.json(&["req", "show", &number])["requisition"]["lines"][0]["quantity"], 9, "nothing lost");
    let approve = o.head.run(&["office", "approve", &number]);
    assert!(stderr(&approve).contains("two versions in conflict"), "{}", stderr(&approve));
    let not_theirs = o.head.run(&["office", "resolve", &number, "--keep", "other"]);
    assert!(stderr(&not_theirs).contains("may not"), "{}", stderr(&not_theirs));

    // The clerk keeps their quantity; purchasing then makes its correction
    // again on that version; the clerk shares it, and the head approves.
    o.clerk.ok(&["office", "resolve", &number, "--keep", "other"]);
    o.buyer.ok(&["office", "sync"]);
    o.buyer.ok(&["office", "edit", &number, "--account", "1:100-210-01-5240"]);
    o.clerk.ok(&["office", "sync"]);
    let line = o.clerk.json(&["req", "show", &number])["requisition"]["lines"][0].clone();
    assert_eq!((line["quantity"].as_u64(), line["account"].as_str()), (Some(9), Some("100-210-01-5240")));
    o.clerk.ok(&["office", "share", &number]);
    o.head.ok(&["office", "sync"]);
    o.head.ok(&["office", "approve", &number]);
    let mut heads = Vec::new();
    for l in o.laptops() {
        l.ok(&["office", "sync"]);
        let status = l.status();
        assert!(status["refused"].as_array().unwrap().is_empty(), "{status}");
        heads.push(status["head"].as_str().unwrap().to_owned());
    }
    heads.dedup();
    assert_eq!(heads.len(), 1);
    let req = o.clerk.json(&["req", "show", &number]);
    assert_eq!(req["requisition"]["status"], "approved");
    assert!(history_actions(&o.clerk, &number).contains(&("edited_in_office".into(), "Jordan Buyer".into())));
}

#[test]
fn an_incident_declared_on_one_laptop_is_shared_so_everyone_can_buy_under_it() {
    let o = office();
    // An incident declared on `laptop` by `by`, with a waiver to 2026-12-20.
    let declare = |laptop: &Laptop, name: &str, kind: &str, number: &str, by: &str, more: &[&str]| {
        let mut args = vec![
            "emergency",
            "declare",
            "--name",
            name,
            "--kind",
            kind,
            "--declaration",
            number,
            "--declared",
            "2026-11-20",
            "--authority",
            "Escambia County Board",
            "--waiver-start",
            "2026-11-20",
            "--waiver-end",
            "2026-12-20",
            "--by",
            by,
        ];
        args.extend(more);
        laptop.json(&args)
    };
    let declared = declare(&o.admin, "Hurricane Delia", "hurricane", "EO 26-301", "Alex Admin", &[]);
    let id = declared["id"].as_i64().unwrap().to_string();
    // A clerk may declare one on their own laptop, but not share it.
    let own = declare(&o.clerk, "Tornado Ada", "tornado", "EO 26-302", "Casey Clerk", &["--no-activate"]);
    let not_allowed = o.clerk.run(&["office", "share-incident", &own["id"].to_string()]);
    assert!(stderr(&not_allowed).contains("purchasing or an administrator does"), "{}", stderr(&not_allowed));
    o.admin.ok(&["office", "share-incident", &id]);
    o.clerk.ok(&["office", "sync"]);
    let incidents = o.clerk.json(&["emergency", "list"]);
    let delia = incidents.as_array().unwrap().iter().find(|i| i["name"] == "Hurricane Delia").unwrap().clone();
    assert_eq!((delia["active"].as_bool(), delia["waiver_end"].as_str()), (Some(true), Some("2026-12-20")));

    // The clerk buys under it on their own laptop.
    let number = o
        .clerk
        .ok(&[
            "req",
            "new",
            "--emergency",
            "--department",
            "EOC",
            "--requester",
            "Casey Clerk",
            "--purpose",
            "Generators for the shelters",
            "--by",
            "Casey Clerk",
        ])
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let req = o.clerk.json(&["req", "show", &number]);
    assert_eq!(req["requisition"]["emergency"]["incident_id"], delia["id"], "{req}");

    // The waiver extended and the incident closed on the declaring laptop
    // reach the same incident everywhere once shared again.
    o.admin.ok(&["emergency", "extend", &id, "--until", "2027-01-19", "--reason", "Renewed", "--by", "Alex Admin"]);
    o.admin.ok(&["office", "share-incident", &id]);
    o.clerk.ok(&["office", "sync"]);
    let again = o.clerk.json(&["emergency", "list"]);
    let delia = again.as_array().unwrap().iter().find(|i| i["name"] == "Hurricane Delia").unwrap().clone();
    assert_eq!(delia["waiver_end"], "2027-01-19");
    assert_eq!(again.as_array().unwrap().len(), 2, "the clerk's own and Delia, updated, not a copy");
    let clerk_id = delia["id"].as_i64().unwrap().to_string();
    let from_here = o.clerk.run(&["office", "share-incident", &clerk_id]);
    assert!(stderr(&from_here).contains("came from another computer"), "{}", stderr(&from_here));
    o.admin.ok(&["emergency", "close", &id, "--on", "2026-11-27", "--by", "Alex Admin"]);
    o.admin.ok(&["office", "share-incident", &id]);
    o.clerk.ok(&["office", "sync"]);
    let list = o.clerk.json(&["emergency", "list"]);
    let closed = list.as_array().unwrap().iter().find(|i| i["name"] == "Hurricane Delia").unwrap().clone();
    assert_eq!((closed["active"].as_bool(), closed["closed_on"].as_str()), (Some(false), Some("2026-11-27")));
    let shown = o.clerk.ok(&["emergency", "show", &clerk_id]);
    assert_eq!(shown.matches("incident shared in by Alex Admin").count(), 3, "declared, extended, closed: {shown}");
}

/// A desktop session's keyring for one test: a D-Bus session bus and
/// GNOME Keyring's Secret Service on it, unlocked, in a home of its own.
struct Keyring {
    bus: std::process::Child,
    daemon: std::process::Child,
    home: Scratch,
    address: String,
}

impl Keyring {
    fn start() -> Keyring {
        use std::io::{BufRead, Write};
        let home = Scratch::new();
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("dbus-daemon (scripts/setup --test installs it)");
        let mut address = String::new();
        std::io::BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
        let address = address.trim().to_owned();
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", home.dir.path())
            .env("XDG_RUNTIME_DIR", home.dir.path())
            .env("XDG_DATA_HOME", home.path("data"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (scripts/setup --test installs it)");
        daemon.stdin.take().unwrap().write_all(b"login keyring password").unwrap();
        let keyring = Keyring { bus, daemon, home, address };
        // Ready once the Secret Service keeps a secret and gives it back.
        for attempt in 0.. {
            let mut store = Command::new("secret-tool")
                .args(["store", "--label=probe", "service", "readiness probe"])
                .envs(keyring.env())
                .stdin(std::process::Stdio::piped())
                .spawn()
                .expect("secret-tool (scripts/setup --test installs it)");
            store.stdin.take().unwrap().write_all(b"ready").unwrap();
            let stored = store.wait().is_ok_and(|s| s.success());
            let looked_up =
                Command::new("secret-tool").args(["lookup", "service", "readiness probe"]).envs(keyring.env()).output();
            if stored && looked_up.is_ok_and(|o| o.stdout == b"ready") {
                break;
            }
            assert!(attempt < 200, "GNOME Keyring did not start on the test's session bus");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        keyring
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone()),
            ("HOME".into(), self.home.dir.path().display().to_string()),
            ("XDG_RUNTIME_DIR".into(), self.home.dir.path().display().to_string()),
        ]
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

#[test]
fn a_key_kept_in_the_keyring_signs_with_no_passphrase_and_is_not_on_disk_in_the_clear() {
    let keyring = Keyring::start();
    let (pg, admin) = founded();
    let mut clerk = Laptop::new("casey", APP_PASSWORD);
    clerk.passphrase = String::new();
    clerk.env = keyring.env();
    let status =
        clerk.json(&["office", "join", "--url", &pg.url("coopdesk_app"), "--name", "Casey Clerk", "--keyring"]);
    assert_eq!(status["key_in_keyring"], true, "{status}");
    let listed = Command::new("secret-tool")
        .args(["search", "--all", "service", "coopdesk office key"])
        .envs(keyring.env())
        .output()
        .unwrap();
    let listed = format!("{}{}", stdout(&listed), stderr(&listed));
    assert!(listed.contains("coopdesk office key"), "the secret is an entry of the keyring: {listed}");
    let key_file = std::fs::read_to_string(format!("{}.office-key", clerk.db.display())).unwrap();
    assert!(key_file.contains("encrypted"), "the key file on disk stays encrypted: {key_file}");

    let fingerprint = status["fingerprint"].as_str().unwrap().to_owned();
    admin.ok(&["office", "admit", &fingerprint, "--role", "requester", "--title", "Account clerk"]);
    clerk.ok(&["office", "sync"]);
    let (number, _) = submitted_requisition(&clerk, 2);
    let shared = clerk.ok(&["office", "share", &number]);
    assert!(shared.contains("reached the office server"), "signed with no passphrase typed: {shared}");

    // Without the keyring (the session ended), signing says why.
    drop(keyring);
    let (second, _) = submitted_requisition(&clerk, 3);
    let locked = clerk.run(&["office", "share", &second]);
    assert!(stderr(&locked).contains("keyring did not answer"), "{}", stderr(&locked));
}

#[test]
fn a_draft_shared_with_the_office_is_worked_on_by_a_colleague_and_approved_once_submitted() {
    let o = office();
    let (number, _) = submitted_requisition(&o.clerk, 10);
    o.clerk.ok(&["req", "return", &number, "--reason", "Share it as a draft first", "--by", "Casey Clerk"]);
    o.clerk.ok(&["office", "share", &number]);
    o.head.ok(&["office", "sync"]);
    o.buyer.ok(&["office", "sync"]);
    let shared = o.buyer.json(&["office", "inbox", "--all"])["shared"][0].clone();
    assert_eq!(shared["status"], "draft");
    let early = o.head.run(&["office", "approve", &number]);
    assert!(stderr(&early).contains("which is draft"), "{}", stderr(&early));

    o.buyer.ok(&[
        "office",
        "edit",
        &number,
        "--quantity",
        "1:9",
        "--purpose",
        "UPS batteries for the 911 centre and EOC",
    ]);
    o.clerk.ok(&["office", "sync"]);
    let req = o.clerk.json(&["req", "show", &number]);
    assert_eq!(
        (req["requisition"]["status"].as_str(), req["requisition"]["lines"][0]["quantity"].as_u64()),
        (Some("draft"), Some(9))
    );
    assert_eq!(req["requisition"]["header"]["purpose"], "UPS batteries for the 911 centre and EOC");
    assert!(history_actions(&o.clerk, &number).contains(&("edited_in_office".into(), "Jordan Buyer".into())));

    o.clerk.ok(&["req", "submit", &number, "--by", "Casey Clerk"]);
    o.clerk.ok(&["office", "share", &number]);
    o.head.ok(&["office", "sync"]);
    o.head.ok(&["office", "approve", &number]);
    o.clerk.ok(&["office", "sync"]);
    assert_eq!(o.clerk.json(&["req", "show", &number])["requisition"]["status"], "approved");
}
