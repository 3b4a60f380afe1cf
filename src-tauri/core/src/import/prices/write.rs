//! The import itself: a preview's rows written as local contracts, suppliers
//! and items in one transaction (a dry run rolls it back), the supplier's
//! mapping saved, and the import logged.

use super::columns::*;
use super::parse::*;
use super::preview::*;
use super::records::{self, local_contract_id, local_cooperative_id, local_item_id, local_supplier_id};
use super::PriceOptions;
use crate::error::{Error, Result};
use crate::import::table::{self, normalise, resolve_column, Sheet};
use crate::import::LOCAL_FEED;
use crate::money::Cents;
use crate::store::Store;
use chrono::Utc;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeMap;

impl Store {
    /// Reads a price file and says what importing it would do, with the
    /// supplier's saved mapping and the clerk's chosen columns applied.
    pub fn preview_price_file(&self, file: &str, bytes: &[u8], options: &PriceOptions) -> Result<Preview> {
        let contract = options.contract.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let sheets = table::read(file, bytes)?;
        let detected = detect(&sheets);
        // The supplier is the one named, else the vendor the file names.
        let supplier = options.supplier.clone().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).or_else(|| {
            let m = detected.as_ref()?;
            let col = *m.columns.get(&Field::Vendor)?;
            let sheet = sheets.iter().find(|s| s.name == m.sheet)?;
            sheet
                .rows
                .iter()
                .skip(m.header_row + 1)
                .filter_map(|r| r.get(col))
                .find(|v| !v.trim().is_empty() && v.len() < 200)
                .cloned()
        });
        let saved = match &supplier {
            Some(s) => self.saved_price_mapping(s)?,
            None => None,
        };
        let mut columns = saved.clone().unwrap_or_default();
        columns.extend(options.columns.iter().map(|(f, c)| (*f, c.clone())));
        let mapping_source = if !options.columns.is_empty() {
            MappingSource::Chosen
        } else if saved.is_some() {
            MappingSource::Saved
        } else {
            MappingSource::Detected
        };
        let names: Vec<&String> = columns.values().collect();
        let mut mapping = match detected {
            // Chosen names that are not on the detected row point elsewhere.
            Some(m)
                if names
                    .iter()
                    .all(|n| n.trim().is_empty() || resolve_column(&header_cells(&sheets, &m), n).is_some()) =>
            {
                m
            }
            // With no header recognised, the first row of text is offered
            // as the header for the clerk to map by hand.
            other => find_header(&sheets, &names)
                .or(other)
                .or_else(|| first_text_row(&sheets))
                .ok_or_else(|| Error::Invalid(format!("{file} holds no rows of text, so it is not a price list.")))?,
        };
        apply_columns(&sheets, &mut mapping, &columns)?;
        let headers = header_cells(&sheets, &mapping);
        let mut missing = Vec::new();
        if !mapping.columns.contains_key(&Field::Description) {
            missing.push(Field::Description);
        }
        if !(mapping.columns.contains_key(&Field::ContractPrice) || mapping.columns.contains_key(&Field::ListPrice)) {
            missing.push(Field::ContractPrice);
        }
        let mut preview = Preview {
            file: file.to_owned(),
            mapping,
            headers,
            mapping_source,
            supplier,
            dry_run: true,
            missing,
            contracts: vec![],
            refused: vec![],
            instructions: vec![],
            skipped: vec![],
            rounded: vec![],
            rounded_note: None,
            empty_note: None,
            duplicates: vec![],
        };
        // Without a description and a price, the columns are all there is
        // to show: the clerk chooses them first.
        if preview.missing.is_empty() {
            self.sort_rows(&sheets, contract, options, &mut preview)?;
        }
        preview.rounded_note = preview.describe_rounding();
        preview.empty_note = preview.describe_emptiness();
        Ok(preview)
    }

    /// Parses the rows under the preview's mapping and sorts them into
    /// contracts: added, repriced or unchanged against the catalogue.
    fn sort_rows(
        &self,
        sheets: &[Sheet],
        contract: Option<&str>,
        options: &PriceOptions,
        preview: &mut Preview,
    ) -> Result<()> {
        let parsed = parse(sheets, &preview.mapping)?;
        let mut refused = parsed.refused;
        let mut groups: Vec<ContractChanges> = Vec::new();
        let mut rows_by_item: BTreeMap<String, (usize, PriceRow)> = BTreeMap::new();
        let mut duplicates = Vec::new();
        let scheme = classification_scheme(preview);
        // Contracts whose number or vendor is beyond the model's bounds: all
        // their rows are refused for it.
        let mut unstorable: BTreeMap<String, String> = BTreeMap::new();
        for r in parsed.rows {
            let Some(number) = contract.map(str::to_owned).or(r.contract_number.clone()) else {
                refused.push(Refused {
                    line: r.line,
                    reason: "no contract number: give one for the whole file (--contract)".into(),
                });
                continue;
            };
            if let Some(reason) = unstorable.get(&number) {
                refused.push(Refused { line: r.line, reason: reason.clone() });
                continue;
            }
            let g = match groups.iter().position(|g| g.contract_number == number) {
                Some(g) => g,
                None => {
                    let existing = self.local_contract_for(&number)?;
                    let vendor = r
                        .vendor
                        .clone()
                        .or_else(|| options.supplier.clone().filter(|s| !s.trim().is_empty()))
                        .or_else(|| existing.as_ref().map(|(_, supplier)| supplier.clone()))
                        .unwrap_or_else(|| "Unnamed vendor".into());
                    if let Some(reason) = records::contract_refusal(&number, &vendor) {
                        refused.push(Refused { line: r.line, reason: reason.clone() });
                        unstorable.insert(number, reason);
                        continue;
                    }
                    let note = match &existing {
                        Some(_) => None,
                        None => self.feed_contract_with_number(&number)?.map(|feed| {
                            format!(
                                "Feed '{feed}' has a contract numbered {number} too; these prices go on a local contract of their own, which syncs never change."
                            )
                        }),
                    };
                    groups.push(ContractChanges {
                        contract_id: existing
                            .as_ref()
                            .map(|(id, _)| id.clone())
                            .unwrap_or_else(|| local_contract_id(&number)),
                        existing: existing.is_some(),
                        note,
                        vendor,
                        contract_number: number.clone(),
                        added: vec![],
                        changed: vec![],
                        unchanged: 0,
                    });
                    groups.len() - 1
                }
            };
            if let Err(invalid) = records::item(&r, &groups[g].contract_id, &number, scheme).validate() {
                refused.push(Refused { line: r.line, reason: records::reason(invalid) });
                continue;
            }
            if let Some((_, prev)) = rows_by_item.insert(local_item_id(&number, &r.sku), (g, r)) {
                duplicates.push(prev.line);
            }
        }
        let mut stmt = self.conn().prepare("SELECT contract_cents FROM items WHERE id = ?1")?;
        let mut rows: Vec<(String, (usize, PriceRow))> = rows_by_item.into_iter().collect();
        rows.sort_by_key(|(_, (_, r))| r.line);
        for (id, (g, r)) in rows {
            let group = &mut groups[g];
            match stmt.query_row([&id], |row| row.get::<_, i64>(0)).optional()? {
                None => group.added.push(r),
                Some(c) if c != r.contract_price.0 => group.changed.push((r, Cents(c))),
                Some(_) => group.unchanged += 1,
            }
        }
        refused.sort_by_key(|r| r.line);
        preview.contracts = groups;
        preview.refused = refused;
        preview.instructions = parsed.instructions;
        preview.skipped = parsed.skipped;
        preview.rounded = parsed.rounded;
        preview.duplicates = duplicates;
        Ok(())
    }

    /// A local contract the rows of `number` can go on: one with that id,
    /// else with that number (an OCDS contract the vendor's prices are for),
    /// with its supplier's name.
    fn local_contract_for(&self, number: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT c.id, s.legal_name FROM contracts c JOIN suppliers s ON s.id = c.supplier_id
                 WHERE c.feed_id = ?1 AND (c.id = ?2 OR c.number = ?2 OR c.id = ?3)
                 ORDER BY c.id = ?2 DESC, c.id = ?3 DESC, c.id LIMIT 1",
                params![LOCAL_FEED, number, local_contract_id(number)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The feed whose contract has this number, if one has.
    fn feed_contract_with_number(&self, number: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT feed_id FROM contracts WHERE feed_id != ?1 AND number = ?2 LIMIT 1",
                params![LOCAL_FEED, number],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Imports a price file: each contract it prices becomes (or updates) a
    /// local contract; its items are added or repriced, and items it does not
    /// list are left as they are. One transaction for the whole file.
    pub fn import_price_file(&mut self, file: &str, bytes: &[u8], options: &PriceOptions) -> Result<Preview> {
        let mut preview = self.preview_price_file(file, bytes, options)?;
        if !preview.missing.is_empty() {
            let names: Vec<&str> = preview.missing.iter().map(|f| f.label()).collect();
            return Err(Error::Invalid(format!(
                "{file} has no column for the {} that coopdesk recognizes; choose the columns and try again. Nothing was imported.",
                names.join(" or the ")
            )));
        }
        let rows = preview.added() + preview.changed() + preview.unchanged();
        if rows == 0 {
            let reason = match preview.refused.first() {
                Some(first) if preview.refused.len() > 1 => format!(
                    "{file}, row {}: {} ({})",
                    first.line,
                    first.reason,
                    match preview.refused.len() - 1 {
                        1 => "1 other row was refused too".to_owned(),
                        n => format!("{n} other rows were refused too"),
                    }
                ),
                Some(first) => format!("{file}, row {}: {}", first.line, first.reason),
                None if preview.skipped.is_empty() => format!("{file} has no price rows under its header"),
                None => {
                    let skipped: Vec<&str> = preview.skipped.iter().map(|s| s.summary.as_str()).collect();
                    format!("{file} has no price rows under its header ({})", skipped.join("; "))
                }
            };
            return Err(Error::Invalid(format!("{reason}. Nothing was imported.")));
        }
        preview.dry_run = false;
        let cooperative = options.cooperative.as_deref();
        if options.save_mapping && preview.supplier.is_none() {
            return Err(Error::Invalid(
                "Name the supplier to save the column mapping for (the file names no vendor). Nothing was imported."
                    .into(),
            ));
        }
        let coop_name = cooperative.map(str::trim).filter(|c| !c.is_empty()).unwrap_or("Imported price lists");
        if let Some(reason) = records::cooperative_refusal(coop_name) {
            return Err(Error::Invalid(format!("Cannot import {file}: {reason}. Nothing was imported.")));
        }
        let coop_id = local_cooperative_id(coop_name);
        let tx = self.conn_mut().transaction()?;
        crate::import::ensure_local_feed(&tx)?;
        tx.execute(
            "INSERT INTO cooperatives (id, feed_id, name, lead_agency, membership_required, website) VALUES (?1, ?2, ?3, NULL, 0, NULL)
             ON CONFLICT(id) DO NOTHING",
            params![coop_id, LOCAL_FEED, coop_name],
        )?;
        let scheme = classification_scheme(&preview);
        for group in &preview.contracts {
            let supplier_id = local_supplier_id(&group.vendor);
            if !group.existing {
                tx.execute(
                    "INSERT INTO suppliers (id, feed_id, legal_name, identifiers, street, city, state, zip) VALUES (?1, ?2, ?3, '[]', '', '', '', '')
                     ON CONFLICT(id) DO NOTHING",
                    params![supplier_id, LOCAL_FEED, group.vendor],
                )?;
            }
            let rows: Vec<&PriceRow> = group.added.iter().chain(group.changed.iter().map(|(r, _)| r)).collect();
            let start = rows.iter().filter_map(|r| r.effective).min().unwrap_or_else(|| Utc::now().date_naive());
            let end = rows.iter().filter_map(|r| r.expiration).max().unwrap_or(start + chrono::Duration::days(365));
            tx.execute(
                "INSERT INTO contracts (id, feed_id, cooperative_id, supplier_id, number, title, lead_agency, term_start, term_end,
                     max_extension_end, eligibility, documents)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, NULL, '{}', '[]')
                 ON CONFLICT(id) DO UPDATE SET term_start = min(term_start, excluded.term_start), term_end = max(term_end, excluded.term_end)
                 -- A published contract's term is the publisher's, not the price list's.
                 WHERE contracts.origin IS NULL",
                params![
                    group.contract_id,
                    LOCAL_FEED,
                    coop_id,
                    supplier_id,
                    group.contract_number,
                    records::price_list_title(&group.vendor),
                    start.to_string(),
                    end.to_string()
                ],
            )?;
            for r in rows {
                // The very record the preview checked against the model.
                let item = records::item(r, &group.contract_id, &group.contract_number, scheme);
                tx.execute(
                    "INSERT INTO items (id, feed_id, contract_id, supplier_sku, manufacturer, manufacturer_part, description, unit,
                         list_cents, contract_cents, classifications, price_tiers, attributes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, '[]', '[]')
                     ON CONFLICT(id) DO UPDATE SET description = excluded.description, unit = excluded.unit,
                         list_cents = excluded.list_cents, contract_cents = excluded.contract_cents,
                         manufacturer = excluded.manufacturer, manufacturer_part = excluded.manufacturer_part,
                         classifications = excluded.classifications",
                    params![
                        item.id,
                        LOCAL_FEED,
                        item.contract_id,
                        item.supplier_sku,
                        item.manufacturer,
                        item.manufacturer_part,
                        item.description,
                        item.unit,
                        item.list_price.0,
                        item.contract_price.0,
                        serde_json::to_string(&item.classifications).map_err(Error::internal)?
                    ],
                )?;
            }
        }
        if options.save_mapping {
            if let Some(supplier) = &preview.supplier {
                let named: BTreeMap<Field, String> = preview
                    .mapping
                    .columns
                    .iter()
                    .map(|(f, &i)| {
                        (
                            *f,
                            preview
                                .headers
                                .get(i)
                                .filter(|h| !h.trim().is_empty())
                                .cloned()
                                .unwrap_or_else(|| (i + 1).to_string()),
                        )
                    })
                    .collect();
                save_mapping(&tx, supplier, &named)?;
            }
        }
        crate::import::log_import(&tx, "prices", file, &crate::digest::sha256_hex(bytes), &ImportLog::of(&preview))?;
        tx.commit()?;
        Ok(preview)
    }

    /// The column mapping saved for a supplier, by header text.
    pub fn saved_price_mapping(&self, supplier: &str) -> Result<Option<BTreeMap<Field, String>>> {
        let json: Option<String> = self
            .conn()
            .query_row("SELECT mapping FROM price_mappings WHERE supplier = ?1", [normalise(supplier)], |r| r.get(0))
            .optional()?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }
}

