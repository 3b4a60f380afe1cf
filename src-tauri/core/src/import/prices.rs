//! Vendor price files: a CSV or XLSX price list, its header row found and
//! its columns mapped from the names vendors use (SKU, manufacturer part
//! number, description, unit of issue, list price, contract price, discount,
//! commodity code, contract number, dates), every row parsed or refused with
//! a reason, a preview of what an import would add and change, and the
//! import itself into a local contract, in one transaction.

use super::table::{self, Sheet};
use super::{slug, LOCAL_FEED};
use crate::error::{Error, Result};
use crate::money::Cents;
use crate::store::Store;
use chrono::{NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A column a price file may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    ManufacturerPart,
    Sku,
    Manufacturer,
    Description,
    Unit,
    ContractPrice,
    ListPrice,
    Discount,
    Classification,
    ContractNumber,
    Vendor,
    Effective,
    Expiration,
}

/// Names vendors give each column, normalised (lower case, letters and
/// digits), most specific first. Fields are tried in this order, so that
/// "manufacturer part number" is not taken for a SKU, nor "list price" for
/// the contract price.
const NAMES: &[(Field, &[&str])] = &[
    (
        Field::ManufacturerPart,
        &["mfrpartno", "mfrpartnumber", "manufacturerpartnumber", "manufacturerspartnumber", "mfgpart", "mpn"],
    ),
    (Field::ListPrice, &["commerciallistprice", "listprice", "msrp", "retailprice", "commercialprice"]),
    (
        Field::ContractPrice,
        &[
            "priceofferedtogsaincludingiff",
            "gsaofferpriceinclusiveoftheiff",
            "gsaofferprice",
            "priceofferedtogsa",
            "contractprice",
            "netprice",
            "sellprice",
            "awardprice",
            "price",
        ],
    ),
    (Field::Discount, &["gsadiscount", "discountpercent", "discount"]),
    (
        Field::Sku,
        &[
            "dealerpartnumber",
            "catalognumber",
            "catalognumber",
            "cataloguenumber",
            "itemnumber",
            "sku",
            "vendorpartnumber",
            "partnumber",
            "partno",
        ],
    ),
    (Field::Manufacturer, &["manufacturername", "manufacturer", "mfrname", "brand"]),
    (
        Field::Description,
        &[
            "serviceproposed",
            "productdescription",
            "itemdescription",
            "description",
            "productname",
            "laborcategory",
            "itemname",
        ],
    ),
    (Field::Unit, &["unitofissue", "unitofmeasure", "uoi", "uom", "unit"]),
    (Field::Classification, &["unspsc", "commoditycode", "nigp", "sinsproposed", "sin"]),
    (Field::ContractNumber, &["contractnumber", "contractno"]),
    (Field::Vendor, &["vendorname", "vendor", "contractorname", "supplier"]),
    (Field::Effective, &["contractstartdate", "effectivedate", "startdate"]),
    (Field::Expiration, &["contractenddate", "expirationdate", "enddate"]),
];

fn normalise(text: &str) -> String {
    text.to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// Where the header is and which column holds each field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mapping {
    pub sheet: String,
    /// Zero-based row of the header.
    pub header_row: usize,
    pub columns: BTreeMap<Field, usize>,
}

/// What the clerk decided about a price file before importing it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct PriceOptions {
    /// Put every row on this contract number, whatever the file says.
    pub contract: Option<String>,
    /// The cooperative or schedule the contracts belong to.
    pub cooperative: Option<String>,
    /// The supplier the file comes from: its saved column mapping applies,
    /// and `save_mapping` saves under it. Without it, the vendor named in
    /// the file is used.
    pub supplier: Option<String>,
    /// Columns chosen by the clerk, by header text, column letter (C) or
    /// number (3); an empty text leaves the field unmapped.
    pub columns: BTreeMap<Field, String>,
    /// Remember the resulting mapping for this supplier's next file.
    pub save_mapping: bool,
}

/// How the columns were mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MappingSource {
    /// From the header names alone.
    Detected,
    /// From the mapping saved for the supplier.
    Saved,
    /// As the clerk chose for this file.
    Chosen,
}

