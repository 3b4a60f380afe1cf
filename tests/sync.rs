use crate::fault_server::{self, Fault};
use crate::util::*;
use chrono::{Duration, Utc};
use coopdesk_core::feed::Manifest;
use coopdesk_core::search::SearchQuery;
use coopdesk_core::sync::{sync_feed, SyncOptions, SyncResult};
use coopdesk_core::Store;
use coopdesk_feed::{keys, publish, serve, synth};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

const FEED: &str = "gulf-market";

/// A marketplace: its keys, its source catalogue and its published feed.
struct Publisher {
    scratch: Scratch,
    key: PathBuf,
    public: PathBuf,
}

impl Publisher {
    fn new() -> Publisher {
        let scratch = Scratch::new();
        let (key, public) = (scratch.path("feed.key"), scratch.path("feed.pub"));
        keys::keygen(&key, &public).unwrap();
        Publisher { scratch, key, public }
    }

    fn other_key(&self, name: &str) -> PathBuf {
        let key = self.scratch.path(&format!("{name}.key"));
        keys::keygen(&key, &self.scratch.path(&format!("{name}.pub"))).unwrap();
        key
    }

    fn pubkey_b64(&self) -> String {
        keys::load_public(&self.public).unwrap().to_base64()
    }

    /// Writes a source catalogue of `items` items into a fresh folder.
    fn source(&self, items: usize) -> PathBuf {
        let dir = self.scratch.path(&format!("source-{items}"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut spec = synth::Spec::bundled_sample();
        spec.items = items;
        let f = std::fs::File::create(dir.join("catalogue.ndjson.gz")).unwrap();
        synth::write_snapshot_gz(&spec, f).unwrap();
        dir
    }

    fn build(&self, name: &str, items: usize, previous: Option<&Path>, key: &Path, endorse: Option<&Path>) -> PathBuf {
        self.build_at(name, items, previous, key, endorse, Utc::now())
    }

    fn build_at(
        &self,
        name: &str,
        items: usize,
        previous: Option<&Path>,
        key: &Path,
        endorse: Option<&Path>,
        now: chrono::DateTime<Utc>,
    ) -> PathBuf {
        let out = self.scratch.path(name);
        publish::build(&publish::BuildOptions {
            source: self.source(items),
            key: key.to_owned(),
            out: out.clone(),
            previous: previous.map(Path::to_owned),
            feed_id: Some(FEED.into()),
            feed_name: Some("Gulf Marketplace".into()),
            valid_for: Duration::days(7),
            endorse_with: endorse.map(Path::to_owned),
            now,
            import: Default::default(),
        })
        .unwrap();
        out
    }

    /// A publication after `previous` that lists no deltas, so a client must
    /// take its snapshot; with its manifest.
    fn snapshot_only(&self, name: &str, items: usize, previous: &Path) -> (PathBuf, Manifest) {
        let dir = self.build(name, items, Some(previous), &self.key, None);
        self.resign(&dir, |m| m.deltas.clear());
        let m = manifest_in(&dir);
        (dir, m)
    }

    /// Rewrites a feed's manifest after `change`, re-hashing its files and
    /// signing it properly: for files that are wrong inside a valid signature.
    fn resign(&self, dir: &Path, change: impl FnOnce(&mut Manifest)) {
        let mut m = manifest_in(dir);
        let (size, sha) = publish::hash_file(&dir.join(&m.snapshot.path)).unwrap();
        m.snapshot.size = size;
        m.snapshot.sha256 = sha;
        change(&mut m);
        publish::write_signed_manifest(dir, &m, &keys::load_secret(&self.key).unwrap()).unwrap();
    }
}

/// The manifest a feed folder holds.
fn manifest_in(dir: &Path) -> Manifest {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn fast() -> SyncOptions {
    SyncOptions {
        connect_timeout: std::time::Duration::from_secs(2),
        read_timeout: std::time::Duration::from_millis(800),
        retries: 2,
        backoff: std::time::Duration::from_millis(20),
        staging_dir: None,
    }
}

struct Client {
    scratch: Scratch,
}

impl Client {
    fn new(url: &str, pubkey: &str) -> Client {
        let c = Client { scratch: Scratch::new() };
        Store::open(&c.db()).unwrap().add_subscription(FEED, url, pubkey).unwrap();
        c
    }

    fn db(&self) -> PathBuf {
        self.scratch.db()
    }

    fn sync(&self) -> coopdesk_core::Result<coopdesk_core::sync::SyncReport> {
        sync_feed(&self.db(), FEED, &fast(), &|_| {}, &AtomicBool::new(false))
    }

    fn items(&self) -> u64 {
        Store::open(&self.db()).unwrap().catalogue_status().unwrap().items
    }

    /// Everything the clerk could see of the catalogue.
    fn dump(&self) -> String {
        let store = Store::open(&self.db()).unwrap();
        store.check_integrity().unwrap();
        let status = store.catalogue_status().unwrap();
        let page =
            store.search(&SearchQuery { text: String::new(), limit: 200, offset: 0, ..Default::default() }).unwrap();
        let feeds: Vec<_> = status.feeds.iter().map(|f| (&f.id, f.sequence)).collect();
        format!("{feeds:?} {} {:?}", status.items, page.hits)
    }
}

fn url_of(server: &serve::Running) -> String {
    format!("http://{}/manifest.json", server.addr)
}

/// Replaces what a server's live folder holds with `feed`.
fn publish_to(live: &Path, feed: &Path) {
    let _ = std::fs::remove_dir_all(live);
    std::fs::create_dir_all(live).unwrap();
    for e in std::fs::read_dir(feed).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), live.join(e.file_name())).unwrap();
    }
}

