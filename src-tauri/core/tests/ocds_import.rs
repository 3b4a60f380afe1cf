//! OCDS publications imported into a real catalogue: OCP's fictional
//! process, a UK call-off from a framework, Paraguay's records as published
//! (empty files, linked releases, guaraní prices) and New South Wales
//! tenders; plus the messy cases every publisher has: other encodings,
//! broken JSON, numbers in strings, zero prices, stray spaces.

use crate::fixture::*;
use crate::ocds_merge::ocds_dir;
use coopdesk_core::import::ocds::OcdsSummary;
use coopdesk_core::import::{ImportOutcome, ImportRequest};
use coopdesk_core::record::Scope;
use coopdesk_core::{Cents, Store};
use serde_json::{json, Value};

fn bytes(path: &str) -> Vec<u8> {
    std::fs::read(ocds_dir().join(path)).unwrap()
}

fn import(store: &mut Store, name: &str, input: &[u8]) -> OcdsSummary {
    store.import_ocds(name, input, false, |_| {}).unwrap()
}

const FICTIONAL_CONTRACT: &str = "ocds-ocds-213czf-000-00001-ocds-213czf-000-00001-contract-01";

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2011, 1, 1).unwrap()
}

#[test]
fn the_fictional_record_becomes_a_contract_with_its_supplier_and_priced_item() {
    let mut t = store();
    let s = import(&mut t.store, "fictional.json", &bytes("fictional/record/ocds-213czf-000-00001.json"));
    assert_eq!((s.read.record_packages, s.processes), (1, 1));
    assert_eq!((s.contracts.created, s.suppliers.created, s.items.created, s.cooperatives.created), (1, 1, 1, 1));
    assert!(s.skipped.is_empty(), "{:?}", s.skipped);

    let d = t.store.contract_detail(FICTIONAL_CONTRACT, None, today()).unwrap();
    let c = &d.contract;
    assert_eq!(c.number, "ocds-213czf-000-00001-contract-01");
    assert_eq!(c.title, "Contract to build new cycle lanes in the centre of town.");
    assert_eq!((c.term_start.to_string(), c.term_end.to_string()), ("2010-07-01".into(), "2011-06-30".into()));
    assert_eq!(c.max_extension_end.unwrap().to_string(), "2011-12-31");
    assert_eq!(d.cooperative.name, "London Borough of Barnet");
    let origin = c.origin.as_ref().unwrap();
    assert_eq!((origin.ocid.as_str(), origin.kind.as_str()), ("ocds-213czf-000-00001", "contract"));
    assert_eq!(origin.value.as_deref(), Some("11,000,000.00 GBP"));
    assert_eq!(origin.source, "fictional.json");
    let docs: Vec<&str> = c.documents.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(docs, ["Signed Contract", "Award notice"]);

    let sup = &d.supplier;
    assert_eq!(sup.legal_name, "AnyCorp Ltd");
    assert_eq!(sup.identifiers[0].scheme, "GB-COH");
    assert_eq!(sup.address.city, "Anytown, Any County, United Kingdom");
    assert_eq!(sup.address.zip, "AA1 1AA");
    let contact = sup.contact.as_ref().unwrap();
    assert_eq!((contact.name.as_str(), contact.phone.as_deref()), ("Contracts Team", Some("11111 111 111")));

    let items = search_ids(&t.store, "cycle lane");
    assert_eq!(items.len(), 1);
    let item = t.store.item_detail(&items[0]).unwrap().item;
    assert_eq!((item.contract_price, item.currency.as_str(), item.unit.as_str()), (Cents(13_700_000), "GBP", "Miles"));
    let codes: Vec<(&str, &str)> = item.classifications.iter().map(|c| (c.scheme.as_str(), c.code.as_str())).collect();
    assert_eq!(codes, [("CPV", "45233130.0"), ("CPV", "45233162-2")]);

    // The same process as six release packages, in any order, gives the
    // same records: the import merges them first.
    let mut u = store();
    let mut stream = Vec::new();
    for stage in ["06-implementation", "01-planning", "04-award", "02-tender", "05-contract", "03-tenderAmendment"] {
        stream.extend(bytes(&format!("fictional/ocds-213czf-000-00001-{stage}.json")));
        stream.push(b'\n');
    }
    let s = import(&mut u.store, "stages.jsonl", &stream);
    assert_eq!((s.read.release_packages, s.read.releases, s.processes), (6, 6, 1));
    let again = u.store.contract_detail(FICTIONAL_CONTRACT, None, today()).unwrap();
    assert_eq!(again.contract.term_end, c.term_end);
    assert_eq!(again.supplier, d.supplier);
    assert_eq!(u.store.item_detail(&items[0]).unwrap().item, item);
}