/// A column named by header text, letter or one-based number.
fn resolve_column(headers: &[String], spec: &str) -> Option<usize> {
    let spec = spec.trim();
    let wanted = normalise(spec);
    if let Some(i) = headers.iter().position(|h| !wanted.is_empty() && normalise(h) == wanted) {
        return Some(i);
    }
    if let Ok(n) = spec.parse::<usize>() {
        return (1..=headers.len().max(1)).contains(&n).then(|| n - 1);
    }
    if !spec.is_empty() && spec.len() <= 2 && spec.chars().all(|c| c.is_ascii_alphabetic()) {
        let n = spec.to_ascii_uppercase().bytes().fold(0usize, |n, b| n * 26 + (b - b'A' + 1) as usize);
        return Some(n - 1);
    }
    None
}

/// The header row holding every named column, for files whose header the
/// names vendors use do not give away.
fn find_header(sheets: &[Sheet], names: &[&String]) -> Option<Mapping> {
    // Letters and numbers name a position, not a header.
    let texts: Vec<String> =
        names.iter().map(|n| n.trim()).filter(|n| n.parse::<usize>().is_err() && n.len() > 2).map(normalise).collect();
    if texts.is_empty() {
        return None;
    }
    // The row naming the most of them; a name on no row is reported when
    // the columns are applied.
    let mut best: Option<(usize, Mapping)> = None;
    for sheet in sheets {
        for (row, cells) in sheet.rows.iter().take(30).enumerate() {
            let norm: Vec<String> = cells.iter().map(|c| normalise(c)).collect();
            let found = texts.iter().filter(|t| norm.contains(t)).count();
            if found > 0 && best.as_ref().is_none_or(|(n, _)| found > *n) {
                best =
                    Some((found, Mapping { sheet: sheet.name.clone(), header_row: row, columns: map_header(cells) }));
            }
        }
    }
    best.map(|(_, m)| m)
}

/// The first row with two or more cells of text, as a header to map by hand.
fn first_text_row(sheets: &[Sheet]) -> Option<Mapping> {
    sheets.iter().find_map(|sheet| {
        let row = sheet.rows.iter().take(30).position(|r| {
            r.iter().filter(|c| c.chars().any(char::is_alphabetic) && c.parse::<f64>().is_err()).count() >= 2
        })?;
        Some(Mapping { sheet: sheet.name.clone(), header_row: row, columns: map_header(&sheet.rows[row]) })
    })
}

/// Applies chosen columns on top of a mapping.
fn apply_columns(sheets: &[Sheet], mapping: &mut Mapping, columns: &BTreeMap<Field, String>) -> Result<()> {
    let headers = header_cells(sheets, mapping);
    for (field, spec) in columns {
        mapping.columns.remove(field);
        if spec.trim().is_empty() {
            continue;
        }
        let i = resolve_column(&headers, spec).ok_or_else(|| {
            Error::Invalid(format!(
                "The file has no column '{spec}' for {}. Its columns are: {}.",
                field.label(),
                headers.iter().filter(|h| !h.is_empty()).cloned().collect::<Vec<_>>().join(", ")
            ))
        })?;
        // A column holds one field: the clerk's choice wins over detection.
        mapping.columns.retain(|_, c| *c != i);
        mapping.columns.insert(*field, i);
    }
    Ok(())
}

fn header_cells(sheets: &[Sheet], mapping: &Mapping) -> Vec<String> {
    sheets
        .iter()
        .find(|s| s.name == mapping.sheet)
        .and_then(|s| s.rows.get(mapping.header_row))
        .cloned()
        .unwrap_or_default()
}

impl Field {
    pub const ALL: [Field; 13] = [
        Field::Sku,
        Field::Manufacturer,
        Field::ManufacturerPart,
        Field::Description,
        Field::Unit,
        Field::ListPrice,
        Field::ContractPrice,
        Field::Discount,
        Field::Classification,
        Field::ContractNumber,
        Field::Vendor,
        Field::Effective,
        Field::Expiration,
    ];

    /// The field's name as the clerk reads it.
    pub fn label(self) -> &'static str {
        match self {
            Field::ManufacturerPart => "manufacturer part number",
            Field::Sku => "SKU or catalog number",
            Field::Manufacturer => "manufacturer",
            Field::Description => "description",
            Field::Unit => "unit of measure",
            Field::ContractPrice => "contract price",
            Field::ListPrice => "list price",
            Field::Discount => "discount %",
            Field::Classification => "commodity code",
            Field::ContractNumber => "contract number",
            Field::Vendor => "vendor",
            Field::Effective => "effective date",
            Field::Expiration => "expiration date",
        }
    }
}

