//! Reading a vendor's invoice from the file the vendor sent (CSV, tab-
//! delimited text, or an XLSX workbook), with the spreadsheet reader price
//! files use: the header row found by the names invoices give their columns
//! (or the columns the clerk names), the invoice's number, date and total
//! taken from the file where it states them, and every line read, or the
//! whole file refused with the rows that could not be read. A half-read
//! invoice would be checked as if it billed less than it does.
//!
//! Nothing here judges the invoice: `invoice::check` does, on what this
//! returns.

use super::invoice::{Invoice, InvoiceLine};
use crate::error::{Error, Result};
use crate::import::table::{self, normalise, resolve_column, Sheet};
use crate::money::Cents;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A column an invoice file may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceColumn {
    /// The line of the purchase order it bills ("PO line"); an invoice's
    /// own line numbers are not the order's and are not read.
    OrderLine,
    /// The vendor's item number, SKU or the manufacturer's part number.
    Part,
    Description,
    /// The quantity billed (shipped or invoiced, not ordered, when the file
    /// has both).
    Quantity,
    UnitPrice,
    /// The line's extended amount, as the invoice states it.
    Amount,
    /// On every row, in files exported from a vendor's system.
    InvoiceNumber,
    InvoiceDate,
}

/// Names invoices give each column, normalized (lower case, letters and
/// digits only), matched whole. The first name found wins, so a file with
/// both "Qty Ordered" and "Qty Shipped" is read for what was shipped.
const NAMES: &[(InvoiceColumn, &[&str])] = &[
    (
        InvoiceColumn::OrderLine,
        &["poline", "polineno", "polinenumber", "polinenum", "orderline", "orderlineno", "reqline", "requisitionline"],
    ),
    (
        InvoiceColumn::Part,
        &[
            "itemnumber",
            "itemno",
            "item",
            "itemcode",
            "sku",
            "partnumber",
            "partno",
            "part",
            "catalognumber",
            "catalogno",
            "productcode",
            "productnumber",
            "mfrpartno",
            "mfrpartnumber",
            "mfgpartno",
            "manufacturerpartnumber",
            "vendorpartnumber",
            "stocknumber",
        ],
    ),
    (
        InvoiceColumn::Description,
        &["description", "itemdescription", "productdescription", "desc", "product", "productname", "itemname"],
    ),
    (
        InvoiceColumn::Quantity,
        &[
            "qtyinvoiced",
            "quantityinvoiced",
            "qtybilled",
            "quantitybilled",
            "qtyshipped",
            "quantityshipped",
            "shipped",
            "shipqty",
            "invoicedqty",
            "billedqty",
            "shippedqty",
            "quantity",
            "qty",
            "qtyordered",
            "quantityordered",
        ],
    ),
    (InvoiceColumn::UnitPrice, &["unitprice", "unitcost", "priceeach", "price", "netprice", "rate", "unitamount"]),
    (
        InvoiceColumn::Amount,
        &[
            "extendedprice",
            "extendedamount",
            "extended",
            "extprice",
            "extamount",
            "lineamount",
            "linetotal",
            "amount",
            "total",
        ],
    ),
    (InvoiceColumn::InvoiceNumber, &["invoicenumber", "invoiceno", "invoicenum", "invoiceid", "invno", "invoice"]),
    (InvoiceColumn::InvoiceDate, &["invoicedate", "invdate"]),
];

/// Labels beside the invoice's number or date above the lines.
const NUMBER_LABELS: &[&str] = &["invoicenumber", "invoiceno", "invoicenum", "invoice", "invno", "invoiceid"];
const DATE_LABELS: &[&str] = &["invoicedate", "invdate", "date"];
/// Labels of the row stating what the invoice bills in all.
const TOTAL_LABELS: &[&str] =
    &["total", "invoicetotal", "grandtotal", "totaldue", "amountdue", "balancedue", "totalamount", "totalamountdue"];