#[test]
fn snapshot_then_deltas_then_not_modified() {
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let v1 = p.build("v1", 300, None, &p.key, None);
    publish_to(&live, &v1);
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();
    let client = Client::new(&url_of(&server), &p.pubkey_b64());

    let r = client.sync().unwrap();
    assert_eq!((r.result, r.via.as_deref(), r.sequence), (SyncResult::Updated, Some("snapshot"), Some(1)));
    assert_eq!(client.items(), 300);

    // Ten items added: the client takes the delta, not the snapshot.
    let v2 = p.build("v2", 310, Some(&v1), &p.key, None);
    publish_to(&live, &v2);
    let r = client.sync().unwrap();
    assert_eq!((r.via.as_deref(), r.from_sequence, r.sequence), (Some("deltas"), Some(1), Some(2)));
    assert_eq!(r.applied[0].items, 10);
    assert_eq!(client.items(), 310);

    // Five removed, and a client two sequences behind chains both deltas.
    let v3 = p.build("v3", 305, Some(&v2), &p.key, None);
    publish_to(&live, &v3);
    let behind = Client::new(&url_of(&server), &p.pubkey_b64());
    publish_to(&live, &v1);
    behind.sync().unwrap();
    publish_to(&live, &v3);
    let r = behind.sync().unwrap();
    assert_eq!((r.via.as_deref(), r.applied.len()), (Some("deltas"), 2));
    assert_eq!(behind.items(), 305);
    let r = client.sync().unwrap();
    assert_eq!(r.applied[0].deleted, 5);
    assert_eq!(client.dump(), behind.dump(), "delta chains and single deltas reach the same catalog");

    // Nothing new: the server answers 304 to the ETag.
    let r = client.sync().unwrap();
    assert_eq!(r.result, SyncResult::NotModified);
    let sub = Store::open(&client.db()).unwrap().subscription(FEED).unwrap();
    assert!(sub.last_success_at.is_some() && sub.last_error.is_none());
}

/// A client that already holds sequence 1, and a feed folder to attack it with.
fn synced_client(p: &Publisher, live: &Path, server: &serve::Running) -> (Client, PathBuf) {
    let v1 = p.build("base", 120, None, &p.key, None);
    publish_to(live, &v1);
    let client = Client::new(&url_of(server), &p.pubkey_b64());
    client.sync().unwrap();
    (client, v1)
}

fn assert_refused(client: &Client, before: &str, want: &str) {
    let err = client.sync().expect_err(want).to_string();
    assert!(err.contains(want), "want {want:?} in {err:?}");
    assert!(err.contains("unchanged") || err.contains("nothing was changed"), "{err}");
    assert_eq!(client.dump(), before, "{want}: the catalog changed");
    let sub = Store::open(&client.db()).unwrap().subscription(FEED).unwrap();
    assert!(sub.last_error.is_some_and(|e| e.contains(want)), "the failure is recorded for the clerk");
}

