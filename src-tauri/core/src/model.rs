//! The catalogue's domain types: cooperatives, contracts, suppliers, their
//! local dealers and the items sold on contract. These are what the feed
//! carries and what the store keeps; every type validates itself, because
//! everything arriving from a feed is untrusted.

use crate::money::{Cents, Currency};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Upper bounds on what one record may carry. A feed that exceeds them is
/// refused rather than trusted to be reasonable.
pub mod limits {
    pub const ID: usize = 128;
    pub const SHORT_TEXT: usize = 200;
    pub const LONG_TEXT: usize = 2_000;
    pub const LIST: usize = 200;
    /// $10 billion: more than any single catalogue price could honestly be.
    pub const MAX_CENTS: i64 = 1_000_000_000_000;
}

/// A cooperative purchasing organisation or the lead agency's programme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cooperative {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub lead_agency: Option<String>,
    /// Whether an agency must sign a membership agreement before using any of
    /// the cooperative's contracts.
    #[serde(default)]
    pub membership_required: bool,
    #[serde(default)]
    pub website: Option<String>,
}

/// Kinds of public entity that contract eligibility clauses name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    City,
    County,
    SchoolDistrict,
    SpecialDistrict,
    HigherEducation,
    StateAgency,
    Tribal,
    Nonprofit,
}

impl EntityType {
    pub const ALL: [EntityType; 8] = [
        EntityType::City,
        EntityType::County,
        EntityType::SchoolDistrict,
        EntityType::SpecialDistrict,
        EntityType::HigherEducation,
        EntityType::StateAgency,
        EntityType::Tribal,
        EntityType::Nonprofit,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EntityType::City => "city or town",
            EntityType::County => "county",
            EntityType::SchoolDistrict => "school district",
            EntityType::SpecialDistrict => "special district",
            EntityType::HigherEducation => "college or university",
            EntityType::StateAgency => "state agency",
            EntityType::Tribal => "tribal government",
            EntityType::Nonprofit => "nonprofit",
        }
    }

    /// The name used in records and on the command line: `school_district`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::City => "city",
            EntityType::County => "county",
            EntityType::SchoolDistrict => "school_district",
            EntityType::SpecialDistrict => "special_district",
            EntityType::HigherEducation => "higher_education",
            EntityType::StateAgency => "state_agency",
            EntityType::Tribal => "tribal",
            EntityType::Nonprofit => "nonprofit",
        }
    }

    /// "counties", "colleges and universities": for "open only to ...".
    pub fn plural_label(self) -> &'static str {
        match self {
            EntityType::City => "cities and towns",
            EntityType::County => "counties",
            EntityType::SchoolDistrict => "school districts",
            EntityType::SpecialDistrict => "special districts",
            EntityType::HigherEducation => "colleges and universities",
            EntityType::StateAgency => "state agencies",
            EntityType::Tribal => "tribal governments",
            EntityType::Nonprofit => "nonprofits",
        }
    }
}

impl std::str::FromStr for EntityType {
    type Err = String;

    /// Accepts the record names (`school_district`) and dashes (`school-district`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_lowercase().replace('-', "_");
        EntityType::ALL.into_iter().find(|t| t.as_str() == wanted).ok_or_else(|| {
            let names: Vec<&str> = EntityType::ALL.iter().map(|t| t.as_str()).collect();
            format!("'{s}' is not a kind of entity; use one of {}", names.join(", "))
        })
    }
}

/// Who may piggyback on a contract.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Eligibility {
    /// Two-letter state codes; empty means nationwide.
    #[serde(default)]
    pub states: Vec<String>,
    /// Empty means any public entity.
    #[serde(default)]
    pub entity_types: Vec<EntityType>,
    #[serde(default)]
    pub requires_membership: bool,
    /// Some states require a participating addendum signed by the state before
    /// its agencies may use a multi-state contract.
    #[serde(default)]
    pub requires_participating_addendum: bool,
    /// The contract was awarded to a single supplier; some states do not let
    /// their agencies piggyback on single-award cooperative contracts.
    #[serde(default)]
    pub single_award: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Contract,
    Amendment,
    PriceList,
    Award,
    Solicitation,
    Other,
}

