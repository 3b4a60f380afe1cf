//! Merging the releases of one contracting process into a compiled release
//! (its current state) or a versioned release (every value with the release
//! that set it), by the OCDS merge rules.
//!
//! The rules come from a release schema: `omitWhenMerged` (1.1) or
//! `"mergeStrategy": "ocdsOmit"` (1.0) drops a field, `wholeListMerge` (1.1)
//! or `"mergeStrategy": "ocdsVersion"` (1.0) replaces an array whole, and
//! arrays of objects with an `id` merge object by object. The two versions
//! differ for real data: OCDS 1.0 replaces `awards.suppliers` whole, 1.1
//! merges it by `id`.
//!
//! This is a faithful port of OCP's reference implementation (the Python
//! package `ocdsmerge` 0.8), down to its edge cases: the tests hold it to
//! that package's own fixtures and to ocdskit's real-data outputs.

use crate::error::{Error, Result};
use indexmap::IndexMap;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The schema's rule for one field path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    Omit,
    WholeList,
}

/// Merge rules, keyed by field path (array levels do not appear in a path).
#[derive(Clone, Debug, Default)]
pub struct MergeRules {
    rules: HashMap<Vec<String>, Rule>,
}

const SCHEMA_1_0: &str = include_str!("../../../../../assets/ocds/release-schema-1__0__3.json");
const SCHEMA_1_1: &str = include_str!("../../../../../assets/ocds/release-schema-1__1__4.json");

/// An OCDS minor version, as far as merging is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum OcdsVersion {
    #[serde(rename = "1.0")]
    V1_0,
    #[serde(rename = "1.1")]
    V1_1,
}

impl OcdsVersion {
    /// A package's `version` field; a package without one is OCDS 1.0.
    pub fn from_package(version: Option<&str>) -> std::result::Result<Self, String> {
        match version.map(str::trim) {
            None => Ok(OcdsVersion::V1_0),
            Some(v) if v == "1.0" || v.starts_with("1.0.") => Ok(OcdsVersion::V1_0),
            Some(v) if v == "1.1" || v.starts_with("1.1.") => Ok(OcdsVersion::V1_1),
            Some(v) => Err(format!("OCDS version '{v}' is not one coopdesk reads (1.0 and 1.1 are)")),
        }
    }

    /// A release outside any package: 1.1 introduced `parties`.
    pub fn of_release(release: &Value) -> Self {
        if release.get("parties").is_some() {
            OcdsVersion::V1_1
        } else {
            OcdsVersion::V1_0
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OcdsVersion::V1_0 => "1.0",
            OcdsVersion::V1_1 => "1.1",
        }
    }

    pub fn rules(self) -> &'static MergeRules {
        static V1_0: OnceLock<MergeRules> = OnceLock::new();
        static V1_1: OnceLock<MergeRules> = OnceLock::new();
        let (cell, text) = match self {
            OcdsVersion::V1_0 => (&V1_0, SCHEMA_1_0),
            OcdsVersion::V1_1 => (&V1_1, SCHEMA_1_1),
        };
        cell.get_or_init(|| {
            let schema: Value = serde_json::from_str(text).expect("the bundled schema is JSON");
            MergeRules::from_schema(&schema).expect("the bundled schema has properties")
        })
    }
}

fn types(prop: &Value) -> Vec<&str> {
    match prop.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

/// Follows a local `$ref` ("#/definitions/Name"). As in the reference
/// implementation, a reference replaces its object whole.
fn deref<'s>(root: &'s Value, mut value: &'s Value) -> &'s Value {
    for _ in 0..16 {
        let Some(pointer) = value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) else {
            break;
        };
        match root.pointer(pointer) {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

impl MergeRules {
    /// Reads the rules from a release schema (its `$ref`s resolved against it).
    pub fn from_schema(schema: &Value) -> Result<Self> {
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .ok_or_else(|| Error::Invalid("The release schema has no properties.".into()))?;
        let mut rules = HashMap::new();
        collect(schema, properties, &mut Vec::new(), &mut rules);
        Ok(MergeRules { rules })
    }

    fn get(&self, path: &[String]) -> Option<Rule> {
        self.rules.get(path).copied()
    }
}

fn collect(
    root: &Value,
    properties: &Map<String, Value>,
    path: &mut Vec<String>,
    out: &mut HashMap<Vec<String>, Rule>,
) {
    // A schema deeper than this is cyclic, not OCDS.
    if path.len() > 24 {
        return;
    }
    for (key, value) in properties {
        let value = deref(root, value);
        path.push(key.clone());
        let ts = types(value);
        let flag = |name: &str| value.get(name).and_then(Value::as_bool).unwrap_or(false);
        let strategy = value.get("mergeStrategy").and_then(Value::as_str);
        if flag("omitWhenMerged") || strategy == Some("ocdsOmit") {
            out.insert(path.clone(), Rule::Omit);
        } else if ts.contains(&"array") && (flag("wholeListMerge") || strategy == Some("ocdsVersion")) {
            out.insert(path.clone(), Rule::WholeList);
        } else if let (true, Some(props)) = (ts.contains(&"object"), value.get("properties").and_then(Value::as_object))
        {
            collect(root, props, path, out);
        } else if let (true, Some(items)) = (ts.contains(&"array"), value.get("items")) {
            let items = deref(root, items);
            let item_types = types(items);
            if item_types.iter().any(|t| *t != "object") {
                out.insert(path.clone(), Rule::WholeList);
            } else if let (true, Some(props)) =
                (item_types.contains(&"object"), items.get("properties").and_then(Value::as_object))
            {
                if props.contains_key("id") {
                    collect(root, props, path, out);
                } else {
                    out.insert(path.clone(), Rule::WholeList);
                }
            }
        }
        path.pop();
    }
}

/// One step of a flattened path: an object's key, or an object in an array
/// named by its `id`. Steps compare by their text, as the reference's do
/// (its array steps are strings), so `1` and `"1"` name the same path.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Id {
        text: String,
        /// The identity within its array for rebuilding: the `id` value with
        /// its JSON type, or a unique token for an object without one.
        identity: String,
        /// The `id` value to write back, if the object had one.
        original: Option<Value>,
    },
}

impl Step {
    fn text(&self) -> &str {
        match self {
            Step::Key(k) => k,
            Step::Id { text, .. } => text,
        }
    }
}

impl PartialEq for Step {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}
impl Eq for Step {}
impl Hash for Step {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text().hash(state)
    }
}

