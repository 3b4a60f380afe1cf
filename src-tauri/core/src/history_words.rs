//! A history entry's detail in words for the screens and the command line:
//! money as money ("unit price $215.46 → $198.00", not "21546"), names as
//! they were typed, and the internals (item and version ids, hashes, the
//! office key that signed) set apart for a "details" view. The stored
//! detail is unchanged: it is what the hash chain covers.

use crate::money::Cents;
use serde_json::Value;

/// Fields that hold cents.
const MONEY: &[&str] = &[
    "unit_price",
    "total",
    "amount",
    "price",
    "limit",
    "list_price",
    "contract_price",
    "spend_limit",
    "micro_purchase",
    "quotes_above",
    "formal_bid",
    "billed",
];

/// Fields that identify rather than describe: shown only in the details.
const TECHNICAL: &[&str] = &[
    "item",
    "item_id",
    "sha256",
    "event",
    "version",
    "base",
    "resolves",
    "signed_in_coopdesk",
    "fingerprint",
    "office_key",
    "record_version",
    "contract_version",
    "feed",
    "feed_id",
    "feed_sequence",
    "duplicate_of",
    "state_hash",
    "finding",
    "header",
    "off_contract",
];

/// The words for one entry, and its internals as (name, value) pairs.
pub fn describe(detail: &Value) -> (String, Vec<(String, String)>) {
    let mut technical = Vec::new();
    let summary = match detail {
        Value::Object(_) => object(detail, &mut technical),
        Value::Null => String::new(),
        other => value(other, false),
    };
    (summary, technical)
}

fn label(key: &str) -> String {
    key.replace('_', " ")
}

fn value(v: &Value, money: bool) -> String {
    match v {
        Value::Number(n) if money => n.as_i64().map(|c| Cents(c).to_string()).unwrap_or_else(|| n.to_string()),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Null => "none".into(),
        Value::Array(items) => items.iter().map(|i| value(i, money)).collect::<Vec<_>>().join(", "),
        Value::Object(map) => {
            if let (Some(was), Some(now)) = (map.get("was"), map.get("now")) {
                format!("{} → {}", value(was, money), value(now, money))
            } else {
                let mut ignored = Vec::new();
                object(v, &mut ignored)
            }
        }
    }
}

fn object(detail: &Value, technical: &mut Vec<(String, String)>) -> String {
    let Value::Object(map) = detail else { return value(detail, false) };
    let mut parts = Vec::new();
    if let Some(line) = map.get("line") {
        parts.push(format!("line {}", value(line, false)));
    }
    // { "field": "quantity", "was": 2, "now": 3 } reads "quantity 2 → 3".
    let field = map.get("field").and_then(Value::as_str).filter(|_| map.contains_key("was") && map.contains_key("now"));
    if let Some(field) = field {
        let money = MONEY.contains(&field);
        parts.push(format!("{} {} → {}", label(field), value(&map["was"], money), value(&map["now"], money)));
    }
    for (key, v) in map {
        if key == "line" || (field.is_some() && ["field", "was", "now"].contains(&key.as_str())) {
            continue;
        }
        if TECHNICAL.contains(&key.as_str()) {
            technical.push((label(key), serde_json::to_string(v).unwrap_or_default().trim_matches('"').to_owned()));
            continue;
        }
        let money = MONEY.contains(&key.as_str());
        match v {
            Value::Array(items) if items.iter().all(Value::is_object) => {
                let described: Vec<String> = items.iter().map(|i| object(i, technical)).collect();
                if !described.is_empty() {
                    parts.push(described.join("; "));
                }
            }
            Value::Null => {}
            _ => parts.push(format!("{} {}", label(key), value(v, money))),
        }
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn money_reads_as_money_and_ids_go_to_the_details() {
        let (words, technical) = describe(&json!({
            "line": 2,
            "item": "sample:item:0042",
            "quantity": { "was": 10, "now": 40 },
            "unit_price": { "was": 21546, "now": 19800 },
        }));
        assert_eq!(words, "line 2; quantity 10 → 40; unit price $215.46 → $198.00");
        assert_eq!(technical, [("item".to_owned(), "sample:item:0042".to_owned())]);
        let (words, _) = describe(&json!({ "approver": "Pat Lee", "title": "Director", "total": 143680 }));
        assert_eq!(words, "approver Pat Lee; title Director; total $1,436.80");
    }

    #[test]
    fn nested_changes_are_told_one_after_another() {
        let (words, _) = describe(&json!({
            "changes": [{ "line": 1, "field": "quantity", "was": 2, "now": 3 }, { "line": 2, "removed": "Toner" }],
            "total": { "was": 1000, "now": 1500 },
        }));
        assert_eq!(words, "line 1; quantity 2 → 3; line 2; removed Toner; total $10.00 → $15.00");
    }
}