/// A document of the contract file, pinned by its hash so a printed citation
/// can prove which text it relied on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContractDocument {
    pub title: String,
    pub kind: DocumentKind,
    /// Lower-case hex SHA-256 of the document's bytes.
    pub sha256: String,
    pub size: u64,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Contract {
    pub id: String,
    pub cooperative_id: String,
    pub supplier_id: String,
    pub number: String,
    pub title: String,
    #[serde(default)]
    pub lead_agency: Option<String>,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    /// The last date to which the contract may be extended, if renewals remain.
    #[serde(default)]
    pub max_extension_end: Option<NaiveDate>,
    #[serde(default)]
    pub eligibility: Eligibility,
    #[serde(default)]
    pub documents: Vec<ContractDocument>,
    /// Where the contract came from when it was not written for coopdesk:
    /// an OCDS publication's process and file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Changes made to the contract since award, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
}

/// An imported contract's provenance, so a citation can point to the public
/// record it was read from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Origin {
    /// The Open Contracting ID of the contracting process.
    pub ocid: String,
    /// The file or address it was read from.
    pub source: String,
    /// "framework agreement", "call-off", "contract" or "award".
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The publisher's status for it (active, pending, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Its total value as published, e.g. "44,341.25 GBP".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// One change to a contract, as published.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Amendment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// ISO date or date-time, as published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Address {
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub city: String,
    /// Two-letter state code.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub zip: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A registration number: UEI, EIN, a state vendor number, ...
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Identifier {
    pub scheme: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Supplier {
    pub id: String,
    pub legal_name: String,
    #[serde(default)]
    pub identifiers: Vec<Identifier>,
    #[serde(default)]
    pub address: Address,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Who answers after hours when a storm hits.
    #[serde(default)]
    pub emergency_contact: Option<Contact>,
    /// The person to ask about the contract in office hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

/// A supplier's local store, branch or franchise, where a clerk can pick up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DealerLocation {
    pub id: String,
    pub supplier_id: String,
    pub name: String,
    pub address: Address,
    #[serde(default)]
    pub phone: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
}

/// A code in a commodity classification (UNSPSC, NIGP, CPV, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Classification {
    pub scheme: String,
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// Unit price from a minimum quantity upward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PriceTier {
    pub min_quantity: u32,
    pub unit_price: Cents,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CatalogueItem {
    pub id: String,
    pub contract_id: String,
    pub supplier_sku: String,
    #[serde(default)]
    pub manufacturer: Option<String>,
    #[serde(default)]
    pub manufacturer_part: Option<String>,
    pub description: String,
    #[serde(default)]
    pub classifications: Vec<Classification>,
    /// Unit of measure as the contract prices it: EA, BX, CS, GAL, ...
    pub unit: String,
    pub list_price: Cents,
    pub contract_price: Cents,
    #[serde(default)]
    pub price_tiers: Vec<PriceTier>,
    /// Flags such as `energy-efficient`.
    #[serde(default)]
    pub attributes: Vec<String>,
    /// ISO 4217 code of the prices. Feeds price in US dollars; a public
    /// buyer's OCDS publication may price in its own currency.
    #[serde(default = "usd", skip_serializing_if = "is_usd")]
    pub currency: Currency,
}

/// The currency coopdesk keeps requisitions in.
pub const USD: Currency = Currency::USD;

fn usd() -> Currency {
    USD
}

fn is_usd(c: &Currency) -> bool {
    *c == USD
}

impl CatalogueItem {
    /// The unit price that applies at `quantity`: the best tier reached, or the
    /// contract price.
    pub fn unit_price_at(&self, quantity: u32) -> Cents {
        self.price_tiers
            .iter()
            .filter(|t| quantity >= t.min_quantity)
            .map(|t| t.unit_price)
            .fold(self.contract_price, |best, p| best.min(p))
    }
}

/// A field that failed validation, and why, in words a publisher can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub reason: String,
}

type Check = Result<(), Invalid>;

fn invalid(field: &'static str, reason: impl Into<String>) -> Invalid {
    Invalid { field, reason: reason.into() }
}

pub fn check_id(field: &'static str, id: &str) -> Check {
    if id.is_empty() || id.len() > limits::ID {
        return Err(invalid(field, format!("must be 1 to {} characters", limits::ID)));
    }
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/')) {
        return Err(invalid(field, "may hold only letters, digits and - _ . : /"));
    }
    Ok(())
}

