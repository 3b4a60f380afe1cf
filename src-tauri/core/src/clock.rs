//! The one clock the store reads. Every timestamp a change records and every
//! "today" a policy check uses comes from here, so a test can set the time
//! and a record never depends on which function happened to call the system
//! clock.

use chrono::{DateTime, Local, NaiveDate, Utc};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    /// The machine's clock (the app and the command line).
    #[default]
    System,
    /// A fixed instant, for tests and reproducible output.
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => at,
        }
    }

    /// Today's date where the clerk is: the day a purchase is dated.
    pub fn today(self) -> NaiveDate {
        match self {
            Clock::System => Local::now().date_naive(),
            Clock::Fixed(at) => at.with_timezone(&Local).date_naive(),
        }
    }

    /// Now as the database stores it: RFC 3339, UTC, milliseconds.
    pub fn stamp(self) -> String {
        crate::audit::stamp(self.now())
    }
}

/// A moment as the database and the history store it: RFC 3339, UTC, with
/// milliseconds ("2026-11-27T17:41:45.123Z"). Read from the database it is
/// checked, so a damaged value is an error, never a silent 1970-01-01; written
/// back it is exactly the text it was read from (the history hashes it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// The calendar day, in UTC as stored.
    pub fn date(self) -> NaiveDate {
        self.0.date_naive()
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::audit::stamp(self.0))
    }
}

impl std::str::FromStr for Timestamp {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let at = DateTime::parse_from_rfc3339(text).map_err(|e| format!("'{text}' is not a time ({e})"))?;
        Ok(Timestamp(at.with_timezone(&Utc)))
    }
}

crate::text_form::stored_as_text!(Timestamp);

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Timestamp(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_time_reads_back_and_writes_out_unchanged() {
        for text in ["2026-11-27T17:41:45.123Z", "2026-01-01T00:00:00.000Z"] {
            let t: Timestamp = text.parse().unwrap();
            assert_eq!(t.to_string(), text);
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{text}\""));
        }
        assert_eq!("2026-11-27T23:30:00.000-05:00".parse::<Timestamp>().unwrap().date().to_string(), "2026-11-28");
        assert!("yesterday".parse::<Timestamp>().is_err());
        assert!(serde_json::from_str::<Timestamp>("\"\"").is_err());
    }
}
