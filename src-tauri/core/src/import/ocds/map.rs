//! Turning one compiled release into coopdesk records: the buyer becomes the
//! cooperative (the lead agency others piggyback on), each awarded contract
//! or framework agreement becomes a contract per supplier, parties with the
//! supplier role become suppliers, and items priced per unit become
//! catalogue items in the currency they were published in.
//!
//! Publications are messy, so every field is read leniently (numbers in
//! strings, codes with stray spaces, HTML in descriptions, 1.0 and 1.1
//! shapes) and every record that still cannot be used is reported with its
//! field and reason instead of stopping the import.

use super::read::Skip;
use crate::model::{
    limits, Address, Amendment, CatalogueItem, Classification, Contact, Contract, ContractDocument, Cooperative,
    DocumentKind, Eligibility, Identifier, Origin, Supplier,
};
use crate::money::{Cents, Currency};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::BTreeMap;

/// The records one contracting process gives.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapped {
    pub cooperative: Option<Cooperative>,
    pub suppliers: Vec<Supplier>,
    pub contracts: Vec<Contract>,
    pub items: Vec<CatalogueItem>,
    pub skipped: Vec<Skip>,
    /// Items published without a unit price: not catalogue items.
    pub unpriced_items: u64,
    /// The process has no award or contract yet (a plan or an open tender).
    pub not_awarded: bool,
}

/// Where the compiled release came from.
pub struct Context<'a> {
    pub ocid: &'a str,
    pub source: &'a str,
    pub publisher: Option<&'a str>,
}

fn get<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// Text as published, without markup, entities or runs of whitespace, cut to
/// `max` characters.
pub fn clean(text: &str, max: usize) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' if !in_tag => {
                in_tag = true;
                // Block tags (<p>, <br>) separate words.
                plain.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            _ => plain.push(c),
        }
    }
    let decoded = html_escape::decode_html_entities(&plain);
    let words: Vec<&str> =
        decoded.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect();
    let joined = words.join(" ");
    if joined.chars().count() > max {
        let cut: String = joined.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    } else {
        joined
    }
}

/// A string field, trimmed and cleaned; numbers published as numbers count.
fn text(v: Option<&Value>, max: usize) -> Option<String> {
    let raw = match v? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some(clean(&raw, max)).filter(|s| !s.is_empty())
}

/// A number that may be published as text ("1.234,5" is not guessed at:
/// only plain decimals, with or without thousands commas).
fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', "").parse().ok(),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite())
}