fn check_text(field: &'static str, text: &str, max: usize, required: bool) -> Check {
    if required && text.trim().is_empty() {
        return Err(invalid(field, "is empty"));
    }
    if text.chars().count() > max {
        return Err(invalid(field, format!("is longer than {max} characters")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(invalid(field, "contains control characters"));
    }
    Ok(())
}

fn check_opt(field: &'static str, text: &Option<String>, max: usize) -> Check {
    text.as_deref().map_or(Ok(()), |t| check_text(field, t, max, false))
}

fn check_list<T>(field: &'static str, list: &[T]) -> Check {
    if list.len() > limits::LIST {
        return Err(invalid(field, format!("has more than {} entries", limits::LIST)));
    }
    Ok(())
}

fn check_price(field: &'static str, price: Cents) -> Check {
    if price.0 < 0 || price.0 > limits::MAX_CENTS {
        return Err(invalid(field, "must be between $0 and $10,000,000,000"));
    }
    Ok(())
}

fn check_state(field: &'static str, state: &str) -> Check {
    if !(state.is_empty() || (state.len() == 2 && state.chars().all(|c| c.is_ascii_uppercase()))) {
        return Err(invalid(field, format!("'{state}' is not a two-letter state code")));
    }
    Ok(())
}

fn check_address(addr: &Address) -> Check {
    check_text("address.street", &addr.street, limits::SHORT_TEXT, false)?;
    check_text("address.city", &addr.city, limits::SHORT_TEXT, false)?;
    check_state("address.state", &addr.state)?;
    check_text("address.zip", &addr.zip, 10, false)
}

impl Cooperative {
    pub fn validate(&self) -> Check {
        check_id("id", &self.id)?;
        check_text("name", &self.name, limits::SHORT_TEXT, true)?;
        check_opt("lead_agency", &self.lead_agency, limits::SHORT_TEXT)?;
        check_opt("website", &self.website, limits::SHORT_TEXT)
    }
}

impl Contract {
    pub fn validate(&self) -> Check {
        check_id("id", &self.id)?;
        check_id("cooperative_id", &self.cooperative_id)?;
        check_id("supplier_id", &self.supplier_id)?;
        check_text("number", &self.number, limits::SHORT_TEXT, true)?;
        check_text("title", &self.title, limits::SHORT_TEXT, true)?;
        check_opt("lead_agency", &self.lead_agency, limits::SHORT_TEXT)?;
        if self.term_end < self.term_start {
            return Err(invalid("term_end", "is before term_start"));
        }
        if let Some(ext) = self.max_extension_end {
            if ext < self.term_end {
                return Err(invalid("max_extension_end", "is before term_end"));
            }
        }
        check_list("eligibility.states", &self.eligibility.states)?;
        for s in &self.eligibility.states {
            check_state("eligibility.states", s)?;
        }
        check_list("documents", &self.documents)?;
        for d in &self.documents {
            check_text("documents.title", &d.title, limits::SHORT_TEXT, true)?;
            check_text("documents.url", &d.url, limits::LONG_TEXT, true)?;
            // A public record may list a document without its hash; coopdesk
            // then pins the hash of the copy it keeps.
            let hex = d.sha256.len() == 64 && d.sha256.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
            if !(hex || d.sha256.is_empty() && d.size == 0) {
                return Err(invalid("documents.sha256", "must be 64 lower-case hex digits"));
            }
        }
        if let Some(o) = &self.origin {
            check_text("origin.ocid", &o.ocid, limits::SHORT_TEXT, true)?;
            check_text("origin.source", &o.source, limits::LONG_TEXT, true)?;
            check_text("origin.kind", &o.kind, 40, true)?;
            check_opt("origin.publisher", &o.publisher, limits::SHORT_TEXT)?;
            check_opt("origin.status", &o.status, 40)?;
            check_opt("origin.value", &o.value, 60)?;
        }
        check_list("amendments", &self.amendments)?;
        for a in &self.amendments {
            check_opt("amendments.id", &a.id, limits::SHORT_TEXT)?;
            check_opt("amendments.date", &a.date, 40)?;
            check_opt("amendments.description", &a.description, limits::LONG_TEXT)?;
            check_opt("amendments.rationale", &a.rationale, limits::LONG_TEXT)?;
        }
        Ok(())
    }
}

impl Supplier {
    pub fn validate(&self) -> Check {
        check_id("id", &self.id)?;
        check_text("legal_name", &self.legal_name, limits::SHORT_TEXT, true)?;
        check_list("identifiers", &self.identifiers)?;
        for i in &self.identifiers {
            check_text("identifiers.scheme", &i.scheme, 40, true)?;
            check_text("identifiers.value", &i.value, limits::SHORT_TEXT, true)?;
        }
        check_address(&self.address)?;
        check_opt("phone", &self.phone, 40)?;
        check_opt("email", &self.email, limits::SHORT_TEXT)?;
        if let Some(c) = &self.emergency_contact {
            check_text("emergency_contact.name", &c.name, limits::SHORT_TEXT, true)?;
            check_opt("emergency_contact.phone", &c.phone, 40)?;
            check_opt("emergency_contact.email", &c.email, limits::SHORT_TEXT)?;
        }
        if let Some(c) = &self.contact {
            check_text("contact.name", &c.name, limits::SHORT_TEXT, true)?;
            check_opt("contact.phone", &c.phone, 40)?;
            check_opt("contact.email", &c.email, limits::SHORT_TEXT)?;
        }
        Ok(())
    }
}

impl DealerLocation {
    pub fn validate(&self) -> Check {
        check_id("id", &self.id)?;
        check_id("supplier_id", &self.supplier_id)?;
        check_text("name", &self.name, limits::SHORT_TEXT, true)?;
        check_address(&self.address)?;
        check_opt("phone", &self.phone, 40)?;
        if !(-90.0..=90.0).contains(&self.latitude) {
            return Err(invalid("latitude", "must be between -90 and 90"));
        }
        if !(-180.0..=180.0).contains(&self.longitude) {
            return Err(invalid("longitude", "must be between -180 and 180"));
        }
        Ok(())
    }
}

impl CatalogueItem {
    pub fn validate(&self) -> Check {
        check_id("id", &self.id)?;
        check_id("contract_id", &self.contract_id)?;
        check_text("supplier_sku", &self.supplier_sku, 100, true)?;
        check_opt("manufacturer", &self.manufacturer, limits::SHORT_TEXT)?;
        check_opt("manufacturer_part", &self.manufacturer_part, 100)?;
        check_text("description", &self.description, limits::LONG_TEXT, true)?;
        check_text("unit", &self.unit, 20, true)?;
        // The contract price first: a price file's list price defaults to
        // it, and the column the clerk filled in is the one to name.
        check_price("contract_price", self.contract_price)?;
        check_price("list_price", self.list_price)?;
        check_list("classifications", &self.classifications)?;
        for c in &self.classifications {
            check_text("classifications.scheme", &c.scheme, 40, true)?;
            check_text("classifications.code", &c.code, 40, true)?;
            check_opt("classifications.name", &c.name, limits::SHORT_TEXT)?;
        }
        check_list("price_tiers", &self.price_tiers)?;
        for t in &self.price_tiers {
            check_price("price_tiers.unit_price", t.unit_price)?;
            if t.min_quantity == 0 {
                return Err(invalid("price_tiers.min_quantity", "must be at least 1"));
            }
        }
        check_list("attributes", &self.attributes)?;
        for a in &self.attributes {
            check_text("attributes", a, 60, true)?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn item() -> CatalogueItem {
        CatalogueItem {
            id: "item-1".into(),
            contract_id: "c-1".into(),
            supplier_sku: "SKU-1".into(),
            manufacturer: Some("Acme".into()),
            manufacturer_part: Some("AC-100".into()),
            description: "UPS battery".into(),
            classifications: vec![],
            unit: "EA".into(),
            list_price: Cents(10_000),
            contract_price: Cents(7_000),
            price_tiers: vec![
                PriceTier { min_quantity: 10, unit_price: Cents(6_500) },
                PriceTier { min_quantity: 50, unit_price: Cents(6_000) },
            ],
            attributes: vec![],
            currency: USD,
        }
    }

    #[test]
    fn entity_types_parse_by_their_record_names() {
        for t in EntityType::ALL {
            assert_eq!(t.as_str().parse::<EntityType>(), Ok(t));
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{}\"", t.as_str()));
        }
        assert_eq!("School-District".parse::<EntityType>(), Ok(EntityType::SchoolDistrict));
        assert!("township".parse::<EntityType>().unwrap_err().contains("school_district"));
    }

    #[test]
    fn tier_applies_from_its_minimum_quantity() {
        let it = item();
        assert_eq!(it.unit_price_at(1), Cents(7_000));
        assert_eq!(it.unit_price_at(9), Cents(7_000));
        assert_eq!(it.unit_price_at(10), Cents(6_500));
        assert_eq!(it.unit_price_at(49), Cents(6_500));
        assert_eq!(it.unit_price_at(500), Cents(6_000));
    }

    #[test]
    fn validation_names_the_field() {
        let mut it = item();
        assert_eq!(it.validate(), Ok(()));
        it.description = "  ".into();
        assert_eq!(it.validate().unwrap_err().field, "description");
        let mut it = item();
        it.list_price = Cents(-1);
        assert_eq!(it.validate().unwrap_err().field, "list_price");
        let mut it = item();
        it.id = "has space".into();
        assert_eq!(it.validate().unwrap_err().field, "id");
        let mut it = item();
        it.description = "bell\u{7}".into();
        assert_eq!(it.validate().unwrap_err().reason, "contains control characters");
    }
}
