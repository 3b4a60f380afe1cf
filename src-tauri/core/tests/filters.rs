use chrono::NaiveDate;
use coopdesk_core::agency::{AgencyProfile, Membership};
use coopdesk_core::eligibility::Verdict;
use coopdesk_core::model::{Address, EntityType};
use coopdesk_core::search::{Filters, Near, SearchHit, SearchQuery, Sort, StatusFilter};
use coopdesk_core::store::ContractStatus;
use coopdesk_core::{Cents, Store};

fn today() -> NaiveDate {
    "2026-11-22".parse().unwrap()
}

fn sample() -> crate::fixture::TestStore {
    let mut t = crate::fixture::store();
    t.store.load_sample().unwrap();
    t
}

fn county(memberships: Vec<Membership>) -> AgencyProfile {
    AgencyProfile {
        name: "Escambia Harbor County".into(),
        entity_type: EntityType::County,
        address: Address {
            street: "221 Palafox Pl".into(),
            city: "Pensacola".into(),
            state: "FL".into(),
            zip: "32502".into(),
        },
        memberships,
        addenda: vec![],
        single_award_prohibited: false,
    }
}

fn run(store: &Store, text: &str, filters: Filters, sort: Sort) -> (u64, Vec<SearchHit>) {
    let page =
        store.search_on(&SearchQuery { text: text.into(), limit: 200, offset: 0, filters, sort }, today()).unwrap();
    (page.total, page.hits)
}

#[test]
fn filters_narrow_and_combine_with_text() {
    let t = sample();
    let (all, _) = run(&t.store, "", Filters::default(), Sort::Relevance);

    let coop = Filters { cooperative_id: Some("coop-gulf-states".into()), ..Default::default() };
    let (n, hits) = run(&t.store, "", coop.clone(), Sort::Relevance);
    assert!(n > 0 && n < all);
    assert!(hits.iter().all(|h| h.cooperative == "Gulf States Purchasing Cooperative"));
    let (with_text, hits) = run(&t.store, "generator", coop, Sort::Relevance);
    assert!(with_text > 0 && with_text < n);
    for h in &hits {
        let d = t.store.item_detail(&h.item_id).unwrap();
        let text = format!("{} {}", d.item.description, d.contract_title).to_lowercase();
        assert!(text.contains("generator"), "{text}");
    }

    for class in ["2611", "Generators", "26111604"] {
        let (n, hits) =
            run(&t.store, "", Filters { classification: Some(class.into()), ..Default::default() }, Sort::Relevance);
        assert!(n > 0 && n < all, "{class}");
        for h in &hits {
            let item = t.store.item_detail(&h.item_id).unwrap().item;
            assert!(item.classifications.iter().any(|c| c.code.starts_with("2611")), "{class}: {item:?}");
        }
    }

    let priced = Filters { min_price: Some(Cents(10_000)), max_price: Some(Cents(50_000)), ..Default::default() };
    let (_, hits) = run(&t.store, "", priced, Sort::Relevance);
    assert!(!hits.is_empty() && hits.iter().all(|h| (10_000..=50_000).contains(&h.contract_price.0)));

    let green = Filters { attributes: vec!["energy-efficient".into()], ..Default::default() };
    let (n, hits) = run(&t.store, "", green, Sort::Relevance);
    assert!(n > 0 && n < all);
    for h in hits.iter().take(20) {
        assert!(t.store.item_detail(&h.item_id).unwrap().item.attributes.contains(&"energy-efficient".to_owned()));
    }
}

#[test]
fn contract_status_filters_use_the_term() {
    let t = sample();
    let expired = Filters { status: Some(StatusFilter::Expired), ..Default::default() };
    let (n, hits) = run(&t.store, "", expired, Sort::Relevance);
    assert!(n > 0 && hits.iter().all(|h| h.days_left < 0));
    let soon = Filters { status: Some(StatusFilter::ExpiringWithin { days: 10 }), ..Default::default() };
    let (n, hits) = run(&t.store, "", soon, Sort::Relevance);
    assert!(n > 0 && hits.iter().all(|h| (0..=10).contains(&h.days_left)), "{:?}", hits.first());
    let active = Filters { status: Some(StatusFilter::Active), ..Default::default() };
    let (_, hits) = run(&t.store, "", active, Sort::Expiry);
    assert!(hits.iter().all(|h| h.days_left >= 0));
    assert!(hits.windows(2).all(|w| w[0].term_end <= w[1].term_end), "sorted by expiry");
}

