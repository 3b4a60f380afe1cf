//! Vendor price files imported from real published data (GSA CALC,
//! tests/fixtures/pricelists, public domain): header detection, money
//! parsing, the instructions row, refused rows with reasons, preview then
//! import, and a sync that leaves imported contracts alone.

use crate::fixture::*;
use coopdesk_core::import::prices::{Field, MappingSource, PriceOptions};
use coopdesk_core::record::Scope;
use coopdesk_core::search::SearchQuery;
use coopdesk_core::Cents;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pricelists").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_gsa_price_list_is_previewed_then_imported_as_local_contracts() {
    let mut t = store();
    let csv = fixture("s70_sample.csv");
    let preview = t.store.preview_price_file("s70_sample.csv", &csv, &PriceOptions::default()).unwrap();
    let m = &preview.mapping;
    assert_eq!(m.header_row, 0);
    assert_eq!(m.columns[&Field::Description], 1);
    assert_eq!(m.columns[&Field::Unit], 4);
    assert_eq!(m.columns[&Field::ContractPrice], 5);
    assert_eq!(m.columns[&Field::ContractNumber], 6);
    assert_eq!(m.columns[&Field::Vendor], 7);
    assert_eq!(preview.instructions, vec![2], "the template's instructions row is recognized, not refused");
    assert!(preview.refused.is_empty(), "{:?}", preview.refused);
    let numbers: Vec<&str> = preview.contracts.iter().map(|c| c.contract_number.as_str()).collect();
    assert_eq!(numbers, ["GS-35F-376CA", "GS-35F-309CA", "GS-35F-308CA"]);
    assert_eq!(preview.added() + preview.duplicates.len(), 20);
    let pink = &preview.contracts[0];
    assert_eq!(pink.vendor, "Pink Frog Interactive, Inc.");
    let pm = pink.added.iter().find(|r| r.description == "Product Manager").unwrap();
    assert_eq!((pm.contract_price, pm.unit.as_str()), (Cents(12544), "Hour"));
    assert_eq!(pm.effective.unwrap().to_string(), "2015-06-24");
    assert_eq!(t.store.catalogue_status().unwrap().items, 0, "a preview changes nothing");

    let done = t
        .store
        .import_price_file(
            "s70_sample.csv",
            &csv,
            &PriceOptions { cooperative: Some("GSA IT Schedule 70".into()), ..Default::default() },
        )
        .unwrap();
    let status = t.store.catalogue_status().unwrap();
    assert_eq!((status.contracts, status.items as usize), (3, done.added()));
    let hits = t.store.search(&SearchQuery::text("interaction designer")).unwrap();
    assert_eq!(hits.hits[0].contract_number, "GS-35F-376CA");
    assert_eq!(hits.hits[0].cooperative, "GSA IT Schedule 70");

    // The same file again: nothing to add or change.
    let again = t.store.preview_price_file("s70_sample.csv", &csv, &PriceOptions::default()).unwrap();
    assert_eq!((again.added(), again.changed(), again.unchanged()), (0, 0, done.added()));

    // A feed sync never touches the imported, local contracts.
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    t.store.apply_records("test", &file(&header("feed-a", 2, Scope::Snapshot, None), &base_ops()[..4])[..]).unwrap();
    assert_eq!(t.store.catalogue_status().unwrap().items as usize, done.added() + 1);
}

#[test]
fn bad_rows_are_refused_with_reasons_and_the_rest_imported() {
    let mut t = store();
    let csv = fixture("s70_bad_sample.csv");
    let preview = t.store.import_price_file("s70_bad_sample.csv", &csv, &PriceOptions::default()).unwrap();
    let reasons: Vec<(usize, &str)> = preview.refused.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(
        reasons,
        [(3, "the price 'BAD_PRICE_DATA' is not a number"), (13, "the start date 'BAD_DATE_DATA' is not a date")]
    );
    assert_eq!(t.store.catalogue_status().unwrap().items as usize, preview.added());
    assert!(preview.added() >= 15);
}