#[test]
fn importing_again_updates_instead_of_duplicating_and_a_sync_leaves_it_alone() {
    let mut t = store();
    let publication = bytes("fictional/record/ocds-213czf-000-00001.json");
    import(&mut t.store, "fictional.json", &publication);
    let before = dump(&t.store);
    let s = import(&mut t.store, "fictional.json", &publication);
    assert_eq!((s.contracts.created, s.contracts.updated, s.items.updated), (0, 1, 1));
    assert_eq!(dump(&t.store), before);
    t.store.apply_records("test", &file_of(&base_ops())[..]).unwrap();
    t.store.apply_records("test", &file(&header("feed-a", 2, Scope::Snapshot, None), &base_ops()[..4])[..]).unwrap();
    assert!(
        t.store.contract(FICTIONAL_CONTRACT).unwrap().is_some(),
        "a feed snapshot does not remove imported contracts"
    );
}

fn file_of(ops: &[Op]) -> Vec<u8> {
    file(&header("feed-a", 1, Scope::Snapshot, None), ops)
}

#[test]
fn a_uk_call_off_from_a_framework_is_imported_as_a_call_off() {
    let mut t = store();
    let s = import(&mut t.store, "cf.json", &bytes("uk/cf-search-limit1-2022-10-18.json"));
    assert_eq!(s.contracts.created, 1);
    let found = t.store.contracts_with_ocid("ocds-b5fd17-18de5078-9cf3-479b-9e38-8b9d3f7a0e39").unwrap();
    assert_eq!(found.len(), 1);
    let d = t.store.contract_detail(&found[0].id, None, today()).unwrap();
    let origin = d.contract.origin.clone().unwrap();
    assert_eq!(origin.kind, "call-off");
    assert_eq!(origin.value.as_deref(), Some("44,341.25 GBP"));
    assert_eq!(origin.publisher.as_deref(), Some("Cabinet Office"));
    assert_eq!(d.supplier.legal_name, "BYTES SOFTWARE SERVICES LIMITED");
    assert_eq!(d.cooperative.name, "THE FINANCIAL CONDUCT AUTHORITY");
    assert_eq!(
        (d.contract.term_start.to_string(), d.contract.term_end.to_string()),
        ("2022-11-17".into(), "2024-03-31".into())
    );
    assert_eq!(
        d.contract.documents[0].url,
        "https://www.contractsfinder.service.gov.uk/Notice/0dbd2a57-18f9-4b60-b195-928dda88f4dd"
    );
}

/// The fictional compiled release, changed the way other publishers publish.
pub fn fictional_compiled() -> Value {
    let record: Value = serde_json::from_slice(&bytes("fictional/record/ocds-213czf-000-00001.json")).unwrap();
    record["records"][0]["compiledRelease"].clone()
}

#[test]
fn a_framework_agreement_is_recognised_from_the_techniques_extension() {
    let mut release = fictional_compiled();
    release["tender"]["techniques"] = json!({ "hasFrameworkAgreement": true });
    let mut t = store();
    import(&mut t.store, "framework.json", serde_json::to_string(&release).unwrap().as_bytes());
    let c = t.store.contract(FICTIONAL_CONTRACT).unwrap().unwrap();
    assert_eq!(c.origin.unwrap().kind, "framework agreement");
}

#[test]
fn amendments_are_kept_as_the_contracts_history_in_both_versions_shapes() {
    let mut release = fictional_compiled();
    release["contracts"][0]["amendments"] = json!([
        { "id": "2", "date": "2011-02-01T00:00:00Z", "rationale": "<p>Extended&nbsp;by six months</p>" },
        { "id": "1", "date": "2010-09-01T00:00:00Z", "description": "Second phase added" }
    ]);
    let mut t = store();
    import(&mut t.store, "amended.json", serde_json::to_string(&release).unwrap().as_bytes());
    let c = t.store.contract(FICTIONAL_CONTRACT).unwrap().unwrap();
    let history: Vec<(Option<&str>, Option<&str>)> =
        c.amendments.iter().map(|a| (a.id.as_deref(), a.rationale.as_deref().or(a.description.as_deref()))).collect();
    assert_eq!(history, [(Some("1"), Some("Second phase added")), (Some("2"), Some("Extended by six months"))]);

    // OCDS 1.0 had one `amendment` object.
    let mut release = fictional_compiled();
    release["contracts"][0]["amendment"] = json!({ "date": "2010-12-01", "rationale": "Price revision" });
    let mut u = store();
    import(&mut u.store, "amended-1.0.json", serde_json::to_string(&release).unwrap().as_bytes());
    let c = u.store.contract(FICTIONAL_CONTRACT).unwrap().unwrap();
    assert_eq!(c.amendments[0].rationale.as_deref(), Some("Price revision"));
}