#[test]
fn eligibility_filter_needs_a_profile_and_honours_it() {
    let mut t = sample();
    let only = Filters { eligible_only: true, ..Default::default() };
    let err = t.store.search_on(&SearchQuery { filters: only.clone(), ..SearchQuery::text("") }, today()).unwrap_err();
    assert!(err.to_string().contains("agency profile"), "{err}");
    // Without a profile every hit is "unknown", with the reason.
    let (_, hits) = run(&t.store, "", Filters::default(), Sort::Relevance);
    assert!(hits.iter().all(|h| h.eligibility == Verdict::Unknown));

    t.store.set_agency_profile(&county(vec![])).unwrap();
    let (all, _) = run(&t.store, "", Filters::default(), Sort::Relevance);
    let (n, hits) = run(&t.store, "", only.clone(), Sort::Relevance);
    assert!(n > 0 && n < all);
    assert!(hits.iter().all(|h| h.eligibility == Verdict::Eligible));
    let (_, every) = run(&t.store, "", Filters::default(), Sort::Relevance);
    // A cooperative that needs a membership: eligible once it is filed, and
    // the list says which, the same answer the requisition gives.
    let pending = every
        .iter()
        .find(|h| h.eligibility == Verdict::EligibleOnceFiled)
        .expect("some cooperatives need a membership first");
    let note = pending.eligibility_note.as_deref().unwrap_or_default();
    assert!(note.starts_with("once the membership agreement with") && note.ends_with("is on file"), "{note}");
    let header = coopdesk_core::orders::Header { department: "PW".into(), ..Default::default() };
    let number = t.store.create_requisition(&header, "Dana Reyes").unwrap();
    t.store.add_item(&number, &pending.item_id, 1, None, "Dana Reyes").unwrap();
    let findings = t.store.review_requisition(&number, today()).unwrap().findings;
    assert!(findings.iter().any(|f| f.message.contains(note)), "the requisition says the same: {findings:?}");

    // A membership on file opens that cooperative's contracts.
    let member = Membership {
        cooperative_id: "coop-atlantic-municipal".into(),
        signed_on: "2025-03-01".parse().unwrap(),
        expires_on: None,
    };
    t.store.set_agency_profile(&county(vec![member])).unwrap();
    let (more, _) = run(&t.store, "", only, Sort::Relevance);
    assert!(more > n, "{more} > {n}");
}

#[test]
fn near_a_zip_keeps_suppliers_with_a_dealer_in_range() {
    let t = sample();
    let near = |miles| Filters { near: Some(Near { zip: "32502".into(), miles }), ..Default::default() };
    let (close, hits) = run(&t.store, "", near(25.0), Sort::Relevance);
    let (wide, _) = run(&t.store, "", near(400.0), Sort::Relevance);
    assert!(close > 0 && close < wide);
    for h in hits.iter().take(10) {
        let d = t.store.contract_detail(&h.contract_id, Some("32502"), today()).unwrap();
        assert!(d.dealers[0].miles.unwrap() <= 25.0, "{:?}", d.dealers[0]);
    }
    let bad = t.store.search_on(
        &SearchQuery {
            filters: Filters { near: Some(Near { zip: "00000".into(), miles: 5.0 }), ..Default::default() },
            ..SearchQuery::text("")
        },
        today(),
    );
    assert!(bad.unwrap_err().to_string().contains("not a US ZIP code"));
}

/// Without a ZIP typed, the dealer filter measures from the agency's; and
/// when it leaves nothing, the page says how far the nearest dealer is.
#[test]
fn the_dealer_filter_uses_the_agency_s_zip_and_says_how_far_the_nearest_is() {
    let mut t = sample();
    let mine = |miles| Filters { near: Some(Near { zip: String::new(), miles }), ..Default::default() };
    let none = t.store.search_on(&SearchQuery { filters: mine(25.0), ..SearchQuery::text("") }, today());
    assert!(none.unwrap_err().to_string().contains("save the agency's in Settings > Agency"));
    t.store.set_agency_profile(&county(vec![])).unwrap();
    let (by_agency, _) = run(&t.store, "", mine(25.0), Sort::Relevance);
    let typed = Filters { near: Some(Near { zip: "32502".into(), miles: 25.0 }), ..Default::default() };
    let (by_typed, _) = run(&t.store, "", typed, Sort::Relevance);
    assert_eq!(by_agency, by_typed, "the agency is in 32502");

    let page =
        t.store.search_on(&SearchQuery { filters: mine(1.0), ..SearchQuery::text("generator") }, today()).unwrap();
    assert_eq!(page.total, 0);
    let nearest = page.nearest_dealer.expect("the nearest dealer with a generator");
    assert!(nearest.miles > 1 && nearest.from_zip == "32502", "{nearest:?}");
    let (wider, _) = run(&t.store, "generator", mine(f64::from(nearest.miles)), Sort::Relevance);
    assert!(wider > 0, "widened to {} mi, the nearest is in", nearest.miles);
}

