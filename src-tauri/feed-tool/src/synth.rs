//! A realistic, clearly fictional cooperative-contract catalogue. Cooperative,
//! supplier and manufacturer names are invented, phone numbers are in the
//! 555-01xx range reserved for fiction, and street addresses are made up;
//! cities and their coordinates are real, so distances mean something.
//!
//! Generation is a pure function of the spec: the same spec gives the same
//! bytes, which is what lets the repository check that `assets/sample-feed`
//! is exactly what this code produces.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use coopdesk_core::model::*;
use coopdesk_core::record::{Entity, Header, RecordWriter, Scope, FORMAT_NAME, FORMAT_VERSION};
use coopdesk_core::Cents;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;

#[derive(Clone, Debug)]
pub struct Spec {
    pub feed_id: String,
    pub feed_name: String,
    pub sequence: u64,
    pub items: usize,
    pub seed: u64,
    /// Put before every entity id, so that several synthetic feeds can live
    /// in one catalogue (feeds own their ids). Empty for the bundled sample.
    pub id_prefix: String,
    /// The day contract terms are laid out around ("expiring soon" means soon
    /// after this day).
    pub as_of: NaiveDate,
}

impl Spec {
    /// The catalogue bundled with the app.
    pub fn bundled_sample() -> Spec {
        Spec {
            feed_id: coopdesk_core::sample::SAMPLE_FEED_ID.into(),
            feed_name: "coopdesk sample catalog (fictional)".into(),
            sequence: 1,
            items: 5_200,
            seed: 20_261_122,
            id_prefix: String::new(),
            as_of: NaiveDate::from_ymd_opt(2026, 11, 1).expect("valid date"),
        }
    }
}

struct Category {
    unspsc: (&'static str, &'static str),
    /// Product nouns with their unit and list-price range in dollars.
    products: &'static [(&'static str, &'static str, u32, u32)],
    qualifiers: &'static [&'static str],
    manufacturers: &'static [&'static str],
    attributes: &'static [&'static str],
}

