//! The window's commands are one list (`src-tauri/src/command_list.rs`):
//! the UI's backend module calls exactly the commands on it, every one of
//! them is used by a screen, and the window's capability grants them through
//! the set generated from the list, never one by one.

use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The names on the one list.
fn listed() -> BTreeSet<String> {
    let text = read("src-tauri/src/command_list.rs");
    let body = &text[text.find("$then! {").expect("the list's body")..];
    let body = &body[..body.find('}').unwrap()];
    body.split(';')
        .filter_map(|group| group.split_once(':'))
        .flat_map(|(_, names)| names.split(',').map(|n| n.trim().to_owned()))
        .filter(|n| !n.is_empty())
        .collect()
}

/// `(method, command)` for each `api.method: (...) => call<...>("command", ...)`
/// of the UI's backend module, a definition taking one or more lines.
fn called() -> Vec<(String, String)> {
    let text = read("ui/src/lib/api.ts");
    let body = &text[text.find("export const api = {").expect("the api object")..];
    let mut out = Vec::new();
    let mut method = None;
    for line in body.lines() {
        // A member starts two spaces in: `  name: (`.
        if let Some(rest) = line.strip_prefix("  ").filter(|l| !l.starts_with(' ')) {
            if let Some((name, _)) = rest.split_once(": ") {
                if name.chars().all(|c| c.is_ascii_alphanumeric()) {
                    method = Some(name.to_owned());
                }
            }
        }
        let Some(at) = line.find("call<").or_else(|| line.find("call(")) else { continue };
        let Some(open) = line[at..].find("(\"") else { continue };
        let name = &line[at + open + 2..];
        let name = &name[..name.find('"').unwrap()];
        out.push((method.clone().expect("a call inside a member"), name.to_owned()));
    }
    out
}

fn ui_sources(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            ui_sources(&path, out);
        } else if (name.ends_with(".svelte") || name.ends_with(".ts"))
            && !name.ends_with(".test.ts")
            && name != "api.ts"
        {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn the_ui_calls_exactly_the_listed_commands() {
    let listed = listed();
    assert!(listed.len() > 40, "the list was not read: {listed:?}");
    let called: BTreeSet<String> = called().into_iter().map(|(_, c)| c).collect();
    let unknown: Vec<_> = called.difference(&listed).collect();
    assert!(unknown.is_empty(), "the UI calls commands that are not on the list: {unknown:?}");
    let unused: Vec<_> = listed.difference(&called).collect();
    assert!(unused.is_empty(), "commands on the list that the UI never calls: {unused:?}");
}

#[test]
fn every_backend_call_is_used_by_a_screen() {
    let mut screens = String::new();
    ui_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src"), &mut screens);
    let unused: Vec<_> = called()
        .into_iter()
        .filter(|(method, _)| !screens.contains(&format!("api.{method}(")))
        .map(|(method, command)| format!("api.{method} ({command})"))
        .collect();
    assert!(unused.is_empty(), "granted but never called from a screen: {unused:?}");
}

#[test]
fn the_capability_grants_the_generated_set_only() {
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    let capabilities = conf["app"]["security"]["capabilities"].as_array().unwrap();
    assert_eq!(capabilities.len(), 1);
    let granted: Vec<&str> =
        capabilities[0]["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(granted.contains(&"window-commands"), "{granted:?}");
    let by_hand: Vec<_> = granted.iter().filter(|p| p.starts_with("allow-")).collect();
    assert!(by_hand.is_empty(), "commands granted one by one instead of through the list: {by_hand:?}");
    // The build wrote the set from the same list.
    let set = read("permissions/generated/window-commands.toml");
    for name in listed() {
        assert!(set.contains(&format!("\"allow-{}\"", name.replace('_', "-"))), "{name} missing from the set");
    }
}