/// The date part of an ISO date-time.
fn date(v: Option<&Value>) -> Option<NaiveDate> {
    let s = v?.as_str()?.trim();
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// A record id that fits coopdesk's: readable when short, hashed when long.
fn record_id(parts: &[&str]) -> String {
    let slug = |text: &str| -> String {
        let s: String = text.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
    };
    let joined = std::iter::once("ocds")
        .chain(parts.iter().copied())
        .map(slug)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if joined.len() <= limits::ID {
        return joined;
    }
    let hash = crate::digest::sha256_hex(parts.join("\u{1f}").as_bytes());
    format!("{}-{}", joined.chars().take(limits::ID - 17).collect::<String>().trim_end_matches('-'), &hash[..16])
}

fn currency(v: Option<&Value>) -> Option<Currency> {
    v?.as_str()?.trim().to_uppercase().parse().ok()
}

/// A published value as "11,000,000.00 GBP".
fn format_value(v: Option<&Value>) -> Option<String> {
    let v = v?;
    let cents = Cents((number(v.get("amount"))? * 100.0).round() as i64);
    Some(match currency(v.get("currency")) {
        Some(c) => cents.in_currency(c),
        None => cents.to_string().replacen('$', "", 1),
    })
}

fn document_kind(kind: &str) -> DocumentKind {
    match kind {
        "contractSigned" | "contractText" | "contractSchedule" | "contractAnnexe" => DocumentKind::Contract,
        "contractAmendment" | "amendment" | "amendments" => DocumentKind::Amendment,
        "awardNotice" | "evaluationReports" | "winningBid" => DocumentKind::Award,
        "tenderNotice" | "biddingDocuments" | "technicalSpecifications" | "eligibilityCriteria" => {
            DocumentKind::Solicitation
        }
        "billOfQuantity" | "priceList" => DocumentKind::PriceList,
        _ => DocumentKind::Other,
    }
}

/// Published documents with a web address; anything else (no address, or
/// a `file:` or `javascript:` one) is left out, as feed data is untrusted.
fn documents(sources: &[&[Value]]) -> Vec<ContractDocument> {
    let mut out: Vec<ContractDocument> = Vec::new();
    for d in sources.iter().flat_map(|s| s.iter()) {
        let Some(url) = text(d.get("url"), limits::LONG_TEXT) else { continue };
        let lower = url.to_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) || url.contains(' ') {
            continue;
        }
        let kind = d.get("documentType").and_then(Value::as_str).unwrap_or("").trim();
        let title = text(d.get("title"), limits::SHORT_TEXT)
            .or_else(|| text(d.get("description"), limits::SHORT_TEXT))
            .unwrap_or_else(|| if kind.is_empty() { "Document".into() } else { kind.to_owned() });
        if out.iter().any(|o| o.url == url && o.title == title) {
            continue;
        }
        out.push(ContractDocument { title, kind: document_kind(kind), sha256: String::new(), size: 0, url });
        if out.len() == limits::LIST {
            break;
        }
    }
    out
}

/// 1.1 lists `amendments`; 1.0 had a single `amendment`.
fn amendments(v: &Value) -> Vec<Amendment> {
    let mut raw: Vec<&Value> = list(v, "amendments").iter().collect();
    if let Some(one) = v.get("amendment").filter(|a| a.is_object()) {
        raw.push(one);
    }
    let mut out: Vec<Amendment> = raw
        .into_iter()
        .map(|a| Amendment {
            id: text(a.get("id"), limits::SHORT_TEXT),
            date: text(a.get("date"), 40),
            description: text(a.get("description"), limits::LONG_TEXT),
            rationale: text(a.get("rationale"), limits::LONG_TEXT),
        })
        .filter(|a| a.date.is_some() || a.description.is_some() || a.rationale.is_some())
        .collect();
    out.sort_by(|a, b| a.date.cmp(&b.date));
    out.truncate(limits::LIST);
    out
}

