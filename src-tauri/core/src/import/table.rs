//! Reading a spreadsheet-like file (CSV, or every sheet of an XLSX workbook)
//! into rows of trimmed text, bounded in size.

use crate::error::{Error, Result};
use crate::money::Cents;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The most rows read from one file: a price list with more is split.
pub const MAX_ROWS: usize = 200_000;

/// One sheet (a CSV file has one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
    /// The cells (row, column) a workbook stored as numbers rather than
    /// text: a price there may be a formula's result, with more decimals
    /// than a cent. None in a CSV file, where every cell is text.
    pub numbers: std::collections::HashSet<(usize, usize)>,
}

fn too_big(name: &str) -> Error {
    Error::Invalid(format!("{name} has more than {MAX_ROWS} rows; split it into smaller files."))
}

/// Reads `bytes` as XLSX when they are a ZIP file, else as CSV or tab-
/// delimited text (UTF-8, or Windows-1252 as spreadsheets often save it).
/// A name that says one and content that is the other is refused: reading
/// a damaged workbook as text would only produce a misleading reason.
pub fn read(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>> {
    let workbook = bytes.starts_with(b"PK\x03\x04");
    let lower = name.to_lowercase();
    let named_workbook = [".xlsx", ".xlsm"].iter().any(|e| lower.ends_with(e));
    let named_text = [".csv", ".tsv", ".txt"].iter().any(|e| lower.ends_with(e));
    if named_workbook && !workbook {
        return Err(Error::Invalid(format!(
            "{name} is named as an Excel workbook but its content is not one (a workbook is a ZIP file). \
             Open it in Excel and save it again as .xlsx, or rename it if it is a CSV file. Nothing was imported."
        )));
    }
    if named_text && workbook {
        return Err(Error::Invalid(format!(
            "{name} is named as a text (CSV) file but holds a ZIP file or Excel workbook. \
             Rename it to .xlsx if it is a workbook, or save it again as CSV. Nothing was imported."
        )));
    }
    if workbook {
        read_xlsx(name, bytes)
    } else {
        read_csv(name, bytes).map(|s| vec![s])
    }
}

fn read_csv(name: &str, bytes: &[u8]) -> Result<Sheet> {
    let text = match std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)) {
        Ok(t) => t.to_owned(),
        // Windows-1252 for the bytes that are not UTF-8: Latin-1 covers the
        // accented letters, and the few others become replacement marks.
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    };
    // Spreadsheets also save "Text (tab delimited)": the first line says which.
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches('\t').count() > first.matches(',').count() { b'\t' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Invalid(format!("{name} is not a readable CSV file ({e}).")))?;
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
        if rows.len() > MAX_ROWS {
            return Err(too_big(name));
        }
    }
    Ok(Sheet { name: name.to_owned(), rows, ..Default::default() })
}

fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        // Money arrives as floats; two decimals is how it was typed. Any
        // other number is written with the fewest digits that read back as
        // the same float, as a spreadsheet shows it at full precision.
        Data::Float(f) if (f * 100.0).fract().abs() < 1e-6 => format!("{f:.2}").trim_end_matches(".00").to_owned(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt.as_datetime().map(|d| d.date().to_string()).unwrap_or_default(),
        Data::Error(_) => String::new(),
    }
}

fn is_number(d: &calamine::Data) -> bool {
    matches!(d, calamine::Data::Float(_) | calamine::Data::Int(_))
}

fn read_xlsx(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>> {
    use calamine::Reader;
    let bad = |e: String| Error::Invalid(format!("{name} is not a readable Excel workbook ({e})."));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| bad(e.to_string()))?;
    let mut sheets = Vec::new();
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).map_err(|e| bad(e.to_string()))?;
        // The range starts at the first cell in use; rows and columns before
        // it are kept, empty, so that row numbers and column letters are the
        // ones the spreadsheet shows.
        let (top, left) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
        if top + range.height() > MAX_ROWS {
            return Err(too_big(name));
        }
        let rows = std::iter::repeat_n(Vec::new(), top)
            .chain(
                range.rows().map(|r| std::iter::repeat_n(String::new(), left).chain(r.iter().map(cell_text)).collect()),
            )
            .collect();
        let numbers = range
            .rows()
            .enumerate()
            .flat_map(|(i, r)| {
                r.iter().enumerate().filter(|(_, d)| is_number(d)).map(move |(j, _)| (top + i, left + j))
            })
            .collect();
        sheets.push(Sheet { name: sheet, rows, numbers });
    }
    Ok(sheets)
}

