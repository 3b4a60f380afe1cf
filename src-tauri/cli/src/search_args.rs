//! Search filters as command-line flags, and the contract and item views.

use crate::{print_json, stdout_error};
use clap::{Args, ValueEnum};
use coopdesk_core::eligibility::Verdict;
use coopdesk_core::money::format_bps;
use coopdesk_core::search::{Filters, Near, SearchHit, Sort, StatusFilter};
use coopdesk_core::{Error, Result, Store};
use std::io::Write;

#[derive(Args, Debug, Default)]
pub struct FilterArgs {
    /// Only this cooperative's contracts (its id).
    #[arg(long, value_name = "ID")]
    cooperative: Option<String>,
    /// Only this supplier's contracts (its id).
    #[arg(long, value_name = "ID")]
    supplier: Option<String>,
    /// A classification code prefix (3912) or words of its name.
    #[arg(long, value_name = "CODE")]
    class: Option<String>,
    /// Lowest contract price, in dollars.
    #[arg(long, value_name = "DOLLARS", value_parser = crate::values::money)]
    min_price: Option<coopdesk_core::Cents>,
    /// Highest contract price, in dollars.
    #[arg(long, value_name = "DOLLARS", value_parser = crate::values::money)]
    max_price: Option<coopdesk_core::Cents>,
    /// Items with this attribute (repeatable), e.g. energy-efficient.
    #[arg(long = "attr", value_name = "ATTRIBUTE")]
    attributes: Vec<String>,
    /// Contract status: active, expired, or expiring:DAYS.
    #[arg(long, value_name = "STATUS")]
    status: Option<String>,
    /// Only contracts this agency is eligible for (needs `coopdesk agency set`).
    #[arg(long)]
    eligible: bool,
    /// Only suppliers with a local dealer near this ZIP code ("agency":
    /// the agency's own).
    #[arg(long, value_name = "ZIP")]
    near: Option<String>,
    /// With --near: how far, in miles.
    #[arg(long, default_value_t = 50.0)]
    miles: f64,
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    sort: SortArg,
}

#[derive(Clone, Copy, Debug, Default, ValueEnum)]
enum SortArg {
    #[default]
    Relevance,
    Price,
    Saving,
    Expiry,
}

impl FilterArgs {
    pub fn to_filters(&self) -> Result<(Filters, Sort)> {
        let status = match self.status.as_deref() {
            None => None,
            Some("active") => Some(StatusFilter::Active),
            Some("expired") => Some(StatusFilter::Expired),
            Some(other) => match other.strip_prefix("expiring:").and_then(|d| d.parse().ok()) {
                Some(days) => Some(StatusFilter::ExpiringWithin { days }),
                None => {
                    return Err(Error::Invalid(format!("--status '{other}' is not active, expired or expiring:DAYS.")))
                }
            },
        };
        let filters = Filters {
            cooperative_id: self.cooperative.clone(),
            supplier_id: self.supplier.clone(),
            classification: self.class.clone(),
            min_price: self.min_price,
            max_price: self.max_price,
            attributes: self.attributes.clone(),
            status,
            eligible_only: self.eligible,
            near: self.near.clone().map(|zip| Near {
                zip: if zip.trim().eq_ignore_ascii_case("agency") { String::new() } else { zip },
                miles: self.miles,
            }),
        };
        let sort = match self.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Price => Sort::ContractPrice,
            SortArg::Saving => Sort::Saving,
            SortArg::Expiry => Sort::Expiry,
        };
        Ok((filters, sort))
    }
}

pub fn eligibility_cell(h: &SearchHit) -> String {
    match h.eligibility {
        Verdict::Eligible => "yes".into(),
        Verdict::EligibleOnceFiled => "once filed".into(),
        Verdict::NotEligible => "no".into(),
        Verdict::Unknown => "?".into(),
    }
}