#[test]
fn attacks_on_the_manifest_are_refused_with_the_catalogue_intact() {
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();
    let (client, v1) = synced_client(&p, &live, &server);
    let before = client.dump();
    let v2 = p.build("v2", 130, Some(&v1), &p.key, None);

    // Forged: the manifest is altered after signing.
    publish_to(&live, &v2);
    let text = std::fs::read_to_string(live.join("manifest.json")).unwrap();
    std::fs::write(live.join("manifest.json"), text.replace("Gulf Marketplace", "Gulf Marketplace!")).unwrap();
    assert_refused(&client, &before, "signature is not valid");

    // Signed with a key the agency never pinned.
    let stranger = p.other_key("stranger");
    let forged = p.build("forged", 130, Some(&v1), &stranger, None);
    publish_to(&live, &forged);
    assert_refused(&client, &before, "not pinned");

    // A stranger's key that endorses itself is still a stranger.
    let selfish = p.build("selfish", 130, Some(&v1), &stranger, Some(&stranger));
    publish_to(&live, &selfish);
    assert_refused(&client, &before, "not pinned");

    // Frozen: a manifest past its expiry.
    let stale = p.build_at("stale", 130, Some(&v1), &p.key, None, Utc::now() - Duration::days(10));
    publish_to(&live, &stale);
    assert_refused(&client, &before, "expired on");

    // Rollback: after sequence 2, the server replays sequence 1.
    publish_to(&live, &v2);
    client.sync().unwrap();
    let before = client.dump();
    publish_to(&live, &v1);
    assert_refused(&client, &before, "older than the sequence 2");
}

#[test]
fn damaged_files_inside_a_valid_signature_are_refused() {
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();
    let (client, v1) = synced_client(&p, &live, &server);
    let before = client.dump();
    // A snapshot the client must take (no deltas listed).
    let fresh = || {
        let v2 = p.build("v2", 130, Some(&v1), &p.key, None);
        publish_to(&live, &v2);
        p.resign(&live, |m| m.deltas.clear());
        let m = manifest_in(&live);
        live.join(m.snapshot.path)
    };

    // Hash mismatch: one byte flipped, same size.
    let snap = fresh();
    let mut bytes = std::fs::read(&snap).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&snap, bytes).unwrap();
    assert_refused(&client, &before, "does not match the SHA-256");

    // Size mismatch: more bytes than the manifest lists.
    let snap = fresh();
    let mut bytes = std::fs::read(&snap).unwrap();
    bytes.extend_from_slice(b"trailing");
    std::fs::write(&snap, bytes).unwrap();
    assert_refused(&client, &before, "larger than the");

    // Truncated gzip, listed with its own (honest) hash and size.
    let snap = fresh();
    let bytes = std::fs::read(&snap).unwrap();
    std::fs::write(&snap, &bytes[..bytes.len() * 2 / 3]).unwrap();
    p.resign(&live, |_| {});
    assert_refused(&client, &before, "could not be read");

    // A malformed record line, and a record of an unknown kind.
    for (line, want) in [
        ("{\"op\":\"upsert\",\"kind\":\"item\",\"data\":{\"id\":", "not a valid record"),
        ("{\"op\":\"upsert\",\"kind\":\"widget\",\"data\":{}}", "unknown variant `widget`"),
    ] {
        let snap = fresh();
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(std::fs::File::open(&snap).unwrap()),
            &mut text,
        )
        .unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(3, line);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, (lines.join("\n") + "\n").as_bytes()).unwrap();
        std::fs::write(&snap, gz.finish().unwrap()).unwrap();
        p.resign(&live, |m| m.snapshot.records += 1);
        assert_refused(&client, &before, want);
    }

    // A record count that disagrees with the manifest.
    fresh();
    p.resign(&live, |m| m.snapshot.records += 7);
    assert_refused(&client, &before, "the signed manifest lists");

    // Oversized: a file larger than any feed may list.
    fresh();
    p.resign(&live, |m| m.snapshot.size = 5 * 1024 * 1024 * 1024);
    assert_refused(&client, &before, "-byte limit");

    // 404: the listed file is missing.
    let snap = fresh();
    std::fs::remove_file(&snap).unwrap();
    assert_refused(&client, &before, "HTTP 404");

    // Still healthy afterwards: a good publication syncs.
    fresh();
    client.sync().unwrap();
    assert_eq!(client.items(), 130);
}