/// Labels of a row that adds up part of the invoice: not a line, not the total.
const SUBTOTAL_LABELS: &[&str] = &["subtotal", "merchandisetotal", "itemstotal"];

/// The most invoice lines read from one file (as many as can be recorded).
pub const MAX_LINES: usize = super::invoices::MAX_INVOICE_LINES;
/// The largest invoice file read.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// An invoice read from a file, before the clerk records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvoiceFile {
    /// The invoice number, when the file states it.
    pub number: Option<String>,
    /// The invoice's date, when the file states it.
    pub date: Option<NaiveDate>,
    pub lines: Vec<InvoiceLine>,
    /// The total the file states, when it states one.
    pub stated_total: Option<Cents>,
    /// Where the lines were read: the sheet, and the header's row as the
    /// spreadsheet numbers it (from 1).
    pub sheet: String,
    pub header_row: usize,
    /// The header each column was read from.
    pub columns: BTreeMap<InvoiceColumn, String>,
}

impl InvoiceFile {
    /// The invoice to record: the number and date given win over the
    /// file's, and one of each is needed.
    pub fn invoice(&self, number: Option<&str>, date: Option<NaiveDate>) -> Result<Invoice> {
        let number =
            number.map(str::trim).filter(|n| !n.is_empty()).or(self.number.as_deref()).ok_or_else(|| {
                Error::Invalid("The file does not say the invoice's number; give it (--number).".into())
            })?;
        let date = date
            .or(self.date)
            .ok_or_else(|| Error::Invalid("The file does not say the invoice's date; give it (--date).".into()))?;
        Ok(Invoice { number: number.to_owned(), date, lines: self.lines.clone(), stated_total: self.stated_total })
    }
}

impl InvoiceColumn {
    pub const ALL: [InvoiceColumn; 8] = [
        InvoiceColumn::OrderLine,
        InvoiceColumn::Part,
        InvoiceColumn::Description,
        InvoiceColumn::Quantity,
        InvoiceColumn::UnitPrice,
        InvoiceColumn::Amount,
        InvoiceColumn::InvoiceNumber,
        InvoiceColumn::InvoiceDate,
    ];

    /// The column's name as the clerk reads it.
    pub fn label(self) -> &'static str {
        match self {
            InvoiceColumn::OrderLine => "PO line",
            InvoiceColumn::Part => "item or part number",
            InvoiceColumn::Description => "description",
            InvoiceColumn::Quantity => "quantity billed",
            InvoiceColumn::UnitPrice => "unit price",
            InvoiceColumn::Amount => "extended amount",
            InvoiceColumn::InvoiceNumber => "invoice number",
            InvoiceColumn::InvoiceDate => "invoice date",
        }
    }
}

impl std::str::FromStr for InvoiceColumn {
    type Err = String;
    /// The snake_case name (`unit_price`) or the label.
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        table::field_named(s, &InvoiceColumn::ALL, InvoiceColumn::label, "an invoice column")
    }
}

fn map_header(cells: &[String]) -> BTreeMap<InvoiceColumn, usize> {
    let norm: Vec<String> = cells.iter().map(|c| normalise(c)).collect();
    let mut taken = vec![false; cells.len()];
    let mut columns = BTreeMap::new();
    for (column, names) in NAMES {
        if let Some(i) = names.iter().find_map(|name| (0..norm.len()).find(|&i| !taken[i] && norm[i] == *name)) {
            taken[i] = true;
            columns.insert(*column, i);
        }
    }
    columns
}

/// A header names what was billed (a quantity), at what price (a unit
/// price or an amount), and what it is (a part, a description or a PO line).
fn is_header(columns: &BTreeMap<InvoiceColumn, usize>) -> bool {
    use InvoiceColumn::*;
    let has = |c| columns.contains_key(&c);
    has(Quantity) && (has(UnitPrice) || has(Amount)) && (has(Part) || has(Description) || has(OrderLine))
}

