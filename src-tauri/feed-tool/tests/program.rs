//! The `coopdesk-feed` program run as a publisher runs it: a key made, a
//! feed built from a vendor's price file and an OCDS publication, checked,
//! served on 127.0.0.1, and synced by a coopdesk that pinned the key.

use coopdesk_core::search::SearchQuery;
use coopdesk_core::store::Store;
use coopdesk_core::sync::{sync_feed, SyncOptions};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::AtomicBool;

const PROGRAM: &str = env!("CARGO_BIN_EXE_coopdesk-feed");

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn run(args: &[&str]) -> Output {
    Command::new(PROGRAM).args(args).output().expect("coopdesk-feed runs")
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(out.status.success(), "coopdesk-feed {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `coopdesk-feed serve`, stopped when dropped.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_publisher_keys_builds_checks_and_serves_a_feed_that_coopdesk_syncs() {
    let work = tempfile::tempdir().unwrap();
    let at = |name: &str| work.path().join(name).to_str().unwrap().to_owned();
    let keys = ok(&["keygen", "--secret", &at("feed.key"), "--public", &at("feed.pub")]);
    let pubkey = keys.rsplit("Public key to give agencies: ").next().unwrap().trim().to_owned();
    assert!(pubkey.starts_with("RW"), "{keys}");

    std::fs::create_dir(at("source")).unwrap();
    std::fs::copy(fixtures().join("pricelists/s70_sample.csv"), at("source/s70_sample.csv")).unwrap();
    std::fs::copy(fixtures().join("ocds/fictional/record/ocds-213czf-000-00001.json"), at("source/barnet.json"))
        .unwrap();
    let built = ok(&[
        "build",
        "--source",
        &at("source"),
        "--key",
        &at("feed.key"),
        "--out",
        &at("feed"),
        "--feed-id",
        "gsa-demo",
        "--feed-name",
        "GSA schedule demo",
        "--cooperative",
        "GSA IT Schedule 70",
    ]);
    assert!(built.contains("Built feed 'gsa-demo' sequence 1"), "{built}");
    let checked = ok(&["verify", &at("feed"), "--pubkey", &at("feed.pub")]);
    assert!(checked.starts_with("OK: feed 'gsa-demo' sequence 1 is signed by the key"), "{checked}");

    // A file changed after signing is what `verify` exists to catch.
    let snapshot = std::fs::read_dir(at("feed"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".ndjson.gz"))
        .expect("a snapshot file");
    let original = std::fs::read(&snapshot).unwrap();
    let mut tampered = original.clone();
    *tampered.last_mut().unwrap() ^= 1;
    std::fs::write(&snapshot, &tampered).unwrap();
    let refused = run(&["verify", &at("feed"), "--pubkey", &at("feed.pub")]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("SHA-256"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    std::fs::write(&snapshot, &original).unwrap();

    let mut child = Command::new(PROGRAM)
        .args(["serve", &at("feed"), "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let _serving = Serving(child);
    let url = line.split_whitespace().last().expect("the address it serves").to_owned();
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/manifest.json"), "{line}");

    let db = work.path().join("agency.sqlite3");
    Store::open(&db).unwrap().add_subscription("gsa-demo", &url, &pubkey).unwrap();
    let report = sync_feed(&db, "gsa-demo", &SyncOptions::default(), &|_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(report.sequence, Some(1));
    let store = Store::open(&db).unwrap();
    let hits = store.search(&SearchQuery::text("interaction designer")).unwrap().hits;
    assert_eq!(
        (hits[0].contract_number.as_str(), hits[0].cooperative.as_str()),
        ("GS-35F-376CA", "GSA IT Schedule 70")
    );
    assert!(!store.search(&SearchQuery::text("cycle lane")).unwrap().hits.is_empty(), "the OCDS contract came too");
}
