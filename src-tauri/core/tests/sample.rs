use coopdesk_core::search::SearchQuery;

#[test]
fn first_start_loads_the_bundled_sample_once() {
    let mut t = crate::fixture::store();
    assert!(t.store.catalogue_is_empty().unwrap());
    let loaded = t.store.ensure_catalogue().unwrap().expect("an empty catalog gets the sample");
    assert!(!t.store.catalogue_is_empty().unwrap());
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

#[test]
fn the_sample_is_marked_as_fictional_wherever_it_shows() {
    let mut t = crate::fixture::store();
    t.store.ensure_catalogue().unwrap();
    let status = t.store.catalogue_status().unwrap();
    assert!(status.feeds.iter().all(|f| f.sample), "{:?}", status.feeds);
    let hit = t.store.search(&SearchQuery::text("ups battery")).unwrap().hits.remove(0);
    let contract = t.store.contract_detail(&hit.contract_id, None, crate::requisitions::today()).unwrap();
    assert!(contract.sample && !contract.local);
    let first = t.store.first_run().unwrap();
    assert!(first.sample_loaded && !first.sample_removed);
}

#[test]
fn removing_the_sample_empties_the_catalog_for_good_until_it_is_asked_for() {
    let mut t = crate::fixture::store();
    t.store.ensure_catalogue().unwrap();
    assert!(t.store.search(&SearchQuery::text("ups battery")).unwrap().total > 0);

    assert!(t.store.remove_sample().unwrap(), "it was there");
    let status = t.store.catalogue_status().unwrap();
    assert!(status.feeds.is_empty() && status.items == 0 && status.contracts == 0, "{status:?}");
    assert!(t.store.catalogue_is_empty().unwrap());
    assert_eq!(t.store.search(&SearchQuery::text("ups battery")).unwrap().total, 0, "the index follows");
    t.store.check_integrity().unwrap();

    // Not loaded again on the next start, even with an empty catalog.
    let path = t.path.clone();
    drop(t.store);
    let mut store = coopdesk_core::Store::open(&path).unwrap();
    assert!(store.ensure_catalogue().unwrap().is_none(), "a removed sample stays removed");
    let first = store.first_run().unwrap();
    assert!(first.sample_removed && !first.sample_loaded);
    assert!(!store.remove_sample().unwrap(), "removing it again changes nothing");

    // Asked for by name, it comes back, and the next start keeps it.
    store.load_sample().unwrap();
    assert!(!store.first_run().unwrap().sample_removed);
    assert!(store.search(&SearchQuery::text("ups battery")).unwrap().total > 0);
}

#[test]
fn the_welcome_shows_until_finished_or_skipped_and_counts_the_steps() {
    let mut t = crate::fixture::store();
    let first = t.store.first_run().unwrap();
    assert!(first.welcome && !first.agency_set && !first.purchasing_set);
    assert_eq!((first.feeds, first.imported_items), (0, 0));

    t.store.set_purchasing_settings(&Default::default()).unwrap();
    assert!(t.store.first_run().unwrap().purchasing_set);
    t.store.finish_welcome().unwrap();
    t.store.finish_welcome().unwrap();
    let path = t.path.clone();
    drop(t.store);
    let store = coopdesk_core::Store::open(&path).unwrap();
    let first = store.first_run().unwrap();
    assert!(!first.welcome, "shown once, whatever was skipped");
    assert!(first.purchasing_set && !first.agency_set);
}

#[test]
fn an_office_set_up_before_or_from_the_command_line_gets_no_walkthrough() {
    let t = crate::requisitions::ready_store();
    assert!(!t.store.first_run().unwrap().welcome, "a profile on file: the office is set up");
    let fresh = crate::fixture::store();
    assert!(fresh.store.first_run().unwrap().welcome);
}

#[test]
fn a_packet_ordered_from_the_sample_says_sample_data_on_every_page_even_after_removal() {
    use crate::requisitions::{header_for, CLERK};
    let mut t = crate::fixture::store();
    t.store.ensure_catalogue().unwrap();
    let hit = t.store.search(&SearchQuery::text("ups battery")).unwrap().hits.remove(0);
    let number = t.store.create_requisition(&header_for("pw"), CLERK).unwrap();
    t.store.add_item(&number, &hit.item_id, 2, Some("100-210-01-5230"), CLERK).unwrap();
    let at = "2026-12-07T10:00:00Z".parse().unwrap();
    let paper = coopdesk_core::packet::Paper::Letter;

    let view = t.store.review_requisition(&number, crate::requisitions::today()).unwrap();
    assert!(view.lines[0].sample, "the editor marks the line");
    let packet = t.store.build_packet(&number, paper, at).unwrap();
    for page in 1..=packet.pages {
        let text = crate::packets::text(&packet.pdf, Some((page, page)));
        assert!(text.contains("SAMPLE DATA · FICTIONAL CONTRACTS, NOT FOR PURCHASING"), "page {page}:\n{text}");
        assert!(text.contains("DRAFT · NOT FOR SIGNATURE"), "both marks show: {text}");
    }

    // The requisition keeps its copy of the line, and its packet its mark.
    t.store.remove_sample().unwrap();
    let packet = t.store.build_packet(&number, paper, at).unwrap();
    assert!(crate::packets::text(&packet.pdf, None).contains("SAMPLE DATA"));
    assert_eq!(t.store.requisition(&number).unwrap().lines.len(), 1);
}

#[test]
fn the_sample_stays_whole_while_another_feed_needs_its_records() {
    use crate::fixture::{dump, file, header, item, Op};
    use coopdesk_core::record::Scope;
    let mut t = crate::fixture::store();
    t.store.ensure_catalogue().unwrap();
    let hit = t.store.search(&SearchQuery::text("ups battery")).unwrap().hits.remove(0);
    // A reseller's feed sells an item on one of the sample's contracts.
    let other = file(
        &header("feed-b", 1, Scope::Snapshot, None),
        &[Op::Put(item("b1", &hit.contract_id, "Reseller battery", "RB-1", 500, 400))],
    );
    t.store.apply_records("test", &other[..]).unwrap();
    let before = dump(&t.store);

    let err = t.store.remove_sample().unwrap_err().to_string();
    assert!(err.contains("imported records still refer to it (item 'b1' refers to a contract"), "{err}");
    assert!(err.contains("Nothing was changed"), "{err}");
    assert_eq!(dump(&t.store), before);
    assert!(!t.store.first_run().unwrap().sample_removed, "not marked removed either");
    assert!(t.store.search(&SearchQuery::text("ups battery")).unwrap().total > 0);
    t.store.check_integrity().unwrap();
}
