//! OCDS merging held to the reference implementation's own expectations:
//! ocds-merge's rule-by-rule fixtures (1.0 and 1.1 rules, and a test schema),
//! OCP's fictional process, and ocdskit's real Mexican and Paraguayan data,
//! all in tests/fixtures/ocds with their READMEs.

use coopdesk_core::import::ocds::merge::{compile, versioned, MergeRules, OcdsVersion};
use coopdesk_core::import::ocds::read;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn ocds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ocds")
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A fixture: its name, its releases, and the compiled and versioned
/// releases expected of them.
type Case = (String, Vec<Value>, Option<Value>, Option<Value>);

/// Every `X.json` in `dir` with an `X-compiled.json` or `X-versioned.json`
/// beside it.
fn cases(dir: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for path in names {
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if name.ends_with("-compiled") || name.ends_with("-versioned") || path.extension().unwrap() != "json" {
            continue;
        }
        let sibling = |suffix: &str| {
            let p = dir.join(format!("{name}-{suffix}.json"));
            p.exists().then(|| load(&p))
        };
        let (compiled, versioned) = (sibling("compiled"), sibling("versioned"));
        if compiled.is_none() && versioned.is_none() {
            continue;
        }
        let releases = load(&path).as_array().unwrap().clone();
        out.push((name, releases, compiled, versioned));
    }
    out
}

fn check_cases(dir: &Path, rules: &MergeRules, at_least: usize) {
    let cases = cases(dir);
    assert!(cases.len() >= at_least, "{} holds {} cases", dir.display(), cases.len());
    for (name, releases, want_compiled, want_versioned) in cases {
        if let Some(want) = want_compiled {
            assert_eq!(compile(rules, &releases).unwrap(), want, "compiled {name}");
        }
        if let Some(want) = want_versioned {
            assert_eq!(versioned(rules, &releases).unwrap(), want, "versioned {name}");
        }
    }
}

#[test]
fn the_ocds_1_1_rule_fixtures_merge_exactly() {
    check_cases(&ocds_dir().join("merge/1.1"), OcdsVersion::V1_1.rules(), 17);
}

#[test]
fn the_ocds_1_0_rules_replace_suppliers_whole() {
    check_cases(&ocds_dir().join("merge/1.0"), OcdsVersion::V1_0.rules(), 1);
    // The same releases under 1.1 rules merge suppliers by id instead.
    let releases = load(&ocds_dir().join("merge/1.0/suppliers.json")).as_array().unwrap().clone();
    let one_zero = compile(OcdsVersion::V1_0.rules(), &releases).unwrap();
    let one_one = compile(OcdsVersion::V1_1.rules(), &releases).unwrap();
    assert_ne!(one_zero["awards"][0]["suppliers"], one_one["awards"][0]["suppliers"]);
}

#[test]
fn the_schema_rule_fixtures_merge_exactly() {
    let schema = load(&ocds_dir().join("merge/schema.json"));
    let rules = MergeRules::from_schema(&schema).unwrap();
    check_cases(&ocds_dir().join("merge/schema"), &rules, 10);
}

#[test]
fn the_fictional_process_compiles_to_its_published_record() {
    let dir = ocds_dir().join("fictional");
    let releases: Vec<Value> = (1..=6)
        .map(|n| {
            let stage = ["planning", "tender", "tenderAmendment", "award", "contract", "implementation"][n - 1];
            let package = load(&dir.join(format!("ocds-213czf-000-00001-0{n}-{stage}.json")));
            package["releases"][0].clone()
        })
        .collect();
    let record = &load(&dir.join("record/ocds-213czf-000-00001-withversions.json"))["records"][0];
    // Releases arrive in any order; merging sorts them by date.
    let mut shuffled = releases.clone();
    shuffled.reverse();
    assert_eq!(compile(OcdsVersion::V1_1.rules(), &shuffled).unwrap(), record["compiledRelease"]);
    assert_eq!(versioned(OcdsVersion::V1_1.rules(), &releases).unwrap(), record["versionedRelease"]);
}

/// ocdskit's real data: two release packages without a `version` (so OCDS
/// 1.0 rules), read as one concatenated stream and grouped by ocid.
#[test]
fn real_release_packages_compile_as_ocdskit_does() {
    let dir = ocds_dir().join("realdata");
    let mut stream = std::fs::read(dir.join("release-package-1.json")).unwrap();
    stream.push(b'\n');
    stream.extend(std::fs::read(dir.join("release-package-2.json")).unwrap());
    let publication = read::read("realdata", stream.as_slice()).unwrap();
    assert_eq!(publication.stats.release_packages, 2);
    assert!(publication.skipped.is_empty(), "{:?}", publication.skipped);
    let mut compiled = Vec::new();
    let mut versions = Vec::new();
    publication
        .for_each_process(|p| {
            assert_eq!(p.version, OcdsVersion::V1_0);
            compiled.push(compile(p.version.rules(), &p.releases).unwrap());
            versions.push(versioned(p.version.rules(), &p.releases).unwrap());
            Ok(())
        })
        .unwrap();
    assert_eq!(compiled, vec![load(&dir.join("compiled-release-1.json")), load(&dir.join("compiled-release-2.json"))]);
    assert_eq!(
        versions,
        vec![load(&dir.join("versioned-release-1.json")), load(&dir.join("versioned-release-2.json"))]
    );
}