#[test]
fn network_faults_are_retried_then_reported_with_the_catalogue_intact() {
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();
    let (client, v1) = synced_client(&p, &live, &server);
    let before = client.dump();
    let (v2, m) = p.snapshot_only("v2", 400, &v1);

    let cases = [
        (Fault::ServerError, "HTTP 500"),
        (Fault::StallMidBody, "sent nothing for 0.8 s after"),
        (Fault::CloseMidBody, "stopped after"),
        (Fault::Endless, "more of"),
    ];
    for (fault, want) in cases {
        let faulty = fault_server::start(v2.clone(), m.snapshot.path.clone(), fault);
        Store::open(&client.db()).unwrap().set_subscription_url(FEED, &faulty.url).unwrap();
        assert_refused(&client, &before, want);
        if matches!(fault, Fault::StallMidBody) {
            // A silent server is given up on at once, not waited on again
            // for each retry.
            assert_eq!(faulty.ranges.lock().unwrap().len(), 1);
        }
        if matches!(fault, Fault::CloseMidBody) {
            // The retries resumed where the cut left off.
            let ranges = faulty.ranges.lock().unwrap().clone();
            assert!(ranges.len() >= 2 && ranges[1].as_deref().is_some_and(|r| r.starts_with("bytes=")), "{ranges:?}");
        }
    }

    // A download cut once resumes with a Range request and completes.
    let faulty = fault_server::start(v2.clone(), m.snapshot.path.clone(), Fault::CloseOnceThenResume);
    Store::open(&client.db()).unwrap().set_subscription_url(FEED, &faulty.url).unwrap();
    let r = client.sync().unwrap();
    assert_eq!(r.result, SyncResult::Updated);
    assert_eq!(client.items(), 400);
    let ranges = faulty.ranges.lock().unwrap().clone();
    assert_eq!(ranges[0], None);
    assert!(ranges[1].as_deref().is_some_and(|r| r.starts_with("bytes=") && r != "bytes=0-"), "{ranges:?}");

    // A download that stalled is given up on at once, and the next sync
    // resumes it from where it stopped.
    let before = client.dump();
    let (v3, m) = p.snapshot_only("v3", 420, &v2);
    let faulty = fault_server::start(v3.clone(), m.snapshot.path.clone(), Fault::StallOnceThenResume);
    Store::open(&client.db()).unwrap().set_subscription_url(FEED, &faulty.url).unwrap();
    let started = std::time::Instant::now();
    assert_refused(&client, &before, "what arrived is kept, and the next sync resumes from there");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    let r = client.sync().unwrap();
    assert_eq!(r.result, SyncResult::Updated);
    assert_eq!(client.items(), 420);
    let ranges = faulty.ranges.lock().unwrap().clone();
    assert_eq!(ranges.len(), 2, "{ranges:?}");
    assert!(ranges[1].as_deref().is_some_and(|r| r.starts_with("bytes=") && r != "bytes=0-"), "{ranges:?}");
}

#[test]
fn key_rotation_endorsed_by_the_old_key_is_followed_and_retires_it() {
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();
    let (client, v1) = synced_client(&p, &live, &server);

    let new_key = p.other_key("next");
    let v2 = p.build("v2", 125, Some(&v1), &new_key, Some(&p.key));
    publish_to(&live, &v2);
    let r = client.sync().unwrap();
    assert!(r.key_rotated);
    assert_eq!(client.items(), 125);
    let sub = Store::open(&client.db()).unwrap().subscription(FEED).unwrap();
    let new_pub = keys::public_of(&keys::load_secret(&new_key).unwrap()).unwrap().to_base64();
    assert_eq!(sub.public_keys, vec![new_pub]);
    assert!(sub.key_rotated_at.is_some());

    // The retired key can no longer sign for the feed.
    let before = client.dump();
    let v3 = p.build("v3", 126, Some(&v2), &p.key, None);
    publish_to(&live, &v3);
    assert_refused(&client, &before, "not pinned");
}