#[test]
fn messy_values_are_read_leniently_and_bad_ones_skipped_with_reasons() {
    let mut release = fictional_compiled();
    let item = release["contracts"][0]["items"][0].clone();
    let mut text_price = item.clone();
    text_price["id"] = json!(" 2 ");
    text_price["unit"]["value"]["amount"] = json!(" 1,250.5 ");
    text_price["classification"]["id"] = json!(" 45233130 ");
    text_price["description_es"] = json!("Mejoras de carril bici");
    let mut zero = item.clone();
    zero["id"] = json!("3");
    zero["unit"]["value"]["amount"] = json!(0);
    let mut words = item.clone();
    words["id"] = json!("4");
    words["unit"]["value"]["amount"] = json!("to be agreed");
    let mut unpriced = item.clone();
    unpriced["id"] = json!("5");
    unpriced["unit"].as_object_mut().unwrap().remove("value");
    release["contracts"][0]["items"] = json!([item, text_price, zero, words, unpriced]);
    release["awards"][0]["status"] = json!("active");
    let mut cancelled = release["contracts"][0].clone();
    cancelled["id"] = json!("c-2");
    cancelled["status"] = json!("cancelled");
    let mut no_term = release["contracts"][0].clone();
    no_term["id"] = json!("c-3");
    no_term.as_object_mut().unwrap().remove("period");
    release["awards"][0].as_object_mut().unwrap().remove("contractPeriod");
    release["tender"].as_object_mut().unwrap().remove("contractPeriod");
    release["contracts"].as_array_mut().unwrap().extend([cancelled, no_term]);

    let mut t = store();
    let s = import(&mut t.store, "messy.json", serde_json::to_string(&release).unwrap().as_bytes());
    assert_eq!((s.contracts.created, s.items.created, s.unpriced_items), (1, 2, 1));
    let reasons: Vec<(String, Option<String>, String)> =
        s.skipped.iter().map(|k| (k.record.clone(), k.field.clone(), k.reason.clone())).collect();
    let contract = "ocid ocds-213czf-000-00001, contract ocds-213czf-000-00001-contract-01";
    assert!(
        reasons.contains(&(
            format!("{contract}, item 3"),
            Some("unit.value.amount".into()),
            "the unit price is 0, not above zero".into()
        )),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&(
            format!("{contract}, item 4"),
            Some("unit.value.amount".into()),
            "the unit price is not a number".into()
        )),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&(
            "ocid ocds-213czf-000-00001, contract c-2".into(),
            Some("status".into()),
            "not imported: it was canceled".into()
        )),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r.0.ends_with("contract c-3") && r.1.as_deref() == Some("period")), "{reasons:?}");
    let id = search_ids(&t.store, "cycle lane").into_iter().find(|i| i.ends_with("-2")).unwrap();
    let item = t.store.item_detail(&id).unwrap().item;
    assert_eq!((item.contract_price, item.supplier_sku.as_str()), (Cents(125_050), "2"));
    assert_eq!(item.classifications[0].code, "45233130", "stray spaces trimmed");
}

#[test]
fn paraguays_records_import_as_published_with_what_cannot_be_used_reported() {
    let mut stream = Vec::new();
    for name in ["273637.json", "283826.json", "284437.json", "284453.json"] {
        stream.extend(bytes(&format!("paraguay/records/{name}")));
        stream.push(b'\n');
    }
    let mut t = store();
    let s = import(&mut t.store, "dncp.json", &stream);
    assert_eq!((s.read.record_packages, s.processes), (3, 1), "the empty file adds nothing");
    let linked_only: Vec<&str> =
        s.skipped.iter().filter(|k| k.reason.contains("links to its releases")).map(|k| k.record.as_str()).collect();
    assert_eq!(linked_only, ["ocid ocds-03ad3f-284437", "ocid ocds-03ad3f-284453"]);
    assert!(s.contracts.created >= 1 && s.items.created >= 10, "{s:?}");
    let hits = search_ids(&t.store, "rectificador");
    let item = t.store.item_detail(&hits[0]).unwrap().item;
    assert_eq!(item.currency, "PYG");

    // A single empty file imports nothing, which is a failure that says so.
    let mut u = store();
    let err =
        u.store.import_ocds("283826.json", &bytes("paraguay/records/283826.json")[..], false, |_| {}).unwrap_err();
    assert_eq!(err.to_string(), "283826.json is empty. Nothing was imported.");
    assert_eq!(u.store.catalogue_status().unwrap().items, 0);

    // Bare releases outside any package, one after another.
    let mut stream = Vec::new();
    for entry in std::fs::read_dir(ocds_dir().join("paraguay/releases")).unwrap() {
        stream.extend(std::fs::read(entry.unwrap().path()).unwrap());
        stream.push(b'\n');
    }
    let mut v = store();
    let s = import(&mut v.store, "releases.jsonl", &stream);
    assert_eq!((s.read.release_packages, s.read.releases, s.processes), (0, 7, 1));
    assert!(s.contracts.created >= 1, "{s:?}");
}

