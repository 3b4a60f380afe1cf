//! The agency's profile: what eligibility is judged against. Kept in the
//! database and edited in Settings (or `coopdesk agency ...`).

use crate::error::{Error, Result};
use crate::model::{Address, EntityType};
use crate::store::Store;
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// A membership agreement with a cooperative, signed by the agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Membership {
    pub cooperative_id: String,
    pub signed_on: NaiveDate,
    #[serde(default)]
    pub expires_on: Option<NaiveDate>,
}

/// A participating addendum: the agency's state's agreement to use a
/// multi-state contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Addendum {
    pub contract_id: String,
    pub state: String,
    pub signed_on: NaiveDate,
    #[serde(default)]
    pub expires_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgencyProfile {
    pub name: String,
    pub entity_type: EntityType,
    /// Street, city, two-letter state and ZIP of the agency.
    pub address: Address,
    #[serde(default)]
    pub memberships: Vec<Membership>,
    #[serde(default)]
    pub addenda: Vec<Addendum>,
    /// The agency's state does not allow it to use single-award cooperative
    /// contracts (recorded by the agency: it is the agency's own law).
    #[serde(default)]
    pub single_award_prohibited: bool,
}

/// Whether a dated agreement is in force on `day`.
pub(crate) fn in_force(signed_on: NaiveDate, expires_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    signed_on <= day && expires_on.is_none_or(|e| e >= day)
}

impl AgencyProfile {
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::Invalid(m.to_owned()));
        if self.name.trim().is_empty() {
            return bad("The agency needs a name.");
        }
        let st = &self.address.state;
        if st.len() != 2 || !st.chars().all(|c| c.is_ascii_uppercase()) {
            return bad("The agency's state must be a two-letter code such as FL.");
        }
        if crate::geo::zip_centroid(&self.address.zip).is_none() {
            return bad("The agency's ZIP code is not a US ZIP code this app knows; distances need it.");
        }
        for a in &self.addenda {
            if a.state.len() != 2 || !a.state.chars().all(|c| c.is_ascii_uppercase()) {
                return bad("A participating addendum's state must be a two-letter code.");
            }
        }
        for (signed, expires) in self
            .memberships
            .iter()
            .map(|m| (m.signed_on, m.expires_on))
            .chain(self.addenda.iter().map(|a| (a.signed_on, a.expires_on)))
        {
            if expires.is_some_and(|e| e < signed) {
                return bad("An agreement cannot expire before it was signed.");
            }
        }
        Ok(())
    }
}

/// The largest logo accepted; a logo prints at 1.6 cm high.
pub const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;

/// The agency's logo for packets: its media type and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logo {
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Logo {
    /// Accepts PNG and JPEG files, judged by their content.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Logo> {
        let media_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else if bytes.starts_with(b"\xff\xd8\xff") {
            "image/jpeg"
        } else {
            return Err(Error::Invalid("The logo must be a PNG or JPEG image.".into()));
        };
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(Error::Invalid("The logo is larger than 2 MB; use a smaller image.".into()));
        }
        Ok(Logo { media_type, bytes })
    }
}

impl Store {
    pub fn agency_logo(&self) -> Result<Option<Logo>> {
        let row: Option<Vec<u8>> =
            self.conn().query_row("SELECT content FROM agency_logo WHERE id = 1", [], |r| r.get(0)).optional()?;
        row.map(Logo::from_bytes).transpose()
    }

    /// Sets (or with `None` removes) the logo printed on packets.
    pub fn set_agency_logo(&mut self, logo: Option<&Logo>) -> Result<()> {
        match logo {
            Some(l) => self.conn().execute(
                "INSERT INTO agency_logo (id, media_type, content, updated_at) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET media_type = excluded.media_type, content = excluded.content,
                     updated_at = excluded.updated_at",
                rusqlite::params![l.media_type, l.bytes, self.clock().now().to_rfc3339()],
            )?,
            None => self.conn().execute("DELETE FROM agency_logo", [])?,
        };
        Ok(())
    }

    pub fn agency_profile(&self) -> Result<Option<AgencyProfile>> {
        let text: Option<String> =
            self.conn().query_row("SELECT profile FROM agency_profile WHERE id = 1", [], |r| r.get(0)).optional()?;
        match text {
            None => Ok(None),
            Some(t) => serde_json::from_str(&t)
                .map(Some)
                .map_err(|e| Error::database(format!("the stored agency profile is unreadable ({e})"))),
        }
    }

    pub fn set_agency_profile(&mut self, profile: &AgencyProfile) -> Result<()> {
        profile.validate()?;
        let json = serde_json::to_string(profile).expect("a profile serialises");
        self.conn().execute(
            "INSERT INTO agency_profile (id, profile, updated_at) VALUES (1, ?1, ?2)
             ON CONFLICT(id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at",
            rusqlite::params![json, self.clock().now().to_rfc3339()],
        )?;
        Ok(())
    }
}
