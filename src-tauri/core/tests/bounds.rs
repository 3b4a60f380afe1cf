//! Every way into the catalog holds the model's bounds: price files, OCDS
//! publications and record files (what feeds carry) each meet an over-long
//! text, a control character, a price beyond the bounds and too many tiers
//! or classifications, and none of them can store what another refuses. An
//! import that reads nothing fails, and a refusal leaves the database as it
//! was.

use crate::fixture::*;
use crate::ocds_import::fictional_compiled;
use coopdesk_core::import::prices::PriceOptions;
use coopdesk_core::model::{limits, Classification, PriceTier};
use coopdesk_core::record::{Entity, Scope};
use coopdesk_core::Cents;
use serde_json::json;

/// Everything stored in the catalog, read straight from the file and held
/// to the model's bounds.
fn assert_stored_within_bounds(t: &TestStore) {
    let db = rusqlite::Connection::open(&t.path).unwrap();
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let texts = [
        ("items", "description", limits::LONG_TEXT),
        ("items", "unit", 20),
        ("items", "supplier_sku", 100),
        ("contracts", "number", limits::SHORT_TEXT),
        ("contracts", "title", limits::SHORT_TEXT),
        ("suppliers", "legal_name", limits::SHORT_TEXT),
        ("cooperatives", "name", limits::SHORT_TEXT),
    ];
    for (table, column, max) in texts {
        let mut stmt = db.prepare(&format!("SELECT {column} FROM {table}")).unwrap();
        let values: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        for v in values {
            assert!(v.chars().count() <= max, "{table}.{column} holds {} characters", v.chars().count());
            assert!(!v.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{table}.{column} holds {v:?}");
        }
    }
    let (max_cents, max_classes, max_tiers): (i64, i64, i64) = db
        .query_row(
            "SELECT coalesce(max(max(list_cents, contract_cents)), 0),
                    coalesce(max(json_array_length(classifications)), 0),
                    coalesce(max(json_array_length(price_tiers)), 0) FROM items",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(max_cents <= limits::MAX_CENTS, "a price of {max_cents} cents is stored");
    assert!(max_classes as usize <= limits::LIST && max_tiers as usize <= limits::LIST);
}

fn prices_csv(rows: &[[&str; 4]]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["SKU", "Description", "Unit", "Contract Price"]).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

#[test]
fn a_price_file_refuses_each_row_the_model_would_refuse_and_imports_the_rest() {
    let mut t = store();
    let huge = "x".repeat(2_000_000);
    let csv = prices_csv(&[
        ["A-1", "UPS battery", "EA", "89.00"],
        ["A-2", &huge, "EA", "10.00"],
        ["A-3", "Charger\u{7}with a bell", "EA", "10.00"],
        ["A-4", "Gold-plated cable", "EA", "20000000000.00"],
        ["A-5", "Strap", "A unit of measure far too long to be one", "4.00"],
    ]);
    let options = PriceOptions { contract: Some("GS-07F-0001".into()), ..Default::default() };
    let preview = t.store.preview_price_file("prices.csv", &csv, &options).unwrap();
    let refused: Vec<(usize, &str)> = preview.refused.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(
        refused,
        [
            (3, "the description is longer than 2000 characters"),
            (4, "the description contains control characters"),
            (5, "the contract price must be between $0 and $10,000,000,000"),
            (6, "the unit of measure is longer than 20 characters"),
        ]
    );
    let done = t.store.import_price_file("prices.csv", &csv, &options).unwrap();
    assert_eq!((done.added(), done.refused.len()), (1, 4));
    assert_eq!(t.store.catalogue_status().unwrap().items, 1);
    assert_stored_within_bounds(&t);
}

#[test]
fn a_price_files_contract_number_vendor_and_cooperative_meet_the_same_bounds() {
    let mut t = store();
    let csv = prices_csv(&[["A-1", "UPS battery", "EA", "89.00"]]);
    let long_number = "9".repeat(limits::SHORT_TEXT + 1);
    let options = PriceOptions { contract: Some(long_number), ..Default::default() };
    let preview = t.store.preview_price_file("prices.csv", &csv, &options).unwrap();
    assert_eq!(preview.refused[0].reason, "the contract number is longer than 200 characters");
    let vendor = PriceOptions {
        contract: Some("GS-1".into()),
        supplier: Some("V".repeat(limits::SHORT_TEXT + 1)),
        ..Default::default()
    };
    let preview = t.store.preview_price_file("prices.csv", &csv, &vendor).unwrap();
    assert_eq!(preview.refused[0].reason, "the vendor name is longer than 200 characters");

    let before = dump(&t.store);
    let coop = PriceOptions {
        contract: Some("GS-1".into()),
        cooperative: Some("Gulf\u{0}Coast".into()),
        ..Default::default()
    };
    let err = t.store.import_price_file("prices.csv", &csv, &coop).unwrap_err().to_string();
    assert!(err.contains("the cooperative name contains control characters") && err.contains("Nothing was imported"));
    assert_eq!(dump(&t.store), before);
    assert_stored_within_bounds(&t);
}

#[test]
fn a_price_file_with_no_row_to_import_fails_saying_why_and_changes_nothing() {
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    let before = dump(&t.store);
    let options = PriceOptions { contract: Some("GS-1".into()), ..Default::default() };
    let huge = "x".repeat(2_000_000);
    let csv = prices_csv(&[["A-1", &huge, "EA", "10.00"], ["A-2", "Strap", "EA", "12.345"]]);
    let err = t.store.import_price_file("prices.csv", &csv, &options).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert_eq!(
        err.to_string(),
        "prices.csv, row 2: the description is longer than 2000 characters (1 other row was refused too). Nothing was imported."
    );
    assert_eq!(dump(&t.store), before);
    assert!(t.store.imports().unwrap().is_empty(), "a failed import is not logged as one");
    assert_stored_within_bounds(&t);
}

#[test]
fn random_bytes_named_as_a_workbook_are_refused_for_that_and_a_workbook_named_csv_too() {
    let t = store();
    let mut noise = Vec::with_capacity(4096);
    let mut x: u32 = 2463534242;
    for _ in 0..4096 {
        // xorshift: bytes with no structure, the same on every run.
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push(x as u8);
    }
    let err = t.store.preview_price_file("prices.xlsx", &noise, &PriceOptions::default()).unwrap_err().to_string();
    assert!(err.starts_with("prices.xlsx is named as an Excel workbook but its content is not one"), "{err}");

    let xlsx = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pricelists/s70_example.xlsx"),
    )
    .unwrap();
    let err = t.store.preview_price_file("prices.csv", &xlsx, &PriceOptions::default()).unwrap_err().to_string();
    assert!(
        err.starts_with("prices.csv is named as a text (CSV) file but holds a ZIP file or Excel workbook"),
        "{err}"
    );
    // A workbook cut short is still told apart from one misnamed.
    let err = t
        .store
        .preview_price_file("prices.xlsx", &xlsx[..xlsx.len() / 2], &PriceOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("is not a readable Excel workbook"), "{err}");
}

#[test]
fn an_ocds_publication_is_cut_cleaned_or_skipped_to_the_same_bounds() {
    let mut release = fictional_compiled();
    let item = release["contracts"][0]["items"][0].clone();
    let mut long = item.clone();
    long["id"] = json!("long");
    long["description"] = json!("y".repeat(2_000_000));
    let mut bell = item.clone();
    bell["id"] = json!("bell");
    bell["description"] = json!("Cycle\u{7}lane paint");
    let mut dear = item.clone();
    dear["id"] = json!("dear");
    dear["unit"]["value"]["amount"] = json!(20_000_000_000.0);
    let mut classified = item.clone();
    classified["id"] = json!("classified");
    classified["additionalClassifications"] =
        json!((0..300).map(|n| json!({ "scheme": "UNSPSC", "id": format!("{}", 10_000_000 + n) })).collect::<Vec<_>>());
    release["contracts"][0]["items"] = json!([long, bell, dear, classified]);

    let mut t = store();
    let s =
        t.store.import_ocds("bounds.json", serde_json::to_string(&release).unwrap().as_bytes(), false, |_| {}).unwrap();
    assert_eq!(s.items.created, 3, "{s:?}");
    let skipped: Vec<(&str, Option<&str>)> =
        s.skipped.iter().map(|k| (k.record.as_str(), k.field.as_deref())).collect();
    assert!(
        skipped.iter().any(|(r, f)| r.ends_with("item dear") && *f == Some("contract_price")),
        "a price beyond the bounds is skipped: {skipped:?}"
    );
    let db = rusqlite::Connection::open(&t.path).unwrap();
    let stored = |suffix: &str| -> (String, i64) {
        db.query_row(
            "SELECT description, json_array_length(classifications) FROM items WHERE id LIKE '%-' || ?1",
            [suffix],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (long, _) = stored("long");
    assert_eq!(long.chars().count(), limits::LONG_TEXT, "cut to the bound, with a mark");
    assert!(long.ends_with('…'));
    assert_eq!(stored("bell").0, "Cycle lane paint", "a control character separates words");
    assert_eq!(stored("classified").1, limits::LIST as i64);
    assert_stored_within_bounds(&t);
}

#[test]
fn an_ocds_file_that_reads_as_nothing_fails_with_the_reason_first() {
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    let before = dump(&t.store);
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for (name, input, reason) in [
        ("cut.json", r#"{"releases": ["#.to_owned(), "cut.json is not valid JSON"),
        ("deep.json", deep, "deep.json is not valid JSON (arrays nested too deeply"),
        ("empty.json", r#"{"releases": []}"#.to_owned(), "empty.json holds no OCDS releases or records"),
    ] {
        for dry_run in [true, false] {
            let err = t.store.import_ocds(name, input.as_bytes(), dry_run, |_| {}).unwrap_err();
            let message = err.to_string();
            assert!(message.starts_with(reason) && message.ends_with("Nothing was imported."), "{message}");
            assert_eq!(err.code(), "invalid_input");
        }
    }
    assert_eq!(dump(&t.store), before);
    assert!(t.store.imports().unwrap().is_empty());
    assert_stored_within_bounds(&t);
}

/// A feed's record file with one record over a bound is refused whole.
#[test]
fn a_record_file_over_any_bound_is_refused_whole() {
    let Entity::Item(good) = item("i9", "ctr-a", "Surge protector", "SP-9", 2_000, 1_500) else { unreachable!() };
    let tiers = (1..=limits::LIST as u32 + 1).map(|q| PriceTier { min_quantity: q, unit_price: Cents(1_000) });
    let classes = (0..=limits::LIST).map(|n| Classification {
        scheme: "UNSPSC".into(),
        code: format!("{}", 10_000_000 + n),
        name: None,
    });
    let cases = [
        (
            "description",
            coopdesk_core::model::CatalogueItem { description: "z".repeat(limits::LONG_TEXT + 1), ..good.clone() },
        ),
        ("description", coopdesk_core::model::CatalogueItem { description: "Surge\u{1b}[31m".into(), ..good.clone() }),
        (
            "contract_price",
            coopdesk_core::model::CatalogueItem { contract_price: Cents(limits::MAX_CENTS + 1), ..good.clone() },
        ),
        ("price_tiers", coopdesk_core::model::CatalogueItem { price_tiers: tiers.collect(), ..good.clone() }),
        ("classifications", coopdesk_core::model::CatalogueItem { classifications: classes.collect(), ..good.clone() }),
    ];
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    let before = dump(&t.store);
    for (field, bad) in cases {
        let mut ops = base_ops();
        ops.push(Op::Put(Entity::Item(bad)));
        let err = t
            .store
            .apply_records("test", &file(&header("feed-a", 2, Scope::Snapshot, None), &ops)[..])
            .unwrap_err()
            .to_string();
        assert!(err.contains(field), "{field}: {err}");
        assert_eq!(dump(&t.store), before, "{field}");
    }
    assert_stored_within_bounds(&t);
}