impl std::str::FromStr for Field {
    type Err = String;
    /// The snake_case name (`contract_price`) or the label.
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let want = normalise(s);
        Field::ALL
            .into_iter()
            .find(|f| {
                let snake = serde_json::to_value(f).ok().and_then(|v| v.as_str().map(normalise)).unwrap_or_default();
                snake == want || normalise(f.label()) == want
            })
            .ok_or_else(|| {
                let names: Vec<String> = Field::ALL
                    .iter()
                    .filter_map(|f| serde_json::to_value(f).ok().and_then(|v| v.as_str().map(str::to_owned)))
                    .collect();
                format!("'{s}' is not a price-file field; use one of {}", names.join(", "))
            })
    }
}

fn map_header(cells: &[String]) -> BTreeMap<Field, usize> {
    let norm: Vec<String> = cells.iter().map(|c| normalise(c)).collect();
    let mut taken = vec![false; cells.len()];
    let mut columns = BTreeMap::new();
    for (field, names) in NAMES {
        'names: for name in *names {
            for (i, cell) in norm.iter().enumerate() {
                if !taken[i] && !cell.is_empty() && cell.starts_with(name) {
                    taken[i] = true;
                    columns.insert(*field, i);
                    break 'names;
                }
            }
        }
    }
    columns
}

/// Finds the header: among the rows, in the first 30 of any sheet, that
/// name a description and a price, the one with the most priced rows below
/// it (a workbook's empty template sheets lose), then the most known columns.
pub fn detect(sheets: &[Sheet]) -> Option<Mapping> {
    let mut best: Option<((usize, usize), Mapping)> = None;
    for sheet in sheets {
        for (row, cells) in sheet.rows.iter().take(30).enumerate() {
            let columns = map_header(cells);
            let price = columns.get(&Field::ContractPrice).or(columns.get(&Field::ListPrice));
            let (Some(&desc), Some(&price)) = (columns.get(&Field::Description), price) else { continue };
            let priced = sheet.rows[row + 1..]
                .iter()
                .take(5_000)
                .filter(|r| {
                    r.get(desc).is_some_and(|d| !d.is_empty())
                        && r.get(price).is_some_and(|p| p.chars().any(|c| c.is_ascii_digit()))
                })
                .count();
            let score = (priced, columns.len());
            if priced > 0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, Mapping { sheet: sheet.name.clone(), header_row: row, columns }));
            }
        }
    }
    best.map(|(_, m)| m)
}

/// A price-list row that parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PriceRow {
    /// One-based line (row) in the sheet, as a spreadsheet numbers it.
    pub line: usize,
    pub sku: String,
    pub manufacturer: Option<String>,
    pub manufacturer_part: Option<String>,
    pub description: String,
    pub unit: String,
    pub list_price: Cents,
    pub contract_price: Cents,
    pub classification: Option<String>,
    pub contract_number: Option<String>,
    pub vendor: Option<String>,
    pub effective: Option<NaiveDate>,
    pub expiration: Option<NaiveDate>,
}

/// A row refused, and why, in words the vendor can fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Refused {
    pub line: usize,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Parsed {
    pub mapping: Mapping,
    pub rows: Vec<PriceRow>,
    pub refused: Vec<Refused>,
    /// Lines under the header that explain how to fill it in.
    pub instructions: Vec<usize>,
}

fn money(text: &str) -> Option<Cents> {
    let t = text.trim().trim_start_matches('$').trim();
    Cents::parse(t).or_else(|| {
        // Spreadsheets store 125.4 for $125.40, and sometimes more decimals
        // from a formula; a price is rounded to the cent only when it is
        // within a hundredth of a cent of one.
        let f: f64 = t.replace(',', "").parse().ok()?;
        let cents = (f * 100.0).round();
        ((f * 100.0 - cents).abs() < 0.01 && cents.is_finite()).then_some(Cents(cents as i64))
    })
}

/// ISO dates, and US month/day/year with a two- or four-digit year.
fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let two_digit_year = t.rsplit('/').next().is_some_and(|y| y.len() == 2);
    let us = if two_digit_year { "%m/%d/%y" } else { "%m/%d/%Y" };
    NaiveDate::parse_from_str(t, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(t, us)).ok()
}