const CATEGORIES: &[Category] = &[
    Category {
        unspsc: ("39121011", "Uninterruptible power supplies"),
        products: &[
            ("UPS replacement battery cartridge", "EA", 60, 420),
            ("Line-interactive UPS 1500VA", "EA", 180, 900),
            ("Online double-conversion UPS 3kVA", "EA", 900, 4200),
            ("Sealed lead-acid battery 12V 9Ah", "EA", 18, 60),
            ("Lithium-ion battery pack 48V", "EA", 600, 3200),
            ("Alkaline AA batteries", "BX", 12, 45),
            ("Alkaline D batteries", "BX", 18, 60),
            ("Radio battery for portable two-way radio", "EA", 40, 140),
            ("Rack-mount UPS 2200VA", "EA", 700, 2600),
        ],
        qualifiers: &[
            "hot-swappable",
            "with network card",
            "extended runtime",
            "12-pack",
            "24-pack",
            "tower",
            "2U rack",
            "for 911 dispatch consoles",
        ],
        manufacturers: &["Voltaris", "Brightcell", "Keystone Power Systems", "Ampere Ridge"],
        attributes: &["energy-efficient", "recyclable-battery-program"],
    },
    Category {
        unspsc: ("26111604", "Generators"),
        products: &[
            ("Portable generator 7,500W", "EA", 900, 2800),
            ("Standby generator 22kW natural gas", "EA", 5200, 14000),
            ("Towable diesel generator 60kW", "EA", 28000, 72000),
            ("Automatic transfer switch 200A", "EA", 600, 3400),
            ("Generator cord 50 ft 30A", "EA", 80, 260),
            ("Portable power station 2kWh", "EA", 1100, 2900),
            ("Fuel storage tank 500 gal double-wall", "EA", 2400, 7800),
            ("Light tower with diesel generator", "EA", 9000, 24000),
        ],
        qualifiers: &["EPA Tier 4", "dual-fuel", "with wheel kit", "CARB compliant", "trailer-mounted", "remote start"],
        manufacturers: &["Stormline Power", "Ironbay Generators", "Coastal Dynamo"],
        attributes: &["emergency-category", "low-emission"],
    },
    Category {
        unspsc: ("25170000", "Transportation components and systems"),
        products: &[
            ("Brake pad set front", "SET", 45, 220),
            ("Oil filter", "EA", 6, 24),
            ("Wiper blade 22 in", "EA", 9, 32),
            ("Heavy-duty truck battery group 31", "EA", 160, 380),
            ("LED light bar emergency amber", "EA", 240, 1300),
            ("All-season tire 265/70R17", "EA", 140, 320),
            ("Serpentine belt", "EA", 22, 90),
            ("Hydraulic hose assembly", "EA", 35, 180),
            ("Diesel exhaust fluid 2.5 gal", "EA", 12, 28),
        ],
        qualifiers: &[
            "for police interceptor",
            "for refuse truck",
            "for school bus",
            "OEM equivalent",
            "severe duty",
            "fleet pack",
        ],
        manufacturers: &["Roadmark Parts", "Halyard Fleet Supply", "Tidewater Automotive"],
        attributes: &["remanufactured", "made-in-usa"],
    },
    Category {
        unspsc: ("39111500", "Ambient or general lighting"),
        products: &[
            ("LED cobra-head street light 150W", "EA", 180, 720),
            ("LED area light 300W", "EA", 320, 1100),
            ("LED troffer 2x4 ft", "EA", 55, 190),
            ("LED high bay 200W", "EA", 140, 520),
            ("Photocell twist-lock", "EA", 8, 35),
            ("LED wall pack 80W", "EA", 70, 260),
            ("Solar street light with battery", "EA", 900, 3200),
            ("Emergency exit sign with battery backup", "EA", 30, 110),
            ("LED retrofit kit for decorative post top", "EA", 160, 540),
        ],
        qualifiers: &[
            "4000K",
            "3000K",
            "dimmable 0-10V",
            "DLC Premium",
            "IP66",
            "Type III optics",
            "with 10-year warranty",
        ],
        manufacturers: &["Lumenfield", "Harborline Lighting", "Northstar Luminaires", "Civic Glow"],
        attributes: &["energy-efficient", "dark-sky-compliant"],
    },
    Category {
        unspsc: ("43211500", "Computers"),
        products: &[
            ("Business laptop 14 in", "EA", 800, 2100),
            ("Rugged tablet for field crews", "EA", 1400, 3600),
            ("Desktop computer small form factor", "EA", 600, 1500),
            ("Monitor 27 in QHD", "EA", 220, 560),
            ("Network switch 48-port PoE", "EA", 1400, 6200),
            ("Wireless access point", "EA", 220, 980),
            ("Laser printer monochrome", "EA", 260, 1200),
            ("Docking station USB-C", "EA", 140, 340),
            ("Satellite communicator for emergency operations", "EA", 400, 1300),
        ],
        qualifiers: &[
            "16GB RAM",
            "32GB RAM",
            "512GB SSD",
            "1TB SSD",
            "with 3-year on-site warranty",
            "TAA compliant",
            "Energy Star",
        ],
        manufacturers: &["Quillon Systems", "Bayfront Computing", "Meridian Devices"],
        attributes: &["energy-efficient", "taa-compliant"],
    },
    Category {
        unspsc: ("43232300", "Data management and query software"),
        products: &[
            ("Office productivity suite license annual", "LIC", 90, 420),
            ("Endpoint security subscription", "LIC", 30, 120),
            ("Permitting and inspections software seat", "LIC", 600, 2400),
            ("Backup and recovery subscription per TB", "LIC", 120, 600),
            ("Computer-aided dispatch seat license", "LIC", 1800, 6400),
            ("GIS desktop license", "LIC", 700, 3800),
        ],
        qualifiers: &["government pricing", "1-year term", "3-year term", "with premium support", "education edition"],
        manufacturers: &["Civicsoft", "Parcelwise", "Ledgerline Software"],
        attributes: &["cloud-hosted", "on-premises"],
    },
    Category {
        unspsc: ("47131700", "Restroom supplies"),
        products: &[
            ("Paper towel roll hardwound", "CS", 38, 95),
            ("Toilet tissue 2-ply", "CS", 42, 110),
            ("Neutral floor cleaner concentrate", "GAL", 9, 34),
            ("Disinfectant cleaner EPA List N", "GAL", 14, 48),
            ("Trash liner 40-45 gal", "CS", 30, 85),
            ("Hand soap foam refill", "CS", 45, 130),
            ("Microfiber mop head", "EA", 6, 22),
            ("Nitrile gloves", "BX", 8, 24),
        ],
        qualifiers: &["Green Seal certified", "bulk", "fragrance-free", "large", "medium", "recycled content"],
        manufacturers: &["Clearwater Janitorial", "Pinecrest Sanitary", "Shoreline Clean Co."],
        attributes: &["green-seal", "recycled-content"],
    },
    Category {
        unspsc: ("46191600", "Emergency and field medical and rescue supplies"),
        products: &[
            ("Bottled drinking water 16.9 oz", "CS", 5, 14),
            ("Emergency drinking water pouch", "CS", 30, 80),
            ("Tarp heavy-duty 20x30 ft", "EA", 40, 120),
            ("Sandbag polypropylene", "BX", 35, 110),
            ("Cot, emergency shelter", "EA", 45, 140),
            ("Wool blanket", "EA", 12, 38),
            ("First aid kit 100-person", "EA", 90, 320),
            ("Water purification tablets", "BX", 10, 35),
            ("Portable water tank 525 gal", "EA", 600, 1900),
            ("Chainsaw 20 in gas", "EA", 380, 900),
        ],
        qualifiers: &["pallet", "FEMA-spec", "5-year shelf life", "bulk", "with carry bag", "pre-staged"],
        manufacturers: &["Readyline Supply", "Gulfward Emergency", "Sentinel Relief Goods"],
        attributes: &["emergency-category", "long-shelf-life"],
    },
];