#[test]
fn the_gsa_excel_template_is_read_from_its_pricing_sheet() {
    let t = store();
    let xlsx = fixture("s70_example.xlsx");
    let preview = t
        .store
        .preview_price_file(
            "s70_example.xlsx",
            &xlsx,
            &PriceOptions { contract: Some("GS-00F-EXAMPLE".into()), ..Default::default() },
        )
        .unwrap();
    // The first sheet is instructions and the products sheet of this
    // example holds no priced row; the labor categories are what it prices.
    assert_eq!(preview.mapping.sheet, "(3)Labor Categories");
    assert!(preview.mapping.columns.contains_key(&Field::Description), "{:?}", preview.mapping);
    assert!(preview.added() >= 1, "{preview:?}");
    let row = &preview.contracts[0].added[0];
    assert_eq!(
        (row.line, row.description.as_str(), row.unit.as_str(), row.contract_price, row.list_price),
        (4, "Project Manager", "Hour", Cents(11_599), Cents(12_500)),
        "row 4, as the spreadsheet numbers it"
    );
}

#[test]
fn a_file_that_is_not_a_price_list_says_what_to_do() {
    let mut t = store();
    let preview = t.store.preview_price_file("notes.csv", b"hello,world\n1,2\n", &PriceOptions::default()).unwrap();
    assert_eq!(preview.missing, [Field::Description, Field::ContractPrice]);
    assert_eq!(preview.headers, ["hello", "world"], "offered for the clerk to map");
    let err = t
        .store
        .import_price_file("notes.csv", b"hello,world\n1,2\n", &PriceOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no column for the description or the contract price") && err.contains("Nothing was imported"),
        "{err}"
    );
    let err = t.store.preview_price_file("empty.csv", b"", &PriceOptions::default()).unwrap_err().to_string();
    assert!(err.contains("not a price list"), "{err}");
}

/// A supplier's file whose headers no rule recognises: the clerk chooses the
/// columns once, saves them for the supplier, and the next file maps alone.
#[test]
fn chosen_columns_are_saved_per_supplier_and_reused() {
    let mut t = store();
    let first = b"Acme Supply price sheet,,,\nItem,What it is,Cost each,Pack\nA-100,Copier toner black,64.50,EA\nA-200,Copier toner cyan,71.25,EA\n";
    let unmapped = t.store.preview_price_file("acme.csv", first, &PriceOptions::default()).unwrap();
    assert_eq!(
        (unmapped.mapping.header_row, unmapped.missing.len()),
        (1, 2),
        "the title row is not taken for the header"
    );

    let mut columns = std::collections::BTreeMap::new();
    columns.insert(Field::Sku, "Item".to_owned());
    columns.insert(Field::Description, "what it is".to_owned());
    columns.insert(Field::ContractPrice, "C".to_owned());
    columns.insert(Field::Unit, "4".to_owned());
    let options = PriceOptions {
        contract: Some("ACME-2026".into()),
        supplier: Some("Acme Supply".into()),
        columns,
        save_mapping: true,
        ..Default::default()
    };
    let preview = t.store.preview_price_file("acme.csv", first, &options).unwrap();
    assert_eq!(preview.mapping_source, MappingSource::Chosen);
    assert_eq!(preview.mapping.header_row, 1);
    assert_eq!(preview.headers, ["Item", "What it is", "Cost each", "Pack"]);
    let done = t.store.import_price_file("acme.csv", first, &options).unwrap();
    assert_eq!(done.added(), 2);
    assert_eq!(done.contracts[0].vendor, "Acme Supply");
    let saved = t.store.saved_price_mapping("ACME supply").unwrap().unwrap();
    assert_eq!(saved[&Field::ContractPrice], "Cost each", "saved by header text, not position");

    // The next file from Acme has another column first; the saved names still find theirs.
    let second = b"Notes,Item,What it is,Cost each,Pack\n,A-100,Copier toner black,62.00,EA\n,A-300,Copier toner magenta,71.25,EA\n";
    let next =
        PriceOptions { contract: Some("ACME-2026".into()), supplier: Some("Acme Supply".into()), ..Default::default() };
    let preview = t.store.preview_price_file("acme-2.csv", second, &next).unwrap();
    assert_eq!(preview.mapping_source, MappingSource::Saved);
    assert_eq!((preview.added(), preview.changed()), (1, 1), "{preview:?}");
    assert_eq!(preview.contracts[0].changed[0].1, Cents(6450), "the price it had");

    // A column that is not there is named, with the ones that are.
    let mut wrong = next.clone();
    wrong.columns.insert(Field::ListPrice, "MSRP".into());
    let err = t.store.preview_price_file("acme-2.csv", second, &wrong).unwrap_err().to_string();
    assert!(err.contains("no column 'MSRP' for list price") && err.contains("What it is"), "{err}");
}