#[test]
fn sorts_by_price_and_saving() {
    let t = sample();
    let (_, by_price) = run(&t.store, "battery", Filters::default(), Sort::ContractPrice);
    assert!(by_price.windows(2).all(|w| w[0].contract_price <= w[1].contract_price));
    let (_, by_saving) = run(&t.store, "battery", Filters::default(), Sort::Saving);
    assert!(by_saving.windows(2).all(|w| w[0].saving_bps >= w[1].saving_bps));
}

#[test]
fn contract_detail_has_term_eligibility_contacts_and_nearest_dealers() {
    let mut t = sample();
    t.store.set_agency_profile(&county(vec![])).unwrap();
    let (_, hits) =
        run(&t.store, "", Filters { status: Some(StatusFilter::Expired), ..Default::default() }, Sort::Relevance);
    let d = t.store.contract_detail(&hits[0].contract_id, None, today()).unwrap();
    assert_eq!(d.status, ContractStatus::Expired);
    assert!(d.days_left < 0);
    assert_eq!(d.distance_from.as_deref(), Some("32502"), "distances from the agency's ZIP by default");
    assert!(d.dealers.windows(2).all(|w| w[0].miles <= w[1].miles));
    assert!(d.supplier.emergency_contact.is_some());
    assert_eq!(d.contract.documents.len(), 2);
    assert!(d.items > 0);
    assert!(!d.eligibility.reasons.is_empty() || !d.eligibility.basis.is_empty());
    let err = t.store.contract_detail("nope", None, today()).unwrap_err();
    assert!(err.to_string().contains("no contract 'nope'"));
}

#[test]
fn agency_profile_is_validated_and_kept() {
    let mut t = crate::fixture::store();
    assert!(t.store.agency_profile().unwrap().is_none());
    let mut bad = county(vec![]);
    bad.address.zip = "99999".into();
    assert!(t.store.set_agency_profile(&bad).unwrap_err().to_string().contains("ZIP"));
    bad = county(vec![]);
    bad.address.state = "Florida".into();
    assert!(t.store.set_agency_profile(&bad).unwrap_err().to_string().contains("two-letter"));
    t.store.set_agency_profile(&county(vec![])).unwrap();
    let path = t.path.clone();
    drop(std::mem::replace(&mut t.store, Store::open(&path).unwrap()));
    assert_eq!(t.store.agency_profile().unwrap(), Some(county(vec![])));
}

#[test]
fn a_typo_shows_the_correction_s_results_at_once() {
    let t = sample();
    let found = t.store.search_on(&SearchQuery::text("generator"), today()).unwrap();
    assert!(found.suggestions.is_empty() && found.showing_for.is_none());
    let page = t.store.search_on(&SearchQuery::text("generater"), today()).unwrap();
    assert_eq!(page.suggestions.first().map(String::as_str), Some("generator"), "{:?}", page.suggestions);
    assert_eq!(page.showing_for.as_deref(), Some("generator"));
    assert_eq!((page.text.as_str(), page.total), ("generater", found.total), "the correction's results, as typed");
    let page = t.store.search_on(&SearchQuery::text("portable genrator"), today()).unwrap();
    assert!(page.suggestions.iter().any(|s| s == "portable generator"), "{:?}", page.suggestions);
    assert!(page.total > 0);
    let nothing = t.store.search_on(&SearchQuery::text("zzqqxx"), today()).unwrap();
    assert_eq!((nothing.total, nothing.showing_for), (0, None));
}

/// Plural and singular forms meet, and so do numbers with and without
/// their thousands separators.
#[test]
fn plurals_and_thousands_separators_find_the_same_items() {
    let t = sample();
    let total = |q: &str| t.store.search_on(&SearchQuery::text(q), today()).unwrap().total;
    assert_eq!(total("generator"), total("generators"));
    assert_eq!(total("battery"), total("batteries"));
    assert!(total("batteries") > 0);
    assert!(total("7,500W generator") > 0);
    assert_eq!(total("7500W generator"), total("7,500W generator"));
}