fn save_mapping(tx: &rusqlite::Transaction, supplier: &str, mapping: &BTreeMap<Field, String>) -> Result<()> {
    tx.execute(
        "INSERT INTO price_mappings (supplier, mapping, saved_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(supplier) DO UPDATE SET mapping = excluded.mapping, saved_at = excluded.saved_at",
        params![normalise(supplier), serde_json::to_string(mapping).map_err(Error::internal)?, Utc::now().to_rfc3339()],
    )?;
    Ok(())
}

/// The classification scheme a commodity-code column's header names.
fn classification_scheme(preview: &Preview) -> &'static str {
    let header = preview
        .mapping
        .columns
        .get(&Field::Classification)
        .and_then(|&i| preview.headers.get(i))
        .map(|h| normalise(h))
        .unwrap_or_default();
    if header.starts_with("unspsc") {
        "UNSPSC"
    } else if header.starts_with("nigp") {
        "NIGP"
    } else if header.starts_with("sin") {
        "SIN"
    } else {
        "Commodity code"
    }
}

/// What the import log keeps of a price-file import.
#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct ImportLog {
    contracts: Vec<String>,
    added: usize,
    changed: usize,
    unchanged: usize,
    refused: usize,
}

impl ImportLog {
    fn of(p: &Preview) -> Self {
        ImportLog {
            contracts: p.contracts.iter().map(|c| c.contract_number.clone()).collect(),
            added: p.added(),
            changed: p.changed(),
            unchanged: p.unchanged(),
            refused: p.refused.len(),
        }
    }
}