fn supplier_from(party: &Value, ocid: &str) -> Option<Supplier> {
    let name = text(get(party, &["identifier", "legalName"]), limits::SHORT_TEXT)
        .or_else(|| text(party.get("name"), limits::SHORT_TEXT))?;
    let mut identifiers = Vec::new();
    for i in std::iter::once(party.get("identifier")).flatten().chain(list(party, "additionalIdentifiers")) {
        if let (Some(scheme), Some(value)) = (text(i.get("scheme"), 40), text(i.get("id"), limits::SHORT_TEXT)) {
            identifiers.push(Identifier { scheme, value });
        }
    }
    identifiers.truncate(limits::LIST);
    // The same organisation in two processes is one supplier when it is
    // identified by a registry; otherwise its id is only unique in its process.
    let id = match identifiers.first() {
        Some(i) => record_id(&["org", &i.scheme, &i.value]),
        None => record_id(&[ocid, "party", &text(party.get("id"), limits::SHORT_TEXT).unwrap_or_else(|| name.clone())]),
    };
    let address = party.get("address").cloned().unwrap_or(Value::Null);
    let country = text(address.get("countryName"), 60);
    let us = country.as_deref().is_none_or(|c| {
        matches!(c.to_lowercase().as_str(), "us" | "usa" | "united states" | "united states of america")
    });
    let region = text(address.get("region"), 60).unwrap_or_default();
    let state = if us && region.len() == 2 && region.chars().all(|c| c.is_ascii_alphabetic()) {
        region.to_uppercase()
    } else {
        String::new()
    };
    let mut city = text(address.get("locality"), 120).unwrap_or_default();
    for extra in [(!us && !region.is_empty() && state.is_empty()).then_some(region), country.filter(|_| !us)]
        .into_iter()
        .flatten()
    {
        city = if city.is_empty() { extra } else { format!("{city}, {extra}") };
    }
    let zip = text(address.get("postalCode"), 40).unwrap_or_default();
    let contact_point = party.get("contactPoint").cloned().unwrap_or(Value::Null);
    let phone = text(contact_point.get("telephone"), 40);
    let email = text(contact_point.get("email"), limits::SHORT_TEXT);
    let contact = text(contact_point.get("name"), limits::SHORT_TEXT).map(|name| Contact {
        name,
        phone: phone.clone(),
        email: email.clone(),
    });
    Some(Supplier {
        id,
        legal_name: name,
        identifiers,
        address: Address {
            street: text(address.get("streetAddress"), limits::SHORT_TEXT).unwrap_or_default(),
            city: clean(&city, limits::SHORT_TEXT),
            state,
            // Postal codes longer than a US ZIP+4 are kept with the city.
            zip: if zip.chars().count() <= 10 { zip } else { String::new() },
        },
        phone,
        email,
        emergency_contact: None,
        contact,
    })
}

fn has_role(party: &Value, role: &str) -> bool {
    list(party, "roles").iter().any(|r| r.as_str().is_some_and(|r| r.trim().eq_ignore_ascii_case(role)))
}

/// How the process relates to framework agreements.
fn process_kind(release: &Value) -> Option<&'static str> {
    let tender = release.get("tender").cloned().unwrap_or(Value::Null);
    let framework = get(&tender, &["techniques", "hasFrameworkAgreement"]).and_then(Value::as_bool).unwrap_or(false)
        || get(&tender, &["techniques", "frameworkAgreement"]).is_some_and(|f| f.is_object());
    if framework {
        return Some("framework agreement");
    }
    let from_framework = list(release, "relatedProcesses")
        .iter()
        .any(|p| list(p, "relationship").iter().any(|r| r.as_str().is_some_and(|r| r.trim() == "framework")))
        || tender
            .get("procurementMethodDetails")
            .and_then(Value::as_str)
            .is_some_and(|d| d.to_lowercase().contains("framework"));
    from_framework.then_some("call-off")
}

struct Agreement<'v> {
    /// The award, or the contract, it is read from.
    label: String,
    id: String,
    kind: &'static str,
    status: Option<String>,
    title: Option<String>,
    period: Option<&'v Value>,
    fallback_start: Option<NaiveDate>,
    value: Option<String>,
    supplier_refs: Vec<&'v Value>,
    items: &'v [Value],
    documents: Vec<&'v [Value]>,
    amendments: Vec<Amendment>,
    currency: Option<Currency>,
}

fn mapped_status(status: &Option<String>) -> Option<&'static str> {
    match status.as_deref().map(str::to_lowercase).as_deref() {
        Some("cancelled") => Some("it was canceled"),
        Some("unsuccessful") => Some("the award was unsuccessful"),
        Some("terminated") => Some("it was terminated"),
        _ => None,
    }
}