/// The header: in the first 30 rows of any sheet, the row naming the most
/// invoice columns, or the one holding the columns the clerk chose.
fn find_header(sheets: &[Sheet], chosen: &BTreeMap<InvoiceColumn, String>) -> Result<(usize, usize)> {
    let chosen_names: Vec<String> = chosen
        .values()
        .map(|n| n.trim())
        .filter(|n| n.parse::<usize>().is_err() && n.len() > 2)
        .map(normalise)
        .collect();
    let mut best: Option<((usize, usize), (usize, usize))> = None;
    for (s, sheet) in sheets.iter().enumerate() {
        for (row, cells) in sheet.rows.iter().take(30).enumerate() {
            let mut columns = map_header(cells);
            let norm: Vec<String> = cells.iter().map(|c| normalise(c)).collect();
            let named = chosen_names.iter().filter(|n| norm.contains(n)).count();
            for (column, spec) in chosen {
                if let Some(i) = resolve_column(cells, spec) {
                    columns.insert(*column, i);
                }
            }
            if !is_header(&columns) {
                continue;
            }
            let score = (named, columns.len());
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, (s, row)));
            }
        }
    }
    best.map(|(_, at)| at).ok_or_else(no_header)
}

fn no_header() -> Error {
    Error::Invalid(
        "No row of the file names the invoice's columns: a quantity, a unit price or amount, and an item number \
         or description. Name them (--column quantity=\"Qty Shipped\", or a letter such as D). Nothing was recorded."
            .into(),
    )
}

/// The value beside a label above the header: "Invoice #: 1042" in one
/// cell, or the label in one cell and the value in the next one filled.
fn labelled<'r>(rows: &'r [Vec<String>], labels: &[&str]) -> Option<&'r str> {
    for cells in rows {
        for (i, cell) in cells.iter().enumerate() {
            if let Some((label, value)) = cell.split_once(':') {
                if labels.contains(&normalise(label).as_str()) && !value.trim().is_empty() {
                    return Some(value.trim());
                }
            }
            if labels.contains(&normalise(cell).as_str()) {
                if let Some(value) = cells[i + 1..].iter().map(|c| c.trim()).find(|c| !c.is_empty()) {
                    return Some(value);
                }
            }
        }
    }
    None
}

fn invoice_date(text: &str) -> Option<NaiveDate> {
    table::date(text).or_else(|| NaiveDate::parse_from_str(text.trim(), "%B %d, %Y").ok())
}

/// What one row below the header is.
enum Row {
    Blank,
    Line(InvoiceLine),
    Total(Cents),
}