/// Header text as names are compared: lower case, letters and digits only.
pub(crate) fn normalise(text: &str) -> String {
    text.to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// A column named by header text, letter or one-based number.
pub(crate) fn resolve_column(headers: &[String], spec: &str) -> Option<usize> {
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

/// Applies the columns the clerk chose (by header text, letter or number)
/// on top of those found in `columns`: a column holds one field, so the
/// clerk's choice wins over detection, and an empty choice leaves its field
/// unmapped. A choice the headers do not have is returned, with its field.
pub(crate) fn choose_columns<F: Ord + Copy>(
    headers: &[String],
    columns: &mut BTreeMap<F, usize>,
    chosen: &BTreeMap<F, String>,
) -> std::result::Result<(), (F, String)> {
    for (field, spec) in chosen {
        columns.remove(field);
        if spec.trim().is_empty() {
            continue;
        }
        let i = resolve_column(headers, spec).ok_or_else(|| (*field, spec.clone()))?;
        columns.retain(|_, c| *c != i);
        columns.insert(*field, i);
    }
    Ok(())
}

/// One of `all` by its snake_case name (`unit_price`) or its `label`, as a
/// clerk names a column in `--column FIELD=COLUMN`; `what` names the kind
/// in the refusal ("a price-file field").
pub(crate) fn field_named<F: serde::Serialize + Copy>(
    text: &str,
    all: &[F],
    label: impl Fn(F) -> &'static str,
    what: &str,
) -> std::result::Result<F, String> {
    let snake = |f: &F| serde_json::to_value(f).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let want = normalise(text);
    all.iter().copied().find(|f| normalise(&snake(f)) == want || normalise(label(*f)) == want).ok_or_else(|| {
        let names: Vec<String> = all.iter().map(snake).collect();
        format!("'{text}' is not {what}; use one of {}", names.join(", "))
    })
}

/// The headers that name something, for a message listing them.
pub(crate) fn header_list(headers: &[String]) -> String {
    headers.iter().filter(|h| !h.is_empty()).cloned().collect::<Vec<_>>().join(", ")
}

/// An amount as spreadsheets write it: "$1,234.50", or a number with
/// more decimals that is within a hundredth of a cent of one.
pub(crate) fn money(text: &str) -> Option<Cents> {
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
pub(crate) fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let two_digit_year = t.rsplit('/').next().is_some_and(|y| y.len() == 2);
    let us = if two_digit_year { "%m/%d/%y" } else { "%m/%d/%Y" };
    NaiveDate::parse_from_str(t, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(t, us)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_chosen_by_header_text_letter_or_number() {
        let headers: Vec<String> = ["Item", "What it is", "Cost each"].iter().map(|h| h.to_string()).collect();
        assert_eq!(resolve_column(&headers, "Cost each"), Some(2));
        assert_eq!(resolve_column(&headers, "C"), Some(2));
        assert_eq!(resolve_column(&headers, "2"), Some(1));
        assert_eq!(resolve_column(&headers, "Nothing like it"), None);
    }

    #[test]
    fn chosen_columns_win_and_an_unknown_one_is_named() {
        let headers: Vec<String> = ["Item", "Qty", "Each"].iter().map(|h| h.to_string()).collect();
        let mut columns = BTreeMap::from([("part", 0), ("quantity", 1)]);
        choose_columns(
            &headers,
            &mut columns,
            &BTreeMap::from([("price", "C".to_owned()), ("quantity", " ".to_owned())]),
        )
        .unwrap();
        assert_eq!(columns, BTreeMap::from([("part", 0), ("price", 2)]));
        // A column holds one field: choosing price's column for the part unmaps the price.
        choose_columns(&headers, &mut columns, &BTreeMap::from([("part", "Each".to_owned())])).unwrap();
        assert_eq!(columns, BTreeMap::from([("part", 2)]));
        let err = choose_columns(&headers, &mut columns, &BTreeMap::from([("total", "Total cost".to_owned())]));
        assert_eq!(err, Err(("total", "Total cost".to_owned())));
        assert_eq!(header_list(&["A".into(), String::new(), "C".into()]), "A, C");
    }
}
