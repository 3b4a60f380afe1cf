//! Every row under the header parsed into a price row, or refused with the
//! reason: money as spreadsheets and people write it, US and ISO dates.

use super::columns::{Field, Mapping};
use crate::error::{Error, Result};
use crate::import::slug;
use crate::import::table::{date, money, Sheet};
use crate::money::Cents;
use chrono::NaiveDate;
use serde::Serialize;

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

/// Rows left out for one reason that is not the vendor's mistake to fix row
/// by row (a template's notes, placeholders, items without a price), told
/// in one line rather than one per row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SkippedRows {
    pub lines: Vec<usize>,
    /// "Rows 5–21, 23: notes, no description or price", for the clerk.
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Parsed {
    pub mapping: Mapping,
    pub rows: Vec<PriceRow>,
    pub refused: Vec<Refused>,
    /// Lines under the header that explain how to fill it in.
    pub instructions: Vec<usize>,
    /// Rows with something in them but no item, by kind.
    pub skipped: Vec<SkippedRows>,
    /// Lines whose price the workbook held as a number with more decimals
    /// than a cent (a formula's result), rounded to the cent.
    pub rounded: Vec<usize>,
}

/// Line numbers as ranges: "5–21, 23".
pub(super) fn line_ranges(lines: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j + 1 < lines.len() && lines[j + 1] == lines[j] + 1 {
            j += 1;
        }
        parts.push(if j > i { format!("{}–{}", lines[i], lines[j]) } else { lines[i].to_string() });
        i = j + 1;
    }
    parts.join(", ")
}

