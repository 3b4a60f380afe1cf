//! The emergency vendor sheet: every supplier holding a valid contract this
//! agency may use in the chosen categories, with phone numbers, the
//! emergency contact and the nearest local dealers, nearest first, on paper
//! (PDF) and as CSV, so a clerk can buy by phone when the power is out.

use crate::eligibility::{evaluate, Verdict};
use crate::error::{Error, Result};
use crate::geo::miles_between;
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DealerLine {
    pub name: String,
    pub address: String,
    pub phone: Option<String>,
    pub miles: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VendorRow {
    pub supplier: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub emergency_contact: Option<String>,
    /// "Cooperative contract NUMBER, until DATE".
    pub contracts: Vec<String>,
    pub categories: Vec<String>,
    /// Nearest first, at most three.
    pub dealers: Vec<DealerLine>,
    pub nearest_miles: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VendorSheet {
    pub categories: Vec<String>,
    pub valid_on: NaiveDate,
    pub distance_from: Option<String>,
    pub rows: Vec<VendorRow>,
    /// A row comes from the bundled sample: the sheet says SAMPLE DATA.
    pub sample: bool,
}

impl Store {
    /// Suppliers with contracts active on `today` (and usable by this agency,
    /// when its profile says) that sell items in `categories`: classification
    /// codes (by prefix) or names (by part). No categories means all.
    pub fn vendor_sheet(&self, categories: &[String], near_zip: Option<&str>, today: NaiveDate) -> Result<VendorSheet> {
        let wanted: Vec<String> =
            categories.iter().map(|c| c.trim().to_lowercase()).filter(|c| !c.is_empty()).collect();
        let day = today.to_string();
        // Each active contract with the distinct classifications of its items.
        let mut stmt = self.conn().prepare(
            "SELECT DISTINCT i.contract_id, json_extract(j.value, '$.code'), ifnull(json_extract(j.value, '$.name'), ''),
                 c.feed_id = ?2
             FROM items i JOIN contracts c ON c.id = i.contract_id, json_each(i.classifications) j
             WHERE c.term_start <= ?1 AND c.term_end >= ?1",
        )?;
        let mut by_contract: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut sample_contracts = std::collections::HashSet::new();
        let rows = stmt.query_map(rusqlite::params![&day, crate::sample::SAMPLE_FEED_ID], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?))
        })?;
        for row in rows {
            let (contract, code, name, from_sample) = row?;
            if from_sample {
                sample_contracts.insert(contract.clone());
            }
            let hit = wanted.is_empty()
                || wanted.iter().any(|w| {
                    code.to_lowercase().starts_with(w) || (!name.is_empty() && name.to_lowercase().contains(w))
                });
            if hit {
                let label = if name.is_empty() { code } else { name };
                let list = by_contract.entry(contract).or_default();
                if !list.contains(&label) {
                    list.push(label);
                }
            }
        }
        let agency = self.agency_profile()?;
        let origin = crate::store::origin(self, near_zip)?;
        let mut suppliers: BTreeMap<String, VendorRow> = BTreeMap::new();
        let mut sample = false;
        for (contract_id, cats) in by_contract {
            let Some(contract) = self.contract(&contract_id)? else { continue };
            let Some(coop) = self.cooperative(&contract.cooperative_id)? else { continue };
            if agency.is_some()
                && evaluate(&contract.id, &contract.eligibility, &coop, agency.as_ref(), today).verdict
                    == Verdict::NotEligible
            {
                continue;
            }
            let Some(supplier) = self.supplier(&contract.supplier_id)? else { continue };
            let row = match suppliers.entry(supplier.id.clone()) {
                std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::btree_map::Entry::Vacant(v) => {
                    let mut dealers: Vec<DealerLine> = self
                        .dealers_of(&supplier.id)?
                        .into_iter()
                        .map(|d| DealerLine {
                            miles: origin.as_ref().map(|(_, p)| {
                                miles_between(*p, crate::geo::Point { latitude: d.latitude, longitude: d.longitude })
                            }),
                            address: format!(
                                "{}, {}, {} {}",
                                d.address.street, d.address.city, d.address.state, d.address.zip
                            ),
                            name: d.name,
                            phone: d.phone,
                        })
                        .collect();
                    dealers.sort_by(|a, b| {
                        a.miles.unwrap_or(f64::MAX).total_cmp(&b.miles.unwrap_or(f64::MAX)).then(a.name.cmp(&b.name))
                    });
                    dealers.truncate(3);
                    v.insert(VendorRow {
                        supplier: supplier.legal_name.clone(),
                        phone: supplier.phone.clone(),
                        email: supplier.email.clone(),
                        emergency_contact: supplier.emergency_contact.as_ref().map(|c| {
                            [Some(c.name.clone()), c.phone.clone(), c.email.clone()]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(", ")
                        }),
                        contracts: vec![],
                        categories: vec![],
                        nearest_miles: dealers.first().and_then(|d| d.miles),
                        dealers,
                    })
                }
            };
            sample |= sample_contracts.contains(&contract_id);
            row.contracts.push(format!("{} contract {}, until {}", coop.name, contract.number, contract.term_end));
            for c in cats {
                if !row.categories.contains(&c) {
                    row.categories.push(c);
                }
            }
        }
        let mut rows: Vec<VendorRow> = suppliers.into_values().collect();
        rows.sort_by(|a, b| {
            a.nearest_miles
                .unwrap_or(f64::MAX)
                .total_cmp(&b.nearest_miles.unwrap_or(f64::MAX))
                .then(a.supplier.cmp(&b.supplier))
        });
        Ok(VendorSheet {
            categories: categories.to_vec(),
            valid_on: today,
            distance_from: origin.map(|(z, _)| z),
            rows,
            sample,
        })
    }
}

