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

/// A snapshot writes its records as new rows, falling back to an update
/// only for an id already there: a record it gives twice ends as its last
/// version, exactly as if it had been given once.
#[test]
fn a_record_given_twice_in_a_snapshot_ends_as_its_last_version() {
    let later = || item("i1", "ctr-a", "UPS replacement battery, sealed", "APC-BR1500", 10_000, 6_500);
    let mut twice = base_ops();
    twice.push(Op::Put(later()));
    let once: Vec<Op> = base_ops()
        .into_iter()
        .map(|op| match op {
            Op::Put(e) if e.id() == "i1" => Op::Put(later()),
            other => other,
        })
        .collect();
    let loaded = |ops: &[Op]| {
        let mut t = store();
        let summary =
            t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), ops)[..]).unwrap();
        t.store.check_integrity().unwrap();
        (summary.items, t.store.catalogue_status().unwrap().items, dump(&t.store))
    };
    let (given_twice, given_once) = (loaded(&twice), loaded(&once));
    assert_eq!((given_twice.0, given_twice.1), (4, 3), "four item records, three items");
    assert_eq!(given_twice.2, given_once.2);
    assert!(given_twice.2.contains("UPS replacement battery, sealed"), "{}", given_twice.2);
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

/// What each query finds, and how many matches it counts (a document left
/// behind for a deleted item would be counted, though never shown). Sorted:
/// items of equal relevance come in the index's own order, which depends on
/// the order they were added.
fn answers(store: &coopdesk_core::store::Store) -> Vec<(&'static str, Vec<String>, u64)> {
    ["pelican", "gulf", "battery", "ups", "gsp 2501", "apcbr1500", "heron", "tarpon", "kestrel", "sealed", "charger"]
        .into_iter()
        .map(|q| {
            let mut ids = search_ids(store, q);
            ids.sort();
            (q, ids, store.search(&coopdesk_core::search::SearchQuery::text(q)).unwrap().total)
        })
        .collect()
}

/// A snapshot is indexed while it is written. Whatever the order of its
/// records, a record given twice, a delete inside it, or another feed beside
/// it, searches must answer exactly as they do after the index is rebuilt
/// from the catalog.
#[test]
fn a_snapshot_indexed_as_it_is_written_answers_as_a_rebuilt_index_does() {
    let other_feed = || {
        vec![
            Op::Put(coop("coop-b", "Tarpon Bay Cooperative")),
            Op::Put(supplier("sup-b", "Kestrel Supply")),
            Op::Put(contract("ctr-b", "TB-77", "coop-b", "sup-b")),
            Op::Put(item("b1", "ctr-b", "Sealed battery 12V 9Ah", "KS-129", 5_000, 4_000)),
        ]
    };
    let children_first = || {
        let mut ops = base_ops();
        ops.reverse();
        ops
    };
    let given_twice = || {
        let mut ops = base_ops();
        ops.push(Op::Put(item("i1", "ctr-a", "UPS replacement battery, sealed", "APC-BR1500", 10_000, 6_500)));
        ops
    };
    let renamed_later = || {
        let mut ops = base_ops();
        ops.push(Op::Put(supplier("sup-a", "Heron Energy Distributors")));
        ops
    };
    let with_a_delete = || {
        let mut ops = base_ops();
        ops.push(Op::Del(Kind::Item, "i2"));
        ops
    };
    let on_another_feeds_contract =
        || vec![Op::Put(item("a9", "ctr-b", "Sealed battery charger", "KS-CH", 9_000, 7_000))];
    let cases: Vec<(&str, Vec<Op>)> = vec![
        ("in order", base_ops()),
        ("children before their parents", children_first()),
        ("an item given twice", given_twice()),
        ("a supplier renamed after its items", renamed_later()),
        ("a delete inside the snapshot", with_a_delete()),
        ("an item on another feed's contract", on_another_feeds_contract()),
    ];
    for (case, ops) in cases {
        let mut t = store();
        t.store.apply_records("feed-b", &file(&header("feed-b", 1, Scope::Snapshot, None), &other_feed())[..]).unwrap();
        t.store.apply_records("feed-a", &file(&header("feed-a", 1, Scope::Snapshot, None), &ops)[..]).unwrap();
        let streamed = answers(&t.store);
        assert!(streamed.iter().any(|(_, ids, _)| !ids.is_empty()), "{case}: the snapshot is searchable");
        assert!(!search_ids(&t.store, "kestrel").is_empty(), "{case}: the other feed stays searchable");

        let rebuilt = t.with_index_rebuilt();
        assert_eq!(streamed, answers(&rebuilt.store), "{case}");
    }
}