const COOPERATIVES: &[(&str, &str, &str, bool)] = &[
    ("coop-gulf-states", "Gulf States Purchasing Cooperative", "City of Port Haven, TX", false),
    ("coop-atlantic-municipal", "Atlantic Municipal Buying Alliance", "Seaboard County, NC", true),
    ("coop-coastal-schools", "Coastal Schools Procurement Consortium", "Tidewater Unified School District, VA", true),
    ("coop-southern-counties", "Southern Counties Contract Network", "Magnolia County, MS", false),
    ("coop-national-public", "National Public Sector Sourcing Group", "State of Eastmark Procurement Office", false),
];

/// Real coastal cities (name, state, a real ZIP, latitude, longitude).
const CITIES: &[(&str, &str, &str, f64, f64)] = &[
    ("Brownsville", "TX", "78520", 25.9017, -97.4975),
    ("Corpus Christi", "TX", "78401", 27.8006, -97.3964),
    ("Galveston", "TX", "77550", 29.3013, -94.7977),
    ("Houston", "TX", "77002", 29.7604, -95.3698),
    ("Beaumont", "TX", "77701", 30.0802, -94.1266),
    ("Lake Charles", "LA", "70601", 30.2266, -93.2174),
    ("Lafayette", "LA", "70501", 30.2241, -92.0198),
    ("Houma", "LA", "70360", 29.5958, -90.7195),
    ("New Orleans", "LA", "70112", 29.9511, -90.0715),
    ("Gulfport", "MS", "39501", 30.3674, -89.0928),
    ("Biloxi", "MS", "39530", 30.3960, -88.8853),
    ("Mobile", "AL", "36602", 30.6954, -88.0399),
    ("Pensacola", "FL", "32502", 30.4213, -87.2169),
    ("Panama City", "FL", "32401", 30.1588, -85.6602),
    ("Tallahassee", "FL", "32301", 30.4383, -84.2807),
    ("Tampa", "FL", "33602", 27.9506, -82.4572),
    ("Fort Myers", "FL", "33901", 26.6406, -81.8723),
    ("Naples", "FL", "34102", 26.1420, -81.7948),
    ("Miami", "FL", "33130", 25.7617, -80.1918),
    ("Fort Lauderdale", "FL", "33301", 26.1224, -80.1373),
    ("West Palm Beach", "FL", "33401", 26.7153, -80.0534),
    ("Melbourne", "FL", "32901", 28.0836, -80.6081),
    ("Daytona Beach", "FL", "32114", 29.2108, -81.0228),
    ("Jacksonville", "FL", "32202", 30.3322, -81.6557),
    ("Brunswick", "GA", "31520", 31.1499, -81.4915),
    ("Savannah", "GA", "31401", 32.0809, -81.0912),
    ("Beaufort", "SC", "29902", 32.4316, -80.6698),
    ("Charleston", "SC", "29401", 32.7765, -79.9311),
    ("Myrtle Beach", "SC", "29577", 33.6891, -78.8867),
    ("Wilmington", "NC", "28401", 34.2257, -77.9447),
    ("Morehead City", "NC", "28557", 34.7229, -76.7260),
    ("Elizabeth City", "NC", "27909", 36.2946, -76.2511),
    ("Norfolk", "VA", "23510", 36.8508, -76.2859),
    ("Virginia Beach", "VA", "23451", 36.8529, -75.9780),
    ("Salisbury", "MD", "21801", 38.3607, -75.5994),
];

