//! End-to-end: the real coopdesk window on a fresh database, driven over
//! WebDriver through tauri-driver and WebKitWebDriver under Xvfb.

use crate::driver::Driver;
use crate::util::*;
use fantoccini::{elements::Element, Client, Locator};
use serde_json::json;
use std::process::Command;
use std::time::{Duration, Instant};

impl Driver {
    fn start() -> Driver {
        Driver::start_with_env(&[])
    }

    /// With variables for the app it starts (the office server's password).
    /// Tests run side by side, so each driver logs to a file named after
    /// its test (the thread's name), which a failed test's message points to.
    fn start_with_env(env: &[(&str, &str)]) -> Driver {
        let test = std::thread::current().name().unwrap_or("window").replace("::", "-");
        Driver::start_logging_to(&output_dir("window").join(format!("tauri-driver-{test}.log")), env)
    }

    async fn open_app(&self, db: &std::path::Path) -> Client {
        self.open(BIN, db).await
    }
}

async fn by_test_id(c: &Client, id: &str) -> Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&format!("[data-testid='{id}']")))
        .await
        .unwrap_or_else(|e| panic!("no element {id}: {e}"))
}

/// Polls until the element's text satisfies `ok`, and returns that text.
async fn wait_text(c: &Client, id: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = by_test_id(c, id).await.text().await.unwrap_or_default();
        if ok(&text) {
            return text;
        }
        assert!(Instant::now() < deadline, "{id} never showed what was expected; last text: {text:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn screenshot(c: &Client, name: &str) {
    let png = crate::driver::screenshot(c).await;
    let path = output_dir("window").join(name);
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn fresh_start_shows_the_sample_catalogue_and_searches_as_you_type() {
    let scratch = Scratch::new();
    let driver = Driver::start();
    let c = driver.open_as_new(BIN, &["--db", scratch.db().to_str().unwrap()]).await;

    // First start on an empty database: the bundled sample is there, and
    // the welcome says what coopdesk is and offers three steps.
    let summary = wait_text(&c, "result-count", |t| t.contains("items in the catalog")).await;
    assert_eq!(summary, "5,200 items in the catalog");
    let welcome = wait_text(&c, "welcome", |t| t.contains("Welcome to coopdesk")).await;
    assert!(welcome.contains("Your agency") && welcome.contains("Purchasing rules"), "{welcome}");
    assert!(by_test_id(&c, "welcome-sample").await.text().await.unwrap().contains("made up"));
    let found = accessibility_violations(&c).await;
    assert!(found.is_empty(), "the welcome: {found:#?}");
    screenshot(&c, "00-welcome.png").await;
    click(&c, "welcome-start").await;

    // Step 1: the agency; saving it moves on.
    wait_text(&c, "welcome-step", |t| t.contains("Step 1 of 3")).await;
    by_test_id(&c, "agency-name").await.send_keys("Town of Harbor").await.unwrap();
    choose(&c, "agency-type", "city").await;
    by_test_id(&c, "agency-state").await.send_keys("al").await.unwrap();
    by_test_id(&c, "agency-zip").await.send_keys("36602").await.unwrap();
    click(&c, "agency-save").await;

    // Step 2: the federal thresholds are filled in; the clerk gives a name.
    wait_text(&c, "welcome-step", |t| t.contains("Step 2 of 3")).await;
    let micro = by_test_id(&c, "threshold-micro_purchase").await.prop("value").await.unwrap();
    assert_eq!(micro.as_deref(), Some("15000.00"));
    by_test_id(&c, "operator-name").await.send_keys("Dana Reyes").await.unwrap();
    click(&c, "purchasing-save").await;

    // Step 3: where contracts come from; the clerk keeps the sample for now.
    wait_text(&c, "welcome-step", |t| t.contains("Step 3 of 3")).await;
    screenshot(&c, "00-welcome-sources.png").await;
    click(&c, "welcome-sample-keep").await;
    let banner = wait_text(&c, "sample-banner", |t| t.contains("SAMPLE DATA")).await;
    assert!(banner.contains("fictional"), "{banner}");
    let footer = wait_text(&c, "catalogue-status", |t| t.contains("contracts")).await;
    assert!(footer.contains("from coopdesk sample catalog (fictional)"), "{footer}");
    let rows = c.find_all(Locator::Css("[data-testid='result-row']")).await.unwrap();
    assert_eq!(rows.len(), 50);
    screenshot(&c, "01-catalog.png").await;

    // Typing answers without pressing Enter.
    by_test_id(&c, "search-input").await.send_keys("generator").await.unwrap();
    let summary = wait_text(&c, "result-count", |t| t.contains("“generator”")).await;
    assert!(summary.contains("items match"), "{summary}");
    let rows = c.find_all(Locator::Css("[data-testid='result-row']")).await.unwrap();
    assert!(!rows.is_empty());
    for row in &rows {
        let text = row.text().await.unwrap();
        assert!(text.to_lowercase().contains("generator"), "{text}");
        assert!(text.contains('$') && text.contains('%'), "prices and saving shown: {text}");
    }
    screenshot(&c, "02-search-generator.png").await;

    // A search with no match says so plainly.
    let input = by_test_id(&c, "search-input").await;
    input.clear().await.unwrap();
    input.send_keys("zzzzqqq").await.unwrap();
    let empty = by_test_id(&c, "no-results").await.text().await.unwrap();
    assert!(empty.contains("Nothing in the catalog matches"), "{empty}");

    // A typo shows the correction's results at once, and says so.
    let input = by_test_id(&c, "search-input").await;
    input.clear().await.unwrap();
    input.send_keys("genrator").await.unwrap();
    let showing = wait_text(&c, "showing-for", |t| !t.is_empty()).await;
    assert_eq!(showing, "Nothing matches “genrator”. Showing results for generator.");
    assert!(!c.find_all(Locator::Css("[data-testid='result-row']")).await.unwrap().is_empty());

    // A contract of the sample says it is made up.
    open_first_result_for(&c, "generator").await;
    by_test_id(&c, "contract-sample").await;

    // One click removes the sample; the window says where contracts come from now.
    click(&c, "sample-remove").await;
    wait_text(&c, "sample-removed", |t| t.contains("The sample catalog was removed")).await;
    let footer = wait_text(&c, "catalogue-status", |t| t.starts_with("0 items")).await;
    assert!(!footer.contains("SAMPLE DATA"), "{footer}");
    assert!(c.find_all(Locator::Css("[data-testid='sample-banner']")).await.unwrap().is_empty());
    click(&c, "feeds-toggle").await;
    click(&c, "sample-load").await;
    wait_text(&c, "sample-banner", |t| t.contains("SAMPLE DATA")).await;
    wait_text(&c, "catalogue-status", |t| t.starts_with("5,200 items")).await;
    click(&c, "sample-remove").await;
    wait_text(&c, "catalogue-status", |t| t.starts_with("0 items")).await;

    c.close().await.unwrap();
    drop(driver);

    // The window wrote the steps into the database it was given, and the
    // sample stays removed: the next start neither loads it nor welcomes again.
    let store = coopdesk_core::Store::open(&scratch.db()).unwrap();
    assert_eq!(store.catalogue_status().unwrap().items, 0);
    let first = store.first_run().unwrap();
    assert!(!first.welcome && first.agency_set && first.purchasing_set && first.sample_removed, "{first:?}");
    assert_eq!(store.agency_profile().unwrap().unwrap().address.state, "AL");
    assert_eq!(store.purchasing_settings().unwrap().operator, "Dana Reyes");
}

#[tokio::test(flavor = "multi_thread")]
async fn follows_a_signed_feed_syncs_it_and_shows_its_status() {
    use coopdesk_feed::{keys, serve};
    // A marketplace publishes a signed feed of 40 items on 127.0.0.1.
    let publisher = Scratch::new();
    let (feed_dir, public) = signed_feed(&publisher, "gulf-market", "Gulf Marketplace", 40);
    let server = serve::start(feed_dir, "127.0.0.1:0").unwrap();

    // The agency follows it before the app's first start.
    let scratch = Scratch::new();
    let pubkey = keys::load_public(&public).unwrap().to_base64();
    coopdesk_core::Store::open(&scratch.db())
        .unwrap()
        .add_subscription("gulf-market", &format!("http://{}/manifest.json", server.addr), &pubkey)
        .unwrap();

    let driver = Driver::start();
    let c = driver.open_app(&scratch.db()).await;

    // The app syncs on start; the list follows without the clerk asking.
    let summary = wait_text(&c, "result-count", |t| t == "40 items in the catalog").await;
    assert_eq!(summary, "40 items in the catalog");
    let footer = wait_text(&c, "catalogue-status", |t| t.contains("Gulf Marketplace")).await;
    assert!(!footer.contains("sample"), "a followed feed replaces the fictional sample: {footer}");

    let synced = wait_text(&c, "footer-feed", |t| t.contains("synced")).await;
    assert!(synced.contains("Gulf Marketplace: synced just now"), "{synced}");

    by_test_id(&c, "feeds-toggle").await.click().await.unwrap();
    let row = wait_text(&c, "feed-row", |t| t.contains("current")).await;
    assert!(row.contains("Gulf Marketplace") && row.contains("publication 1"), "{row}");
    by_test_id(&c, "sync-now").await.click().await.unwrap();
    let result = wait_text(&c, "sync-result", |t| !t.is_empty()).await;
    assert!(result.contains("already up to date"), "{result}");
    screenshot(&c, "03-feeds.png").await;

    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_narrow_the_list_and_the_keyboard_opens_a_contract() {
    let scratch = Scratch::new();
    let driver = Driver::start();
    let c = driver.open_app(&scratch.db()).await;
    wait_text(&c, "result-count", |t| t == "5,200 items in the catalog").await;

    // The clerk sets up the agency profile in Settings.
    by_test_id(&c, "settings-toggle").await.click().await.unwrap();
    by_test_id(&c, "agency-name").await.send_keys("Escambia Harbor County").await.unwrap();
    by_test_id(&c, "agency-type").await.select_by_value("county").await.unwrap();
    by_test_id(&c, "agency-state").await.send_keys("fl").await.unwrap();
    let zip = by_test_id(&c, "agency-zip").await;
    zip.send_keys("00000").await.unwrap();
    by_test_id(&c, "agency-save").await.click().await.unwrap();
    let refused = wait_text(&c, "agency-settings", |t| t.contains("not a US ZIP code")).await;
    assert!(refused.contains("distances need it"), "{refused}");
    zip.clear().await.unwrap();
    zip.send_keys("32502").await.unwrap();
    by_test_id(&c, "agency-save").await.click().await.unwrap();
    wait_text(&c, "agency-settings", |t| t.contains("Saved.")).await;
    screenshot(&c, "05-agency-settings.png").await;
    let saved = coopdesk_core::Store::open(&scratch.db()).unwrap().agency_profile().unwrap().unwrap();
    assert_eq!((saved.address.state.as_str(), saved.address.zip.as_str()), ("FL", "32502"));
    by_test_id(&c, "settings-toggle").await.click().await.unwrap();

    let input = by_test_id(&c, "search-input").await;
    input.send_keys("generator").await.unwrap();
    let all = wait_text(&c, "result-count", |t| t.contains("“generator”")).await;

    // Only contracts this county may use.
    by_test_id(&c, "filter-eligible").await.click().await.unwrap();
    let eligible = wait_text(&c, "result-count", |t| t != all && t.contains("“generator”")).await;
    let count = |t: &str| t.split_whitespace().next().unwrap().replace(',', "").parse::<u32>().unwrap();
    assert!(count(&eligible) < count(&all), "{eligible} vs {all}");
    for cell in c.find_all(Locator::Css("[data-testid='eligibility-cell']")).await.unwrap() {
        assert_eq!(cell.text().await.unwrap().trim(), "yes");
    }
    // And only contracts that have expired: the same answer as the core's.
    let expected = {
        use coopdesk_core::search::{Filters, SearchQuery, StatusFilter};
        let store = coopdesk_core::Store::open(&scratch.db()).unwrap();
        let filters = Filters { eligible_only: true, status: Some(StatusFilter::Expired), ..Default::default() };
        store.search(&SearchQuery { filters, ..SearchQuery::text("generator") }).unwrap().total
    };
    by_test_id(&c, "filter-status").await.select_by_value("expired").await.unwrap();
    if expected == 0 {
        let empty = by_test_id(&c, "no-results").await.text().await.unwrap();
        assert!(empty.contains("with these filters"), "{empty}");
        by_test_id(&c, "clear-filters").await.click().await.unwrap();
        wait_text(&c, "result-count", |t| t == all).await;
        by_test_id(&c, "filter-eligible").await.click().await.unwrap();
        wait_text(&c, "result-count", |t| t == eligible).await;
    } else {
        wait_text(&c, "result-count", |t| count(t) as u64 == expected).await;
        by_test_id(&c, "filter-status").await.select_by_value("").await.unwrap();
        wait_text(&c, "result-count", |t| t == eligible).await;
    }

    // Dealers near the agency, from its saved ZIP with none typed; within a
    // mile there are none, and the list says how far the nearest is.
    let miles = by_test_id(&c, "filter-miles").await;
    miles.clear().await.unwrap();
    miles.send_keys("1").await.unwrap();
    by_test_id(&c, "filter-near").await.click().await.unwrap();
    let nearest = wait_text(&c, "nearest-dealer", |t| !t.is_empty()).await;
    assert!(nearest.contains("within 1 mi of 32502: the nearest is") && nearest.ends_with("mi away."), "{nearest}");
    by_test_id(&c, "filter-near").await.click().await.unwrap();
    wait_text(&c, "result-count", |t| t == eligible).await;

    // Arrow down into the list, and open the selected result with Enter.
    let input = by_test_id(&c, "search-input").await;
    input.send_keys("\u{E015}").await.unwrap();
    input.send_keys("\u{E007}").await.unwrap();
    let contract = wait_text(&c, "contract-detail", |t| t.contains("Contract")).await;
    assert!(contract.contains("days left"), "an active contract shows its countdown: {contract}");
    let eligibility = by_test_id(&c, "eligibility").await.text().await.unwrap();
    assert!(eligibility.contains("This agency may use this contract"), "{eligibility}");
    let dealers = by_test_id(&c, "dealers").await.text().await.unwrap();
    assert!(dealers.contains(" mi "), "dealers carry their distance from the agency: {dealers}");
    assert!(by_test_id(&c, "emergency-contact").await.text().await.unwrap().contains("Emergency contact"));
    screenshot(&c, "04-filters-and-contract.png").await;

    c.close().await.unwrap();
}

/// Two items of one supplier on active contracts, the first with a quantity
/// tier: (sku, tier quantity, tier price in cents) and the second's sku.
fn two_items_of_one_supplier(db: &std::path::Path) -> ((String, u32, i64), String) {
    let mut store = coopdesk_core::Store::open(db).unwrap();
    store.ensure_catalogue().unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(db).unwrap();
    let (sku, supplier, qty, price): (String, String, u32, i64) = conn
        .query_row(
            "SELECT i.supplier_sku, c.supplier_id, json_extract(i.price_tiers, '$[0].min_quantity'),
                    json_extract(i.price_tiers, '$[0].unit_price')
             FROM items i JOIN contracts c ON c.id = i.contract_id
             WHERE json_array_length(i.price_tiers) > 0 AND c.term_end > date('now', '+120 days')
               AND c.term_start <= date('now')
               AND json_extract(i.price_tiers, '$[0].min_quantity') <= 100
             ORDER BY i.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let second: String = conn
        .query_row(
            "SELECT i.supplier_sku FROM items i JOIN contracts c ON c.id = i.contract_id
             WHERE c.supplier_id = ?1 AND i.supplier_sku != ?2 AND c.term_end > date('now', '+120 days')
             ORDER BY i.id LIMIT 1",
            [&supplier, &sku],
            |r| r.get(0),
        )
        .unwrap();
    ((sku, qty, price), second)
}

async fn open_first_result_for(c: &Client, text: &str) {
    let input = by_test_id(c, "search-input").await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
    wait_text(c, "result-count", |t| t.contains(&format!("“{text}”"))).await;
    input.send_keys("\u{E007}").await.unwrap();
    wait_text(c, "contract-detail", |t| t.contains("Contract")).await;
}

/// Clicks a button inside the newest finding that is still a warning.
async fn acknowledge_all_warnings(c: &Client) {
    loop {
        let notes = c.find_all(Locator::Css("[data-testid='ack-note']")).await.unwrap();
        let Some(note) = notes.first() else { return };
        let before = notes.len();
        note.send_keys("Reviewed by purchasing; buying anyway").await.unwrap();
        c.find(Locator::Css("[data-testid='ack-button']")).await.unwrap().click().await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while c.find_all(Locator::Css("[data-testid='ack-note']")).await.unwrap().len() >= before {
            assert!(Instant::now() < deadline, "the acknowledgement was not recorded");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clerk_builds_a_requisition_and_submits_it() {
    let scratch = Scratch::new();
    let ((sku, tier_qty, tier_price), second_sku) = two_items_of_one_supplier(&scratch.db());
    let driver = Driver::start();
    let c = driver.open_app(&scratch.db()).await;
    wait_text(&c, "result-count", |t| t == "5,200 items in the catalog").await;

    // Changes are recorded under the clerk's name, set once in Settings.
    by_test_id(&c, "settings-toggle").await.click().await.unwrap();
    by_test_id(&c, "operator-name").await.send_keys("Dana Reyes").await.unwrap();
    by_test_id(&c, "purchasing-save").await.click().await.unwrap();
    wait_text(&c, "purchasing-settings", |t| t.contains("Saved.")).await;
    by_test_id(&c, "settings-toggle").await.click().await.unwrap();

    // Search, open the item, add it to a new requisition for Public Works.
    open_first_result_for(&c, &sku).await;
    by_test_id(&c, "add-department").await.send_keys("PW").await.unwrap();
    by_test_id(&c, "add-button").await.click().await.unwrap();
    let added = wait_text(&c, "add-message", |t| t.starts_with("Added to")).await;
    let number = added.trim_start_matches("Added to ").trim_end_matches('.').to_owned();
    assert!(number.contains("-PW-0001"), "{number}");

    // The second item goes on the same draft by default.
    open_first_result_for(&c, &second_sku).await;
    let target = by_test_id(&c, "add-target").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(target, number);
    // Enter on the focused button presses it, as Space does.
    by_test_id(&c, "add-button").await.send_keys("\u{E007}").await.unwrap();
    wait_text(&c, "add-message", |t| t.starts_with("Added to")).await;
    let badge = wait_text(&c, "cart-badge", |t| t.ends_with("· 2")).await;
    assert_eq!(badge, format!("{number} · 2"));

    // The cart survives a restart: the draft changed last is the cart again.
    c.close().await.unwrap();
    let c = driver.open_app(&scratch.db()).await;
    let badge = wait_text(&c, "cart-badge", |t| t.ends_with("· 2")).await;
    assert_eq!(badge, format!("{number} · 2"));

    // The requisition: raise the first quantity to its tier.
    by_test_id(&c, "requisitions-toggle").await.click().await.unwrap();
    wait_text(&c, "req-number", |t| t.contains(&number)).await;
    let qty = by_test_id(&c, "line-quantity").await;
    qty.clear().await.unwrap();
    qty.send_keys(&format!("{tier_qty}\u{E004}")).await.unwrap();
    let tier = coopdesk_core::Cents(tier_price).to_string();
    wait_text(&c, "line-unit-price", |t| t == tier).await;

    // Fill the header: the clerk who started it is its requester already.
    let requester = by_test_id(&c, "hdr-requester").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(requester, "Dana Reyes");
    for (id, text) in [
        ("hdr-phone", "(850) 555-0142"),
        ("hdr-deliver-to", "911 Centre, 2 Harbor Way"),
        ("hdr-purpose", "Replace the 911 centre's UPS batteries"),
    ] {
        by_test_id(&c, id).await.send_keys(text).await.unwrap();
    }
    let needed = (chrono::Local::now().date_naive() + chrono::Duration::days(14)).to_string();
    let date = by_test_id(&c, "hdr-needed").await;
    c.execute(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
        vec![serde_json::to_value(&date).unwrap(), json!(needed)],
    )
    .await
    .unwrap();
    by_test_id(&c, "hdr-save").await.click().await.unwrap();
    wait_text(&c, "req-history", |t| t.contains("header changed")).await;

    // The account strings are still blank: the policy says so, and submitting is refused.
    let findings = wait_text(&c, "req-findings", |t| t.contains("account string")).await;
    assert!(findings.contains("Line 1: the account string (blank) is missing fund"), "{findings}");
    assert!(findings.contains("No approver in the purchasing settings may approve"), "{findings}");
    let sample = by_test_id(&c, "line-sample").await.text().await.unwrap();
    assert!(sample.contains("SAMPLE DATA"), "a line from the sample says so: {sample}");
    screenshot(&c, "06-requisition-findings.png").await;
    // Scrolled to the bottom, as a clerk is after filling in the lines.
    c.execute(
        "document.querySelectorAll('*').forEach(e => { if (e.scrollHeight > e.clientHeight) e.scrollTop = e.scrollHeight; })",
        vec![],
    )
    .await
    .unwrap();
    // The button itself in view, as the clerk scrolls to it; the rest stays scrolled down.
    c.execute("document.querySelector(\"[data-testid='submit-button']\").scrollIntoView({ block: 'nearest' })", vec![])
        .await
        .unwrap();
    by_test_id(&c, "submit-button").await.click().await.unwrap();
    let refused = wait_text(&c, "req-error", |t| !t.is_empty()).await;
    assert!(refused.contains("cannot go forward yet"), "{refused}");
    // However far down the button was, the refusal is in view.
    let shown = c
        .execute(
            "const r = document.querySelector(\"[data-testid='req-error']\").getBoundingClientRect(); \
             return r.top >= 0 && r.bottom <= window.innerHeight;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(shown, json!(true), "the refusal is scrolled into view");

    for line in 0..2 {
        let accounts = c.find_all(Locator::Css("[data-testid='line-account']")).await.unwrap();
        accounts[line].send_keys("100-210-01-5230\u{E004}").await.unwrap();
        wait_text(&c, "req-history", |t| t.matches("line changed").count() >= 2 + line).await;
    }
    wait_text(&c, "req-findings", |t| !t.contains("account string")).await;
    // The description has room, and a SKU or an account string is never
    // broken across lines.
    let layout = c
        .execute(
            "const d = document.querySelector(\"[data-testid='line-description']\"); \
             const s = document.querySelector(\"[data-testid='line-sku']\"); \
             return [d.getBoundingClientRect().width, s.getClientRects().length, \
                     s.getBoundingClientRect().height < parseFloat(getComputedStyle(s).fontSize) * 2];",
            vec![],
        )
        .await
        .unwrap();
    assert!(layout[0].as_f64().unwrap() >= 200.0, "the description column is {layout}");
    assert_eq!((layout[1].clone(), layout[2].clone()), (json!(1), json!(true)), "the SKU on one line: {layout}");
    acknowledge_all_warnings(&c).await;
    by_test_id(&c, "submit-button").await.click().await.unwrap();
    wait_text(&c, "req-status", |t| t == "Submitted").await;
    screenshot(&c, "07-requisition-submitted.png").await;

    // The packet previews in the window, drawn from the real PDF.
    by_test_id(&c, "packet-preview").await.click().await.unwrap();
    let shown = wait_text(&c, "packet-message", |t| t.contains("pages")).await;
    let pages: u32 = shown.split_whitespace().next().unwrap().parse().unwrap();
    assert!(pages >= 3, "{shown}");
    // Read back as text: each drawn page carries its own words.
    let texts = c
        .execute(
            "return [...document.querySelectorAll(\"[data-testid='packet-pages'] canvas\")].map(c => c.textContent)",
            vec![],
        )
        .await
        .unwrap();
    let texts: Vec<String> = serde_json::from_value(texts).unwrap();
    assert_eq!(texts.len() as u32, pages, "one page drawn for each in the packet");
    let packet = texts.join("\n");
    for want in [number.as_str(), "Purchase requisition", "Dana Reyes", "100-210-01-5230"] {
        assert!(packet.contains(want), "the preview shows {want:?}: {packet}");
    }
    assert!(texts[0].contains("Purchase requisition"), "the form comes first: {}", texts[0]);
    // Into the middle of the view, clear of the status bar (the menu bar
    // leaves the page less height than the window).
    c.execute("document.querySelector(\"[data-testid='packet-pages']\").scrollIntoView({ block: 'center' })", vec![])
        .await
        .unwrap();
    by_test_id(&c, "packet-pages").await.click().await.unwrap();
    screenshot(&c, "08-packet-preview.png").await;
    c.close().await.unwrap();
    drop(driver);

    let store = coopdesk_core::Store::open(&scratch.db()).unwrap();
    let req = store.requisition(&number).unwrap();
    assert_eq!(req.status, coopdesk_core::orders::Status::Submitted);
    assert_eq!((req.lines[0].quantity, req.lines[0].unit_price.0), (tier_qty, tier_price));
    assert_eq!(req.header.requester, "Dana Reyes");
    assert!(req.acknowledgements.iter().all(|a| a.by == "Dana Reyes"));
    assert!(store.verify_history().unwrap().problems.is_empty());
}

/// The sample catalogue, an agency in Florida with every cooperative's
/// membership on file, the clerk's name, a save folder, and a followed feed
/// whose server cannot be reached: the network is down.
fn offline_agency(scratch: &Scratch) -> std::path::PathBuf {
    use coopdesk_core::agency::{AgencyProfile, Membership};
    use coopdesk_core::model::{Address, EntityType};
    let mut store = coopdesk_core::Store::open(&scratch.db()).unwrap();
    store.ensure_catalogue().unwrap();
    let coops = store.facets().unwrap().cooperatives;
    store
        .set_agency_profile(&AgencyProfile {
            name: "Escambia Harbor County".into(),
            entity_type: EntityType::County,
            address: Address {
                street: "221 Palafox Pl".into(),
                city: "Pensacola".into(),
                state: "FL".into(),
                zip: "32502".into(),
            },
            memberships: coops
                .into_iter()
                .map(|c| Membership {
                    cooperative_id: c.id,
                    signed_on: "2024-01-01".parse().unwrap(),
                    expires_on: None,
                })
                .collect(),
            addenda: vec![],
            single_award_prohibited: false,
        })
        .unwrap();
    let folder = scratch.path("saved");
    std::fs::create_dir_all(&folder).unwrap();
    let mut settings = store.purchasing_settings().unwrap();
    settings.operator = "Dana Reyes".into();
    settings.save_folder = Some(folder.display().to_string());
    store.set_purchasing_settings(&settings).unwrap();
    let (key, public) = (scratch.path("feed.key"), scratch.path("feed.pub"));
    coopdesk_feed::keys::keygen(&key, &public).unwrap();
    let pubkey = coopdesk_feed::keys::load_public(&public).unwrap().to_base64();
    store.add_subscription("gulf-market", "http://127.0.0.1:9/manifest.json", &pubkey).unwrap();
    folder
}

fn pdf_text(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext").arg(path).arg("-").output().expect("pdftotext is installed");
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Presses keys in the window of the app that has `db` open, as a person
/// would: through the X server (XTEST), so GTK's menu bar sees them, which
/// WebDriver's keys, delivered to the page, never reach. Other tests' windows
/// share the display, so the window is found by its process.
async fn press_keys(db: &std::path::Path, keys: &[&str]) {
    let db = db.to_str().unwrap();
    let pid = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| c.split(|&b| b == 0).any(|arg| arg == db.as_bytes()))
        })
        .expect("the app's process");
    // No other test's window opens, or presses keys, until these are in.
    let _focus = crate::driver::x_input().await;
    // xdotool's own waits have no end: coreutils' timeout gives them one.
    let xdotool = |args: &[&str]| {
        let out =
            Command::new("timeout").arg("30").arg("xdotool").args(args).output().expect("timeout and xdotool run");
        assert!(out.status.success(), "xdotool {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let found =
        xdotool(&["search", "--sync", "--all", "--onlyvisible", "--pid", &pid.to_string(), "--name", "^coopdesk$"]);
    let window = found.lines().next().expect("the coopdesk window").to_owned();
    xdotool(&["windowfocus", "--sync", &window]);
    xdotool(&[&["key", "--delay", "150"][..], keys].concat());
}

async fn click(c: &Client, id: &str) {
    by_test_id(c, id).await.click().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_emergency_runs_offline_from_declaration_to_the_reimbursement_packet() {
    let scratch = Scratch::new();
    let folder = offline_agency(&scratch);
    let sku = {
        use coopdesk_core::search::{Filters, SearchQuery, StatusFilter};
        let store = coopdesk_core::Store::open(&scratch.db()).unwrap();
        let filters = Filters { eligible_only: true, status: Some(StatusFilter::Active), ..Default::default() };
        let page = store.search(&SearchQuery { filters, ..SearchQuery::text("portable generator") }).unwrap();
        page.hits.iter().find(|h| h.days_left > 90).unwrap().supplier_sku.clone()
    };
    let driver = Driver::start();
    let c = driver.open_app(&scratch.db()).await;
    wait_text(&c, "result-count", |t| t == "5,200 items in the catalog").await;
    // The sync on start fails (no network); the app carries on from its data.
    let feed = wait_text(&c, "catalogue-status", |t| t.contains("last sync failed")).await;
    assert!(feed.contains("5,200 items"), "{feed}");

    // Declare the incident.
    click(&c, "emergency-toggle").await;
    by_test_id(&c, "inc-name").await.send_keys("Hurricane Delia").await.unwrap();
    by_test_id(&c, "inc-declaration").await.send_keys("EO 26-114").await.unwrap();
    by_test_id(&c, "inc-authority").await.send_keys("Board of County Commissioners").await.unwrap();
    by_test_id(&c, "inc-approver").await.send_keys("Emergency Manager").await.unwrap();
    click(&c, "inc-declare").await;
    let banner = wait_text(&c, "emergency-banner", |t| t.contains("Hurricane Delia")).await;
    assert!(banner.contains("emergency purchasing in effect") && banner.contains("waiver ends in"), "{banner}");

    // Buy a generator on contract: the new requisition is an emergency purchase.
    open_first_result_for(&c, &sku).await;
    // Without a department, the add says what is missing instead of
    // nothing happening.
    click(&c, "add-button").await;
    let missing = wait_text(&c, "add-error", |t| !t.is_empty()).await;
    assert!(missing.contains("Type the department"), "{missing}");
    by_test_id(&c, "add-department").await.send_keys("EOC").await.unwrap();
    // Buying under the incident is a deliberate choice, not a default.
    let tagged = by_test_id(&c, "add-emergency").await.prop("checked").await.unwrap();
    assert_eq!(tagged.as_deref(), Some("false"), "not tagged with the incident by default");
    click(&c, "add-emergency").await;
    click(&c, "add-button").await;
    let added = wait_text(&c, "add-message", |t| t.starts_with("Added to")).await;
    let number = added.trim_start_matches("Added to ").trim_end_matches('.').to_owned();

    // The requisition carries its authorisation number before any approval.
    click(&c, "requisitions-toggle").await;
    let auth = wait_text(&c, "authorization", |t| t.starts_with("EM-EOC-")).await;
    for (id, text) in [
        ("doc-need", "Generators for the shelters; the storm cut power to three of them."),
        ("doc-duration", "Until utility power returns, about ten days."),
        ("doc-competition", "Bought on a competed cooperative contract."),
        ("doc-price_reasonableness", "Cooperative contract price, below list."),
        ("doc-conflict_of_interest", "None."),
    ] {
        by_test_id(&c, id).await.send_keys(text).await.unwrap();
    }
    click(&c, "docs-save").await;
    wait_text(&c, "req-history", |t| t.contains("emergency docs changed")).await;
    for (id, text) in [("hdr-requester", "Dana Reyes"), ("hdr-deliver-to", "Emergency Operations Center")] {
        let field = by_test_id(&c, id).await;
        c.execute(
            "arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::to_value(&field).unwrap()],
        )
        .await
        .unwrap();
        field.send_keys(text).await.unwrap();
    }
    let date = by_test_id(&c, "hdr-needed").await;
    let needed = chrono::Local::now().date_naive().to_string();
    c.execute(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
        vec![serde_json::to_value(&date).unwrap(), json!(needed)],
    )
    .await
    .unwrap();
    click(&c, "hdr-save").await;
    wait_text(&c, "req-history", |t| t.contains("header changed")).await;
    let account = by_test_id(&c, "line-account").await;
    account.send_keys("100-525-01-5230\u{E004}").await.unwrap();
    wait_text(&c, "req-history", |t| t.contains("line changed")).await;
    let findings = wait_text(&c, "req-findings", |t| t.contains("FEMA coverage")).await;
    assert!(findings.contains("No FEMA project number yet"), "the missing project is a listed gap: {findings}");
    acknowledge_all_warnings(&c).await;
    click(&c, "submit-button").await;
    wait_text(&c, "req-status", |t| t == "Submitted").await;
    let approver = by_test_id(&c, "approver-select").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(approver, "Emergency Manager", "the incident's approver");
    click(&c, "approve-button").await;
    wait_text(&c, "req-status", |t| t == "Approved").await;
    screenshot(&c, "09-emergency-requisition.png").await;

    // The vendor sheet and the reimbursement packet, saved and read back.
    click(&c, "emergency-toggle").await;
    let tally = wait_text(&c, "tally", |t| t.contains("1 purchase")).await;
    assert!(tally.contains('$'), "{tally}");
    for cat in c.find_all(Locator::Css("[data-testid='sheet-category']")).await.unwrap() {
        if cat.prop("value").await.unwrap().as_deref() == Some("26111604") {
            cat.click().await.unwrap();
        }
    }
    click(&c, "sheet-save").await;
    let saved = wait_text(&c, "emergency-message", |t| t.starts_with("Saved")).await;
    let sheet = std::path::PathBuf::from(saved.trim_start_matches("Saved ").trim_end_matches('.'));
    assert!(sheet.starts_with(&folder), "{saved}");
    click(&c, "fema-save").await;
    let saved = wait_text(&c, "emergency-message", |t| t.contains("fema-")).await;
    let fema = std::path::PathBuf::from(saved.trim_start_matches("Saved ").trim_end_matches('.'));
    screenshot(&c, "10-emergency-dashboard.png").await;
    // Closing the incident asks first; keeping it open changes nothing.
    click(&c, "incident-close").await;
    let ask = wait_text(&c, "close-confirm", |t| t.contains("Close Hurricane Delia?")).await;
    assert!(ask.contains("New purchases can no longer be made under it"), "{ask}");
    click(&c, "close-no").await;
    by_test_id(&c, "incident-close").await;
    c.close().await.unwrap();
    drop(driver);

    let text = pdf_text(&sheet);
    assert!(text.contains("Emergency vendor sheet") && text.contains("Generators") && text.contains("24h:"), "{text}");
    assert!(text.contains("distances from ZIP 32502"), "{text}");
    let text = pdf_text(&fema);
    for want in [
        "FEMA Public Assistance",
        "Hurricane Delia",
        "EO 26-114",
        auth.as_str(),
        number.as_str(),
        "Approved",
        "Generators for the shelters",
    ] {
        assert!(text.contains(want), "{want:?} missing from the reimbursement packet:\n{text}");
    }
    assert!(text.contains("MISSING: the FEMA project number"), "the open gap is on paper: {text}");
    let store = coopdesk_core::Store::open(&scratch.db()).unwrap();
    assert!(store.verify_history().unwrap().problems.is_empty());
}

/// Chooses `value` in the select `id` and waits for the panel to say so.
async fn choose(c: &Client, id: &str, value: &str) {
    by_test_id(c, id).await.select_by_value(value).await.unwrap_or_else(|e| panic!("{id} = {value}: {e}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clerk_imports_a_vendor_price_file_and_an_ocds_publication() {
    let scratch = Scratch::new();
    // A vendor's price list whose headers no rule recognises.
    let csv = scratch.path("acme.csv");
    std::fs::write(
        &csv,
        "Acme Supply price sheet,,,\nItem,What it is,Cost each,Pack\nA-100,Copier toner black,64.50,EA\nA-200,Copier toner cyan,call,EA\n",
    )
    .unwrap();
    // A public buyer's OCDS publication, on a web server (on this machine).
    let published = scratch.path("published");
    std::fs::create_dir_all(&published).unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ocds/fictional/record/ocds-213czf-000-00001.json");
    std::fs::copy(fixture, published.join("barnet.json")).unwrap();
    let server = coopdesk_feed::serve::start(published, "127.0.0.1:0").unwrap();

    let driver = Driver::start();
    let c = driver.open_app(&scratch.db()).await;
    wait_text(&c, "result-count", |t| t.contains("items in the catalog")).await;

    // File > Import, from the window's own menu bar: its Ctrl+I, pressed
    // through the X server, is GTK's menu accelerator (the page has no key
    // handler of its own for it), so this is the menu item's event.
    press_keys(&scratch.db(), &["ctrl+i"]).await;
    wait_text(&c, "import-preview", |t| t == "Preview").await;
    assert_eq!(by_test_id(&c, "import-toggle").await.attr("aria-expanded").await.unwrap().as_deref(), Some("true"));

    // The price file: previewed, its columns chosen by hand, then imported.
    by_test_id(&c, "import-location").await.send_keys(csv.to_str().unwrap()).await.unwrap();
    by_test_id(&c, "import-contract").await.send_keys("ACME-2026").await.unwrap();
    by_test_id(&c, "import-supplier").await.send_keys("Acme Supply").await.unwrap();
    click(&c, "import-preview").await;
    let missing = wait_text(&c, "import-missing", |t| !t.is_empty()).await;
    assert!(missing.contains("Description") && missing.contains("Contract price"), "{missing}");
    choose(&c, "column-description", "What it is").await;
    wait_text(&c, "import-summary", |t| t.contains("columns as chosen")).await;
    choose(&c, "column-contract_price", "Cost each").await;
    let row = wait_text(&c, "import-contract-row", |t| t.contains("ACME-2026")).await;
    assert!(row.contains("Acme Supply"), "{row}");
    let refused = by_test_id(&c, "import-refused").await.text().await.unwrap();
    assert!(refused.contains("Row 4: the price 'call' is not a number"), "{refused}");
    screenshot(&c, "11-import-price-preview.png").await;
    click(&c, "import-save-mapping").await;
    click(&c, "import-run").await;
    wait_text(&c, "import-summary", |t| t.starts_with("Imported acme.csv")).await;

    // The OCDS publication, from its address.
    let location = by_test_id(&c, "import-location").await;
    location.clear().await.unwrap();
    location.send_keys(&format!("http://{}/barnet.json", server.addr)).await.unwrap();
    click(&c, "import-preview").await;
    let summary = wait_text(&c, "import-summary", |t| t.starts_with("Would import")).await;
    assert!(summary.contains("OCDS (UTF-8), 1 contracting process"), "{summary}");
    assert_eq!(by_test_id(&c, "created-contracts").await.text().await.unwrap(), "1");
    click(&c, "import-run").await;
    wait_text(&c, "import-summary", |t| t.starts_with("Imported")).await;
    let log = wait_text(&c, "import-log", |t| t.contains("barnet.json")).await;
    assert!(log.contains("price file") && log.contains("OCDS"), "{log}");
    screenshot(&c, "12-import-ocds-summary.png").await;

    // A publication cut off after its opening reads as nothing: the panel
    // says why and that nothing was imported, with no summary to misread.
    let cut = scratch.path("cut.json");
    std::fs::write(&cut, r#"{"releases": ["#).unwrap();
    let location = by_test_id(&c, "import-location").await;
    location.clear().await.unwrap();
    location.send_keys(cut.to_str().unwrap()).await.unwrap();
    click(&c, "import-preview").await;
    let error = wait_text(&c, "import-error", |t| !t.is_empty()).await;
    assert!(error.contains("is not valid JSON") && error.ends_with("Nothing was imported."), "{error}");
    assert!(c.find(Locator::Css("[data-testid='import-summary']")).await.is_err(), "no summary beside the error");
    click(&c, "import-toggle").await;

    // Both are in the catalogue, each price in its own currency.
    open_first_result_for(&c, "cycle lane").await;
    let rows = c.find_all(Locator::Css("[data-testid='result-row']")).await.unwrap();
    assert!(rows[0].text().await.unwrap().contains("137,000.00 GBP"));
    let origin = by_test_id(&c, "contract-origin").await.text().await.unwrap();
    assert!(origin.contains("OCDS contract (active)") && origin.contains("ocid ocds-213czf-000-00001"), "{origin}");
    let note = by_test_id(&c, "foreign-currency").await.text().await.unwrap();
    assert!(note.contains("Priced in GBP"), "a pound price is not added up as dollars: {note}");
    screenshot(&c, "13-imported-ocds-contract.png").await;
    let input = by_test_id(&c, "search-input").await;
    input.send_keys("\u{E00C}").await.unwrap();
    input.clear().await.unwrap();
    input.send_keys("copier toner").await.unwrap();
    let row = wait_text(&c, "result-row", |t| t.contains("Copier toner black")).await;
    assert!(row.contains("$64.50") && row.contains("ACME-2026"), "{row}");
    input.send_keys("\u{E007}").await.unwrap();
    wait_text(&c, "contract-local", |t| t.contains("Imported locally from a price file")).await;
    c.close().await.unwrap();
    drop(driver);

    let store = coopdesk_core::Store::open(&scratch.db()).unwrap();
    let saved = store.saved_price_mapping("Acme Supply").unwrap().expect("the columns were saved for the supplier");
    assert_eq!(saved[&coopdesk_core::import::prices::Field::ContractPrice], "Cost each");
}

/// The office in the window: a clerk's computer shows they are not admitted
/// yet, an administrator admits them from another computer, and the window
/// shows the signed admission as soon as it lands on the server, without
/// anyone pressing Sync (the app listens to the office's server).
#[tokio::test(flavor = "multi_thread")]
async fn an_admission_made_on_another_laptop_arrives_in_the_window() {
    use crate::office::{founded, Laptop};
    use crate::postgres::APP_PASSWORD;
    let (pg, admin) = founded();
    let clerk = Laptop::new("casey", APP_PASSWORD);
    clerk.ok(&["office", "join", "--url", &pg.url("coopdesk_app"), "--name", "Casey Clerk"]);
    let fingerprint = clerk.status()["fingerprint"].as_str().unwrap().to_owned();

    let driver = Driver::start_with_env(&[("PGPASSWORD", APP_PASSWORD)]);
    let c = driver.open_app(&clerk.db).await;
    wait_text(&c, "result-count", |t| t.contains("items in the catalog")).await;
    click(&c, "settings-toggle").await;
    let me = wait_text(&c, "office-me", |t| !t.is_empty()).await;
    assert!(me.contains("Not admitted yet") && me.contains(&fingerprint), "{me}");
    assert_eq!(by_test_id(&c, "office-name").await.text().await.unwrap(), "Harbor County Purchasing");

    admin.ok(&["office", "admit", &fingerprint, "--role", "requester", "--title", "Account clerk"]);
    let admitted = std::time::Instant::now();
    let me = wait_text(&c, "office-me", |t| t.contains("Casey Clerk")).await;
    assert_eq!(me, "Casey Clerk (requester)");
    assert!(admitted.elapsed() < coopdesk_core::office::POLL, "a live update, not the periodic sync");
    click(&c, "office-sync").await;
    let message = wait_text(&c, "office-message", |t| !t.is_empty()).await;
    assert_eq!(message, "Sent 0 changes, received 0.", "already in step");
    let people = c.find_all(Locator::Css("[data-testid='office-person']")).await.unwrap();
    assert_eq!(people.len(), 2);
    let casey = people[1].text().await.unwrap();
    assert!(["Casey Clerk", "Account clerk", "requester", &fingerprint].iter().all(|w| casey.contains(w)), "{casey}");
    assert_eq!(by_test_id(&c, "office-waiting").await.text().await.unwrap(), "0 changes");
    c.execute("document.querySelector(\"[data-testid='office-settings']\").scrollIntoView()", vec![]).await.unwrap();
    screenshot(&c, "16-office-settings.png").await;
    c.close().await.unwrap();
    drop(driver);
    assert_eq!(clerk.status()["head"], admin.status()["head"]);
}

/// Separation of duties in the window: a requisition shared from the
/// clerk's laptop waits in the department head's Settings > Office, who
/// approves it there with their own key's passphrase; the clerk's window
/// then shows it approved by the head, and says who signed.
#[tokio::test(flavor = "multi_thread")]
async fn a_requisition_from_one_laptop_is_approved_in_the_window_of_another() {
    use crate::office::{office, submitted_requisition};
    use crate::postgres::APP_PASSWORD;
    let o = office();
    let (number, _) = submitted_requisition(&o.clerk, 10);
    let quote = o.pg.path("quote.pdf");
    std::fs::write(&quote, b"%PDF-1.4\n% Pelican Power Supply quote Q-4471\n").unwrap();
    o.clerk.ok(&["req", "attach", &number, quote.to_str().unwrap(), "--kind", "quote", "--by", "Casey Clerk"]);
    o.clerk.ok(&["office", "share", &number]);

    let driver = Driver::start_with_env(&[("PGPASSWORD", APP_PASSWORD)]);
    let c = driver.open_app(&o.head.db).await;
    wait_text(&c, "result-count", |t| t.contains("items in the catalog")).await;
    click(&c, "settings-toggle").await;
    let item = wait_text(&c, "inbox-item", |t| t.contains(&number)).await;
    assert!(item.contains("from Casey Clerk (PW)"), "{item}");
    // The quote came with it, checked against its hash, ready to open.
    let file = wait_text(&c, "shared-attachment", |t| t.contains("Save a copy")).await;
    assert!(file.starts_with("quote.pdf ("), "{file}");
    by_test_id(&c, "inbox-passphrase").await.send_keys(&o.head.passphrase).await.unwrap();
    c.execute("document.querySelector(\"[data-testid='inbox']\").scrollIntoView()", vec![]).await.unwrap();
    screenshot(&c, "17-approvals-inbox.png").await;
    click(&c, "inbox-approve").await;
    let done = wait_text(&c, "office-message", |t| !t.is_empty()).await;
    assert_eq!(done, format!("Approved {number} of Casey Clerk: signed, sent to the office."));
    wait_text(&c, "inbox-empty", |t| t.contains("Nothing waits")).await;
    c.close().await.unwrap();

    // The clerk's own window: the approval arrives, signed by Pat Lee, with
    // nobody pressing Sync.
    let c = driver.open_app(&o.clerk.db).await;
    wait_text(&c, "result-count", |t| t.contains("items in the catalog")).await;
    click(&c, "requisitions-toggle").await;
    wait_text(&c, "req-row", |t| t.contains(&number)).await;
    c.execute("document.querySelector(\"[data-testid='req-row']\").click()", vec![]).await.unwrap();
    wait_text(&c, "req-status", |t| t == "Approved").await;
    let history = wait_text(&c, "req-history", |t| t.contains("Pat Lee")).await;
    assert!(history.contains("approved"), "{history}");
    let head_key = o.head.status()["fingerprint"].as_str().unwrap().to_owned();
    let signed = by_test_id(&c, "history-signed").await.text().await.unwrap();
    assert_eq!(signed, format!("✓ signed in coopdesk, key {head_key}"));
    let actions = by_test_id(&c, "req-actions").await.text().await.unwrap();
    assert!(actions.contains("Approved by Pat Lee") && actions.contains("Purchasing records the order"), "{actions}");
    screenshot(&c, "18-approval-arrived.png").await;
    c.close().await.unwrap();
    drop(driver);
}

/// An office set up from the window: the administrator creates it in
/// Settings > Office, a colleague asks to join from their own computer, and
/// the administrator finds the request, compares the fingerprint, and signs
/// the admission and the office's finance rule in the window.
#[tokio::test(flavor = "multi_thread")]
async fn an_office_is_created_and_a_colleague_admitted_from_the_window() {
    use crate::office::Laptop;
    use crate::postgres::{Postgres, APP_PASSWORD, OWNER_PASSWORD};
    let pg = Postgres::start();
    let admin = Laptop::new("alex", OWNER_PASSWORD);
    let driver = Driver::start_with_env(&[("PGPASSWORD", OWNER_PASSWORD)]);
    let c = driver.open_app(&admin.db).await;
    wait_text(&c, "result-count", |t| t.contains("items in the catalog")).await;
    click(&c, "settings-toggle").await;
    wait_text(&c, "office-none", |t| t.contains("not part of an office")).await;
    click(&c, "office-mode-create").await;
    let fill = [
        ("office-url", pg.url("coopdesk_owner")),
        ("office-office", "Harbor County Purchasing".to_owned()),
        ("office-my-name", "Alex Admin".to_owned()),
        ("office-new-passphrase", admin.passphrase.clone()),
        ("office-new-passphrase-again", "a different passphrase".to_owned()),
    ];
    for (id, text) in &fill {
        by_test_id(&c, id).await.send_keys(text).await.unwrap();
    }
    click(&c, "office-setup-submit").await;
    let refused = wait_text(&c, "office-setup-error", |t| !t.is_empty()).await;
    assert_eq!(refused, "The two passphrases differ: type the same one twice.");
    let again = by_test_id(&c, "office-new-passphrase-again").await;
    again.clear().await.unwrap();
    again.send_keys(&admin.passphrase).await.unwrap();
    click(&c, "office-setup-submit").await;
    wait_text(&c, "office-name", |t| t == "Harbor County Purchasing").await;
    let me = wait_text(&c, "office-me", |t| !t.is_empty()).await;
    assert_eq!(me, "Alex Admin (administrator)");

    let clerk = Laptop::new("casey", APP_PASSWORD);
    clerk.ok(&["office", "join", "--url", &pg.url("coopdesk_app"), "--name", "Casey Clerk"]);
    let fingerprint = clerk.status()["fingerprint"].as_str().unwrap().to_owned();
    click(&c, "office-check-requests").await;
    let request = wait_text(&c, "office-request", |t| !t.is_empty()).await;
    assert!(request.contains(&fingerprint) && request.contains("Casey Clerk"), "{request}");
    click(&c, "office-request-admit").await;
    by_test_id(&c, "admit-title").await.send_keys("Account clerk").await.unwrap();
    by_test_id(&c, "inbox-passphrase").await.send_keys(&admin.passphrase).await.unwrap();
    c.execute("document.querySelector(\"[data-testid='office-admit-form']\").scrollIntoView()", vec![]).await.unwrap();
    screenshot(&c, "18-office-admit.png").await;
    click(&c, "admit-sign").await;
    let done = wait_text(&c, "office-message", |t| !t.is_empty()).await;
    assert_eq!(done, "The roster change for Casey Clerk is signed; sent to the office.");
    let people = c.find_all(Locator::Css("[data-testid='office-person']")).await.unwrap();
    assert_eq!(people.len(), 2);

    by_test_id(&c, "inbox-passphrase").await.send_keys(&admin.passphrase).await.unwrap();
    by_test_id(&c, "office-finance-from").await.send_keys("25000").await.unwrap();
    click(&c, "office-finance-sign").await;
    let done = wait_text(&c, "office-message", |t| t.contains("rule")).await;
    assert_eq!(done, "Finance approves requisitions of $25,000.00 or more: the rule is signed; sent to the office.");
    c.close().await.unwrap();
    drop(driver);

    clerk.ok(&["office", "sync"]);
    let status = clerk.status();
    assert_eq!(status["me"]["person"]["title"], "Account clerk");
    assert_eq!(status["me"]["person"]["roles"][0], "requester");
    assert_eq!(status["head"], admin.status()["head"]);
}

/// Two changes made apart in the window: the requester sees both versions
/// of the shared requisition side by side in Settings > Office and keeps
/// theirs, signed with their passphrase.
#[tokio::test(flavor = "multi_thread")]
async fn two_versions_made_apart_are_shown_side_by_side_and_one_is_kept() {
    use crate::office::{conflict_made_apart, office};
    use crate::postgres::APP_PASSWORD;
    let o = office();
    let number = conflict_made_apart(&o);

    let driver = Driver::start_with_env(&[("PGPASSWORD", APP_PASSWORD)]);
    let c = driver.open_app(&o.clerk.db).await;
    wait_text(&c, "result-count", |t| t.contains("items in the catalog")).await;
    click(&c, "settings-toggle").await;
    let conflict = wait_text(&c, "office-conflict", |t| !t.is_empty()).await;
    assert!(conflict.contains("Two versions in conflict"), "{conflict}");
    assert!(conflict.contains("account 100-210-01-5240") && conflict.contains("Casey Clerk's version"), "{conflict}");
    assert!(conflict.contains("9 × "), "{conflict}");
    by_test_id(&c, "inbox-passphrase").await.send_keys(&o.clerk.passphrase).await.unwrap();
    c.execute("document.querySelector(\"[data-testid='office-conflict']\").scrollIntoView()", vec![]).await.unwrap();
    screenshot(&c, "19-office-conflict.png").await;
    click(&c, "office-keep-other").await;
    let done = wait_text(&c, "office-message", |t| t.starts_with("Kept")).await;
    assert_eq!(done, format!("Kept Casey Clerk's version of {number}; sent to the office."));
    c.close().await.unwrap();
    drop(driver);
    o.head.ok(&["office", "sync"]);
    let shared = o.head.json(&["office", "inbox", "--all"])["shared"][0].clone();
    assert!(shared["conflict"].is_null(), "{shared}");
    assert_eq!(shared["requisition"]["lines"][0]["quantity"], 9);
}

/// The serious and critical WCAG 2.1 A and AA violations axe-core finds in
/// the window as it stands, each as "rule: what (where)".
async fn accessibility_violations(c: &Client) -> Vec<String> {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js"),
    )
    .expect("axe-core is in ui/node_modules (scripts/setup installs the UI's packages)");
    // The script runs as WebDriver's own code, which the window's content
    // security policy does not block as it would an injected <script>.
    let loaded =
        c.execute(&format!("if (!window.axe) {{ {source}\n }} return typeof window.axe;"), vec![]).await.unwrap();
    assert_eq!(loaded, json!("object"), "axe-core did not load in the window");
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }) \
               .then((r) => done(r.violations \
                 .filter((v) => v.impact === 'serious' || v.impact === 'critical') \
                 .flatMap((v) => v.nodes.slice(0, 3).map((n) => v.id + ': ' + (n.failureSummary || v.help).split('\\n').slice(1, 2).join('').trim() + ' (' + n.target.join(' ') + ')')))) \
               .catch((e) => done(['axe-core failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

/// Sends keys to whatever has focus, as a clerk at the keyboard does.
async fn type_keys(c: &Client, keys: &str) {
    c.active_element().await.unwrap().send_keys(keys).await.unwrap();
}

/// The test id of the focused element, or its tag when it has none.
async fn focused(c: &Client) -> String {
    let v = c
        .execute(
            "const e = document.activeElement; return e ? (e.dataset.testid || e.tagName.toLowerCase()) : '';",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_owned()
}

/// Waits (up to 10 s) for focus to reach the element with test id `id`.
async fn wait_focus(c: &Client, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while focused(c).await != id {
        assert!(Instant::now() < deadline, "focus never reached {id}; it is on {}", focused(c).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Which result row has focus, counting from 0 (-1: none).
async fn focused_row(c: &Client) -> i64 {
    let v = c
        .execute("const r = [...document.querySelectorAll('[data-testid=result-row]')]; return r.indexOf(document.activeElement);", vec![])
        .await
        .unwrap();
    v.as_i64().unwrap_or(-1)
}

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const DOWN: &str = "\u{E015}";

/// A clerk with only a keyboard: skip link, search, into the results with
/// the arrows, open one (focus moves into the detail), add it to a new
/// requisition in a few Tabs, Escape back to the row and to the search box,
/// and the list of shortcuts with ?.
#[tokio::test(flavor = "multi_thread")]
async fn the_catalog_works_from_the_keyboard_alone() {
    let scratch = Scratch::new();
    offline_agency(&scratch);
    let driver = Driver::start();
    let c = driver.open_app(&scratch.db()).await;
    wait_text(&c, "result-count", |t| t.contains("items in the catalog")).await;

    by_test_id(&c, "search-input").await.send_keys("generator").await.unwrap();
    wait_text(&c, "result-count", |t| t.contains("“generator”")).await;

    // The first Tab stop skips the header to the results.
    c.execute("document.activeElement.blur();", vec![]).await.unwrap();
    type_keys(&c, TAB).await;
    assert_eq!(focused(&c).await, "skip-to-results");
    type_keys(&c, ENTER).await;
    wait_focus(&c, "result-row").await;

    // From the search box, Down goes into the list and Down again moves.
    type_keys(&c, "/").await;
    assert_eq!(focused(&c).await, "search-input");
    type_keys(&c, DOWN).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(focused(&c).await, "result-row");
    type_keys(&c, DOWN).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(focused_row(&c).await, 1, "Down on a row moves to the next row");

    // Enter opens it and focus moves to the item's name in the detail.
    type_keys(&c, ENTER).await;
    wait_text(&c, "contract-detail", |t| t.contains("Contract")).await;
    wait_focus(&c, "detail-heading").await;
    screenshot(&c, "keyboard-detail.png").await;

    // "Add to requisition" is a few Tabs away, the department on the way.
    let mut tabs = 0;
    loop {
        type_keys(&c, TAB).await;
        tabs += 1;
        let at = focused(&c).await;
        if at == "add-department"
            && by_test_id(&c, "add-department").await.prop("value").await.unwrap().unwrap_or_default().is_empty()
        {
            type_keys(&c, "PW").await;
        }
        if at == "add-button" {
            break;
        }
        assert!(tabs < 6, "still not at Add to requisition after {tabs} Tabs (at {at})");
    }
    type_keys(&c, ENTER).await;
    wait_text(&c, "cart-badge", |t| t.ends_with("· 1")).await;

    // Escape closes the detail and gives focus back to the row it came from.
    type_keys(&c, ESCAPE).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(c.find_all(Locator::Css("[data-testid='detail']")).await.unwrap().is_empty());
    assert_eq!(focused_row(&c).await, 1, "focus returns to the row that was opened");
    type_keys(&c, ESCAPE).await;
    assert_eq!(focused(&c).await, "search-input");

    // On to the requisition: the next Tab is the Requisitions button, and
    // the list's requisition numbers open one from the keyboard.
    type_keys(&c, TAB).await;
    assert_eq!(focused(&c).await, "requisitions-toggle");
    type_keys(&c, ENTER).await;
    let number = wait_text(&c, "req-number", |t| t.starts_with("Requisition ")).await;
    let mut tabs = 0;
    while focused(&c).await != "req-open" {
        type_keys(&c, TAB).await;
        tabs += 1;
        assert!(tabs < 20, "no requisition to open after {tabs} Tabs (at {})", focused(&c).await);
    }
    type_keys(&c, ENTER).await;
    assert_eq!(wait_text(&c, "req-number", |t| t.starts_with("Requisition ")).await, number);
    type_keys(&c, "/").await;
    assert_eq!(focused(&c).await, "search-input");

    // ? lists the shortcuts (Help > Keyboard), and Escape closes the list.
    c.execute("document.activeElement.blur();", vec![]).await.unwrap();
    type_keys(&c, "?").await;
    let help = wait_text(&c, "keyboard-help", |t| t.contains("Go to the results")).await;
    assert!(help.contains("Ctrl+K") && help.contains("Esc in the detail"), "{help}");
    screenshot(&c, "keyboard-help.png").await;
    let violations = accessibility_violations(&c).await;
    assert!(violations.is_empty(), "the list of shortcuts: {violations:#?}");
    // The scan finds what it should: pale text planted in the list is caught.
    c.execute(
        "const p = document.createElement('p'); p.id = 'pale'; p.textContent = 'Pale text'; \
         p.style.color = '#bbbbbb'; document.querySelector('[data-testid=keyboard-help]').appendChild(p);",
        vec![],
    )
    .await
    .unwrap();
    let planted = accessibility_violations(&c).await;
    assert!(planted.iter().any(|v| v.starts_with("color-contrast") && v.contains("#pale")), "{planted:#?}");
    c.execute("document.getElementById('pale').remove();", vec![]).await.unwrap();
    type_keys(&c, ESCAPE).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let open = c.execute("return document.querySelector('dialog[open]') !== null;", vec![]).await.unwrap();
    assert_eq!(open, json!(false));

    c.close().await.unwrap();
}

/// What runs past the right edge of the window, as "tag.class (right px)".
async fn overflowing(c: &Client) -> Vec<String> {
    let found = c
        .execute(
            "const w = document.documentElement.clientWidth; const out = []; \
             for (const e of document.querySelectorAll('body *')) { \
               const r = e.getBoundingClientRect(); \
               if (r.width === 0 || r.height === 0) continue; \
               let clipped = false; \
               for (let p = e.parentElement; p; p = p.parentElement) { \
                 const s = getComputedStyle(p); \
                 if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) { clipped = true; break; } \
               } \
               if (!clipped && r.right > w + 1) out.push(e.tagName.toLowerCase() + '.' + e.className + ' (' + Math.round(r.right) + ')'); \
             } \
             if (document.documentElement.scrollWidth > w + 1) out.push('page (' + document.documentElement.scrollWidth + ')'); \
             return out.slice(0, 10);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

/// Where the footer ends and how many result rows show in full, against
/// the window's height: the footer belongs at the bottom however short the
/// screen's content is.
async fn footer_and_rows(c: &Client) -> (f64, f64, u64) {
    let v = c
        .execute(
            "const h = document.documentElement.clientHeight; \
             const f = document.querySelector('footer').getBoundingClientRect(); \
             const main = document.querySelector('#results'); \
             let rows = 0; \
             if (main) { const m = main.getBoundingClientRect(); \
               for (const r of document.querySelectorAll('[data-testid=result-row]')) { \
                 const b = r.getBoundingClientRect(); if (b.top >= m.top && b.bottom <= Math.min(m.bottom, f.top) + 1) rows++; } } \
             return [f.bottom, h, rows];",
            vec![],
        )
        .await
        .unwrap();
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap(), v[2].as_u64().unwrap())
}

/// At 1024×640, the smallest window a county laptop gives coopdesk, during
/// an incident: every main screen fits (nothing runs past the right edge,
/// the footer stays at the bottom, the catalog shows a useful page of
/// results under the incident banner), and axe-core finds no serious or
/// critical WCAG 2.1 A or AA problem on any of them.
#[tokio::test(flavor = "multi_thread")]
async fn every_main_screen_fits_a_1024_by_640_window_and_passes_an_accessibility_scan() {
    let scratch = Scratch::new();
    offline_agency(&scratch);
    let number = {
        let mut store = coopdesk_core::Store::open(&scratch.db()).unwrap();
        let today = chrono::Local::now().date_naive();
        let incident = coopdesk_core::emergency::NewIncident {
            name: "Hurricane Delia".into(),
            kind: "hurricane".into(),
            declaration_number: "EO 26-114".into(),
            declared_on: today,
            authority: "Board of County Commissioners".into(),
            waiver_start: today,
            waiver_end: today + chrono::Days::new(30),
            fema_disaster: None,
            rules: None,
            activate: true,
        };
        store.declare_incident(&incident, "Dana Reyes").unwrap();
        let header = coopdesk_core::orders::Header {
            department: "PW".into(),
            purpose: "Replace the 911 center's UPS batteries before the storm season".into(),
            ..Default::default()
        };
        let n = store.create_requisition(&header, "Dana Reyes").unwrap();
        let page = store.search(&coopdesk_core::search::SearchQuery::text("ups battery")).unwrap();
        store.add_item(&n, &page.hits[0].item_id, 40, Some("100-210-01-5230"), "Dana Reyes").unwrap();
        // An acknowledged warning is drawn apart from the others: it must
        // still be readable.
        let view = store.review_requisition(&n, today).unwrap();
        let warning = view.findings.iter().find(|f| f.severity == coopdesk_core::policy::Severity::Warning).unwrap();
        store.acknowledge(&n, &warning.key.to_string(), "Reviewed by purchasing", "Dana Reyes", today).unwrap();
        n
    };
    let driver = Driver::start();
    let c = driver.open_app(&scratch.db()).await;
    c.set_window_size(1024, 640).await.unwrap();
    wait_text(&c, "result-count", |t| t.contains("items in the catalog")).await;
    by_test_id(&c, "emergency-banner").await;
    let mut problems = Vec::new();
    let mut check = async |c: &Client, screen: &str| {
        // The screenshot waits for the layout to settle, before it is measured.
        screenshot(c, &format!("1024-{screen}.png")).await;
        let over = overflowing(c).await;
        if !over.is_empty() {
            problems.push(format!("{screen}: runs past the right edge: {over:?}"));
        }
        let (footer, height, _) = footer_and_rows(c).await;
        if (footer - height).abs() > 1.0 {
            problems.push(format!("{screen}: the footer ends at {footer} px in a {height} px window"));
        }
        let violations = accessibility_violations(c).await;
        if !violations.is_empty() {
            problems.push(format!("{screen}: accessibility: {violations:#?}"));
        }
    };
    check(&c, "catalog").await;
    let (_, _, rows) = footer_and_rows(&c).await;
    assert!(rows >= 5, "only {rows} result rows show in full under the incident banner");
    open_first_result_for(&c, "generator").await;
    check(&c, "catalog-detail").await;
    // A search with no match: short content, the footer still at the bottom.
    let input = by_test_id(&c, "search-input").await;
    input.clear().await.unwrap();
    input.send_keys("zzzzqqq").await.unwrap();
    by_test_id(&c, "no-results").await;
    check(&c, "catalog-empty").await;
    click(&c, "requisitions-toggle").await;
    wait_text(&c, "req-number", |t| t.contains(&number)).await;
    wait_text(&c, "req-findings", |t| t.contains("Acknowledged by Dana Reyes")).await;
    check(&c, "requisition").await;
    click(&c, "emergency-toggle").await;
    by_test_id(&c, "incident-dashboard").await;
    check(&c, "emergency").await;
    click(&c, "import-toggle").await;
    by_test_id(&c, "import-panel").await;
    check(&c, "import").await;
    click(&c, "import-toggle").await;
    click(&c, "feeds-toggle").await;
    by_test_id(&c, "feeds-panel").await;
    check(&c, "feeds").await;
    click(&c, "feeds-toggle").await;
    // Last: once Settings has been closed, WebKitWebDriver's screenshots
    // wait 30 to 60 s for a frame (the window itself is idle and answers).
    click(&c, "settings-toggle").await;
    by_test_id(&c, "purchasing-settings").await;
    check(&c, "settings").await;
    c.close().await.unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Two ordered and received requisitions (on the sample catalog), built
/// through the core as the clerk's earlier days would have; returns their
/// numbers and each one's first line (item, quantity, unit price).
fn two_received_requisitions(db: &std::path::Path) -> Vec<(String, (String, u32, i64))> {
    let mut store = coopdesk_core::Store::open(db).unwrap();
    let today = chrono::Local::now().date_naive();
    let mut settings = store.purchasing_settings().unwrap();
    settings.approvers =
        vec![coopdesk_core::orders::Approver { name: "Pat Lee".into(), title: "Director".into(), limit: None }];
    store.set_purchasing_settings(&settings).unwrap();
    let hits = store.search(&coopdesk_core::search::SearchQuery::text("battery")).unwrap().hits;
    let mut out = Vec::new();
    for (dept, hit) in ["PW", "FIRE"].into_iter().zip(&hits) {
        let header = coopdesk_core::orders::Header {
            department: dept.into(),
            requester: "Dana Reyes".into(),
            requester_phone: "(850) 555-0142".into(),
            deliver_to: "221 Palafox Pl".into(),
            date_needed: Some(today + chrono::Duration::days(14)),
            purpose: "Spare batteries for the pumping stations".into(),
            notes: String::new(),
            justification: None,
        };
        let number = store.create_requisition(&header, "Dana Reyes").unwrap();
        store.add_item(&number, &hit.item_id, 4, Some("100-210-01-5230"), "Dana Reyes").unwrap();
        let view = store.review_requisition(&number, today).unwrap();
        for f in view.findings.iter().filter(|f| f.severity == coopdesk_core::policy::Severity::Warning) {
            store.acknowledge(&number, &f.key.to_string(), "Reviewed", "Dana Reyes", today).unwrap();
        }
        store.submit(&number, "Dana Reyes", today).unwrap();
        store.approve(&number, "Pat Lee", "Dana Reyes", today).unwrap();
        store.mark_ordered(&number, &format!("PO-{dept}-1"), "Dana Reyes").unwrap();
        store.receive(&number, &[], "Dana Reyes").unwrap();
        let line = &store.requisition(&number).unwrap().lines[0];
        out.push((number, (hit.item_id.clone(), line.quantity, line.unit_price.0)));
    }
    out
}

/// Types an invoice for the open requisition: its number, today's date,
/// and what order line 1 bills.
async fn open_invoice_form(c: &Client) {
    let form = by_test_id(c, "invoice-form").await;
    if form.attr("open").await.unwrap().is_none() {
        form.find(Locator::Css("summary")).await.unwrap().click().await.unwrap();
    }
}

async fn record_invoice(c: &Client, number: &str, quantity: u32, unit_price: &str) {
    open_invoice_form(c).await;
    by_test_id(c, "invoice-number").await.send_keys(number).await.unwrap();
    let today = chrono::Local::now().date_naive().format("%m/%d/%Y").to_string();
    by_test_id(c, "invoice-date").await.send_keys(&today).await.unwrap();
    by_test_id(c, "invoice-qty").await.send_keys(&quantity.to_string()).await.unwrap();
    by_test_id(c, "invoice-price").await.send_keys(unit_price).await.unwrap();
    click(c, "invoice-record").await;
}

async fn open_requisition(c: &Client, number: &str) {
    let toggle = by_test_id(c, "requisitions-toggle").await;
    if toggle.attr("aria-pressed").await.unwrap().as_deref() != Some("true") {
        toggle.click().await.unwrap();
    }
    wait_text(c, "req-list", |t| t.contains(number)).await;
    c.execute(
        "for (const b of document.querySelectorAll('[data-testid=req-open]')) if (b.textContent.includes(arguments[0])) b.click();",
        vec![json!(number)],
    )
    .await
    .unwrap();
    wait_text(c, "req-number", |t| t.contains(number)).await;
}

/// Invoices at receipt: a clean one matches and is approved for payment; an
/// overpriced one on the other requisition, read from the vendor's CSV
/// file, is held with the overcharge shown until the clerk acknowledges it,
/// and the store holds both checks.
/// The Reports screen then counts both orders and the overcharge caught.
#[tokio::test(flavor = "multi_thread")]
async fn a_clean_invoice_is_approved_and_an_overpriced_one_is_held_with_the_money_at_stake() {
    let scratch = Scratch::new();
    offline_agency(&scratch);
    let reqs = two_received_requisitions(&scratch.db());
    let (clean_req, (_, qty, price)) = &reqs[0];
    let (over_req, (_, over_qty, over_price)) = &reqs[1];

    let driver = Driver::start();
    let c = driver.open_app(&scratch.db()).await;
    wait_text(&c, "result-count", |t| t.contains("items in the catalog")).await;

    open_requisition(&c, clean_req).await;
    let price_text = format!("{}.{:02}", price / 100, price % 100);
    record_invoice(&c, "INV-5001", *qty, &price_text).await;
    let state = wait_text(&c, "invoice-state", |t| !t.is_empty()).await;
    assert_eq!(state, "Matches the order");
    click(&c, "invoice-approve").await;
    wait_text(&c, "invoice-state", |t| t.starts_with("Approved for payment by Dana Reyes")).await;

    // The vendor sent this one as a spreadsheet: read into the form, looked
    // over, then recorded.
    open_requisition(&c, over_req).await;
    let billed = over_price + 250;
    let file = scratch.path("INV-5002.csv");
    let today = chrono::Local::now().date_naive().format("%m/%d/%Y").to_string();
    std::fs::write(
        &file,
        format!(
            "Invoice #: INV-5002\nInvoice Date: {today}\nPO Line,Description,Qty Shipped,Unit Price\n1,As ordered,{over_qty},{}.{:02}\n",
            billed / 100,
            billed % 100
        ),
    )
    .unwrap();
    open_invoice_form(&c).await;
    by_test_id(&c, "invoice-file").await.send_keys(file.to_str().unwrap()).await.unwrap();
    click(&c, "invoice-file-read").await;
    let read = wait_text(&c, "invoice-file-read-from", |t| !t.is_empty()).await;
    assert!(read.starts_with("Read 1 line from INV-5002.csv"), "{read}");
    let value = |id: &'static str| {
        let c = c.clone();
        async move { by_test_id(&c, id).await.prop("value").await.unwrap().unwrap_or_default() }
    };
    assert_eq!(value("invoice-number").await, "INV-5002");
    assert_eq!(value("invoice-qty").await, over_qty.to_string());
    click(&c, "invoice-record").await;
    let state = wait_text(&c, "invoice-state", |t| t.starts_with("Held")).await;
    assert_eq!(state, "Held: 1 of 1 finding open");
    let finding = by_test_id(&c, "invoice-finding").await;
    assert_eq!(finding.attr("data-kind").await.unwrap().as_deref(), Some("over_contract_price"));
    let text = finding.text().await.unwrap();
    let stake = (250 * over_qty) as i64;
    assert!(text.contains(&format!("${}.{:02} at stake", stake / 100, stake % 100)), "{text}");
    // Not payable until the finding is answered.
    assert!(!by_test_id(&c, "invoice-approve").await.is_enabled().await.unwrap());
    screenshot(&c, "20-invoice-held.png").await;
    let violations = accessibility_violations(&c).await;
    assert!(violations.is_empty(), "{violations:?}");
    by_test_id(&c, "invoice-ack-reason").await.send_keys("Vendor sends credit memo CM-12").await.unwrap();
    click(&c, "invoice-ack").await;
    wait_text(&c, "invoice-state", |t| t == "Every finding answered").await;

    // The Reports screen: both orders counted, the overcharge beside the savings.
    click(&c, "reports-toggle").await;
    let counted = wait_text(&c, "report-counted", |t| t.contains("are not counted")).await;
    assert!(counted.contains("on order, received or closed"), "{counted}");
    let stake_text = format!("${}.{:02}", stake / 100, stake % 100);
    wait_text(&c, "report-overcharges", |t| t == stake_text).await;
    let headline = by_test_id(&c, "report-headline").await.text().await.unwrap();
    assert!(headline.contains("2 requisitions"), "{headline}");
    let summary = wait_text(&c, "chart-cooperative-summary", |t| t.contains("the largest is")).await;
    assert!(summary.starts_with("Spend and savings by cooperative:"), "{summary}");
    click(&c, "chart-department-as-table").await;
    let table = wait_text(&c, "chart-department", |t| t.contains("FIRE")).await;
    assert!(table.contains("PW"), "{table}");
    screenshot(&c, "21-reports.png").await;
    let violations = accessibility_violations(&c).await;
    assert!(violations.is_empty(), "{violations:?}");
    c.close().await.unwrap();
    drop(driver);

    let store = coopdesk_core::Store::open(&scratch.db()).unwrap();
    let clean = store.invoices(clean_req).unwrap();
    assert!(clean[0].findings.is_empty() && clean[0].approved_by.as_deref() == Some("Dana Reyes"));
    let over = store.invoices(over_req).unwrap();
    assert_eq!(over[0].findings[0].amount.0, stake);
    assert_eq!(over[0].acknowledgements[0].reason, "Vendor sends credit memo CM-12");
}

/// Help > About (the footer's About): the version, and why this build does
/// not check for updates (it has no release key; packages built with one
/// are tested by `scripts/package --check-update`).
#[tokio::test(flavor = "multi_thread")]
async fn about_shows_the_version_the_data_folder_and_the_licenses_and_f1_the_guide() {
    let scratch = Scratch::new();
    let driver = Driver::start();
    let c = driver.open_app(&scratch.db()).await;
    wait_text(&c, "result-count", |t| t.contains("items in the catalog")).await;
    click(&c, "about-open").await;
    let version = wait_text(&c, "about-version", |t| !t.is_empty()).await;
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    let policy = wait_text(&c, "update-policy", |t| !t.is_empty()).await;
    assert!(policy.contains("no release key"), "{policy}");
    let panel = by_test_id(&c, "about-panel").await.text().await.unwrap();
    assert!(panel.contains("sends no usage data"), "{panel}");
    let folder = wait_text(&c, "about-data-folder", |t| !t.is_empty()).await;
    assert_eq!(folder, scratch.db().parent().unwrap().display().to_string());
    assert!(by_test_id(&c, "about-data").await.text().await.unwrap().contains(&scratch.db().display().to_string()));

    // The licenses of what coopdesk is built from, generated, read from the window's own files.
    click(&c, "about-licenses").await;
    let licenses = wait_text(&c, "licenses", |t| t.contains("components")).await;
    assert!(licenses.contains("Compiled into the program (Rust crates)"), "{licenses}");
    assert!(licenses.contains("In the window (npm packages)") && licenses.contains("svelte "), "{licenses}");
    assert!(licenses.contains("Apache License 2.0") && licenses.contains("tauri "), "{licenses}");
    screenshot(&c, "30-about.png").await;
    let violations = accessibility_violations(&c).await;
    assert!(violations.is_empty(), "{violations:?}");
    click(&c, "about-close").await;

    // F1 opens the user guide, offline, from anywhere.
    type_keys(&c, "\u{E031}").await;
    let guide = wait_text(&c, "user-guide", |t| t.contains("Getting started")).await;
    assert!(guide.contains("coopdesk user guide") && guide.contains("Emergency purchasing"), "{guide}");
    let violations = accessibility_violations(&c).await;
    assert!(violations.is_empty(), "the guide: {violations:?}");
    screenshot(&c, "31-user-guide.png").await;
    click(&c, "user-guide-close").await;
    c.close().await.unwrap();
}

/// The database is opened while the window starts, not before it: a file
/// that is not a coopdesk database still gives a window, which says what is
/// wrong and what to do, and the file is left as it was.
#[tokio::test(flavor = "multi_thread")]
async fn a_database_that_cannot_be_opened_is_explained_in_the_window() {
    let scratch = Scratch::new();
    let note = "Purchasing notes for the week, not a database.\n".repeat(100);
    std::fs::write(scratch.db(), &note).unwrap();
    let driver = Driver::start();
    let c = driver.open_as_new(BIN, &["--db", scratch.db().to_str().unwrap()]).await;
    let error = wait_text(&c, "error", |t| !t.is_empty()).await;
    assert!(error.contains("could not be opened") && error.contains("open another database file"), "{error}");
    assert!(error.contains(&scratch.db().display().to_string()), "it names the file: {error}");
    screenshot(&c, "32-database-not-opened.png").await;
    c.close().await.unwrap();
    drop(driver);
    assert_eq!(std::fs::read_to_string(scratch.db()).unwrap(), note, "the file is untouched");
}