/// Parses every row below the header.
pub fn parse(sheets: &[Sheet], mapping: &Mapping) -> Result<Parsed> {
    let sheet = sheets
        .iter()
        .find(|s| s.name == mapping.sheet)
        .ok_or_else(|| Error::not_found_on("sheet", &mapping.sheet, "the file"))?;
    fn cell<'r>(mapping: &Mapping, row: &'r [String], f: Field) -> &'r str {
        mapping.columns.get(&f).and_then(|&i| row.get(i)).map(|s| s.trim()).unwrap_or("")
    }
    let col = |row: &'_ [String], f: Field| -> String { cell(mapping, row, f).to_owned() };
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let mut parsed = Parsed { mapping: mapping.clone(), rows: vec![], refused: vec![], instructions: vec![] };
    for (i, row) in sheet.rows.iter().enumerate().skip(mapping.header_row + 1) {
        let line = i + 1;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let price_text = if mapping.columns.contains_key(&Field::ContractPrice) {
            col(row, Field::ContractPrice)
        } else {
            col(row, Field::ListPrice)
        };
        let price_text = price_text.as_str();
        // The row under a template's header often explains each column in
        // sentences ("Price with two decimal places").
        if i <= mapping.header_row + 2 && !price_text.chars().any(|c| c.is_ascii_digit()) && price_text.contains(' ') {
            parsed.instructions.push(line);
            continue;
        }
        let refuse = |reason: String| Refused { line, reason };
        let description = col(row, Field::Description);
        let description = description.as_str();
        if description.is_empty() && price_text.is_empty() {
            // A formatted but unused row of a template.
            continue;
        }
        if description.is_empty() {
            parsed.refused.push(refuse("the description is missing".into()));
            continue;
        }
        let Some(mut contract_price) = money(price_text) else {
            parsed.refused.push(refuse(if price_text.is_empty() {
                "the price is missing".into()
            } else {
                format!("the price '{price_text}' is not a number")
            }));
            continue;
        };
        let list_price = match opt(&col(row, Field::ListPrice)).map(|t| money(&t).ok_or(t)) {
            Some(Ok(p)) => p,
            Some(Err(t)) => {
                parsed.refused.push(refuse(format!("the list price '{t}' is not a number")));
                continue;
            }
            None => contract_price,
        };
        if !mapping.columns.contains_key(&Field::ContractPrice) {
            // Only a list price and a discount: the contract price follows.
            let pct: f64 = col(row, Field::Discount).trim_end_matches('%').trim().parse().unwrap_or(0.0);
            contract_price = Cents((list_price.0 as f64 * (1.0 - pct / 100.0)).round() as i64);
        }
        if contract_price.0 <= 0 {
            parsed.refused.push(refuse(format!("the price {contract_price} is not above zero")));
            continue;
        }
        let manufacturer_part = opt(&col(row, Field::ManufacturerPart));
        let classification = opt(&col(row, Field::Classification));
        let sku = opt(&col(row, Field::Sku)).or(manufacturer_part.clone()).unwrap_or_else(|| {
            // Services (labor categories) have no part number: their category
            // and title identify them on the price list.
            format!("{}-{}", classification.as_deref().map(slug).unwrap_or_default(), slug(description))
                .trim_matches('-')
                .to_owned()
        });
        let (effective, expiration) = (col(row, Field::Effective), col(row, Field::Expiration));
        let effective_date = date(&effective);
        let expiration_date = date(&expiration);
        if !effective.is_empty() && effective_date.is_none() {
            parsed.refused.push(refuse(format!("the start date '{effective}' is not a date")));
            continue;
        }
        if !expiration.is_empty() && expiration_date.is_none() {
            parsed.refused.push(refuse(format!("the end date '{expiration}' is not a date")));
            continue;
        }
        parsed.rows.push(PriceRow {
            line,
            sku,
            manufacturer: opt(&col(row, Field::Manufacturer)),
            manufacturer_part,
            description: description.to_owned(),
            unit: opt(&col(row, Field::Unit)).unwrap_or_else(|| "EA".into()),
            list_price: list_price.max(contract_price),
            contract_price,
            classification,
            contract_number: opt(&col(row, Field::ContractNumber)),
            vendor: opt(&col(row, Field::Vendor)),
            effective: effective_date,
            expiration: expiration_date,
        });
    }
    Ok(parsed)
}

/// What an import would do to one contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContractChanges {
    pub contract_number: String,
    pub vendor: String,
    /// The local contract's id (existing or to be created).
    pub contract_id: String,
    /// The rows go on a contract already in the catalogue (imported from an
    /// OCDS publication, or an earlier price file).
    pub existing: bool,
    /// What the clerk should know about where the rows go.
    pub note: Option<String>,
    pub added: Vec<PriceRow>,
    /// Rows whose item exists with another price: (row, price now).
    pub changed: Vec<(PriceRow, Cents)>,
    pub unchanged: usize,
}