/// Where a sync process is killed, told by the progress it reports
/// (`coopdesk sync --progress`), so that each kill lands where it is meant to.
enum KillAt {
    /// When it starts downloading.
    Downloading,
    /// When applying has started and records are being written.
    MidApply,
    /// After it reported the sync done, before it exits.
    Reported,
}

#[test]
fn killing_a_sync_process_at_any_point_leaves_the_old_or_the_new_catalogue() {
    use std::io::BufRead;
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();
    let v1 = p.build("v1", 6_000, None, &p.key, None);
    publish_to(&live, &v1);
    let client = Client::new(&url_of(&server), &p.pubkey_b64());
    client.sync().unwrap();
    let (v2, _) = p.snapshot_only("v2", 26_000, &v1);
    publish_to(&live, &v2);

    for (at, want) in [(KillAt::Downloading, 6_000), (KillAt::MidApply, 6_000), (KillAt::Reported, 26_000)] {
        let mut child = std::process::Command::new(BIN)
            .args(["--db", client.db().to_str().unwrap(), "sync", "--progress"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut seen = Vec::new();
        match at {
            KillAt::Downloading | KillAt::MidApply => {
                for line in stderr.lines() {
                    let line = line.unwrap();
                    let mark: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("{line}"));
                    seen.push(line.clone());
                    let hit = match at {
                        KillAt::Downloading => mark["phase"] == "downloading",
                        _ => mark["phase"] == "applying" && mark["records_done"].as_u64().unwrap() > 0,
                    };
                    if hit {
                        break;
                    }
                }
            }
            KillAt::Reported => {
                let mut lines = std::io::BufReader::new(stdout).lines();
                let report = lines.next().expect("a report line").unwrap();
                assert!(report.contains("sequence 1 -> 2"), "{report}");
                seen.push(report);
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        let store = Store::open(&client.db()).unwrap();
        store.check_integrity().unwrap();
        let items = store.catalogue_status().unwrap().items;
        assert_eq!(items, want, "killed after {:?}: {items} items", seen.last());
        drop(store);
        if want == 6_000 {
            // Killed before the commit: the old catalogue, and nothing half-done.
            assert_eq!(client.items(), 6_000);
        }
    }
    // The next sync starts cleanly: up to date with the new publication.
    let r = client.sync().unwrap();
    assert_eq!(r.sequence, Some(2));
    assert_eq!(client.items(), 26_000);
}

#[test]
fn a_cancelled_sync_changes_nothing_and_the_next_one_completes() {
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();
    let (client, v1) = synced_client(&p, &live, &server);
    let before = client.dump();
    let (v2, _) = p.snapshot_only("v2", 20_000, &v1);
    publish_to(&live, &v2);

    // The clerk presses Cancel while the records are being applied.
    let cancel = AtomicBool::new(false);
    let progress = |pr: coopdesk_core::sync::Progress| {
        if pr.phase == coopdesk_core::sync::Phase::Applying && pr.records_done > 0 {
            cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    };
    let err = sync_feed(&client.db(), FEED, &fast(), &progress, &cancel).unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert!(err.to_string().contains("exactly as it was"), "{err}");
    assert_eq!(client.dump(), before);
    let sub = Store::open(&client.db()).unwrap().subscription(FEED).unwrap();
    assert!(sub.last_error.is_none(), "a cancel is not shown as a failed sync: {:?}", sub.last_error);

    client.sync().unwrap();
    assert_eq!(client.items(), 20_000);
}

#[test]
fn a_server_that_answers_not_modified_past_the_expiry_is_a_frozen_feed() {
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();
    let (client, _) = synced_client(&p, &live, &server);
    let before = client.dump();
    // Time passes beyond the manifest's expiry while the server keeps
    // answering 304 to the same ETag.
    let mut store = Store::open(&client.db()).unwrap();
    let sub = store.subscription(FEED).unwrap();
    let past = Utc::now() - Duration::hours(1);
    store
        .record_sync(
            FEED,
            coopdesk_core::store::SyncOutcome::Success {
                etag: sub.etag.as_deref(),
                expires_at: past,
                rotated_to: None,
            },
        )
        .unwrap();
    drop(store);
    assert_refused(&client, &before, "expired on");
    let sub = Store::open(&client.db()).unwrap().subscription(FEED).unwrap();
    assert_eq!(sub.health(Utc::now()), coopdesk_core::store::FeedHealth::Expired);
}

#[test]
fn the_publisher_verifies_a_feed_and_catches_tampering() {
    let p = Publisher::new();
    let feed = p.build("v1", 50, None, &p.key, None);
    let ok = publish::verify(&feed, &p.public).unwrap();
    assert_eq!((ok.manifest.sequence, ok.files_checked, ok.records), (1, 1, ok.manifest.snapshot.records));

    p.other_key("other");
    let err = publish::verify(&feed, &p.scratch.path("other.pub")).err().unwrap().to_string();
    assert!(err.contains("not pinned"), "{err}");

    let snap = feed.join(&ok.manifest.snapshot.path);
    let mut bytes = std::fs::read(&snap).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&snap, bytes).unwrap();
    let err = publish::verify(&feed, &p.public).err().unwrap().to_string();
    assert!(err.contains("does not match its size or SHA-256"), "{err}");
}

/// A publisher may sign with the standard minisign tool instead of
/// coopdesk-feed: the app accepts that signature.
#[test]
fn a_manifest_signed_with_the_minisign_command_is_accepted() {
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let feed = p.build("v1", 30, None, &p.key, None);
    publish_to(&live, &feed);
    let (sec, public) = (p.scratch.path("cli.key"), p.scratch.path("cli.pub"));
    let run = |args: &[&str]| {
        let out = std::process::Command::new("minisign")
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the minisign command (scripts/setup --test installs it)");
        assert!(out.status.success(), "minisign {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["-G", "-W", "-p", public.to_str().unwrap(), "-s", sec.to_str().unwrap()]);
    std::fs::remove_file(live.join("manifest.json.minisig")).unwrap();
    run(&["-S", "-s", sec.to_str().unwrap(), "-m", live.join("manifest.json").to_str().unwrap()]);
    let server = serve::start(live, "127.0.0.1:0").unwrap();
    let client = Client::new(&url_of(&server), &std::fs::read_to_string(&public).unwrap());
    assert_eq!(client.sync().unwrap().sequence, Some(1));
    assert_eq!(client.items(), 30);
}

#[test]
fn several_feeds_sync_independently_and_one_failure_does_not_stop_the_others() {
    use coopdesk_core::sync::sync_all;
    let p = Publisher::new();
    // A second marketplace with its own ids, published beside the first.
    let second_src = p.scratch.path("second-source");
    std::fs::create_dir_all(&second_src).unwrap();
    let mut spec = synth::Spec::bundled_sample();
    spec.items = 15;
    spec.id_prefix = "atl-".into();
    synth::write_snapshot_gz(&spec, std::fs::File::create(second_src.join("c.ndjson.gz")).unwrap()).unwrap();
    let second = p.scratch.path("second");
    publish::build(&publish::BuildOptions {
        source: second_src,
        key: p.key.clone(),
        out: second.clone(),
        previous: None,
        feed_id: Some("atlantic-market".into()),
        feed_name: Some("Atlantic Marketplace".into()),
        valid_for: Duration::days(7),
        endorse_with: None,
        now: Utc::now(),
        import: Default::default(),
    })
    .unwrap();
    let first = p.build("first", 20, None, &p.key, None);
    let s1 = serve::start(first, "127.0.0.1:0").unwrap();
    let s2 = serve::start(second, "127.0.0.1:0").unwrap();

    let client = Client::new(&url_of(&s1), &p.pubkey_b64());
    let mut store = Store::open(&client.db()).unwrap();
    store.add_subscription("atlantic-market", &url_of(&s2), &p.pubkey_b64()).unwrap();
    drop(store);
    let outcomes = sync_all(&client.db(), &fast(), &|_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes.iter().all(|o| o.result.is_ok()));
    assert_eq!(client.items(), 35);

    // The second marketplace goes offline; the first still syncs.
    drop(s2);
    let outcomes = sync_all(&client.db(), &fast(), &|_| {}, &AtomicBool::new(false)).unwrap();
    let by_id = |id: &str| outcomes.iter().find(|o| o.feed_id == id).unwrap();
    assert!(by_id(FEED).result.is_ok());
    assert!(by_id("atlantic-market").result.as_ref().unwrap_err().to_string().contains("could not be reached"));
    assert_eq!(client.items(), 35, "a failed feed keeps its records");
    let subs = Store::open(&client.db()).unwrap().subscriptions().unwrap();
    assert!(subs.iter().any(|s| s.id == "atlantic-market" && s.last_error.is_some()));
    assert!(subs.iter().any(|s| s.id == FEED && s.last_error.is_none()));
}

/// A state that publishes OCDS, and a vendor's price file, become a signed
/// feed through the publisher tool; an agency syncs it like any other.
#[test]
fn a_feed_built_from_ocds_and_a_price_file_syncs_into_a_client() {
    let p = Publisher::new();
    let source = p.scratch.path("state-sources");
    std::fs::create_dir_all(&source).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (from, to) in [
        ("ocds/fictional/record/ocds-213czf-000-00001.json", "barnet.json"),
        ("ocds/uk/cf-search-limit1-2022-10-18.json", "cabinet-office.json"),
        ("pricelists/s70_sample.csv", "gsa.csv"),
    ] {
        std::fs::copy(fixtures.join(from), source.join(to)).unwrap();
    }
    let out = p.scratch.path("state-feed");
    let (manifest, converted) = publish::build_with_report(&publish::BuildOptions {
        source,
        key: p.key.clone(),
        out: out.clone(),
        previous: None,
        feed_id: Some(FEED.into()),
        feed_name: Some("State contracts".into()),
        valid_for: Duration::days(7),
        endorse_with: None,
        now: Utc::now(),
        import: coopdesk_feed::convert::ImportOptions {
            prices: coopdesk_core::import::prices::PriceOptions {
                cooperative: Some("GSA IT Schedule 70".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    })
    .unwrap();
    let report = coopdesk_feed::convert::report(&converted.unwrap());
    assert!(report.contains("barnet.json: OCDS, 1 processes: 1 contracts, 1 suppliers, 1 items"), "{report}");
    assert!(report.contains("gsa.csv: price file, 3 contracts"), "{report}");
    assert!(manifest.snapshot.records > 20);

    let server = serve::start(out, "127.0.0.1:0").unwrap();
    let client = Client::new(&url_of(&server), &p.pubkey_b64());
    client.sync().unwrap();
    let store = Store::open(&client.db()).unwrap();
    let contract = store.contracts_with_ocid("ocds-213czf-000-00001").unwrap().pop().unwrap();
    assert_eq!(contract.origin.unwrap().source, "barnet.json", "the publisher's folders stay private");
    let hits = store.search(&SearchQuery { text: "cycle lane".into(), limit: 5, ..Default::default() }).unwrap().hits;
    assert_eq!((hits.len(), hits[0].currency.as_str()), (1, "GBP"));
    let gsa = store.search(&SearchQuery { text: "product manager".into(), limit: 5, ..Default::default() }).unwrap();
    assert!(gsa.hits.iter().any(|h| h.cooperative == "GSA IT Schedule 70" && h.currency == "USD"), "{:?}", gsa.hits);
}

#[test]
fn a_manifest_outside_its_own_bounds_is_refused_with_the_catalogue_intact() {
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();
    let (client, v1) = synced_client(&p, &live, &server);
    let before = client.dump();
    let v2 = p.build("v2", 130, Some(&v1), &p.key, None);

    // A file path that climbs out of the feed's folder, is absolute, or hides
    // its climb in an encoding. (Plain subfolders are allowed: see
    // docs/feed-format.md.)
    for path in ["../snapshot.ndjson.gz", "files/../../snapshot.ndjson.gz", "/etc/passwd", "..%2Fsnapshot.ndjson.gz"] {
        publish_to(&live, &v2);
        p.resign(&live, |m| m.snapshot.path = path.into());
        assert_refused(&client, &before, "is not a plain relative path");
    }

    // A manifest written for a newer coopdesk.
    publish_to(&live, &v2);
    p.resign(&live, |m| m.format_version = 99);
    assert_refused(&client, &before, "newer than this coopdesk understands");

    // More deltas than any feed may list.
    publish_to(&live, &v2);
    p.resign(&live, |m| {
        let d = m.deltas[0].clone();
        m.deltas = vec![d; 65];
    });
    assert_refused(&client, &before, "more than 64 deltas");

    // A manifest over 1 MiB, properly signed.
    publish_to(&live, &v2);
    p.resign(&live, |m| m.feed_name = "Gulf Marketplace ".repeat(70_000));
    assert_refused(&client, &before, "manifest.json is larger than the 1048576 bytes allowed");

    // Mix and match: an older genuine record file of the same feed, listed
    // in the newer manifest with its honest size, hash and count.
    publish_to(&live, &v2);
    let old = manifest_in(&v1);
    let new = manifest_in(&live);
    std::fs::copy(v1.join(&old.snapshot.path), live.join(&new.snapshot.path)).unwrap();
    p.resign(&live, |m| {
        m.deltas.clear();
        m.snapshot.records = old.snapshot.records;
    });
    assert_refused(&client, &before, "does not match what the signed manifest lists");
}

/// 408 (timeout) and 429 (too many requests) are the server asking to come
/// back: retried, and the sync completes. 404 is an answer: asked once,
/// reported, the catalogue left alone.
#[test]
fn busy_answers_are_retried_and_a_missing_file_is_asked_for_once() {
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();
    let (client, v1) = synced_client(&p, &live, &server);
    let before = client.dump();
    let (v2, m) = p.snapshot_only("v2", 400, &v1);

    // Never found: one request, no retry.
    let missing =
        fault_server::start(v2.clone(), m.snapshot.path.clone(), Fault::StatusFirst { status: 404, times: 99 });
    Store::open(&client.db()).unwrap().set_subscription_url(FEED, &missing.url).unwrap();
    assert_refused(&client, &before, "HTTP 404");
    assert_eq!(missing.ranges.lock().unwrap().len(), 1, "a 404 is not asked again");

    // Busy twice (fast() allows two retries), then the file: the sync completes.
    for status in [408, 429] {
        let fresh = Client::new(&url_of(&server), &p.pubkey_b64());
        publish_to(&live, &v1);
        fresh.sync().unwrap();
        let busy = fault_server::start(v2.clone(), m.snapshot.path.clone(), Fault::StatusFirst { status, times: 2 });
        Store::open(&fresh.db()).unwrap().set_subscription_url(FEED, &busy.url).unwrap();
        let report = fresh.sync().unwrap_or_else(|e| panic!("HTTP {status} then the file: {e}"));
        assert_eq!(report.sequence, Some(m.sequence), "HTTP {status}");
        assert_eq!(fresh.items(), 400);
        assert_eq!(busy.ranges.lock().unwrap().len(), 3, "HTTP {status}: two refusals, then the file");
    }
}

/// A sync ended after the whole file arrived but before it was renamed
/// (power cut, killed process) leaves a complete `.part`: the next sync
/// checks it against the manifest and uses it, instead of asking for the
/// bytes after its end (which a server refuses with HTTP 416).
#[test]
fn a_complete_download_left_behind_is_checked_and_used() {
    let p = Publisher::new();
    let live = p.scratch.path("live");
    let server = serve::start(live.clone(), "127.0.0.1:0").unwrap();
    let (client, v1) = synced_client(&p, &live, &server);
    let (v2, m) = p.snapshot_only("v2", 130, &v1);
    publish_to(&live, &v2);
    let staging = coopdesk_core::sync::staging_dir(&client.db(), FEED);
    std::fs::create_dir_all(&staging).unwrap();
    let part = staging.join(format!("{}.ndjson.part", m.snapshot.sha256));
    std::fs::copy(live.join(&m.snapshot.path), &part).unwrap();
    let r = client.sync().unwrap();
    assert_eq!((r.sequence, client.items()), (Some(2), 130));

    // A complete-looking leftover that is not what the manifest lists is
    // thrown away and fetched again.
    let (v3, m) = p.snapshot_only("v3", 140, &v2);
    publish_to(&live, &v3);
    let part = staging.join(format!("{}.ndjson.part", m.snapshot.sha256));
    std::fs::write(&part, vec![0u8; m.snapshot.size as usize]).unwrap();
    let r = client.sync().unwrap();
    assert_eq!((r.sequence, client.items()), (Some(3), 140));
}