fn miles(m: Option<f64>) -> String {
    m.map(|m| format!("{m:.0} mi")).unwrap_or_else(|| "—".into())
}

#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct SheetData<'a> {
    agency: String,
    generated: String,
    sheet: &'a VendorSheet,
    rows: Vec<RowData<'a>>,
}

#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct RowData<'a> {
    row: &'a VendorRow,
    dealers: Vec<String>,
}

/// The sheet as a printable PDF (US Letter, landscape-free: one column).
pub fn vendor_sheet_pdf(sheet: &VendorSheet, agency: &str, generated_at: DateTime<Utc>) -> Result<Vec<u8>> {
    let data = SheetData {
        agency: agency.to_owned(),
        generated: generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        rows: sheet
            .rows
            .iter()
            .map(|r| RowData {
                row: r,
                dealers: r
                    .dealers
                    .iter()
                    .map(|d| {
                        format!(
                            "{} ({}) {}, {}",
                            d.name,
                            miles(d.miles),
                            d.address,
                            d.phone.clone().unwrap_or_default()
                        )
                    })
                    .collect(),
            })
            .collect(),
        sheet,
    };
    let files = vec![("data.json".to_owned(), serde_json::to_vec(&data).expect("serialises"))];
    crate::packet::typeset(crate::packet::world::VENDOR_SHEET, files, "vendor-sheet", generated_at).map(|(pdf, _)| pdf)
}

/// The sheet as CSV, one row per dealer (or per supplier without dealers).
pub fn vendor_sheet_csv(sheet: &VendorSheet) -> Result<String> {
    let err = |e: csv::Error| Error::io("the vendor sheet CSV", std::io::Error::other(e.to_string()));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "supplier",
        "phone",
        "emergency_contact",
        "contracts",
        "categories",
        "dealer",
        "dealer_address",
        "dealer_phone",
        "miles",
    ])
    .map_err(err)?;
    for r in &sheet.rows {
        let base = [
            r.supplier.clone(),
            r.phone.clone().unwrap_or_default(),
            r.emergency_contact.clone().unwrap_or_default(),
            r.contracts.join("; "),
            r.categories.join("; "),
        ];
        if r.dealers.is_empty() {
            w.write_record(base.iter().cloned().chain([String::new(), String::new(), String::new(), String::new()]))
                .map_err(err)?;
        }
        for d in &r.dealers {
            let extra = [
                d.name.clone(),
                d.address.clone(),
                d.phone.clone().unwrap_or_default(),
                d.miles.map(|m| format!("{m:.1}")).unwrap_or_default(),
            ];
            w.write_record(base.iter().cloned().chain(extra)).map_err(err)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| Error::io("the vendor sheet CSV", std::io::Error::other(e.to_string())))?;
    Ok(format!("\u{feff}{}", String::from_utf8(bytes).expect("UTF-8")))
}