/// What an import would do, before it does it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Preview {
    pub file: String,
    pub mapping: Mapping,
    /// The header row's cells, for choosing columns.
    pub headers: Vec<String>,
    pub mapping_source: MappingSource,
    /// The supplier whose saved mapping applies (or would be saved).
    pub supplier: Option<String>,
    /// True until the import is done: a preview changes nothing.
    pub dry_run: bool,
    /// Fields no column gives yet, without which nothing can be imported
    /// (a description and a price): the clerk chooses their columns.
    pub missing: Vec<Field>,
    /// One entry per contract the file prices, in the order they appear.
    pub contracts: Vec<ContractChanges>,
    pub refused: Vec<Refused>,
    pub instructions: Vec<usize>,
    /// Lines superseded by a later row for the same item (the last counts).
    pub duplicates: Vec<usize>,
}

impl Preview {
    pub fn added(&self) -> usize {
        self.contracts.iter().map(|c| c.added.len()).sum()
    }
    pub fn changed(&self) -> usize {
        self.contracts.iter().map(|c| c.changed.len()).sum()
    }
    pub fn unchanged(&self) -> usize {
        self.contracts.iter().map(|c| c.unchanged).sum()
    }
}

fn local_item_id(contract: &str, sku: &str) -> String {
    format!("local-{}-{}", slug(contract), slug(sku))
}

fn local_contract_id(contract: &str) -> String {
    format!("local-{}", slug(contract))
}

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
            duplicates: vec![],
        };
        // Without a description and a price, the columns are all there is
        // to show: the clerk chooses them first.
        if preview.missing.is_empty() {
            self.sort_rows(&sheets, contract, options, &mut preview)?;
        }
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
        for r in parsed.rows {
            let Some(number) = contract.map(str::to_owned).or(r.contract_number.clone()) else {
                refused.push(Refused {
                    line: r.line,
                    reason: "no contract number: give one for the whole file (--contract)".into(),
                });
                continue;
            };
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
                "{file} has no column for the {} that coopdesk recognises; choose the columns and try again. Nothing was imported.",
                names.join(" or the ")
            )));
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
        let coop_id = format!("local-{}", slug(coop_name));
        let tx = self.conn_mut().transaction()?;
        super::ensure_local_feed(&tx)?;
        tx.execute(
            "INSERT INTO cooperatives (id, feed_id, name, lead_agency, membership_required, website) VALUES (?1, ?2, ?3, NULL, 0, NULL)
             ON CONFLICT(id) DO NOTHING",
            params![coop_id, LOCAL_FEED, coop_name],
        )?;
        let scheme = classification_scheme(&preview);
        for group in &preview.contracts {
            let supplier_id = format!("local-{}", slug(&group.vendor));
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
                    format!("{} price list", group.vendor),
                    start.to_string(),
                    end.to_string()
                ],
            )?;
            for r in rows {
                let classes = match &r.classification {
                    Some(c) => serde_json::json!([{ "scheme": scheme, "code": c.trim() }]).to_string(),
                    None => "[]".into(),
                };
                tx.execute(
                    "INSERT INTO items (id, feed_id, contract_id, supplier_sku, manufacturer, manufacturer_part, description, unit,
                         list_cents, contract_cents, classifications, price_tiers, attributes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, '[]', '[]')
                     ON CONFLICT(id) DO UPDATE SET description = excluded.description, unit = excluded.unit,
                         list_cents = excluded.list_cents, contract_cents = excluded.contract_cents,
                         manufacturer = excluded.manufacturer, manufacturer_part = excluded.manufacturer_part,
                         classifications = excluded.classifications",
                    params![
                        local_item_id(&group.contract_number, &r.sku),
                        LOCAL_FEED,
                        group.contract_id,
                        r.sku,
                        r.manufacturer,
                        r.manufacturer_part,
                        r.description,
                        r.unit,
                        r.list_price.0,
                        r.contract_price.0,
                        classes
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
        super::log_import(&tx, "prices", file, &crate::digest::sha256_hex(bytes), &ImportLog::of(&preview))?;
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

    /// Forgets a supplier's saved mapping.
    pub fn forget_price_mapping(&mut self, supplier: &str) -> Result<bool> {
        Ok(self.conn().execute("DELETE FROM price_mappings WHERE supplier = ?1", [normalise(supplier)])? > 0)
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