#[test]
fn new_south_wales_tenders_are_counted_as_not_yet_awarded() {
    let mut stream = Vec::new();
    for n in 0..10 {
        stream.extend(bytes(&format!("australia/{n}.json")));
    }
    let mut t = store();
    let s = import(&mut t.store, "nsw.json", &stream);
    assert_eq!((s.processes, s.not_awarded, s.contracts.created), (10, 10, 0));

    // Once awarded, the tender's UNSPSC code (published with a leading
    // space) is carried without it.
    let package: Value = serde_json::from_slice(&bytes("australia/0.json")).unwrap();
    let tender = &package["releases"][0];
    let award = json!({
        "ocid": tender["ocid"], "id": "award-1", "date": "2018-03-01T00:00:00Z", "tag": ["award"],
        "parties": [{ "id": "S1", "name": "EJE Architecture Pty Ltd", "roles": ["supplier"] }],
        "awards": [{ "id": "1", "status": "active", "suppliers": [{ "id": "S1", "name": "EJE Architecture Pty Ltd" }],
            "contractPeriod": { "startDate": "2018-03-01", "endDate": "2019-03-01" },
            "items": [{ "id": tender["tender"]["items"][0]["id"], "classification": tender["tender"]["items"][0]["classification"],
                        "unit": { "name": "Service", "value": { "amount": 98000, "currency": "AUD" } } }] }]
    });
    let mut stream = bytes("australia/0.json");
    stream.extend(serde_json::to_vec(&json!({ "version": "1.1", "releases": [award] })).unwrap());
    let mut u = store();
    let s = import(&mut u.store, "nsw-awarded.json", &stream);
    assert_eq!((s.contracts.created, s.items.created), (1, 1), "{s:?}");
    let hit = search_ids(&u.store, "architectural").pop().unwrap();
    let item = u.store.item_detail(&hit).unwrap().item;
    assert_eq!(
        (item.classifications[0].scheme.as_str(), item.classifications[0].code.as_str()),
        ("UNSPSC", "81101508")
    );
    assert_eq!(item.currency, "AUD");
}

#[test]
fn other_encodings_and_broken_json_are_handled() {
    let uk = bytes("uk/cf-search-limit1-2022-10-18.json");
    let text = String::from_utf8(uk.clone()).unwrap();
    // UTF-16 with a byte-order mark, as some Windows tools save.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let mut t = store();
    let s = import(&mut t.store, "utf16.json", &utf16);
    assert_eq!((s.read.encoding.as_str(), s.contracts.created), ("UTF-16LE", 1));

    // Windows-1252: "Asunción" as one byte per letter.
    let mut release = fictional_compiled();
    release["parties"][1]["address"]["locality"] = json!("Asunción");
    let utf8 = serde_json::to_string(&release).unwrap();
    let latin: Vec<u8> = utf8.chars().map(|c| u8::try_from(c as u32).unwrap()).collect();
    let mut u = store();
    let s = import(&mut u.store, "latin1.json", &latin);
    assert_eq!(s.read.encoding, "windows-1252");
    let d = u.store.contract_detail(FICTIONAL_CONTRACT, None, today()).unwrap();
    assert!(d.supplier.address.city.starts_with("Asunción"), "{}", d.supplier.address.city);

    // A stream cut off mid-document: what came before is imported, the
    // rest is reported as unread.
    let mut cut = uk.clone();
    cut.push(b'\n');
    cut.extend(&bytes("fictional/record/ocds-213czf-000-00001.json")[..500]);
    let mut v = store();
    let s = import(&mut v.store, "cut.jsonl", &cut);
    assert_eq!(s.contracts.created, 1);
    assert_eq!(s.skipped.len(), 1);
    assert!(
        s.skipped[0].reason.starts_with("it is not valid JSON") && s.skipped[0].record == "document 2",
        "{:?}",
        s.skipped
    );
}