type Path = Vec<Step>;
type Flat = IndexMap<Path, Value>;

/// The text the reference gives an `id` value as an array step (Python's
/// `str()` of it).
fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

fn unique_token() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    // Not a string any `id` can be: it starts with a NUL.
    format!("\u{0}no-id-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn array_step(value: &Value) -> Step {
    match value.get("id") {
        Some(id) => Step::Id { text: id_text(id), identity: format!("{id}"), original: Some(id.clone()) },
        None => {
            let token = unique_token();
            Step::Id { text: token.clone(), identity: token, original: None }
        }
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

fn flatten(rules: &MergeRules, obj: &Value, path: &mut Path, rule_path: &mut Vec<String>, out: &mut Flat) {
    let entries: Vec<(Step, &Value, bool)> = match obj {
        Value::Object(m) => m.iter().map(|(k, v)| (Step::Key(k.clone()), v, true)).collect(),
        Value::Array(a) => a.iter().map(|v| (array_step(v), v, false)).collect(),
        _ => return,
    };
    for (step, value, is_key) in entries {
        if is_key {
            rule_path.push(step.text().to_owned());
        }
        let rule = rules.get(rule_path);
        if rule != Some(Rule::Omit) {
            let whole = rule == Some(Rule::WholeList)
                || !matches!(value, Value::Object(_) | Value::Array(_))
                || matches!(value, Value::Array(a) if a.iter().any(|i| !i.is_object()));
            path.push(step);
            if whole {
                out.insert(path.clone(), value.clone());
            } else if truthy(value) {
                flatten(rules, value, path, rule_path, out);
            }
            path.pop();
        }
        if is_key {
            rule_path.pop();
        }
    }
}

fn path_text(path: &[Step]) -> String {
    path.iter().map(Step::text).collect::<Vec<_>>().join("/")
}

/// Rebuilds a JSON object from flattened paths, in their order.
fn unflatten(flat: &Flat) -> Result<Value> {
    // Nodes live in an arena so that an array's objects can be found again
    // by their identity while the tree is still being built.
    enum Node {
        Object(Vec<(String, usize)>),
        Array(Vec<usize>),
        Leaf(Value),
    }
    let mut arena: Vec<Node> = vec![Node::Object(vec![])];
    let mut identities: HashMap<(Vec<String>, String), usize> = HashMap::new();
    let inconsistent = |what: String| Error::Invalid(format!("The releases disagree on the shape of {what}."));

    for (key, value) in flat {
        let mut current = 0usize;
        for (end, part) in key.iter().enumerate().map(|(i, p)| (i + 1, p)) {
            match part {
                Step::Id { identity, original, .. } => {
                    let prefix: Vec<String> = key[..end - 1].iter().map(|s| s.text().to_owned()).collect();
                    let id_key = (prefix, identity.clone());
                    let node = match identities.get(&id_key) {
                        Some(&n) => n,
                        None => {
                            let fields = match original {
                                Some(id) => {
                                    arena.push(Node::Leaf(id.clone()));
                                    vec![("id".to_owned(), arena.len() - 1)]
                                }
                                None => vec![],
                            };
                            arena.push(Node::Object(fields));
                            let n = arena.len() - 1;
                            match &mut arena[current] {
                                Node::Array(items) => items.push(n),
                                _ => {
                                    return Err(inconsistent(format!(
                                        "/{} (an object, then an array)",
                                        path_text(&key[..end - 1])
                                    )))
                                }
                            }
                            identities.insert(id_key, n);
                            n
                        }
                    };
                    current = node;
                }
                Step::Key(k) => {
                    let existing = match &arena[current] {
                        Node::Object(fields) => fields.iter().find(|(name, _)| name == k).map(|(_, n)| *n),
                        _ => {
                            return Err(inconsistent(format!(
                                "/{} (a value, then an object with '{k}')",
                                path_text(&key[..end - 1])
                            )))
                        }
                    };
                    if let Some(n) = existing {
                        current = n;
                    } else if end < key.len() {
                        let child = if matches!(key[end], Step::Id { .. }) {
                            Node::Array(vec![])
                        } else {
                            Node::Object(vec![])
                        };
                        arena.push(child);
                        let n = arena.len() - 1;
                        if let Node::Object(fields) = &mut arena[current] {
                            fields.push((k.clone(), n));
                        }
                        current = n;
                    } else if !value.is_null() {
                        arena.push(Node::Leaf(value.clone()));
                        let n = arena.len() - 1;
                        if let Node::Object(fields) = &mut arena[current] {
                            fields.push((k.clone(), n));
                        }
                    }
                }
            }
        }
    }

    fn build(arena: &mut Vec<Node>, n: usize) -> Value {
        match std::mem::replace(&mut arena[n], Node::Leaf(Value::Null)) {
            Node::Leaf(v) => v,
            Node::Array(items) => Value::Array(items.into_iter().map(|i| build(arena, i)).collect()),
            Node::Object(fields) => {
                let mut m = Map::new();
                for (k, i) in fields {
                    let v = build(arena, i);
                    m.insert(k, v);
                }
                Value::Object(m)
            }
        }
    }
    Ok(build(&mut arena, 0))
}

/// Orders releases by `date`, keeping their order on ties. A single release
/// is taken as it is (it may be a compiled release without a date).
fn sorted(releases: &[Value]) -> Result<Vec<&Value>> {
    let mut list: Vec<&Value> = releases.iter().collect();
    if list.len() == 1 {
        return Ok(list);
    }
    for r in &list {
        match r.get("date") {
            None => return Err(Error::Invalid("a release has no date, so the releases cannot be put in order".into())),
            Some(Value::String(_)) => {}
            Some(Value::Null) => return Err(Error::Invalid("a release's date is null".into())),
            Some(_) => return Err(Error::Invalid("a release's date is not text".into())),
        }
    }
    list.sort_by(|a, b| a["date"].as_str().cmp(&b["date"].as_str()));
    Ok(list)
}

fn without_tag(release: &Value) -> (Value, Option<Value>) {
    let mut r = release.clone();
    let tag = r.as_object_mut().and_then(|m| m.remove("tag"));
    (r, tag)
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "None".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn key(name: &str) -> Path {
    vec![Step::Key(name.to_owned())]
}

/// The compiled release of a process: the latest value of every field.
pub fn compile(rules: &MergeRules, releases: &[Value]) -> Result<Value> {
    for r in releases {
        if !r.is_object() {
            return Err(Error::Invalid("a release is not a JSON object".into()));
        }
    }
    let mut data = Flat::new();
    data.insert(key("tag"), Value::Array(vec![Value::String("compiled".into())]));
    for release in sorted(releases)? {
        let (release, _tag) = without_tag(release);
        let ocid = release.get("ocid").cloned().unwrap_or(Value::Null);
        let date = release.get("date").cloned().unwrap_or(Value::Null);
        let mut flat = Flat::new();
        flatten(rules, &release, &mut Vec::new(), &mut Vec::new(), &mut flat);
        data.insert(key("id"), Value::String(format!("{}-{}", text_of(Some(&ocid)), text_of(Some(&date)))));
        data.insert(key("date"), date);
        data.insert(key("ocid"), ocid);
        for (k, v) in flat {
            data.insert(k, v);
        }
    }
    unflatten(&data)
}

/// The versioned release of a process: for every field, each value it took
/// and the release (id, date, tag) that gave it.
pub fn versioned(rules: &MergeRules, releases: &[Value]) -> Result<Value> {
    for r in releases {
        if !r.is_object() {
            return Err(Error::Invalid("a release is not a JSON object".into()));
        }
    }
    let mut data = Flat::new();
    for release in sorted(releases)? {
        let (release, tag) = without_tag(release);
        let ocid = release.get("ocid").cloned().unwrap_or(Value::Null);
        let release_id = release.get("id").cloned().unwrap_or(Value::Null);
        let date = release.get("date").cloned().unwrap_or(Value::Null);
        let mut flat = Flat::new();
        flatten(rules, &release, &mut Vec::new(), &mut Vec::new(), &mut flat);
        flat.shift_remove(&key("ocid"));
        data.insert(key("ocid"), ocid);
        for (k, value) in flat {
            if let Some(existing) = data.get(&k) {
                let unchanged = match existing {
                    Value::Array(history) => history.last().and_then(|h| h.get("value")) == Some(&value),
                    _ => true,
                };
                if unchanged {
                    continue;
                }
            }
            let entry = serde_json::json!({
                "releaseID": release_id,
                "releaseDate": date,
                "releaseTag": tag.clone().unwrap_or(Value::Null),
                "value": value,
            });
            match data.entry(k).or_insert_with(|| Value::Array(vec![])) {
                Value::Array(history) => history.push(entry),
                _ => unreachable!("only ocid is not a history, and it was removed from the release"),
            }
        }
    }
    unflatten(&data)
}
