use crate::fixture::*;
use coopdesk_core::record::{Kind, Scope};

#[test]
fn snapshot_loads_and_counts() {
    let mut t = store();
    let summary =
        t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    assert_eq!((summary.cooperatives, summary.suppliers, summary.contracts, summary.items), (1, 1, 1, 3));
    let status = t.store.catalogue_status().unwrap();
    assert_eq!(status.items, 3);
    assert_eq!(status.feeds[0].sequence, 1);
    t.store.check_integrity().unwrap();
}

#[test]
fn same_sequence_again_changes_nothing() {
    let mut t = store();
    let f = file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops());
    t.store.apply_records("test", &f[..]).unwrap();
    let again = t.store.apply_records("test", &f[..]).unwrap();
    assert!(again.already_current);
    assert_eq!(again.items, 0);
}

#[test]
fn a_newer_snapshot_replaces_the_feed_entirely() {
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    let mut ops = base_ops();
    ops.truncate(4); // only i1 survives
    t.store.apply_records("test", &file(&header("feed-a", 2, Scope::Snapshot, None), &ops)[..]).unwrap();
    assert_eq!(t.store.catalogue_status().unwrap().items, 1);
    assert!(search_ids(&t.store, "high bay").is_empty(), "removed items must leave the search index too");
}

#[test]
fn delta_applies_on_its_base_and_keeps_the_index_in_step() {
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    let delta = file(
        &header("feed-a", 2, Scope::Delta, Some(1)),
        &[
            Op::Put(supplier("sup-a", "Heron Energy Distributors")),
            Op::Put(item("i4", "ctr-a", "Sealed lead-acid battery 12V", "SLA-12-9", 4_000, 2_900)),
            Op::Del(Kind::Item, "i3"),
        ],
    );
    let s = t.store.apply_records("test", &delta[..]).unwrap();
    assert_eq!((s.suppliers, s.items, s.deleted), (1, 1, 1));
    // The supplier's new name reaches every one of its items in the index.
    assert_eq!(search_ids(&t.store, "heron").len(), 3);
    assert!(search_ids(&t.store, "pelican").is_empty());
    assert!(search_ids(&t.store, "high bay").is_empty());
    assert_eq!(search_ids(&t.store, "sla129"), vec!["i4"]);
    t.store.check_integrity().unwrap();
}

/// Every refusal names its reason and leaves the catalogue exactly as it was.
#[test]
fn refused_files_leave_the_catalogue_untouched() {
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 5, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    let before = dump(&t.store);

    let mut bad_line = file(
        &header("feed-a", 6, Scope::Snapshot, None),
        &[Op::Put(coop("coop-a", "Renamed")), Op::Put(supplier("sup-a", "Renamed supplier"))],
    );
    bad_line.extend_from_slice(b"{\"op\":\"upsert\",\"kind\":\"item\",\"data\":{\"id\":\"broken\"}}\n");

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("older sequence", file(&header("feed-a", 4, Scope::Snapshot, None), &[]), "not newer than the sequence 5"),
        (
            "delta on the wrong base",
            file(&header("feed-a", 7, Scope::Delta, Some(6)), &[Op::Del(Kind::Item, "i1")]),
            "changes since sequence 6, but the catalog is at 5",
        ),
        ("malformed line after good ones", bad_line, "line 4: item record: missing field"),
        (
            "dangling reference",
            file(
                &header("feed-a", 6, Scope::Delta, Some(5)),
                &[Op::Put(item("i9", "ctr-missing", "Orphan", "X-1", 100, 90))],
            ),
            "item 'i9' refers to a contract that the catalog does not hold",
        ),
        (
            "deleting a parent that still has children",
            file(&header("feed-a", 6, Scope::Delta, Some(5)), &[Op::Del(Kind::Contract, "ctr-a")]),
            "refers to a contract that the catalog does not hold",
        ),
        (
            "another feed taking over an id",
            file(&header("feed-b", 1, Scope::Snapshot, None), &[Op::Put(coop("coop-a", "Hijacked"))]),
            "cooperative 'coop-a' belongs to another feed",
        ),
        ("empty file", Vec::new(), "the file is empty"),
    ];
    for (what, bytes, want) in cases {
        let err = t.store.apply_records("test", &bytes[..]).expect_err(what).to_string();
        assert!(err.contains(want), "{what}: want {want:?} in {err:?}");
        assert!(err.contains("nothing was changed"), "{what}: {err}");
        assert_eq!(dump(&t.store), before, "{what} changed the catalog");
        t.store.check_integrity().unwrap();
    }
}

#[test]
fn refusal_survives_reopening_the_file() {
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    let before = dump(&t.store);
    let mut bad = file(&header("feed-a", 2, Scope::Snapshot, None), &base_ops());
    bad.extend_from_slice(b"not json\n");
    t.store.apply_records("test", &bad[..]).unwrap_err();
    let path = t.path.clone();
    drop(std::mem::replace(&mut t.store, coopdesk_core::Store::open(&path).unwrap()));
    assert_eq!(dump(&t.store), before);
}

#[test]
fn apply_file_reads_gzip_and_plain() {
    let mut t = store();
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("feed.ndjson");
    std::fs::write(&plain, file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())).unwrap();
    let gz_path = dir.path().join("feed.ndjson.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &file(&header("feed-a", 2, Scope::Snapshot, None), &base_ops())).unwrap();
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    assert_eq!(t.store.apply_file(&plain).unwrap().items, 3);
    assert_eq!(t.store.apply_file(&gz_path).unwrap().sequence, 2);
    let missing = t.store.apply_file(&dir.path().join("nope.gz")).unwrap_err();
    assert_eq!(missing.code(), "io");
}

/// A minisign public key (any valid one: nothing is verified here).
const SOME_KEY: &str = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";

#[test]
fn a_feed_another_feed_depends_on_is_not_removed_half_way() {
    let mut t = store();
    t.store.add_subscription("feed-a", "https://a.example/manifest.json", SOME_KEY).unwrap();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    // Feed B sells an item on feed A's contract.
    let b = file(
        &header("feed-b", 1, Scope::Snapshot, None),
        &[Op::Put(item("b1", "ctr-a", "Reseller battery", "RB-1", 500, 400))],
    );
    t.store.apply_records("test", &b[..]).unwrap();
    let before = dump(&t.store);
    let err = t.store.remove_subscription("feed-a").unwrap_err().to_string();
    assert!(err.contains("another feed still needs its records (item 'b1' refers to a contract"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(dump(&t.store), before);
    assert!(t.store.subscription("feed-a").is_ok());
}