/// Maps one compiled release.
pub fn map(release: &Value, cx: &Context) -> Mapped {
    let mut out = Mapped::default();
    let skip = |out: &mut Mapped, record: String, field: Option<&str>, reason: String| {
        out.skipped.push(Skip { source: cx.source.to_owned(), record, field: field.map(str::to_owned), reason });
    };
    let parties = list(release, "parties");
    let party = |id: &Value| -> Option<&Value> {
        let id = id.as_str().map(str::trim).map(str::to_owned).or_else(|| id.as_i64().map(|n| n.to_string()))?;
        parties.iter().find(|p| text(p.get("id"), limits::SHORT_TEXT).as_deref() == Some(id.as_str()))
    };

    // The buyer is the agency whose contract others would piggyback on.
    let buyer_party = parties
        .iter()
        .find(|p| has_role(p, "buyer"))
        .or_else(|| parties.iter().find(|p| has_role(p, "procuringEntity")));
    let buyer_name = text(get(release, &["buyer", "name"]), limits::SHORT_TEXT)
        .or_else(|| text(get(release, &["tender", "procuringEntity", "name"]), limits::SHORT_TEXT))
        .or_else(|| buyer_party.and_then(|p| text(p.get("name"), limits::SHORT_TEXT)))
        .or_else(|| cx.publisher.map(|p| clean(p, limits::SHORT_TEXT)))
        .unwrap_or_else(|| "Unnamed public buyer".into());
    // A buyer identified by a registry stays one cooperative when it renames.
    let buyer_registry = release
        .get("buyer")
        .and_then(|b| b.get("id"))
        .and_then(&party)
        .or(buyer_party)
        .and_then(|p| p.get("identifier"))
        .and_then(|i| Some((text(i.get("scheme"), 40)?, text(i.get("id"), limits::SHORT_TEXT)?)));
    let cooperative = Cooperative {
        id: match &buyer_registry {
            Some((scheme, id)) => record_id(&["buyer", scheme, id]),
            None => record_id(&["buyer", &buyer_name]),
        },
        name: buyer_name.clone(),
        lead_agency: Some(buyer_name.clone()),
        membership_required: false,
        website: None,
    };

    let kind = process_kind(release);
    let awards = list(release, "awards");
    let contracts = list(release, "contracts");
    let tender_period = get(release, &["tender", "contractPeriod"]);
    let tender_title = text(get(release, &["tender", "title"]), limits::SHORT_TEXT);

    let mut agreements: Vec<Agreement> = Vec::new();
    let mut awards_with_contracts = Vec::new();
    for c in contracts {
        let award_id = c.get("awardID").and_then(|a| text(Some(a), limits::SHORT_TEXT));
        let award = award_id
            .as_deref()
            .and_then(|a| awards.iter().find(|w| text(w.get("id"), limits::SHORT_TEXT).as_deref() == Some(a)));
        if let Some(a) = &award_id {
            awards_with_contracts.push(a.clone());
        }
        let id = text(c.get("id"), limits::SHORT_TEXT).unwrap_or_else(|| format!("contract-{}", agreements.len() + 1));
        let award_value = award.and_then(|a| a.get("value"));
        agreements.push(Agreement {
            label: format!("ocid {}, contract {id}", cx.ocid),
            kind: kind.unwrap_or("contract"),
            status: text(c.get("status"), 40),
            title: text(c.get("title"), limits::SHORT_TEXT)
                .or_else(|| award.and_then(|a| text(a.get("title"), limits::SHORT_TEXT)))
                .or_else(|| tender_title.clone()),
            period: c
                .get("period")
                .filter(|p| p.is_object())
                .or_else(|| award.and_then(|a| a.get("contractPeriod")))
                .or(tender_period),
            fallback_start: date(c.get("dateSigned")).or_else(|| award.and_then(|a| date(a.get("date")))),
            value: format_value(c.get("value")).or_else(|| format_value(award_value)),
            supplier_refs: award.map(|a| list(a, "suppliers").iter().collect()).unwrap_or_default(),
            items: if list(c, "items").is_empty() {
                award.map(|a| list(a, "items")).unwrap_or(&[])
            } else {
                list(c, "items")
            },
            documents: vec![list(c, "documents"), award.map(|a| list(a, "documents")).unwrap_or(&[])],
            amendments: amendments(c),
            currency: currency(get(c, &["value", "currency"]))
                .or_else(|| award_value.and_then(|v| currency(v.get("currency")))),
            id,
        });
    }
    for a in awards {
        let id = text(a.get("id"), limits::SHORT_TEXT).unwrap_or_else(|| format!("award-{}", agreements.len() + 1));
        if awards_with_contracts.contains(&id) {
            continue;
        }
        agreements.push(Agreement {
            label: format!("ocid {}, award {id}", cx.ocid),
            kind: kind.unwrap_or("award"),
            status: text(a.get("status"), 40),
            title: text(a.get("title"), limits::SHORT_TEXT).or_else(|| tender_title.clone()),
            period: a.get("contractPeriod").filter(|p| p.is_object()).or(tender_period),
            fallback_start: date(a.get("date")),
            value: format_value(a.get("value")),
            supplier_refs: list(a, "suppliers").iter().collect(),
            items: list(a, "items"),
            documents: vec![list(a, "documents")],
            amendments: amendments(a),
            currency: currency(get(a, &["value", "currency"])),
            id,
        });
    }

    out.not_awarded = agreements.is_empty();
    let mut suppliers: BTreeMap<String, Supplier> = BTreeMap::new();
    // Parties with the supplier role are suppliers even before a contract
    // names them (a framework's suppliers, say).
    for p in parties.iter().filter(|p| has_role(p, "supplier")) {
        if let Some(s) = supplier_from(p, cx.ocid) {
            suppliers.entry(s.id.clone()).or_insert(s);
        }
    }

    for ag in agreements {
        if let Some(why) = mapped_status(&ag.status) {
            skip(&mut out, ag.label.clone(), Some("status"), format!("not imported: {why}"));
            continue;
        }
        let Some(period) = ag.period else {
            skip(
                &mut out,
                ag.label.clone(),
                Some("period"),
                "no contract period is published, so its term is unknown".into(),
            );
            continue;
        };
        let start = date(period.get("startDate")).or(ag.fallback_start);
        let duration = number(period.get("durationInDays")).filter(|d| *d > 0.0 && *d < 36_600.0);
        let end = date(period.get("endDate")).or_else(|| Some(start? + chrono::Days::new(duration? as u64)));
        let (Some(start), Some(end)) = (start, end) else {
            let field = if start.is_none() { "period.startDate" } else { "period.endDate" };
            skip(&mut out, ag.label.clone(), Some(field), "the contract period has no usable date".into());
            continue;
        };
        let max_extension = date(period.get("maxExtentDate")).filter(|d| *d > end);
        let mut refs: Vec<(String, Option<Supplier>)> = Vec::new();
        for r in &ag.supplier_refs {
            let resolved = r
                .get("id")
                .and_then(&party)
                .and_then(|p| supplier_from(p, cx.ocid))
                // OCDS 1.0 gives the whole organisation in the award.
                .or_else(|| supplier_from(r, cx.ocid));
            let key = text(r.get("id"), limits::SHORT_TEXT)
                .or_else(|| text(r.get("name"), limits::SHORT_TEXT))
                .unwrap_or_default();
            refs.push((key, resolved));
        }
        if refs.is_empty() {
            skip(&mut out, ag.label.clone(), Some("suppliers"), "no supplier is named for it".into());
            continue;
        }
        let several = refs.len() > 1;
        for (key, supplier) in refs {
            let Some(supplier) = supplier else {
                skip(&mut out, ag.label.clone(), Some("suppliers"), format!("supplier '{key}' has no name"));
                continue;
            };
            let id = if several { record_id(&[cx.ocid, &ag.id, &key]) } else { record_id(&[cx.ocid, &ag.id]) };
            let contract = Contract {
                id: id.clone(),
                cooperative_id: cooperative.id.clone(),
                supplier_id: supplier.id.clone(),
                number: clean(&ag.id, limits::SHORT_TEXT),
                title: ag.title.clone().unwrap_or_else(|| format!("{} {}", ag.kind, ag.id)),
                lead_agency: Some(buyer_name.clone()),
                term_start: start.min(end),
                term_end: end,
                max_extension_end: max_extension,
                eligibility: Eligibility { single_award: !several, ..Default::default() },
                documents: documents(&ag.documents),
                origin: Some(Origin {
                    ocid: cx.ocid.to_owned(),
                    source: clean(cx.source, limits::LONG_TEXT),
                    kind: ag.kind.to_owned(),
                    publisher: cx.publisher.map(|p| clean(p, limits::SHORT_TEXT)),
                    status: ag.status.clone(),
                    value: ag.value.clone(),
                }),
                amendments: ag.amendments.clone(),
            };
            if let Err(e) = contract.validate() {
                skip(&mut out, ag.label.clone(), Some(e.field), e.reason);
                continue;
            }
            if let Err(e) = supplier.validate() {
                skip(&mut out, format!("{}, supplier {}", ag.label, supplier.legal_name), Some(e.field), e.reason);
                continue;
            }
            for (n, item) in ag.items.iter().enumerate() {
                let item_id = text(item.get("id"), 100).unwrap_or_else(|| (n + 1).to_string());
                let label = format!("{}, item {item_id}", ag.label);
                let Some(value) = get(item, &["unit", "value"]).filter(|v| v.is_object()) else {
                    out.unpriced_items += 1;
                    continue;
                };
                let Some(amount) = number(value.get("amount")) else {
                    skip(&mut out, label, Some("unit.value.amount"), "the unit price is not a number".into());
                    continue;
                };
                if amount <= 0.0 {
                    skip(
                        &mut out,
                        label,
                        Some("unit.value.amount"),
                        format!("the unit price is {amount}, not above zero"),
                    );
                    continue;
                }
                let Some(currency) = currency(value.get("currency")).or(ag.currency) else {
                    skip(&mut out, label, Some("unit.value.currency"), "no currency is given for the price".into());
                    continue;
                };
                let mut classifications = Vec::new();
                for c in item.get("classification").into_iter().chain(list(item, "additionalClassifications")) {
                    if let (Some(scheme), Some(code)) = (text(c.get("scheme"), 40), text(c.get("id"), 40)) {
                        classifications.push(Classification {
                            scheme: scheme.to_uppercase(),
                            code,
                            name: text(c.get("description"), limits::SHORT_TEXT),
                        });
                    }
                }
                classifications.truncate(limits::LIST);
                let description = text(item.get("description"), limits::LONG_TEXT)
                    .or_else(|| classifications.first().and_then(|c| c.name.clone()))
                    .unwrap_or_else(|| format!("Item {item_id}"));
                let unit = text(get(item, &["unit", "name"]), 20)
                    .or_else(|| text(get(item, &["unit", "id"]), 20))
                    .unwrap_or_else(|| "EA".into());
                let price = Cents((amount * 100.0).round() as i64);
                let entity = CatalogueItem {
                    id: record_id(&[&id, &item_id]),
                    contract_id: id.clone(),
                    supplier_sku: item_id.clone(),
                    manufacturer: None,
                    manufacturer_part: None,
                    description,
                    classifications,
                    unit,
                    list_price: price,
                    contract_price: price,
                    price_tiers: vec![],
                    attributes: vec![],
                    currency,
                };
                match entity.validate() {
                    Ok(()) => out.items.push(entity),
                    Err(e) => skip(&mut out, label, Some(e.field), e.reason),
                }
            }
            suppliers.entry(supplier.id.clone()).or_insert(supplier);
            out.contracts.push(contract);
        }
    }
    for s in suppliers.into_values() {
        match s.validate() {
            Ok(()) => out.suppliers.push(s),
            Err(e) => skip(&mut out, format!("ocid {}, supplier {}", cx.ocid, s.legal_name), Some(e.field), e.reason),
        }
    }
    if !out.contracts.is_empty() || !out.suppliers.is_empty() {
        out.cooperative = Some(cooperative);
    }
    out
}
