//! Types that are stored and sent as their text form: serialised, written to
//! SQLite and read back through `Display` and `FromStr`, so that the text a
//! database or a history hash holds is exactly what the type prints. A value
//! that does not parse is an error with the parser's own words.

/// Implements serde and rusqlite for a type through its `Display` and
/// `FromStr` (whose error must be `Display`).
macro_rules! stored_as_text {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl rusqlite::types::FromSql for $ty {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                value.as_str()?.parse::<$ty>().map_err(|e| rusqlite::types::FromSqlError::Other(e.to_string().into()))
            }
        }

        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.to_string()))
            }
        }
    };
}

pub(crate) use stored_as_text;