/// A public buyer's OCDS publication gives the contract but no unit prices;
/// the vendor's price list for it goes on that same contract.
#[test]
fn a_price_list_attaches_to_a_contract_imported_from_ocds() {
    let mut t = store();
    let ocds = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/ocds/uk/cf-search-limit1-2022-10-18.json");
    t.store.import_ocds("cf.json", std::fs::read(ocds).unwrap().as_slice(), false, |_| {}).unwrap();
    let contract = t.store.contracts_with_ocid("ocds-b5fd17-18de5078-9cf3-479b-9e38-8b9d3f7a0e39").unwrap().remove(0);

    let prices = b"SKU,Description,UNSPSC,Unit,Contract price\nRSW-1,RStudio Workbench Enterprise licence,43232300,Each,4995.00\n";
    let options = PriceOptions { contract: Some(contract.number.clone()), ..Default::default() };
    let preview = t.store.preview_price_file("bytes.csv", prices, &options).unwrap();
    let group = &preview.contracts[0];
    assert!(group.existing && group.contract_id == contract.id, "{group:?}");
    assert_eq!(group.vendor, "BYTES SOFTWARE SERVICES LIMITED", "the contract's supplier");
    t.store.import_price_file("bytes.csv", prices, &options).unwrap();

    let after = t.store.contract(&contract.id).unwrap().unwrap();
    assert_eq!(
        (after.term_start, after.term_end),
        (contract.term_start, contract.term_end),
        "the published term stands"
    );
    let hit = search_ids(&t.store, "rstudio workbench").pop().unwrap();
    let item = t.store.item_detail(&hit).unwrap().item;
    assert_eq!((item.contract_id.as_str(), item.contract_price), (contract.id.as_str(), Cents(499_500)));
    assert_eq!(item.classifications[0].scheme, "UNSPSC", "named by the column's header");
}

/// A feed's contract with the same number is not touched: the prices go on a
/// local contract, and the preview says so.
#[test]
fn prices_for_a_feed_contracts_number_go_on_a_local_contract_with_a_note() {
    let mut t = store();
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &base_ops())[..]).unwrap();
    let prices = b"SKU,Description,Contract price\nX-1,Surge protector,19.99\n";
    let options = PriceOptions { contract: Some("GSP-2501-001".into()), ..Default::default() };
    let done = t.store.import_price_file("pelican.csv", prices, &options).unwrap();
    let group = &done.contracts[0];
    assert!(!group.existing && group.contract_id.starts_with("local-"), "{group:?}");
    assert!(group.note.as_deref().unwrap().contains("Feed 'feed-a' has a contract numbered GSP-2501-001 too"));
    assert_eq!(t.store.item_detail("i1").unwrap().item.contract_id, "ctr-a");
}

/// "Text (tab delimited)" from a spreadsheet reads like CSV, commas in the
/// descriptions and all.
#[test]
fn a_tab_delimited_price_list_is_read_by_its_tabs() {
    let t = store();
    let tsv = b"SKU\tDescription\tUnit\tContract price\nT-1\tTarp, 10 x 12 ft, blue\tEA\t12.40\n";
    let options = PriceOptions { contract: Some("TARP-1".into()), ..Default::default() };
    let preview = t.store.preview_price_file("tarps.txt", tsv, &options).unwrap();
    let row = &preview.contracts[0].added[0];
    assert_eq!((row.description.as_str(), row.contract_price), ("Tarp, 10 x 12 ft, blue", Cents(1240)));
}
