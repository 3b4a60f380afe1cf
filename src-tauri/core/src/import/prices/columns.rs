//! Which column holds what: the names vendors give their columns, finding
//! the header row, and the clerk's or the saved choice of columns applied.

use crate::error::{Error, Result};
use crate::import::table::{choose_columns, header_list, normalise, Sheet};
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

/// Where the header is and which column holds each field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mapping {
    pub sheet: String,
    /// Zero-based row of the header.
    pub header_row: usize,
    pub columns: BTreeMap<Field, usize>,
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

/// The header row holding every named column, for files whose header the
/// names vendors use do not give away.
pub(super) fn find_header(sheets: &[Sheet], names: &[&String]) -> Option<Mapping> {
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
pub(super) fn first_text_row(sheets: &[Sheet]) -> Option<Mapping> {
    sheets.iter().find_map(|sheet| {
        let row = sheet.rows.iter().take(30).position(|r| {
            r.iter().filter(|c| c.chars().any(char::is_alphabetic) && c.parse::<f64>().is_err()).count() >= 2
        })?;
        Some(Mapping { sheet: sheet.name.clone(), header_row: row, columns: map_header(&sheet.rows[row]) })
    })
}

/// Applies chosen columns on top of a mapping.
pub(super) fn apply_columns(sheets: &[Sheet], mapping: &mut Mapping, columns: &BTreeMap<Field, String>) -> Result<()> {
    let headers = header_cells(sheets, mapping);
    choose_columns(&headers, &mut mapping.columns, columns).map_err(|(field, spec)| {
        Error::Invalid(format!(
            "The file has no column '{spec}' for {}. Its columns are: {}.",
            field.label(),
            header_list(&headers)
        ))
    })
}

pub(super) fn header_cells(sheets: &[Sheet], mapping: &Mapping) -> Vec<String> {
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
        crate::import::table::field_named(s, &Field::ALL, Field::label, "a price-file field")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(name: &str, rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: name.into(),
            rows: rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn the_header_is_found_below_a_title_and_named_as_vendors_name_it() {
        let s = sheet(
            "Price list",
            &[
                &["Acme Supply, GSA Schedule 70", "", ""],
                &["", "", ""],
                &["Mfr Part No.", "Item Description", "Net Price", "Commercial List Price"],
                &["AB-1", "UPS battery, 12 V", "$89.00", "$120.00"],
                &["AB-2", "UPS battery, 24 V", "$149.00", "$199.00"],
            ],
        );
        let m = detect(&[s]).expect("a header");
        assert_eq!((m.sheet.as_str(), m.header_row), ("Price list", 2));
        assert_eq!(m.columns.get(&Field::ManufacturerPart), Some(&0));
        assert_eq!(m.columns.get(&Field::Description), Some(&1));
        assert_eq!(m.columns.get(&Field::ContractPrice), Some(&2));
        assert_eq!(m.columns.get(&Field::ListPrice), Some(&3));
    }

    #[test]
    fn an_empty_template_sheet_loses_to_the_one_with_prices() {
        let template = sheet("Template", &[&["Description", "Price"]]);
        let priced = sheet("Rates", &[&["Description", "Price"], &["Labor, senior engineer", "155.20"]]);
        assert_eq!(detect(&[template, priced]).unwrap().sheet, "Rates");
    }

    #[test]
    fn no_description_or_no_price_is_no_header() {
        assert_eq!(detect(&[sheet("a", &[&["SKU", "Price"], &["X-1", "5.00"]])]), None);
        assert_eq!(detect(&[sheet("a", &[&["SKU", "Description"], &["X-1", "Widget"]])]), None);
    }
}