const SUPPLIER_STEMS: &[&str] = &[
    "Bayou",
    "Palmetto",
    "Seagrass",
    "Heron",
    "Cypress",
    "Pelican",
    "Harbor",
    "Saltmarsh",
    "Live Oak",
    "Tidewater",
    "Sandpiper",
    "Magnolia",
    "Marsh Hen",
    "Sea Island",
    "Lighthouse",
    "Barrier",
    "Mangrove",
    "Osprey",
    "Longleaf",
    "Breakwater",
    "Dune",
    "Estuary",
    "Gull",
    "Inlet",
    "Jetty",
    "Keel",
    "Lagoon",
    "Mooring",
    "Nautilus",
    "Oyster Bay",
];
const SUPPLIER_SUFFIXES: &[&str] =
    &["Supply Co.", "Industries, Inc.", "Distributors LLC", "Solutions Group", "Trading Company"];
const STREETS: &[&str] =
    &["Commerce Dr", "Industrial Blvd", "Harbor Rd", "Gulf Fwy", "Coastal Hwy", "Port Ave", "Depot St", "Marina Way"];
const FIRST_NAMES: &[&str] =
    &["Dana", "Luis", "Marisol", "Terrence", "Keisha", "Walt", "Priya", "Jolene", "Andre", "Mei"];
const LAST_NAMES: &[&str] =
    &["Broussard", "Delgado", "Fontenot", "Okafor", "Nguyen", "Tillman", "Pace", "Harrell", "Boudreaux", "Lindqvist"];
const STATES_GULF: &[&str] = &["TX", "LA", "MS", "AL", "FL"];
const STATES_ATLANTIC: &[&str] = &["FL", "GA", "SC", "NC", "VA", "MD"];

fn phone(rng: &mut ChaCha8Rng, area: &str) -> String {
    format!("({area}) 555-01{:02}", rng.random_range(0..100))
}

fn area_code(state: &str) -> &'static str {
    match state {
        "TX" => "409",
        "LA" => "504",
        "MS" => "228",
        "AL" => "251",
        "FL" => "850",
        "GA" => "912",
        "SC" => "843",
        "NC" => "910",
        "VA" => "757",
        _ => "410",
    }
}

