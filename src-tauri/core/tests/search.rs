use crate::fixture::*;
use coopdesk_core::record::Scope;
use coopdesk_core::search::SearchQuery;

fn loaded() -> TestStore {
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    t
}

#[test]
fn finds_by_words_prefixes_supplier_cooperative_and_contract() {
    let t = loaded();
    let cases: &[(&str, &[&str])] = &[
        ("battery", &["i1"]),
        ("bat", &["i1"]),
        // Longer than the indexed word beginnings: the term range.
        ("batt", &["i1"]),
        ("batter", &["i1"]),
        ("pelica", &["i1", "i2", "i3"]),
        ("power protection", &["i1", "i2", "i3"]),
        ("ups", &["i1", "i2"]),
        ("UPS tower", &["i2"]),
        ("pelican", &["i1", "i2", "i3"]),
        ("gulf states", &["i1", "i2", "i3"]),
        ("GSP-2501-001", &["i1", "i2", "i3"]),
        ("39121011", &["i1", "i2", "i3"]),
        ("energy-efficient", &["i1", "i2", "i3"]),
        // A hyphenated word still being typed.
        ("line-interac", &["i2"]),
        ("line-in", &["i2"]),
        ("nothing-like-this", &[]),
    ];
    for (text, want) in cases {
        let mut got = search_ids(&t.store, text);
        got.sort();
        assert_eq!(got, *want, "{text:?}");
    }
}

#[test]
fn part_numbers_match_with_or_without_dashes() {
    let t = loaded();
    for text in ["APC-BR1500", "apcbr1500", "APCBR15", "apc br1500", "SKU-i1"] {
        assert_eq!(search_ids(&t.store, text), vec!["i1"], "{text:?}");
    }
}

#[test]
fn part_number_outranks_a_description_mention() {
    let mut t = store();
    let mut ops = base_ops();
    ops.push(Op::Put(item("i5", "ctr-a", "Battery for VX-1500 units", "ZZ-1", 1_000, 800)));
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &ops)[..]).unwrap();
    assert_eq!(search_ids(&t.store, "VX-1500")[0], "i2");
}

#[test]
fn hits_carry_prices_and_saving() {
    let t = loaded();
    let page = t.store.search(&SearchQuery::text("battery")).unwrap();
    let h = &page.hits[0];
    assert_eq!((h.list_price.0, h.contract_price.0, h.saving_bps), (10_000, 7_000, Some(3_000)));
    assert_eq!(h.supplier, "Pelican Power Supply");
    assert_eq!(h.cooperative, "Gulf States Purchasing Cooperative");
    assert_eq!(h.contract_number, "GSP-2501-001");
    assert_eq!(h.unit, "EA");
}

#[test]
fn fts_syntax_in_the_box_is_just_text() {
    let t = loaded();
    // What each finds is what its words find: operators are words like any
    // other, and punctuation alone has nothing to search for.
    let cases: [(&str, &[&str]); 12] = [
        ("\"", &[]),
        ("(", &[]),
        ("*", &[]),
        ("AND", &[]),
        ("ups OR", &[]),
        ("NEAR(ups battery)", &[]),
        ("col:ups", &[]),
        ("^ups", &["i1", "i2"]),
        ("ups -battery", &["i1"]),
        ("\"ups battery\"", &["i1"]),
        ("1500VA)", &["i2"]),
        ("high-bay", &["i3"]),
    ];
    for (text, want) in cases {
        let page = t.store.search(&SearchQuery::text(text)).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let mut ids: Vec<&str> = page.hits.iter().map(|h| h.item_id.as_str()).collect();
        ids.sort();
        assert_eq!((ids.as_slice(), page.total as usize), (want, want.len()), "{text:?}");
    }
}

#[test]
fn empty_text_browses_and_pages() {
    let t = loaded();
    let first =
        t.store.search(&SearchQuery { text: String::new(), limit: 2, offset: 0, ..Default::default() }).unwrap();
    assert_eq!(first.total, 3);
    assert_eq!(first.hits.len(), 2);
    let rest = t.store.search(&SearchQuery { text: String::new(), limit: 2, offset: 2, ..Default::default() }).unwrap();
    assert_eq!(rest.hits.len(), 1);
    assert_eq!(first.hits[0].description, "LED high bay 200W");
}

/// The search index is a cache of the catalogue: changes committed behind
/// its back (as a crash between the two commits leaves them) are found at
/// the next start, and a lost index folder is rebuilt.
#[test]
fn the_index_catches_up_after_a_crash_and_rebuilds_when_lost() {
    use coopdesk_core::Store;
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    drop(t.store);
    // Another program changes the catalogue; the index has not seen it.
    let conn = rusqlite::Connection::open(&t.path).unwrap();
    conn.execute("UPDATE items SET description = 'Hurricane shutter panel' WHERE id = 'i3'", []).unwrap();
    drop(conn);
    let s = Store::open(&t.path).unwrap();
    assert_eq!(search_ids(&s, "shutter"), ["i3"]);
    assert!(search_ids(&s, "high bay").is_empty());
    drop(s);
    let mut folder = t.path.file_name().unwrap().to_os_string();
    folder.push(".search");
    std::fs::remove_dir_all(t.path.with_file_name(folder)).unwrap();
    let s = Store::open(&t.path).unwrap();
    assert_eq!(search_ids(&s, "shutter"), ["i3"]);
    assert_eq!(search_ids(&s, "ups").len(), 2);
}