/// Reads the invoice in `bytes` (the file called `name`), with the columns
/// the clerk chose (by header text, letter or number) over those found.
pub fn read(name: &str, bytes: &[u8], chosen: &BTreeMap<InvoiceColumn, String>) -> Result<InvoiceFile> {
    let sheets = table::read(name, bytes)?;
    let (s, header_row) = find_header(&sheets, chosen)?;
    let sheet = &sheets[s];
    let headers = &sheet.rows[header_row];
    let mut columns = map_header(headers);
    table::choose_columns(headers, &mut columns, chosen).map_err(|(column, spec)| {
        Error::Invalid(format!(
            "The file has no column '{spec}' for the {}. Its columns are: {}. Nothing was recorded.",
            column.label(),
            table::header_list(headers)
        ))
    })?;
    if !is_header(&columns) {
        return Err(no_header());
    }

    let above = &sheet.rows[..header_row];
    let mut numbers: Vec<String> = labelled(above, NUMBER_LABELS).map(str::to_owned).into_iter().collect();
    let mut dates: Vec<NaiveDate> = Vec::new();
    if let Some(text) = labelled(above, DATE_LABELS) {
        dates.push(
            invoice_date(text)
                .ok_or_else(|| Error::Invalid(format!("The invoice date '{text}' in {name} is not a date.")))?,
        );
    }

    let mut lines = Vec::new();
    let mut stated_total = None;
    let mut refused: Vec<String> = Vec::new();
    for (i, cells) in sheet.rows.iter().enumerate().skip(header_row + 1) {
        let at = |c: InvoiceColumn| columns.get(&c).and_then(|&j| cells.get(j)).map_or("", |t| t.trim());
        let numeric = |c: InvoiceColumn| columns.get(&c).is_some_and(|&j| sheet.numbers.contains(&(i, j)));
        if !at(InvoiceColumn::InvoiceNumber).is_empty() {
            numbers.push(at(InvoiceColumn::InvoiceNumber).to_owned());
        }
        let date_text = at(InvoiceColumn::InvoiceDate);
        if !date_text.is_empty() {
            match invoice_date(date_text) {
                Some(d) => dates.push(d),
                None => refused.push(format!("row {}: the invoice date '{date_text}' is not a date", i + 1)),
            }
        }
        match read_row(cells, &at, &numeric) {
            Ok(Row::Blank) => {}
            Ok(Row::Total(t)) => {
                // The first total stated is the invoice's; "amount due" below it
                // may already take a payment off.
                stated_total.get_or_insert(t);
            }
            Ok(Row::Line(line)) if stated_total.is_none() => lines.push(line),
            // Below the total come payment terms and remittance notes.
            Ok(Row::Line(_)) => {}
            Err(why) => refused.push(format!("row {}: {why}", i + 1)),
        }
        if lines.len() > MAX_LINES {
            return Err(Error::Invalid(format!(
                "{name} bills more than {MAX_LINES} lines; coopdesk reads invoices up to that size."
            )));
        }
    }
    if !refused.is_empty() {
        let more = refused.len().saturating_sub(5);
        let mut text = refused.into_iter().take(5).collect::<Vec<_>>().join("; ");
        if more > 0 {
            text += &format!("; and {more} more");
        }
        return Err(Error::Invalid(format!(
            "{name} could not be read whole ({text}). Correct the file, or name its columns. Nothing was recorded."
        )));
    }
    if lines.is_empty() {
        return Err(Error::Invalid(format!("{name} bills no lines below its header. Nothing was recorded.")));
    }
    numbers.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    if numbers.len() > 1 {
        return Err(Error::Invalid(format!(
            "{name} holds more than one invoice ({}); record each on its own, from its own file. Nothing was recorded.",
            numbers.join(", ")
        )));
    }
    dates.dedup();
    if dates.len() > 1 {
        return Err(Error::Invalid(format!(
            "{name} gives more than one invoice date ({}); record each invoice on its own. Nothing was recorded.",
            dates.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(InvoiceFile {
        number: numbers.pop(),
        date: dates.pop(),
        lines,
        stated_total,
        sheet: sheet.name.clone(),
        header_row: header_row + 1,
        columns: columns.iter().map(|(c, &j)| (*c, headers.get(j).cloned().unwrap_or_default())).collect(),
    })
}

/// Reads one row below the header: a billed line, a charge (freight, a
/// fee: an amount with no quantity, billed as one), the invoice's total,
/// or nothing (blank, a subtotal, a note).
fn read_row<'r>(
    cells: &'r [String],
    at: &dyn Fn(InvoiceColumn) -> &'r str,
    numeric: &dyn Fn(InvoiceColumn) -> bool,
) -> std::result::Result<Row, String> {
    use InvoiceColumn::*;
    let money = |c: InvoiceColumn| -> std::result::Result<Option<Cents>, String> {
        let text = at(c);
        if text.is_empty() {
            return Ok(None);
        }
        let value = if numeric(c) { Cents::rounded(text).map(|(v, _)| v) } else { table::money(text) };
        value.map(Some).ok_or_else(|| format!("the {} '{text}' is not an amount", c.label()))
    };
    let labels: Vec<String> = cells.iter().map(|c| normalise(c)).collect();
    let is = |set: &[&str]| labels.iter().any(|l| set.contains(&l.as_str()));
    let amount = money(Amount)?;
    if is(SUBTOTAL_LABELS) {
        return Ok(Row::Blank);
    }
    if is(TOTAL_LABELS) && at(Quantity).is_empty() {
        // The total's figure sits under the amounts, or is the row's last amount.
        let figure = amount.or_else(|| cells.iter().rev().find_map(|c| table::money(c)));
        return figure.map(Row::Total).ok_or_else(|| "the total row states no amount".to_owned());
    }
    let unit_price = money(UnitPrice)?;
    let (part, description) = (at(Part).to_owned(), at(Description).to_owned());
    let order_line = match at(OrderLine) {
        "" => None,
        t => Some(t.parse::<u32>().map_err(|_| format!("the PO line '{t}' is not a line number"))?),
    };
    let quantity_text = at(Quantity);
    if quantity_text.is_empty() {
        return match (amount.or(unit_price), part.is_empty() && description.is_empty()) {
            // A note, or an item with nothing billed.
            (None, _) => Ok(Row::Blank),
            (Some(_), true) => Err("an amount with nothing saying what it is for".to_owned()),
            (Some(charge), false) => {
                Ok(Row::Line(InvoiceLine { order_line, part, description, quantity: 1, unit_price: charge, amount }))
            }
        };
    }
    let quantity = quantity_text
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|q| q.fract() == 0.0 && *q >= 0.0 && *q <= f64::from(u32::MAX))
        .map(|q| q as u32)
        .ok_or_else(|| format!("the quantity '{quantity_text}' is not a whole number"))?;
    if quantity == 0 {
        // Back-ordered: on the invoice, billed later.
        return Ok(Row::Blank);
    }
    if part.is_empty() && description.is_empty() && order_line.is_none() {
        return Err("a quantity with nothing saying what it is".to_owned());
    }
    let unit_price = match (unit_price, amount) {
        (Some(p), _) => p,
        (None, Some(a)) if a.0 % i64::from(quantity) == 0 => Cents(a.0 / i64::from(quantity)),
        (None, Some(a)) => return Err(format!("the amount {a} is not a whole number of cents for each of {quantity}")),
        (None, None) => return Err("no unit price or amount".to_owned()),
    };
    Ok(Row::Line(InvoiceLine { order_line, part, description, quantity, unit_price, amount }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Result<InvoiceFile> {
        read("invoice.csv", text.as_bytes(), &BTreeMap::new())
    }

    fn line(part: &str, quantity: u32, price: i64, amount: Option<i64>) -> InvoiceLine {
        InvoiceLine {
            order_line: None,
            part: part.into(),
            description: String::new(),
            quantity,
            unit_price: Cents(price),
            amount: amount.map(Cents),
        }
    }

    #[test]
    fn a_vendors_invoice_is_read_with_its_number_date_charges_and_total() {
        let file = csv("Acme Supply Co.,,,,\n\
             Invoice #: INV-1042,,,,\n\
             Invoice Date,11/20/2026,,,\n\
             ,,,,\n\
             Item No.,Description,Qty Ordered,Qty Shipped,Unit Price,Extended Price\n\
             APC-BR1500,\"UPS battery, 1500 VA\",10,6,\"$89.00\",\"$534.00\"\n\
             DP-50,Sump pump,1,0,500.00,0.00\n\
             ,Freight,,,,25.00\n\
             ,,,,Subtotal,559.00\n\
             ,,,,Total,\"$559.00\"\n\
             Terms: net 30,,,,,\n")
        .unwrap();
        assert_eq!(file.number.as_deref(), Some("INV-1042"));
        assert_eq!(file.date, NaiveDate::from_ymd_opt(2026, 11, 20));
        assert_eq!(file.stated_total, Some(Cents(55_900)));
        assert_eq!(file.header_row, 5);
        assert_eq!(file.columns.get(&InvoiceColumn::Quantity).map(String::as_str), Some("Qty Shipped"));
        let mut freight = line("", 1, 2_500, Some(2_500));
        freight.description = "Freight".into();
        let mut battery = line("APC-BR1500", 6, 8_900, Some(53_400));
        battery.description = "UPS battery, 1500 VA".into();
        assert_eq!(file.lines, vec![battery, freight]);
        let invoice = file.invoice(None, None).unwrap();
        assert_eq!((invoice.number.as_str(), invoice.lines_total()), ("INV-1042", Cents(55_900)));
    }

    #[test]
    fn a_system_export_states_the_invoice_on_every_row_and_the_po_line() {
        let file = csv("Invoice Number\tInvoice Date\tPO Line\tQuantity\tAmount\n\
             88-1\t2026-11-02\t1\t4\t360.00\n\
             88-1\t2026-11-02\t2\t1\t500.00\n")
        .unwrap();
        assert_eq!((file.number.as_deref(), file.date), (Some("88-1"), NaiveDate::from_ymd_opt(2026, 11, 2)));
        assert_eq!(
            file.lines.iter().map(|l| (l.order_line, l.unit_price.0)).collect::<Vec<_>>(),
            [(Some(1), 9_000), (Some(2), 50_000)]
        );
        // The number and date typed win over the file's.
        let invoice = file.invoice(Some("88-1A"), NaiveDate::from_ymd_opt(2026, 11, 3)).unwrap();
        assert_eq!((invoice.number.as_str(), invoice.date.to_string().as_str()), ("88-1A", "2026-11-03"));
    }

    #[test]
    fn columns_named_by_the_clerk_win_over_those_found() {
        let text = "Code,What,Count,Each\nX-1,Widget,2,5.00\n";
        let err = csv(text).unwrap_err().to_string();
        assert!(err.contains("No row of the file names the invoice's columns"), "{err}");
        let chosen = BTreeMap::from([
            (InvoiceColumn::Part, "Code".to_owned()),
            (InvoiceColumn::Quantity, "C".to_owned()),
            (InvoiceColumn::UnitPrice, "4".to_owned()),
        ]);
        let file = read("invoice.csv", text.as_bytes(), &chosen).unwrap();
        assert_eq!(file.lines, vec![line("X-1", 2, 500, None)]);
        let missing = BTreeMap::from([(InvoiceColumn::Amount, "Total cost".to_owned())]);
        let err = read("invoice.csv", "Item,Qty,Price\nX-1,2,5.00\n".as_bytes(), &missing).unwrap_err().to_string();
        assert!(
            err.contains("no column 'Total cost' for the extended amount") && err.contains("Item, Qty, Price"),
            "{err}"
        );
    }

    #[test]
    fn a_file_that_cannot_be_read_whole_is_refused_with_its_rows() {
        for (text, expected) in [
            (
                "Item,Qty,Price\nX-1,two,5.00\nX-2,1,abc\n",
                "row 2: the quantity 'two' is not a whole number; row 3: the unit price 'abc' is not an amount",
            ),
            ("Item,Qty,Price\nX-1,1.5,5.00\n", "the quantity '1.5' is not a whole number"),
            ("Item,Qty,Amount\nX-1,3,10.00\n", "the amount $10.00 is not a whole number of cents for each of 3"),
            ("Item,Qty,Price\n,,\n", "bills no lines"),
            ("Invoice No,Item,Qty,Price\nA-1,X-1,1,5\nA-2,X-2,1,5\n", "more than one invoice (A-1, A-2)"),
            ("Item,Qty,Price\nX-1,1,5\n,,Total\n", "the total row states no amount"),
        ] {
            let err = csv(text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text:?}: {err}");
            assert!(err.ends_with("Nothing was recorded."), "{err}");
        }
    }

    #[test]
    fn an_invoice_needs_a_number_and_a_date_from_the_file_or_the_clerk() {
        let file = csv("Item,Qty,Price\nX-1,1,5.00\n").unwrap();
        assert!(file.invoice(None, NaiveDate::from_ymd_opt(2026, 1, 2)).unwrap_err().to_string().contains("--number"));
        assert!(file.invoice(Some("7"), None).unwrap_err().to_string().contains("--date"));
    }
}
