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
