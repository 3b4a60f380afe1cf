use coopdesk_core::model::*;
use coopdesk_core::record::{Entity, Header, Kind, RecordWriter, Scope, FORMAT_NAME, FORMAT_VERSION};
use coopdesk_core::{Cents, Store};
use std::path::PathBuf;

pub struct TestStore {
    pub store: Store,
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

impl TestStore {
    /// Closes the store, deletes its search index and opens it again, which
    /// rebuilds the index from the catalog.
    pub fn with_index_rebuilt(self) -> TestStore {
        let TestStore { store, path, _dir } = self;
        drop(store);
        let mut folder = path.file_name().unwrap().to_os_string();
        folder.push(".search");
        std::fs::remove_dir_all(path.with_file_name(folder)).unwrap();
        TestStore { store: Store::open(&path).unwrap(), path, _dir }
    }
}

pub fn store() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("coopdesk.sqlite3");
    TestStore { store: Store::open(&path).unwrap(), path, _dir: dir }
}

pub fn header(feed: &str, sequence: u64, scope: Scope, base: Option<u64>) -> Header {
    Header {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION,
        feed_id: feed.into(),
        feed_name: format!("{feed} marketplace"),
        sequence,
        scope,
        base_sequence: base,
        generated_at: "2026-11-01T12:00:00Z".parse().unwrap(),
    }
}

#[allow(clippy::large_enum_variant)] // a handful per test
pub enum Op {
    Put(Entity),
    Del(Kind, &'static str),
}

pub fn file(header: &Header, ops: &[Op]) -> Vec<u8> {
    let mut w = RecordWriter::new(Vec::new(), header).unwrap();
    for op in ops {
        match op {
            Op::Put(e) => w.upsert(e).unwrap(),
            Op::Del(k, id) => w.delete(*k, id).unwrap(),
        }
    }
    w.finish()
}

pub fn coop(id: &str, name: &str) -> Entity {
    Entity::Cooperative(Cooperative {
        id: id.into(),
        name: name.into(),
        lead_agency: Some("Harbor County".into()),
        membership_required: false,
        website: None,
    })
}

pub fn supplier(id: &str, name: &str) -> Entity {
    Entity::Supplier(Supplier {
        id: id.into(),
        legal_name: name.into(),
        identifiers: vec![],
        address: Address { street: "1 Dock St".into(), city: "Mobile".into(), state: "AL".into(), zip: "36602".into() },
        phone: Some("(251) 555-0101".into()),
        email: None,
        emergency_contact: None,
        contact: None,
    })
}

pub fn contract(id: &str, number: &str, coop: &str, supplier: &str) -> Entity {
    Entity::Contract(Contract {
        id: id.into(),
        cooperative_id: coop.into(),
        supplier_id: supplier.into(),
        number: number.into(),
        title: "Power protection equipment".into(),
        lead_agency: None,
        term_start: "2025-01-01".parse().unwrap(),
        term_end: "2028-12-31".parse().unwrap(),
        max_extension_end: None,
        eligibility: Eligibility::default(),
        documents: vec![],
        origin: None,
        amendments: vec![],
    })
}

pub fn item(id: &str, contract: &str, description: &str, part: &str, list: i64, price: i64) -> Entity {
    Entity::Item(CatalogueItem {
        id: id.into(),
        contract_id: contract.into(),
        supplier_sku: format!("SKU-{id}"),
        manufacturer: Some("Voltaris".into()),
        manufacturer_part: Some(part.into()),
        description: description.into(),
        classifications: vec![Classification { scheme: "UNSPSC".into(), code: "39121011".into(), name: None }],
        unit: "EA".into(),
        list_price: Cents(list),
        contract_price: Cents(price),
        price_tiers: vec![],
        attributes: vec!["energy-efficient".into()],
        currency: coopdesk_core::money::Currency::USD,
    })
}

/// A small complete catalogue: one cooperative, supplier and contract, three items.
pub fn base_ops() -> Vec<Op> {
    vec![
        Op::Put(coop("coop-a", "Gulf States Purchasing Cooperative")),
        Op::Put(supplier("sup-a", "Pelican Power Supply")),
        Op::Put(contract("ctr-a", "GSP-2501-001", "coop-a", "sup-a")),
        Op::Put(item("i1", "ctr-a", "UPS replacement battery cartridge", "APC-BR1500", 10_000, 7_000)),
        Op::Put(item("i2", "ctr-a", "Line-interactive UPS 1500VA tower", "VX-1500", 50_000, 36_000)),
        Op::Put(item("i3", "ctr-a", "LED high bay 200W", "LH-200", 30_000, 21_000)),
    ]
}

/// Everything a clerk could see, to compare before and after a refused apply.
pub fn dump(store: &Store) -> String {
    let status = store.catalogue_status().unwrap();
    let page = store
        .search(&coopdesk_core::search::SearchQuery {
            text: String::new(),
            limit: 200,
            offset: 0,
            ..Default::default()
        })
        .unwrap();
    format!("{:?}\n{:?}", status.feeds.iter().map(|f| (&f.id, f.sequence)).collect::<Vec<_>>(), page)
}

pub fn search_ids(store: &Store, text: &str) -> Vec<String> {
    store.search(&coopdesk_core::search::SearchQuery::text(text)).unwrap().hits.into_iter().map(|h| h.item_id).collect()
}

/// Checks with poppler's `pdfinfo` that `pdf` is a tagged PDF titled
/// `title` whose structure tree holds each of `tags` (H1, Table, TH…);
/// returns the tree with the text of each element.
pub fn assert_tagged(pdf: &[u8], title: &str, tags: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tagged.pdf");
    std::fs::write(&path, pdf).unwrap();
    let run = |args: &[&str]| {
        let out =
            std::process::Command::new("pdfinfo").args(args).arg(&path).output().expect("poppler-utils is installed");
        assert!(out.status.success(), "pdfinfo {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let info = run(&[]).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(info.contains("Tagged: yes"), "{info}");
    assert!(info.contains(&format!("Title: {title} Author:")), "{info}");
    let structure = run(&["-struct-text"]);
    let found: Vec<&str> =
        structure.lines().filter_map(|l| l.split_whitespace().next()).map(|t| t.trim_end_matches(':')).collect();
    assert_eq!(found.first(), Some(&"Document"), "{structure}");
    for tag in tags {
        assert!(found.contains(tag), "no {tag} in the structure:\n{structure}");
    }
    structure
}