/// A snapshot refused half-way leaves the index answering for the catalog
/// the clerk still has, before and after a restart.
#[test]
fn a_refused_snapshot_leaves_the_index_as_it_was() {
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    let before = answers(&t.store);
    let mut ops = base_ops();
    ops[1] = Op::Put(supplier("sup-a", "Heron Energy Distributors"));
    ops.push(Op::Put(item("i9", "ctr-missing", "Sealed battery 6V", "SB-6", 2_000, 1_500)));
    let refused = t.store.apply_records("test", &file(&header("feed-a", 2, Scope::Snapshot, None), &ops)[..]);
    assert!(refused.is_err());
    assert_eq!(answers(&t.store), before);
    let path = t.path.clone();
    drop(t.store);
    assert_eq!(answers(&coopdesk_core::store::Store::open(&path).unwrap()), before);
}

/// A delta is indexed as it is written too: items as they come, and what
/// the stream cannot follow (a supplier renamed after its items, deletes,
/// an item changed twice) read back at the end. Searches answer as a
/// rebuilt index does.
#[test]
fn a_delta_indexed_as_it_is_written_answers_as_a_rebuilt_index_does() {
    let sealed = || Op::Put(item("i4", "ctr-a", "Sealed battery 12V 9Ah", "SB-129", 4_000, 2_900));
    let cases: Vec<(&str, Vec<Op>)> = vec![
        ("new items", vec![sealed()]),
        ("a supplier renamed after an item", vec![sealed(), Op::Put(supplier("sup-a", "Heron Energy Distributors"))]),
        ("a delete", vec![Op::Del(Kind::Item, "i2")]),
        ("an item added then deleted", vec![sealed(), Op::Del(Kind::Item, "i4")]),
        (
            // The new item takes the deleted one's row.
            "an item added, deleted, and another added",
            vec![
                sealed(),
                Op::Del(Kind::Item, "i4"),
                Op::Put(item("i5", "ctr-a", "Battery charger, sealed", "KS-CH", 9_000, 7_000)),
            ],
        ),
        ("the last item deleted and a new one in its row", vec![Op::Del(Kind::Item, "i3"), sealed()]),
        (
            "an item changed then deleted",
            vec![
                Op::Put(item("i1", "ctr-a", "UPS battery, sealed", "APC-BR1500", 10_000, 6_900)),
                Op::Del(Kind::Item, "i1"),
            ],
        ),
        (
            "an item changed twice",
            vec![
                Op::Put(item("i1", "ctr-a", "UPS battery, sealed", "APC-BR1500", 10_000, 6_900)),
                Op::Put(item("i1", "ctr-a", "UPS battery cartridge, gulf stock", "APC-BR1500", 10_000, 6_800)),
            ],
        ),
        (
            "a new contract for a new item",
            vec![
                Op::Put(coop("coop-t", "Tarpon Bay Cooperative")),
                Op::Put(supplier("sup-k", "Kestrel Supply")),
                Op::Put(contract("ctr-k", "TB-77", "coop-t", "sup-k")),
                Op::Put(item("k1", "ctr-k", "Sealed battery charger", "KS-CH", 9_000, 7_000)),
            ],
        ),
    ];
    for (case, ops) in cases {
        let mut t = store();
        t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
        t.store.apply_records("test", &file(&header("feed-a", 2, Scope::Delta, Some(1)), &ops)[..]).unwrap();
        let streamed = answers(&t.store);
        let rebuilt = t.with_index_rebuilt();
        assert_eq!(streamed, answers(&rebuilt.store), "{case}");
        let status = rebuilt.store.catalogue_status().unwrap();
        assert!(status.items >= 2, "{case}");
    }
}
