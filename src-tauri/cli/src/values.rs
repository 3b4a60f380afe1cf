//! Parsers for argument values that are not plain text: dates, money and
//! receipts.
//! clap runs them while reading the command line, so a bad value is a usage
//! error naming its flag before anything is opened.

use coopdesk_core::Cents;

/// The board meeting that approved a purchase, as `req board-approve` and
/// `office board-approve` both take it.
#[derive(clap::Args, Debug)]
pub struct BoardMeeting {
    /// The meeting's date (YYYY-MM-DD or MM/DD/YYYY).
    #[arg(long, value_parser = date)]
    pub meeting: chrono::NaiveDate,
    /// The agenda item, as the minutes number it (e.g. 7.B).
    #[arg(long)]
    pub item: String,
}

/// YYYY-MM-DD, or MM/DD/YYYY as US offices write dates.
pub fn date(text: &str) -> Result<chrono::NaiveDate, String> {
    let t = text.trim();
    t.parse()
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%m/%d/%Y"))
        .ok()
        .filter(|d| chrono::Datelike::year(d) >= 1900)
        .ok_or_else(|| format!("'{text}' is not a date like 2026-12-31 or 12/31/2026"))
}

pub fn money(text: &str) -> Result<Cents, String> {
    Cents::parse(text).ok_or_else(|| format!("'{text}' is not an amount in dollars like 1234.50"))
}

/// `FIELD=COLUMN`, e.g. `contract_price="Net price"`: a column of a price
/// file or an invoice file, by header text, letter or number.
pub fn column<F: std::str::FromStr<Err = String>>(spec: &str) -> Result<(F, String), String> {
    let (field, column) = spec
        .split_once('=')
        .ok_or_else(|| format!("write it as FIELD=COLUMN, e.g. quantity=\"Qty shipped\" (not '{spec}')"))?;
    Ok((field.trim().parse()?, column.to_owned()))
}

/// A receipt as LINE:QTY, such as 2:10.
pub fn receipt(text: &str) -> Result<(u32, u32), String> {
    text.split_once(':')
        .and_then(|(l, q)| Some((l.trim().parse().ok()?, q.trim().parse().ok()?)))
        .ok_or_else(|| format!("'{text}' is not LINE:QTY, such as 2:10"))
}

/// An invoice line as LINE:QTY:UNIT_PRICE (2:10:45.50), or PART:QTY:UNIT_PRICE
/// for a line the invoice names by its part number or SKU.
pub fn invoice_line(text: &str) -> Result<coopdesk_core::orders::invoice::InvoiceLine, String> {
    let bad = || format!("'{text}' is not LINE:QTY:UNIT_PRICE, such as 2:10:45.50");
    let mut parts = text.rsplitn(3, ':');
    let (price, quantity, what) =
        (parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?);
    let unit_price = Cents::parse(price).ok_or_else(bad)?;
    let quantity = quantity.trim().parse().map_err(|_| bad())?;
    let what = what.trim();
    if what.is_empty() {
        return Err(bad());
    }
    let (order_line, part) = match what.parse::<u32>() {
        Ok(line) => (Some(line), String::new()),
        Err(_) => (None, what.to_owned()),
    };
    Ok(coopdesk_core::orders::invoice::InvoiceLine {
        order_line,
        part,
        description: String::new(),
        quantity,
        unit_price,
        amount: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_amounts_read_as_people_type_them() {
        assert_eq!(date(" 2026-12-31 ").unwrap().to_string(), "2026-12-31");
        assert_eq!(date("12/31/2026").unwrap().to_string(), "2026-12-31");
        assert!(date("31/12/2026").unwrap_err().contains("not a date like"));
        assert!(date("0015-12-12").unwrap_err().contains("not a date like"), "no year a clerk means");
        assert_eq!(money("1,234.50").unwrap(), Cents(123_450));
        assert_eq!(money("$50000").unwrap(), Cents(5_000_000));
        assert!(money("fifty").unwrap_err().contains("not an amount"));
        assert_eq!(receipt(" 2 : 10 ").unwrap(), (2, 10));
        assert!(receipt("2-10").unwrap_err().contains("not LINE:QTY"));
    }
}
