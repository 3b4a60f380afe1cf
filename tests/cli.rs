use crate::util::*;
use serde_json::Value;

#[test]
fn load_sample_then_search_as_text_and_json() {
    let s = Scratch::new();
    let out = coopdesk(&s.db(), &["load-sample"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("Loaded the sample catalog: 5 cooperatives, 30 suppliers, 30 contracts, 60 dealers, 5200 items."),
        "{}",
        stdout(&out)
    );

    let again = coopdesk(&s.db(), &["load-sample"]);
    assert!(stdout(&again).contains("already loaded"));

    let out = coopdesk(&s.db(), &["search", "generator", "--json", "--limit", "10"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(page["total"].as_u64().unwrap() > 10);
    let hits = page["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 10);
    for h in hits {
        assert!(h["description"].as_str().unwrap().to_lowercase().contains("generator"), "{h}");
        assert!(h["contract_price"].as_i64().unwrap() < h["list_price"].as_i64().unwrap());
        assert!(h["saving_bps"].as_i64().unwrap() > 0);
    }

    let out = coopdesk(&s.db(), &["search", "ups battery"]);
    let text = stdout(&out);
    assert!(text.starts_with("Item"), "{text}");
    assert!(text.contains("Contract price") && text.contains("Saving"));
    assert!(text.contains('$') && text.contains('%'));
    assert!(text.contains("matching items"));
}

#[test]
fn status_marks_the_sample_and_what_is_not_set_up_and_remove_sample_empties_it() {
    let s = Scratch::new();
    coopdesk(&s.db(), &["load-sample"]);
    let text = stdout(&coopdesk(&s.db(), &["status"]));
    assert!(text.contains("SAMPLE DATA, fictional; `coopdesk remove-sample` removes it"), "{text}");
    for step in ["the agency profile", "the purchasing settings", "where contracts come from"] {
        assert!(text.contains(&format!("Not set up yet: {step}")), "{step}: {text}");
    }
    let json: Value = serde_json::from_slice(&coopdesk(&s.db(), &["status", "--json"]).stdout).unwrap();
    assert_eq!(json["feeds"][0]["sample"], true);

    let out = coopdesk(
        &s.db(),
        &["agency", "set", "--name", "Town of Harbor", "--type", "city", "--state", "AL", "--zip", "36602"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = coopdesk(&s.db(), &["remove-sample"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Removed the sample catalog; it will not be loaded again on start."));
    let text = stdout(&coopdesk(&s.db(), &["status"]));
    assert!(text.contains("0 cooperatives, 0 suppliers, 0 contracts, 0 dealers, 0 items"), "{text}");
    assert!(!text.contains("SAMPLE DATA") && !text.contains("Not set up yet: the agency profile"), "{text}");
    let out = coopdesk(&s.db(), &["search", "battery", "--json"]);
    let page: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["total"], 0);
    assert!(stdout(&coopdesk(&s.db(), &["remove-sample"])).contains("was not loaded"));
    assert!(stdout(&coopdesk(&s.db(), &["load-sample"])).contains("Loaded the sample catalog"));
}

#[test]
fn search_by_part_number_with_or_without_dashes() {
    let s = Scratch::new();
    coopdesk(&s.db(), &["load-sample"]);
    let first: Value =
        serde_json::from_slice(&coopdesk(&s.db(), &["search", "", "--json", "--limit", "1"]).stdout).unwrap();
    let part = first["hits"][0]["manufacturer_part"].as_str().unwrap().to_owned();
    let id = first["hits"][0]["item_id"].as_str().unwrap().to_owned();
    for typed in [part.clone(), part.replace('-', ""), part.to_lowercase()] {
        let page: Value = serde_json::from_slice(&coopdesk(&s.db(), &["search", &typed, "--json"]).stdout).unwrap();
        assert_eq!(page["hits"][0]["item_id"], id.as_str(), "typed {typed}");
    }
}

#[test]
fn empty_catalogue_says_what_to_do() {
    let s = Scratch::new();
    let out = coopdesk(&s.db(), &["search", "generator"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("No items match \"generator\""));
    let status = coopdesk(&s.db(), &["status"]);
    assert!(stdout(&status).contains("No feeds yet"));
}

#[test]
fn a_broken_feed_file_fails_with_the_line_and_changes_nothing() {
    let s = Scratch::new();
    coopdesk(&s.db(), &["load-sample"]);
    let before = stdout(&coopdesk(&s.db(), &["status", "--json"]));
    let bad = s.path("bad.ndjson");
    std::fs::write(
        &bad,
        concat!(
            r#"{"op":"header","data":{"format":"coopdesk-records","format_version":1,"feed_id":"coopdesk-sample","feed_name":"x","sequence":2,"scope":"snapshot","generated_at":"2026-11-02T00:00:00Z"}}"#,
            "\n",
            r#"{"op":"upsert","kind":"item","data":{"id":"itm-1","description":"no contract"}}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = coopdesk(&s.db(), &["apply", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("coopdesk: The feed"), "{err}");
    assert!(err.contains("nothing was changed: line 2: item record: missing field"), "{err}");
    assert_eq!(stdout(&coopdesk(&s.db(), &["status", "--json"])), before);
}

#[test]
fn a_database_from_a_newer_coopdesk_is_refused_with_advice() {
    let s = Scratch::new();
    {
        let conn = rusqlite::Connection::open(s.db()).unwrap();
        conn.execute_batch("PRAGMA user_version = 42;").unwrap();
    }
    let out = coopdesk(&s.db(), &["status"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("written by a newer version of coopdesk"), "{err}");
    assert!(err.contains("--db"), "{err}");
    assert!(!err.contains("Error {") && !err.contains("Some("), "debug text leaked: {err}");
}

#[test]
fn the_environment_variable_chooses_the_database() {
    let s = Scratch::new();
    let out = std::process::Command::new(BIN)
        .args(["load-sample"])
        .env("COOPDESK_DB", s.db())
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(s.db().exists());
}

#[test]
fn usage_errors_are_explained() {
    let s = Scratch::new();
    let out = coopdesk(&s.db(), &["search"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Usage"), "{}", stderr(&out));
}

#[test]
fn feeds_are_followed_synced_listed_and_removed_headless() {
    use coopdesk_feed::serve;
    let s = Scratch::new();
    let (out, public) = signed_feed(&s, "gulf-market", "Gulf Marketplace", 25);
    let server = serve::start(out.clone(), "127.0.0.1:0").unwrap();
    let url = format!("http://{}/manifest.json", server.addr);
    let db = s.db();

    let bad = coopdesk(&db, &["feeds", "add", "gulf-market", &url, "--pubkey", "not-a-key"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("not a minisign public key"), "{}", stderr(&bad));

    let none = coopdesk(&db, &["sync"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("follows no feeds yet"));

    let add = coopdesk(&db, &["feeds", "add", "gulf-market", &url, "--pubkey", public.to_str().unwrap()]);
    assert!(add.status.success(), "{}", stderr(&add));
    let sync = coopdesk(&db, &["sync"]);
    assert!(sync.status.success(), "{}", stderr(&sync));
    assert!(stdout(&sync).contains("gulf-market: sequence none -> 1 via snapshot"), "{}", stdout(&sync));
    let again = coopdesk(&db, &["sync", "--feed", "gulf-market"]);
    assert!(stdout(&again).contains("not modified"), "{}", stdout(&again));
    let list = coopdesk(&db, &["feeds", "list"]);
    assert!(stdout(&list).contains("sequence 1") && stdout(&list).contains(", ok"), "{}", stdout(&list));
    let status: serde_json::Value = serde_json::from_slice(&coopdesk(&db, &["status", "--json"]).stdout).unwrap();
    assert_eq!(status["items"], 25);

    // The publisher goes offline: the sync fails with a reason and a non-zero
    // exit, and the catalogue is still there.
    drop(server);
    let offline = coopdesk(&db, &["sync"]);
    assert_eq!(offline.status.code(), Some(1));
    let err = stderr(&offline);
    assert!(err.contains("could not be synced") && err.contains("unchanged and still usable"), "{err}");
    let list = coopdesk(&db, &["feeds", "list", "--json"]);
    let feeds: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert!(feeds[0]["last_error"].as_str().unwrap().contains("could not be synced"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&coopdesk(&db, &["status", "--json"]).stdout).unwrap()["items"],
        25
    );

    // The feed moves to a mirror: the same signed files at another address.
    let mirror = serve::start(out, "127.0.0.1:0").unwrap();
    let moved_to = format!("http://{}/manifest.json", mirror.addr);
    let moved = coopdesk(&db, &["feeds", "move", "gulf-market", &moved_to]);
    assert!(
        moved.status.success() && stdout(&moved).contains("still checked against its pinned keys"),
        "{}",
        stderr(&moved)
    );
    let synced = coopdesk(&db, &["sync"]);
    assert!(synced.status.success(), "{}", stderr(&synced));
    let feeds: serde_json::Value = serde_json::from_slice(&coopdesk(&db, &["feeds", "list", "--json"]).stdout).unwrap();
    assert_eq!(
        (feeds[0]["url"].as_str(), &feeds[0]["last_error"]),
        (Some(moved_to.as_str()), &serde_json::Value::Null)
    );
    let unknown = coopdesk(&db, &["feeds", "move", "nope", &moved_to]);
    assert_eq!(unknown.status.code(), Some(1));
    let err = stderr(&unknown);
    assert!(err.contains("There is no feed 'nope'") && err.contains("`coopdesk feeds list`"), "{err}");

    let removed = coopdesk(&db, &["feeds", "remove", "gulf-market"]);
    assert!(removed.status.success());
    let status: serde_json::Value = serde_json::from_slice(&coopdesk(&db, &["status", "--json"]).stdout).unwrap();
    assert_eq!(status["items"], 0);
}

#[test]
fn filters_eligibility_and_contract_detail_headless() {
    let s = Scratch::new();
    let db = s.db();
    coopdesk(&db, &["load-sample"]);
    let total = |args: &[&str]| -> u64 {
        let mut all = vec!["search"];
        all.extend_from_slice(args);
        all.push("--json");
        let out = coopdesk(&db, &all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["total"].as_u64().unwrap()
    };
    let everything = total(&[""]);

    let needs_profile = coopdesk(&db, &["search", "", "--eligible"]);
    assert_eq!(needs_profile.status.code(), Some(1));
    assert!(stderr(&needs_profile).contains("agency profile"));

    let set = coopdesk(
        &db,
        &["agency", "set", "--name", "Escambia Harbor County", "--type", "county", "--state", "fl", "--zip", "32502"],
    );
    assert!(set.status.success(), "{}", stderr(&set));
    let eligible = total(&["", "--eligible"]);
    assert!(eligible > 0 && eligible < everything);
    let joined = coopdesk(&db, &["agency", "add-membership", "coop-atlantic-municipal", "--signed", "2025-03-01"]);
    assert!(joined.status.success(), "{}", stderr(&joined));
    assert!(total(&["", "--eligible"]) > eligible, "a membership opens more contracts");
    assert!(
        stdout(&coopdesk(&db, &["agency", "show"])).contains("Membership: coop-atlantic-municipal signed 2025-03-01")
    );

    let coop = total(&["", "--cooperative", "coop-gulf-states"]);
    assert!(coop > 0 && coop < everything);
    assert!(total(&["", "--near", "32502", "--miles", "30"]) < total(&["", "--near", "32502", "--miles", "500"]));
    assert!(total(&["", "--status", "expired"]) > 0);
    assert!(total(&["", "--min-price", "100", "--max-price", "$500.00"]) > 0);
    let bad = coopdesk(&db, &["search", "", "--status", "soonish"]);
    assert!(stderr(&bad).contains("not active, expired or expiring:DAYS"));

    let typo = coopdesk(&db, &["search", "generater"]);
    assert!(
        stdout(&typo).starts_with("Nothing matches \"generater\"; showing results for \"generator\"."),
        "{}",
        stdout(&typo)
    );

    let page: Value =
        serde_json::from_slice(&coopdesk(&db, &["search", "", "--status", "expired", "--json"]).stdout).unwrap();
    let contract_id = page["hits"][0]["contract_id"].as_str().unwrap().to_owned();
    let item_id = page["hits"][0]["item_id"].as_str().unwrap().to_owned();
    let detail = stdout(&coopdesk(&db, &["contract", &contract_id]));
    assert!(detail.contains("days ago)"), "{detail}");
    assert!(detail.contains("Dealers nearest 32502:") && detail.contains(" mi "), "{detail}");
    assert!(detail.contains("Emergency contact:") && detail.contains("sha256"), "{detail}");
    let json: Value =
        serde_json::from_slice(&coopdesk(&db, &["contract", &contract_id, "--near", "70112", "--json"]).stdout)
            .unwrap();
    assert_eq!(json["distance_from"], "70112");
    assert_eq!(json["status"], "expired");
    let item = stdout(&coopdesk(&db, &["item", &item_id]));
    assert!(item.contains("Supplier SKU") && item.contains("UNSPSC"), "{item}");
    let missing = coopdesk(&db, &["contract", "nope"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("There is no contract 'nope'"));
}

#[test]
fn a_vendor_price_file_is_previewed_then_imported() {
    let s = Scratch::new();
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pricelists/s70_bad_sample.csv");
    let dry = coopdesk(&s.db(), &["import", file.to_str().unwrap(), "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    let text = stdout(&dry);
    assert!(text.starts_with("Would import s70_bad_sample.csv: header on row 1"), "{text}");
    assert!(text.contains("Row 2: instructions, skipped"), "{text}");
    assert!(text.contains("Row 3: refused: the price 'BAD_PRICE_DATA' is not a number"), "{text}");
    assert!(text.contains("Contract GS-35F-376CA (Pink Frog Interactive, Inc.)"), "{text}");
    let status: Value = serde_json::from_slice(&coopdesk(&s.db(), &["status", "--json"]).stdout).unwrap();
    assert_eq!(status["items"], 0, "a dry run imports nothing");

    let done = coopdesk(&s.db(), &["import", file.to_str().unwrap(), "--cooperative", "GSA IT Schedule 70"]);
    assert!(stdout(&done).starts_with("Imported"), "{}", stderr(&done));
    let found = stdout(&coopdesk(&s.db(), &["search", "interaction designer"]));
    assert!(found.contains("GSA IT Schedule 70") && found.contains("$125.44"), "{found}");
}

/// GSA's own price-proposal template with the prices its formulas compute
/// (the price offered including the fee is the net price divided by
/// 0.9925): each rounded to the cent, half away from zero, and said once;
/// the template's notes under the rows told in one line, not as mistakes.
#[test]
fn a_workbook_s_computed_prices_are_rounded_and_its_notes_told_once() {
    let s = Scratch::new();
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pricelists/s70_computed_prices.xlsx");
    let args = ["import", file.to_str().unwrap(), "--cooperative", "GSA IT Schedule 70", "--contract", "GS-35F-0001"];
    let done = coopdesk(&s.db(), &args);
    assert!(done.status.success(), "{}", stderr(&done));
    let text = stdout(&done);
    assert!(text.contains("Contract GS-35F-0001 (Unnamed vendor): 2 added"), "{text}");
    assert!(
        text.contains("2 prices were computed numbers with more than two decimals, rounded to the cent (rows 4–5)"),
        "{text}"
    );
    assert!(!text.contains("refused"), "notes are not refusals: {text}");
    let skipped: Vec<&str> = text.lines().filter(|l| l.contains("skipped")).collect();
    assert_eq!(skipped.len(), 2, "one line per kind of row left out: {text}");
    assert!(text.contains("notes or blank template rows, with no description or price; skipped"), "{text}");
    assert!(text.contains("a description but no price; skipped"), "{text}");
    let found = stdout(&coopdesk(&s.db(), &["search", "project manager"]));
    assert!(found.contains("$98.74"), "98.74055… is $98.74: {found}");
    let found = stdout(&coopdesk(&s.db(), &["search", "senior systems analyst"]));
    assert!(found.contains("$130.13"), "130.125 is $130.13, half away from zero: {found}");

    // The same prices typed as text in a CSV file keep their strict reading.
    let typed = s.path("typed.csv");
    std::fs::write(&typed, "Description,Price\nProject Manager,98.74055415617129\nAnalyst,130.13\n").unwrap();
    let out = stdout(&coopdesk(&s.db(), &["import", typed.to_str().unwrap(), "--contract", "T-1", "--dry-run"]));
    assert!(out.contains("Row 2: refused: the price '98.74055415617129' is not a number"), "{out}");
    assert!(!out.contains("rounded"), "{out}");
}

/// A header with nothing under it, and a file of placeholders, say so; an
/// empty file fails.
#[test]
fn a_price_file_with_nothing_to_import_says_so() {
    let s = Scratch::new();
    let header = s.path("header.csv");
    std::fs::write(&header, "SKU,Description,Price\n").unwrap();
    let dry = coopdesk(&s.db(), &["import", header.to_str().unwrap(), "--contract", "X-1", "--dry-run"]);
    assert!(stdout(&dry).contains("There are no price rows under the header: nothing to import."), "{}", stdout(&dry));
    let run = coopdesk(&s.db(), &["import", header.to_str().unwrap(), "--contract", "X-1"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("header.csv has no price rows under its header. Nothing was imported."));
    assert!(!stdout(&run).contains("Imported"));

    let placeholders = s.path("placeholders.csv");
    std::fs::write(&placeholders, "SKU,Description,Price\nABC-1,,5.00\nABC-2,,6.00\n,Example product,\n").unwrap();
    let run = coopdesk(&s.db(), &["import", placeholders.to_str().unwrap(), "--contract", "X-1"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains(
            "placeholders.csv has no price rows under its header (Rows 2–3: a price or part number but no \
             description; skipped; Row 4: a description but no price; skipped). Nothing was imported."
        ),
        "{}",
        stderr(&run)
    );

    let empty = s.path("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let run = coopdesk(&s.db(), &["import", empty.to_str().unwrap(), "--contract", "X-1"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("empty.csv holds no rows of text, so it is not a price list."), "{}", stderr(&run));
    let status: Value = serde_json::from_slice(&coopdesk(&s.db(), &["status", "--json"]).stdout).unwrap();
    assert_eq!(status["items"], 0);
}

/// An OCDS publication fetched from a web server (on this machine) and
/// imported: the report, then the contract as the clerk sees it.
#[test]
fn an_ocds_publication_is_imported_from_an_address_with_a_report() {
    let s = Scratch::new();
    let dir = s.path("published");
    std::fs::create_dir_all(&dir).unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocds");
    let mut stream = std::fs::read(fixtures.join("fictional/record/ocds-213czf-000-00001.json")).unwrap();
    stream.extend(std::fs::read(fixtures.join("paraguay/records/284437.json")).unwrap());
    std::fs::write(dir.join("contracts.json"), stream).unwrap();
    let server = coopdesk_feed::serve::start(dir, "127.0.0.1:0").unwrap();
    let url = format!("http://{}/contracts.json", server.addr);

    let dry = coopdesk(&s.db(), &["import", &url, "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    let text = stdout(&dry);
    assert!(
        text.starts_with(&format!("Would import {url} (OCDS, UTF-8): 0 release packages, 2 record packages")),
        "{text}"
    );
    assert!(text.contains("Contracts: 1 new, 0 updated") && text.contains("Items: 1 new"), "{text}");
    assert!(text.contains("ocid ocds-03ad3f-284437 [releases]: the record links to its releases"), "{text}");

    let done = coopdesk(&s.db(), &["import", &url, "--kind", "ocds", "--json"]);
    let json: Value = serde_json::from_slice(&done.stdout).unwrap_or_else(|_| panic!("{}", stderr(&done)));
    assert_eq!((json["kind"].as_str(), json["contracts"]["created"].as_u64()), (Some("ocds"), Some(1)));
    let found = stdout(&coopdesk(&s.db(), &["search", "cycle lane"]));
    assert!(found.contains("137,000.00 GBP") && !found.contains("$137,000.00"), "{found}");
    let contract =
        stdout(&coopdesk(&s.db(), &["contract", "ocds-ocds-213czf-000-00001-ocds-213czf-000-00001-contract-01"]));
    assert!(contract.contains("Imported from OCDS: contract active, ocid ocds-213czf-000-00001"), "{contract}");
    assert!(contract.contains("Contact: Contracts Team, 11111 111 111"), "{contract}");

    let refused = coopdesk(&s.db(), &["import", "https://127.0.0.1:1/none.json"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("could not be downloaded") && stderr(&refused).contains("Nothing was imported"));
}

#[test]
fn a_price_files_columns_are_chosen_and_saved_for_the_supplier() {
    let s = Scratch::new();
    let file = s.path("acme.csv");
    std::fs::write(&file, "Item,What it is,Cost each,Pack\nA-100,Copier toner black,64.50,EA\n").unwrap();
    let f = file.to_str().unwrap();
    let unmapped = coopdesk(&s.db(), &["import", f, "--contract", "ACME-1"]);
    assert_eq!(unmapped.status.code(), Some(1));
    assert!(stderr(&unmapped).contains("choose the columns"), "{}", stderr(&unmapped));
    let args = [
        "import",
        f,
        "--contract",
        "ACME-1",
        "--supplier",
        "Acme Supply",
        "--column",
        "description=What it is",
        "--column",
        "contract_price=Cost each",
        "--column",
        "sku=A",
        "--save-mapping",
    ];
    let done = coopdesk(&s.db(), &args);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(stdout(&done).contains("columns as chosen") && stdout(&done).contains("1 added"), "{}", stdout(&done));
    let again = coopdesk(&s.db(), &["import", f, "--contract", "ACME-1", "--supplier", "Acme Supply", "--dry-run"]);
    assert!(
        stdout(&again).contains("columns as saved for Acme Supply") && stdout(&again).contains("1 unchanged"),
        "{}",
        stdout(&again)
    );
    let bad = coopdesk(&s.db(), &["import", f, "--column", "price=C"]);
    assert!(stderr(&bad).contains("'price' is not a price-file field"), "{}", stderr(&bad));
}

/// Hostile and broken files as a new user feeds them: nothing beyond the
/// model's bounds is stored, a misnamed file is refused for that, and an
/// import that read nothing fails (non-zero, the reason first).
#[test]
fn broken_and_hostile_import_files_fail_or_refuse_rows_and_store_nothing_out_of_bounds() {
    let s = Scratch::new();
    let csv = s.path("huge.csv");
    let huge = "d".repeat(2_000_000);
    std::fs::write(&csv, format!("SKU,Description,Price\nA-1,{huge},10.00\nA-2,Toner,64.50\n")).unwrap();
    let done = coopdesk(&s.db(), &["import", csv.to_str().unwrap(), "--contract", "ACME-1"]);
    assert!(done.status.success(), "{}", stderr(&done));
    let text = stdout(&done);
    assert!(text.contains("Row 2: refused: the description is longer than 2000 characters"), "{text}");
    assert!(text.contains("1 added"), "{text}");
    let page: Value = serde_json::from_slice(&coopdesk(&s.db(), &["search", "", "--json"]).stdout).unwrap();
    let longest = page["hits"].as_array().unwrap().iter().map(|h| h["description"].as_str().unwrap().len()).max();
    assert_eq!(longest, Some("Toner".len()));

    let only_huge = s.path("only-huge.csv");
    std::fs::write(&only_huge, format!("SKU,Description,Price\nA-1,{huge},10.00\n")).unwrap();
    let failed = coopdesk(&s.db(), &["import", only_huge.to_str().unwrap(), "--contract", "ACME-2"]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        stderr(&failed).starts_with(
            "coopdesk: only-huge.csv, row 2: the description is longer than 2000 characters. Nothing was imported."
        ),
        "{}",
        stderr(&failed)
    );

    let noise = s.path("prices.xlsx");
    std::fs::write(&noise, (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect::<Vec<_>>())
        .unwrap();
    let misnamed = coopdesk(&s.db(), &["import", noise.to_str().unwrap()]);
    assert_eq!(misnamed.status.code(), Some(1));
    assert!(
        stderr(&misnamed).contains("is named as an Excel workbook but its content is not one"),
        "{}",
        stderr(&misnamed)
    );

    for (name, content) in [
        ("cut.json", r#"{"releases": ["#.to_owned()),
        ("deep.json", format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))),
    ] {
        let path = s.path(name);
        std::fs::write(&path, content).unwrap();
        let out = coopdesk(&s.db(), &["import", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!("coopdesk: {} is not valid JSON", path.display()))
                && err.contains("Nothing was imported."),
            "{err}"
        );
        assert!(!stdout(&out).contains("Imported"), "{name}");
    }
    let status: Value = serde_json::from_slice(&coopdesk(&s.db(), &["status", "--json"]).stdout).unwrap();
    assert_eq!(status["items"], 1, "only the one good row of all these files");
}

/// The dealer filter from the agency's own ZIP, and how far the nearest is
/// when none is close enough.
#[test]
fn the_dealer_filter_says_how_far_the_nearest_dealer_is() {
    let s = Scratch::new();
    coopdesk(&s.db(), &["load-sample"]);
    let set =
        ["agency", "set", "--name", "Escambia Harbor County", "--type", "county", "--state", "FL", "--zip", "32502"];
    assert!(coopdesk(&s.db(), &set).status.success());
    let out = stdout(&coopdesk(&s.db(), &["search", "generator", "--near", "agency", "--miles", "1"]));
    assert!(out.contains("the nearest dealer with a match is") && out.contains("mi from 32502"), "{out}");
}
