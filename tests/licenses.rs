//! The lists of bundled components and their licenses that About shows
//! (ui/src/licenses/, written by scripts/licenses): made from today's
//! lock files, and naming what coopdesk is built from.

use serde_json::Value;
use std::path::Path;

fn list(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/licenses").join(name);
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn components(list: &Value) -> Vec<String> {
    let groups = list["licenses"].as_array().unwrap();
    for g in groups {
        assert!(!g["text"].as_str().unwrap().trim().is_empty(), "a license without its text: {}", g["name"]);
        assert!(!g["used_by"].as_array().unwrap().is_empty(), "a license nobody uses: {}", g["name"]);
    }
    groups
        .iter()
        .flat_map(|g| g["used_by"].as_array().unwrap().iter().map(|u| u.as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn the_license_lists_were_made_from_todays_lock_files() {
    for name in ["rust.json", "npm.json"] {
        let list = list(name);
        let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join(list["lock_file"].as_str().unwrap());
        let today = coopdesk_core::digest::sha256_file(&lock).unwrap();
        assert_eq!(
            list["lock_sha256"].as_str().unwrap(),
            today,
            "{name} was made from another {}: run scripts/licenses",
            lock.display()
        );
    }
}

#[test]
fn the_license_lists_name_what_coopdesk_is_built_from() {
    let rust = components(&list("rust.json"));
    for krate in ["tauri ", "rusqlite ", "tantivy ", "typst ", "reqwest ", "tokio-postgres "] {
        assert!(rust.iter().any(|c| c.starts_with(krate)), "{krate}is compiled in");
    }
    assert!(!rust.iter().any(|c| c.starts_with("coopdesk")), "coopdesk's own crates are not third-party");
    assert!(!rust.iter().any(|c| c.starts_with("tauri-build ")), "build tools are not shipped");
    let npm = components(&list("npm.json"));
    for package in ["svelte ", "chart.js ", "pdfjs-dist ", "marked ", "@tauri-apps/api "] {
        assert!(npm.iter().any(|c| c.starts_with(package)), "{package}is in the window");
    }
    assert!(!npm.iter().any(|c| c.starts_with("vite ") || c.starts_with("vitest ")), "test tools are not shipped");
}