/// A reader that fails partway, as a disk or network does.
struct Failing(Vec<u8>, usize);
impl std::io::Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.1 >= self.0.len() / 2 {
            return Err(std::io::Error::other("device not ready"));
        }
        let n = buf.len().min(self.0.len() / 2 - self.1).min(1024);
        buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
        self.1 += n;
        Ok(n)
    }
}

#[test]
fn a_read_failure_or_a_dry_run_leaves_the_catalogue_as_it_was() {
    let mut t = store();
    t.store.apply_records("test", &file_of(&base_ops())[..]).unwrap();
    let before = dump(&t.store);
    let mut stream = bytes("uk/cf-search-limit1-2022-10-18.json");
    stream.extend(bytes("fictional/record/ocds-213czf-000-00001.json"));
    let err = t.store.import_ocds("disk.json", Failing(stream.clone(), 0), false, |_| {}).unwrap_err().to_string();
    assert!(err.contains("could not be read to the end") && err.contains("Nothing was imported"), "{err}");
    assert_eq!(dump(&t.store), before);

    let s = t.store.import_ocds("both.json", stream.as_slice(), true, |_| {}).unwrap();
    assert!(s.dry_run && s.contracts.created == 2, "{s:?}");
    assert_eq!(dump(&t.store), before, "a dry run writes nothing");
}

#[test]
fn the_import_request_tells_ocds_from_price_files_and_logs_each_import() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("publication.data");
    std::fs::write(&path, bytes("uk/cf-search-limit1-2022-10-18.json")).unwrap();
    let mut t = store();
    let request = ImportRequest { location: path.display().to_string(), ..Default::default() };
    let mut steps = Vec::new();
    match t.store.import(&request, |p| steps.push((p.done, p.total))).unwrap() {
        ImportOutcome::Ocds(s) => assert_eq!(s.contracts.created, 1),
        other => panic!("{other:?}"),
    }
    assert_eq!(steps, [(1, 1)]);
    let log = t.store.imports().unwrap();
    assert_eq!((log[0].kind.as_str(), log[0].source.as_str()), ("ocds", request.location.as_str()));

    // Price-file settings left over from an earlier file are ignored for a
    // file that turns out to be OCDS, and refused when OCDS was asked for.
    let mut leftover = request.clone();
    leftover.prices.contract = Some("ACME-1".into());
    leftover.dry_run = true;
    assert!(t.store.import(&leftover, |_| {}).is_ok());
    leftover.kind = Some(coopdesk_core::import::source::Kind::Ocds);
    let err = t.store.import(&leftover, |_| {}).unwrap_err().to_string();
    assert!(err.contains("are for price files"), "{err}");

    let err = t
        .store
        .import(&ImportRequest { location: "http://example.com/feed.json".into(), ..Default::default() }, |_| {});
    assert!(err.unwrap_err().to_string().contains("not an https address"));
}

/// Importing again writes the same buyer and supplier again; unchanged, they
/// mark nothing for the search index (every item under a buyer used to be).
#[test]
fn an_unchanged_buyer_or_supplier_marks_nothing_for_the_search_index() {
    let mut t = store();
    let publication = bytes("fictional/record/ocds-213czf-000-00001.json");
    import(&mut t.store, "fictional.json", &publication);
    search_ids(&t.store, "cycle lane"); // brings the index up to date
    let marks = |t: &TestStore| -> i64 {
        let conn = rusqlite::Connection::open(&t.path).unwrap();
        conn.query_row("SELECT count(*) FROM search_outbox", [], |r| r.get(0)).unwrap()
    };
    assert_eq!(marks(&t), 0);
    import(&mut t.store, "fictional.json", &publication);
    assert_eq!(marks(&t), 1, "only the item itself, rewritten");
    let mut renamed = fictional_compiled();
    renamed["buyer"]["name"] = json!("Barnet Council");
    import(&mut t.store, "renamed.json", serde_json::to_string(&renamed).unwrap().as_bytes());
    assert_eq!(search_ids(&t.store, "barnet council").len(), 1, "a renamed buyer is found by its new name");
    let status = t.store.catalogue_status().unwrap();
    assert_eq!(status.cooperatives, 1, "identified by its registry, the buyer is the same cooperative renamed");
}
