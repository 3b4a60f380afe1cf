//! Reading typed values out of text columns: JSON and ISO dates. A value
//! that does not parse is a conversion error naming its column, never a
//! default that would hide a damaged row.

use chrono::NaiveDate;
use rusqlite::Row;

fn unreadable(i: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
}

/// Column `i`, a JSON text, as `T`.
pub(crate) fn json_col<T: serde::de::DeserializeOwned>(r: &Row, i: usize) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    serde_json::from_str(&text).map_err(|e| unreadable(i, e))
}

/// Column `i`, an ISO date ("2027-06-30").
pub(crate) fn date_col(r: &Row, i: usize) -> rusqlite::Result<NaiveDate> {
    let text: String = r.get(i)?;
    text.parse().map_err(|e| unreadable(i, e))
}