fn slug(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn hex_digest(rng: &mut ChaCha8Rng) -> String {
    (0..32).map(|_| format!("{:02x}", rng.random::<u8>())).collect()
}

/// The generated catalogue, in the order a feed must deliver it (parents first).
pub struct Catalogue {
    pub cooperatives: Vec<Cooperative>,
    pub suppliers: Vec<Supplier>,
    pub contracts: Vec<Contract>,
    pub dealers: Vec<DealerLocation>,
}

/// Everything but the items, which are streamed (a benchmark feed holds a million).
pub fn catalogue(spec: &Spec) -> Catalogue {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let cooperatives: Vec<Cooperative> = COOPERATIVES
        .iter()
        .map(|(id, name, lead, membership)| Cooperative {
            id: format!("{}{id}", spec.id_prefix),
            name: (*name).into(),
            lead_agency: Some((*lead).into()),
            membership_required: *membership,
            website: Some(format!("https://{}.example.org", slug(name))),
        })
        .collect();

    let mut suppliers = Vec::new();
    for (i, stem) in SUPPLIER_STEMS.iter().enumerate() {
        let city = CITIES[(i * 7) % CITIES.len()];
        let name = format!("{stem} {}", SUPPLIER_SUFFIXES[i % SUPPLIER_SUFFIXES.len()]);
        let contact = format!("{} {}", FIRST_NAMES.choose(&mut rng).unwrap(), LAST_NAMES.choose(&mut rng).unwrap());
        let domain = format!("{}.example.com", slug(stem));
        suppliers.push(Supplier {
            id: format!("{}sup-{}", spec.id_prefix, slug(stem)),
            legal_name: name,
            identifiers: vec![
                Identifier { scheme: "UEI".into(), value: format!("SMPL{:08}", rng.random_range(0..100_000_000u32)) },
                Identifier { scheme: "EIN".into(), value: format!("00-{:07}", rng.random_range(0..10_000_000u32)) },
            ],
            address: Address {
                street: format!("{} {}", rng.random_range(100..9999), STREETS.choose(&mut rng).unwrap()),
                city: city.0.into(),
                state: city.1.into(),
                zip: city.2.into(),
            },
            phone: Some(phone(&mut rng, area_code(city.1))),
            email: Some(format!("bids@{domain}")),
            emergency_contact: Some(Contact {
                name: contact,
                phone: Some(phone(&mut rng, area_code(city.1))),
                email: Some(format!("emergency@{domain}")),
            }),
            contact: None,
        });
    }

    // Each supplier holds one contract in one category; categories rotate so
    // every category has several competing suppliers.
    let mut contracts = Vec::new();
    for (i, supplier) in suppliers.iter().enumerate() {
        let category = &CATEGORIES[i % CATEGORIES.len()];
        let coop = &cooperatives[i % cooperatives.len()];
        let start = spec.as_of - Days::new(rng.random_range(120..900));
        // Contract 3 expired, contracts 5 and 11 end within two months, the
        // rest run one to four years.
        let end = match i {
            3 => spec.as_of - Days::new(40),
            5 => spec.as_of + Days::new(25),
            11 => spec.as_of + Days::new(55),
            _ => spec.as_of + Days::new(rng.random_range(200..1500)),
        };
        let eligibility = match i % 4 {
            0 => Eligibility::default(),
            1 => Eligibility { states: STATES_GULF.iter().map(|s| (*s).into()).collect(), ..Default::default() },
            2 => Eligibility {
                states: STATES_ATLANTIC.iter().map(|s| (*s).into()).collect(),
                entity_types: vec![EntityType::City, EntityType::County, EntityType::SpecialDistrict],
                requires_participating_addendum: true,
                ..Default::default()
            },
            _ => Eligibility {
                entity_types: vec![EntityType::SchoolDistrict, EntityType::HigherEducation],
                requires_membership: coop.membership_required,
                ..Default::default()
            },
        };
        // Every seventh award went to a single supplier.
        let eligibility = Eligibility { single_award: i % 7 == 6, ..eligibility };
        let code = &coop.id[spec.id_prefix.len() + 5..spec.id_prefix.len() + 8];
        let number = format!("{}-{}-{:03}", code.to_uppercase(), start.format("%y%m"), i + 101);
        let doc_url = format!("https://{}.example.org/contracts/{}", slug(&coop.name), slug(&number));
        contracts.push(Contract {
            id: format!("{}ctr-{}", spec.id_prefix, slug(&number)),
            cooperative_id: coop.id.clone(),
            supplier_id: supplier.id.clone(),
            title: format!("{} ({})", category.unspsc.1, supplier.legal_name),
            number,
            lead_agency: coop.lead_agency.clone(),
            term_start: start,
            term_end: end,
            max_extension_end: (i % 3 != 0).then(|| end + Days::new(365 * rng.random_range(1..3))),
            eligibility,
            documents: vec![
                ContractDocument {
                    title: "Master agreement".into(),
                    kind: DocumentKind::Contract,
                    sha256: hex_digest(&mut rng),
                    size: rng.random_range(200_000..4_000_000),
                    url: format!("{doc_url}/agreement.pdf"),
                },
                ContractDocument {
                    title: "Price schedule".into(),
                    kind: DocumentKind::PriceList,
                    sha256: hex_digest(&mut rng),
                    size: rng.random_range(50_000..900_000),
                    url: format!("{doc_url}/prices.pdf"),
                },
            ],
            origin: None,
            amendments: vec![],
        });
    }

    // Two local dealers per supplier, spread along the coasts.
    let mut dealers = Vec::new();
    for (i, supplier) in suppliers.iter().enumerate() {
        for k in 0..2 {
            let city = CITIES[(i * 3 + k * 11 + 1) % CITIES.len()];
            dealers.push(DealerLocation {
                id: format!("{}dlr-{}-{}", spec.id_prefix, slug(&supplier.legal_name), slug(city.0)),
                supplier_id: supplier.id.clone(),
                name: format!("{} – {} branch", supplier.legal_name, city.0),
                address: Address {
                    street: format!("{} {}", rng.random_range(100..9999), STREETS.choose(&mut rng).unwrap()),
                    city: city.0.into(),
                    state: city.1.into(),
                    zip: city.2.into(),
                },
                phone: Some(phone(&mut rng, area_code(city.1))),
                // Within about a mile of the city centre.
                latitude: ((city.3 + rng.random_range(-0.015..0.015)) * 1e5).round() / 1e5,
                longitude: ((city.4 + rng.random_range(-0.015..0.015)) * 1e5).round() / 1e5,
            });
        }
    }

    Catalogue { cooperatives, suppliers, contracts, dealers }
}

/// The `n`th item of the catalogue. Items are a pure function of the seed
/// and their index, so a million of them can be streamed without memory.
pub fn item(spec: &Spec, cat: &Catalogue, n: usize) -> CatalogueItem {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let contract_ix = rng.random_range(0..cat.contracts.len());
    let contract = &cat.contracts[contract_ix];
    let category = &CATEGORIES[contract_ix % CATEGORIES.len()];
    let (noun, unit, lo, hi) = *category.products.choose(&mut rng).unwrap();
    let qualifier = category.qualifiers.choose(&mut rng).unwrap();
    let manufacturer = category.manufacturers.choose(&mut rng).unwrap();
    let model =
        format!("{}{}-{}", &manufacturer[..2].to_uppercase(), rng.random_range(100..999), rng.random_range(1000..9999));
    let list_cents = rng.random_range(lo as i64 * 100..=hi as i64 * 100);
    // Discounts of 18% to 42%, averaging 30%.
    let discount_bps = rng.random_range(1800..=4200);
    let contract_cents = list_cents - list_cents * discount_bps / 10_000;
    let price_tiers = if rng.random_bool(0.3) {
        vec![
            PriceTier { min_quantity: 10, unit_price: Cents(contract_cents * 97 / 100) },
            PriceTier { min_quantity: 50, unit_price: Cents(contract_cents * 93 / 100) },
        ]
    } else {
        Vec::new()
    };
    let attributes = category.attributes.iter().filter(|_| rng.random_bool(0.35)).map(|a| (*a).to_owned()).collect();
    CatalogueItem {
        id: format!("{}itm-{n:07}", spec.id_prefix),
        contract_id: contract.id.clone(),
        supplier_sku: format!(
            "{}-{:06}",
            &contract.supplier_id[spec.id_prefix.len() + 4..spec.id_prefix.len() + 7].to_uppercase(),
            n
        ),
        manufacturer: Some((*manufacturer).into()),
        manufacturer_part: Some(model),
        description: format!("{noun}, {qualifier}"),
        classifications: vec![Classification {
            scheme: "UNSPSC".into(),
            code: category.unspsc.0.into(),
            name: Some(category.unspsc.1.into()),
        }],
        unit: unit.into(),
        list_price: Cents(list_cents),
        contract_price: Cents(contract_cents),
        price_tiers,
        attributes,
        currency: coopdesk_core::model::USD,
    }
}

/// Writes the whole catalogue as one snapshot record file.
pub fn write_snapshot<W: Write>(spec: &Spec, out: W) -> std::io::Result<W> {
    let cat = catalogue(spec);
    let generated_at: DateTime<Utc> = Utc.from_utc_datetime(&spec.as_of.and_hms_opt(0, 0, 0).expect("midnight"));
    let header = Header {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION,
        feed_id: spec.feed_id.clone(),
        feed_name: spec.feed_name.clone(),
        sequence: spec.sequence,
        scope: Scope::Snapshot,
        base_sequence: None,
        generated_at,
    };
    let mut w = RecordWriter::new(out, &header)?;
    for c in &cat.cooperatives {
        w.upsert(&Entity::Cooperative(c.clone()))?;
    }
    for s in &cat.suppliers {
        w.upsert(&Entity::Supplier(s.clone()))?;
    }
    for c in &cat.contracts {
        w.upsert(&Entity::Contract(c.clone()))?;
    }
    for d in &cat.dealers {
        w.upsert(&Entity::Dealer(d.clone()))?;
    }
    for n in 0..spec.items {
        w.upsert(&Entity::Item(item(spec, &cat, n)))?;
    }
    Ok(w.finish())
}

/// The snapshot, gzip-compressed. The gzip header carries no timestamp or
/// file name, so the bytes depend on the spec alone.
pub fn write_snapshot_gz<W: Write>(spec: &Spec, out: W) -> std::io::Result<W> {
    let gz = flate2::GzBuilder::new().write(out, flate2::Compression::best());
    write_snapshot(spec, gz)?.finish()
}

/// A database in `dir` holding the bundled sample's generator scaled to
/// `items` items under feed `bench-market` (what the search and window
/// benchmarks search); returns its path and the spec that made it.
pub fn bench_database(dir: &std::path::Path, items: usize) -> std::io::Result<(std::path::PathBuf, Spec)> {
    let mut spec = Spec::bundled_sample();
    spec.feed_id = "bench-market".into();
    spec.items = items;
    let feed = dir.join("catalogue.ndjson");
    let f = std::io::BufWriter::new(std::fs::File::create(&feed)?);
    write_snapshot(&spec, f)?.flush()?;
    let db = dir.join("bench.sqlite3");
    coopdesk_core::Store::open(&db)
        .and_then(|mut store| store.apply_file(&feed).map(|_| ()))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok((db, spec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_meets_the_catalogue_brief() {
        let spec = Spec::bundled_sample();
        let cat = catalogue(&spec);
        assert!(cat.cooperatives.len() >= 4);
        assert!(cat.contracts.len() >= 12);
        assert!(cat.suppliers.len() >= 30);
        assert!(cat.dealers.len() >= 60);
        assert!(spec.items >= 5_000);
        let expired = cat.contracts.iter().filter(|c| c.term_end < spec.as_of).count();
        let soon = cat
            .contracts
            .iter()
            .filter(|c| c.term_end >= spec.as_of && c.term_end < spec.as_of + Days::new(90))
            .count();
        assert_eq!(expired, 1);
        assert!(soon >= 2);
        for e in cat.cooperatives.iter().map(|c| c.validate()) {
            e.unwrap();
        }
        for c in &cat.contracts {
            c.validate().unwrap();
        }
        for s in &cat.suppliers {
            s.validate().unwrap();
        }
        for d in &cat.dealers {
            d.validate().unwrap();
        }
    }

    #[test]
    fn items_average_about_thirty_percent_saving() {
        let spec = Spec::bundled_sample();
        let cat = catalogue(&spec);
        let items: Vec<_> = (0..spec.items).map(|n| item(&spec, &cat, n)).collect();
        let mut total = 0i64;
        for it in &items {
            it.validate().unwrap();
            total += Cents::saving_bps(it.list_price, it.contract_price).unwrap();
        }
        let mean = total / items.len() as i64;
        assert!((2800..=3200).contains(&mean), "mean saving {mean} bps");
        let tiered = items.iter().filter(|i| !i.price_tiers.is_empty()).count();
        assert!(tiered > items.len() / 5);
        let categories: std::collections::HashSet<_> =
            items.iter().map(|i| i.classifications[0].code.clone()).collect();
        assert_eq!(categories.len(), CATEGORIES.len());
    }

    /// `assets/sample-feed` must hold exactly what this code writes: regenerate
    /// it with `cargo run -p coopdesk-feed -- sample --out assets/sample-feed/catalogue.ndjson.gz`.
    /// The records are compared, not the compressed bytes, which depend on
    /// the deflate implementation the build links.
    #[test]
    fn bundled_sample_is_what_the_generator_writes() {
        use std::io::Read;
        let unzip = |gz: &[u8]| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(gz).read_to_string(&mut text).unwrap();
            text
        };
        let fresh = write_snapshot_gz(&Spec::bundled_sample(), Vec::new()).unwrap();
        assert!(
            unzip(&fresh) == unzip(coopdesk_core::sample::SAMPLE_FEED_GZ),
            "assets/sample-feed/catalogue.ndjson.gz is stale; regenerate it with `cargo run -p coopdesk-feed -- sample --out assets/sample-feed/catalogue.ndjson.gz`"
        );
    }

    #[test]
    fn generation_is_deterministic() {
        let mut spec = Spec::bundled_sample();
        spec.items = 50;
        let a = write_snapshot_gz(&spec, Vec::new()).unwrap();
        let b = write_snapshot_gz(&spec, Vec::new()).unwrap();
        assert_eq!(a, b);
    }
}
