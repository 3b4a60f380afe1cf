use coopdesk_core::search::SearchQuery;

#[test]
fn first_start_loads_the_bundled_sample_once() {
    let mut t = crate::fixture::store();
    let loaded = t.store.ensure_catalogue().unwrap().expect("an empty catalog gets the sample");
    assert!(loaded.items >= 5_000);
    assert!(loaded.contracts >= 12 && loaded.suppliers >= 30 && loaded.dealers >= 60 && loaded.cooperatives >= 4);
    assert!(t.store.ensure_catalogue().unwrap().is_none(), "a catalog that has data is left alone");
    t.store.check_integrity().unwrap();

    let page = t.store.search(&SearchQuery::text("ups battery")).unwrap();
    assert!(page.total > 10);
    let hit = &page.hits[0];
    assert!(hit.description.to_lowercase().contains("ups"));
    assert!(!hit.supplier.is_empty() && !hit.cooperative.is_empty() && !hit.contract_number.is_empty());
    assert!(hit.contract_price < hit.list_price);
    assert!(hit.saving_bps.unwrap() > 0);
}