fn skipped(lines: Vec<usize>, what: &str) -> Option<SkippedRows> {
    if lines.is_empty() {
        return None;
    }
    let rows = if lines.len() == 1 { "Row" } else { "Rows" };
    let summary = format!("{rows} {}: {what}; skipped", line_ranges(&lines));
    Some(SkippedRows { lines, summary })
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
    let mut parsed = Parsed {
        mapping: mapping.clone(),
        rows: vec![],
        refused: vec![],
        instructions: vec![],
        skipped: vec![],
        rounded: vec![],
    };
    let (mut notes, mut undescribed, mut unpriced) = (Vec::new(), Vec::new(), Vec::new());
    let price_field =
        if mapping.columns.contains_key(&Field::ContractPrice) { Field::ContractPrice } else { Field::ListPrice };
    for (i, row) in sheet.rows.iter().enumerate().skip(mapping.header_row + 1) {
        let line = i + 1;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // A number the workbook computed is rounded to the cent, as the
        // spreadsheet displays it; a price typed as text is read strictly.
        let price = |text: &str, field: Field| -> Option<(Cents, bool)> {
            let number = mapping.columns.get(&field).is_some_and(|&c| sheet.numbers.contains(&(i, c)));
            if number {
                Cents::rounded(text)
            } else {
                money(text).map(|c| (c, false))
            }
        };
        let price_text = col(row, price_field);
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
        // A template's notes, placeholders, and items not yet priced: said
        // once for all of them, not as a mistake on every row.
        if description.is_empty() && price_text.is_empty() {
            notes.push(line);
            continue;
        }
        if description.is_empty() {
            undescribed.push(line);
            continue;
        }
        if price_text.is_empty() {
            unpriced.push(line);
            continue;
        }
        let Some((mut contract_price, mut rounded)) = price(price_text, price_field) else {
            parsed.refused.push(refuse(format!("the price '{price_text}' is not a number")));
            continue;
        };
        let list_price = match opt(&col(row, Field::ListPrice)).map(|t| price(&t, Field::ListPrice).ok_or(t)) {
            Some(Ok((p, r))) => {
                rounded |= r;
                p
            }
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
        if rounded {
            parsed.rounded.push(line);
        }
    }
    parsed.skipped = [
        skipped(notes, "notes or blank template rows, with no description or price"),
        skipped(undescribed, "a price or part number but no description"),
        skipped(unpriced, "a description but no price"),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn sheet(rows: &[&[&str]]) -> Vec<Sheet> {
        vec![Sheet {
            name: "s".into(),
            rows: rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect(),
            ..Default::default()
        }]
    }

    fn mapping(columns: &[(Field, usize)]) -> Mapping {
        Mapping { sheet: "s".into(), header_row: 0, columns: columns.iter().copied().collect::<BTreeMap<_, _>>() }
    }

    #[test]
    fn money_as_spreadsheets_and_people_write_it() {
        assert_eq!(money("$1,234.50"), Some(Cents(123_450)));
        assert_eq!(money(" 125.4 "), Some(Cents(12_540)));
        assert_eq!(money("89.9900000001"), Some(Cents(8_999)));
        assert_eq!(money("12.345"), None, "a fraction of a cent is not a price");
        assert_eq!(money("call"), None);
    }

    #[test]
    fn dates_iso_and_us() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(date("2026-10-01"), Some(d("2026-10-01")));
        assert_eq!(date("10/1/2026"), Some(d("2026-10-01")));
        assert_eq!(date("10/01/26"), Some(d("2026-10-01")));
        assert_eq!(date("1 Oct 2026"), None);
    }

    #[test]
    fn rows_parse_or_are_refused_with_the_reason_and_line() {
        use Field::*;
        let m = mapping(&[(Sku, 0), (Description, 1), (ContractPrice, 2), (ListPrice, 3), (Effective, 4)]);
        let p = parse(
            &sheet(&[
                &["SKU", "Description", "Net", "List", "Start"],
                &["A-1", "Battery", "$89.00", "$120.00", "10/1/2026"],
                &["A-2", "", "$5.00", "", ""],
                &["A-3", "Charger", "call", "", ""],
                &["", "", "", "", ""],
                &["A-4", "Cable", "0", "", ""],
                &["A-5", "Strap", "4.00", "", "soon"],
                &["A-6", "Case", "12.00", "", ""],
            ]),
            &m,
        )
        .unwrap();
        let skus: Vec<&str> = p.rows.iter().map(|r| r.sku.as_str()).collect();
        assert_eq!(skus, ["A-1", "A-6"]);
        assert_eq!((p.rows[0].contract_price, p.rows[0].list_price), (Cents(8_900), Cents(12_000)));
        assert_eq!(p.rows[1].list_price, Cents(1_200), "no list price: the contract price stands for it");
        assert_eq!(p.rows[1].unit, "EA");
        let refused: Vec<(usize, &str)> = p.refused.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(
            refused,
            [
                (4, "the price 'call' is not a number"),
                (6, "the price $0.00 is not above zero"),
                (7, "the start date 'soon' is not a date"),
            ]
        );
        let skipped: Vec<&str> = p.skipped.iter().map(|s| s.summary.as_str()).collect();
        assert_eq!(skipped, ["Row 3: a price or part number but no description; skipped"]);
    }

    #[test]
    fn template_notes_and_placeholders_are_told_in_one_line_each() {
        use Field::*;
        let m = mapping(&[(Sku, 0), (Description, 1), (ContractPrice, 2)]);
        let mut rows: Vec<&[&str]> = vec![&["SKU", "Description", "Price"], &["A-1", "Battery", "89.00"]];
        rows.extend(std::iter::repeat_n(&["Acronyms: UOI is unit of issue", "", ""][..], 17));
        rows.extend([&["", "", ""][..], &["ABC-1", "", "0.00"], &["", "IFF example: List price $100.00", ""]]);
        rows.extend([&["", "", ""][..], &["", "Example product", ""], &["", "Another example", ""]]);
        let p = parse(&sheet(&rows), &m).unwrap();
        assert_eq!(p.rows.len(), 1);
        assert!(p.refused.is_empty(), "{:?}", p.refused);
        let skipped: Vec<&str> = p.skipped.iter().map(|s| s.summary.as_str()).collect();
        assert_eq!(
            skipped,
            [
                "Rows 3–19: notes or blank template rows, with no description or price; skipped",
                "Row 21: a price or part number but no description; skipped",
                "Rows 22, 24–25: a description but no price; skipped",
            ]
        );
    }

    #[test]
    fn a_workbook_s_computed_prices_are_rounded_and_typed_ones_read_strictly() {
        use Field::*;
        let m = mapping(&[(Description, 0), (ContractPrice, 1), (ListPrice, 2)]);
        let mut sheets = sheet(&[
            &["Description", "Net", "List"],
            &["Project Manager", "98.74055415617129", "125"],
            &["Analyst", "130.125", "140.0049"],
            &["Typed", "12.345", ""],
        ]);
        sheets[0].numbers = [(1, 1), (1, 2), (2, 1), (2, 2)].into_iter().collect();
        let p = parse(&sheets, &m).unwrap();
        let prices: Vec<(Cents, Cents)> = p.rows.iter().map(|r| (r.contract_price, r.list_price)).collect();
        assert_eq!(prices, [(Cents(9_874), Cents(12_500)), (Cents(13_013), Cents(14_000))]);
        assert_eq!(p.rounded, [2, 3]);
        assert_eq!(p.refused[0].reason, "the price '12.345' is not a number", "text keeps its strict reading");
    }

    #[test]
    fn line_ranges_run_together() {
        assert_eq!(line_ranges(&[5, 6, 7, 9, 11, 12]), "5–7, 9, 11–12");
        assert_eq!(line_ranges(&[4]), "4");
    }

    #[test]
    fn a_list_price_and_discount_give_the_contract_price() {
        use Field::*;
        let m = mapping(&[(Sku, 0), (Description, 1), (ListPrice, 2), (Discount, 3)]);
        let p = parse(&sheet(&[&["SKU", "Description", "List", "Discount"], &["B-1", "Desk", "200.00", "15%"]]), &m)
            .unwrap();
        assert_eq!((p.rows[0].list_price, p.rows[0].contract_price), (Cents(20_000), Cents(17_000)));
    }
}