pub fn contract(store: &Store, id: &str, near: Option<&str>, json: bool, out: &mut dyn Write) -> Result<()> {
    let d = store.contract_detail(id, near, store.clock().today())?;
    if json {
        return print_json(out, &d);
    }
    let c = &d.contract;
    let mut text = String::new();
    text += &format!("{} — {}\n", c.number, c.title);
    text += &format!("Cooperative: {}", d.cooperative.name);
    if let Some(lead) = c.lead_agency.as_ref().or(d.cooperative.lead_agency.as_ref()) {
        text += &format!(" (lead agency: {lead})");
    }
    text += "\n";
    let left = match d.days_left {
        n if n < 0 => format!("expired {} days ago", -n),
        0 => "ends today".to_owned(),
        n => format!("{n} days left"),
    };
    text += &format!("Term: {} to {} ({left})", c.term_start, c.term_end);
    if let Some(ext) = c.max_extension_end {
        text += &format!("; may be extended to {ext}");
    }
    text += "\n";
    text += &match d.eligibility.verdict {
        Verdict::Eligible => format!("Eligible: {}\n", d.eligibility.basis.join("; ")),
        Verdict::EligibleOnceFiled => format!("Eligible {}\n", d.eligibility.summary()),
        Verdict::NotEligible => format!("Not eligible: {}\n", d.eligibility.reasons.join("; ")),
        Verdict::Unknown => format!("Eligibility unknown: {}\n", d.eligibility.reasons.join("; ")),
    };
    let s = &d.supplier;
    text += &format!(
        "Supplier: {}, {}, {}, {} {}; phone {}; email {}\n",
        s.legal_name,
        s.address.street,
        s.address.city,
        s.address.state,
        s.address.zip,
        s.phone.as_deref().unwrap_or("-"),
        s.email.as_deref().unwrap_or("-")
    );
    if let Some(e) = &s.contact {
        text += &format!("Contact: {}, {}\n", e.name, e.phone.as_deref().or(e.email.as_deref()).unwrap_or("-"));
    }
    if let Some(e) = &s.emergency_contact {
        text += &format!("Emergency contact: {}, {}\n", e.name, e.phone.as_deref().unwrap_or("-"));
    }
    if let Some(o) = &c.origin {
        text += &format!(
            "Imported from OCDS: {} {}, ocid {}, from {}",
            o.kind,
            o.status.as_deref().unwrap_or(""),
            o.ocid,
            o.source
        );
        if let Some(v) = &o.value {
            text += &format!("; value {v}");
        }
        text += "\n";
    }
    if !c.amendments.is_empty() {
        text += "Amendments:\n";
        for a in &c.amendments {
            let what = a.rationale.as_deref().or(a.description.as_deref()).unwrap_or("");
            text += &format!("  {} {what}\n", a.date.as_deref().unwrap_or("(undated)"));
        }
    }
    text += "Documents:\n";
    for doc in &c.documents {
        let kept = if d.documents_kept.contains(&doc.sha256) { " [kept offline]" } else { "" };
        if doc.sha256.is_empty() {
            text += &format!("  {} ({:?}) {} (no published hash)\n", doc.title, doc.kind, doc.url);
        } else {
            text += &format!("  {} ({:?}, {} bytes) sha256 {}{kept}\n", doc.title, doc.kind, doc.size, doc.sha256);
        }
    }
    match &d.distance_from {
        Some(zip) => text += &format!("Dealers nearest {zip}:\n"),
        None => text += "Dealers (set the agency profile or use --near ZIP for distances):\n",
    }
    for dd in &d.dealers {
        let miles = dd.miles.map_or(String::new(), |m| format!("{m:.0} mi  "));
        let a = &dd.dealer.address;
        text += &format!(
            "  {miles}{}, {}, {}, {} {}; {}\n",
            dd.dealer.name,
            a.street,
            a.city,
            a.state,
            a.zip,
            dd.dealer.phone.as_deref().unwrap_or("-")
        );
    }
    text += &format!("{} items on this contract\n", d.items);
    out.write_all(text.as_bytes()).map_err(stdout_error)
}

pub fn item(store: &Store, id: &str, json: bool, out: &mut dyn Write) -> Result<()> {
    let d = store.item_detail(id)?;
    if json {
        return print_json(out, &d);
    }
    let i = &d.item;
    let mut text = format!("{}\n", i.description);
    text += &format!(
        "Supplier SKU {}; manufacturer {} part {}\n",
        i.supplier_sku,
        i.manufacturer.as_deref().unwrap_or("-"),
        i.manufacturer_part.as_deref().unwrap_or("-")
    );
    text += &format!(
        "Unit {}: list {}, contract {}, saving {}\n",
        i.unit,
        i.list_price.in_currency(i.currency),
        i.contract_price.in_currency(i.currency),
        d.saving_bps.map(format_bps).unwrap_or_else(|| "-".into())
    );
    for t in &i.price_tiers {
        text += &format!("  from {} {}: {}\n", t.min_quantity, i.unit, t.unit_price.in_currency(i.currency));
    }
    for c in &i.classifications {
        text += &format!("{} {} {}\n", c.scheme, c.code, c.name.as_deref().unwrap_or(""));
    }
    if !i.attributes.is_empty() {
        text += &format!("Attributes: {}\n", i.attributes.join(", "));
    }
    text += &format!(
        "Contract {} ({}), {}, {}, ends {}\n",
        d.contract_number, d.contract_title, d.cooperative, d.supplier, d.term_end
    );
    out.write_all(text.as_bytes()).map_err(stdout_error)
}
