//! The UI's types are generated from the Rust types (`coopdesk_core::bindings`)
//! into `ui/src/lib/bindings/`. This regenerates them and fails when the
//! committed files differ, so a field added on one side only is caught.
//! `COOPDESK_BLESS=1 cargo test --test tests bindings` rewrites them.

use std::collections::BTreeMap;
use std::path::Path;

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return files };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ts") {
            files.insert(
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&path).unwrap(),
            );
        }
    }
    files
}

#[test]
fn the_committed_ui_bindings_are_what_the_rust_types_generate() {
    let generated = tempfile::tempdir().unwrap();
    coopdesk_core::bindings::export_all(generated.path()).unwrap();
    let fresh = read_dir(generated.path());
    assert!(fresh.len() > 40 && fresh.contains_key("RequisitionView.ts"), "{:?}", fresh.keys());
    assert!(fresh.values().all(|text| !text.contains("bigint")), "64-bit integers must bind to number");

    let committed_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings");
    if std::env::var_os("COOPDESK_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&committed_dir);
        std::fs::create_dir_all(&committed_dir).unwrap();
        for (name, text) in &fresh {
            std::fs::write(committed_dir.join(name), text).unwrap();
        }
    }
    let committed = read_dir(&committed_dir);
    let stale: Vec<&String> = committed.keys().filter(|k| !fresh.contains_key(*k)).collect();
    let missing: Vec<&String> = fresh.keys().filter(|k| !committed.contains_key(*k)).collect();
    let differ: Vec<&String> =
        fresh.iter().filter(|(k, v)| committed.get(*k).is_some_and(|c| c != *v)).map(|(k, _)| k).collect();
    assert!(
        stale.is_empty() && missing.is_empty() && differ.is_empty(),
        "ui/src/lib/bindings is out of date with the Rust types (regenerate with COOPDESK_BLESS=1): \
         not generated any more {stale:?}, not committed {missing:?}, different {differ:?}"
    );
}
