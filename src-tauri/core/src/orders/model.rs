//! What a requisition is: its header, its lines with the evidence of what
//! was ordered, its attachments and acknowledgements, and its status.

use crate::model::{Address, CatalogueItem, Contract, Cooperative, Identifier};
use crate::money::Cents;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Approved,
    Ordered,
    PartiallyReceived,
    Received,
    Closed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Submitted,
        Status::Approved,
        Status::Ordered,
        Status::PartiallyReceived,
        Status::Received,
        Status::Closed,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Ordered => "ordered",
            Status::PartiallyReceived => "partially_received",
            Status::Received => "received",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Submitted => "Submitted",
            Status::Approved => "Approved",
            Status::Ordered => "Ordered",
            Status::PartiallyReceived => "Partially received",
            Status::Received => "Received",
            Status::Closed => "Closed",
            Status::Cancelled => "Canceled",
        }
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_lowercase().replace(['-', ' '], "_");
        Status::ALL.into_iter().find(|st| st.as_str() == wanted).ok_or_else(|| {
            let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            format!("'{s}' is not a requisition status; use one of {}", names.join(", "))
        })
    }
}

/// Who the order goes to, as the supplier record said when it was chosen.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Vendor {
    pub name: String,
    #[serde(default)]
    pub address: Address,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Tax and vendor numbers (EIN, UEI, state vendor number) where known.
    #[serde(default)]
    pub identifiers: Vec<Identifier>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum JustificationKind {
    SoleSource,
    Emergency,
    Other,
}

impl JustificationKind {
    pub fn label(self) -> &'static str {
        match self {
            JustificationKind::SoleSource => "sole source",
            JustificationKind::Emergency => "emergency",
            JustificationKind::Other => "other",
        }
    }
}

/// Why a purchase is made the way it is, when the policy alone does not
/// explain it: printed on its own page of the packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Justification {
    pub kind: JustificationKind,
    pub text: String,
}

/// The fields a clerk types into the requisition's header.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Header {
    pub department: String,
    pub requester: String,
    pub requester_phone: String,
    pub deliver_to: String,
    pub date_needed: Option<NaiveDate>,
    pub purpose: String,
    pub notes: String,
    /// Left out of the serialised state when absent, so the state hashes of
    /// requisitions recorded before justifications existed still verify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<Justification>,
}

/// What the catalogue said about a line's item when it was added: the item,
/// its contract and cooperative, and where that data came from. A later sync
/// changes none of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Evidence {
    pub item: CatalogueItem,
    pub contract: Contract,
    pub cooperative: Cooperative,
    pub supplier_name: String,
    /// Short SHA-256 of the contract record as it stood: its version.
    pub contract_version: String,
    /// Hash of the contract document cited (the contract itself, else the first).
    pub document_sha256: Option<String>,
    pub feed_id: String,
    pub feed_sequence: i64,
    /// When that feed sequence was applied on this machine.
    pub feed_applied_at: String,
    pub captured_at: crate::clock::Timestamp,
}

/// Where a line comes from: the two kinds of line there are.
#[derive(Clone, Debug, PartialEq)]
pub enum LineSource {
    /// From the catalogue, with the evidence captured when it was added.
    Catalogue { item_id: String, evidence: Box<Evidence> },
    /// Off contract: typed in from the quote of this vendor.
    OffContract { vendor: String },
}

/// A requisition line. Stored and sent in its long-standing shape (item,
/// vendor and evidence as three optional fields; see [`LineWire`]), which
/// the history's state hashes cover; in code, its source is one of two.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "LineWire", try_from = "LineWire")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "LineWire"))]
pub struct Line {
    pub position: u32,
    pub source: LineSource,
    pub quantity: u32,
    pub received: u32,
    pub unit: String,
    pub description: String,
    pub supplier_sku: String,
    pub manufacturer_part: String,
    pub unit_price: Cents,
    pub account: String,
    pub tax_exempt: bool,
}

impl Line {
    pub fn extended(&self) -> Cents {
        Cents(self.unit_price.0 * self.quantity as i64)
    }

    pub fn on_contract(&self) -> bool {
        matches!(self.source, LineSource::Catalogue { .. })
    }

    /// The catalogue item, for a line from the catalogue.
    pub fn item_id(&self) -> Option<&str> {
        match &self.source {
            LineSource::Catalogue { item_id, .. } => Some(item_id),
            LineSource::OffContract { .. } => None,
        }
    }

    /// What the catalogue said when the line was added.
    pub fn evidence(&self) -> Option<&Evidence> {
        match &self.source {
            LineSource::Catalogue { evidence, .. } => Some(evidence),
            LineSource::OffContract { .. } => None,
        }
    }

    /// Added from the bundled sample catalog: fictional, marked as such.
    pub fn from_sample(&self) -> bool {
        self.evidence().is_some_and(|ev| ev.feed_id == crate::sample::SAMPLE_FEED_ID)
    }

    /// The vendor who quoted an off-contract line.
    pub fn vendor(&self) -> Option<&str> {
        match &self.source {
            LineSource::OffContract { vendor } => Some(vendor),
            LineSource::Catalogue { .. } => None,
        }
    }
}

/// A line as stored and sent: the shape it has always had.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Line"))]
pub struct LineWire {
    pub position: u32,
    /// The catalogue item, or `None` for an off-contract line.
    pub item_id: Option<String>,
    pub quantity: u32,
    pub received: u32,
    pub unit: String,
    pub description: String,
    pub supplier_sku: String,
    pub manufacturer_part: String,
    pub unit_price: Cents,
    pub account: String,
    pub tax_exempt: bool,
    /// Off-contract lines: the vendor who quoted it.
    pub vendor: Option<String>,
    pub evidence: Option<Evidence>,
}

impl From<Line> for LineWire {
    fn from(l: Line) -> Self {
        let (item_id, vendor, evidence) = match l.source {
            LineSource::Catalogue { item_id, evidence } => (Some(item_id), None, Some(*evidence)),
            LineSource::OffContract { vendor } => (None, Some(vendor), None),
        };
        LineWire {
            position: l.position,
            item_id,
            quantity: l.quantity,
            received: l.received,
            unit: l.unit,
            description: l.description,
            supplier_sku: l.supplier_sku,
            manufacturer_part: l.manufacturer_part,
            unit_price: l.unit_price,
            account: l.account,
            tax_exempt: l.tax_exempt,
            vendor,
            evidence,
        }
    }
}

impl TryFrom<LineWire> for Line {
    type Error = String;

    /// Refuses the mixtures no coopdesk writes: an item without its
    /// evidence, or a line with neither an item nor a vendor.
    fn try_from(w: LineWire) -> Result<Self, Self::Error> {
        let source = match (w.item_id, w.evidence, w.vendor) {
            (Some(item_id), Some(evidence), None) => LineSource::Catalogue { item_id, evidence: Box::new(evidence) },
            (None, None, Some(vendor)) => LineSource::OffContract { vendor },
            _ => return Err(format!("line {} is neither a catalog line nor an off-contract line", w.position)),
        };
        Ok(Line {
            position: w.position,
            source,
            quantity: w.quantity,
            received: w.received,
            unit: w.unit,
            description: w.description,
            supplier_sku: w.supplier_sku,
            manufacturer_part: w.manufacturer_part,
            unit_price: w.unit_price,
            account: w.account,
            tax_exempt: w.tax_exempt,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Quote,
    PriceList,
    Memo,
    Receipt,
    Invoice,
    Other,
}

impl AttachmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Quote => "quote",
            AttachmentKind::PriceList => "price_list",
            AttachmentKind::Memo => "memo",
            AttachmentKind::Receipt => "receipt",
            AttachmentKind::Invoice => "invoice",
            AttachmentKind::Other => "other",
        }
    }
}

impl std::str::FromStr for AttachmentKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let all = [
            AttachmentKind::Quote,
            AttachmentKind::PriceList,
            AttachmentKind::Memo,
            AttachmentKind::Receipt,
            AttachmentKind::Invoice,
            AttachmentKind::Other,
        ];
        let wanted = s.trim().to_lowercase().replace('-', "_");
        all.into_iter().find(|k| k.as_str() == wanted).ok_or_else(|| {
            format!("'{s}' is not a kind of attachment; use quote, price_list, memo, receipt, invoice or other")
        })
    }
}

/// A quote's particulars, for the quote comparison.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuoteInfo {
    pub vendor: Option<String>,
    pub amount: Option<Cents>,
    pub quoted_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Attachment {
    pub id: i64,
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
    pub media_type: String,
    pub kind: AttachmentKind,
    #[serde(flatten)]
    pub quote: QuoteInfo,
    pub note: String,
    pub added_at: crate::clock::Timestamp,
}

/// A policy warning read and accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Acknowledgement {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub finding_key: crate::policy::FindingKey,
    pub message: String,
    pub by: String,
    pub note: String,
    pub at: crate::clock::Timestamp,
}

/// The documentation federal rules ask of an emergency purchase (2 CFR
/// 200.320(c)(3), exigency or emergency). Each field may be filled after the
/// purchase; what is missing is listed until it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmergencyDocs {
    /// What is bought and why it cannot wait for competition.
    #[serde(default)]
    pub need: String,
    /// How long the need lasts.
    #[serde(default)]
    pub duration: String,
    /// What was done to get competition anyway: quotes tried, vendors called.
    #[serde(default)]
    pub competition: String,
    /// Why the price is reasonable: contract price, price history, quotes.
    #[serde(default)]
    pub price_reasonableness: String,
    /// Any conflict of interest, or that there is none.
    #[serde(default)]
    pub conflict_of_interest: String,
}

impl EmergencyDocs {
    pub const FIELDS: [(&'static str, &'static str); 5] = [
        ("need", "what is bought and why it cannot wait for competition"),
        ("duration", "how long the need lasts"),
        ("competition", "what was done to get competition (quotes tried, vendors called)"),
        ("price_reasonableness", "why the price is reasonable (contract price, price history or quotes)"),
        ("conflict_of_interest", "any conflict of interest, or that there is none"),
    ];

    pub fn get(&self, field: &str) -> &str {
        match field {
            "need" => &self.need,
            "duration" => &self.duration,
            "competition" => &self.competition,
            "price_reasonableness" => &self.price_reasonableness,
            _ => &self.conflict_of_interest,
        }
    }

    /// The fields still empty, as (field, what it asks for).
    pub fn missing(&self) -> Vec<(&'static str, &'static str)> {
        Self::FIELDS.into_iter().filter(|(f, _)| self.get(f).trim().is_empty()).collect()
    }
}

/// What makes a requisition an emergency purchase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmergencyInfo {
    pub incident_id: i64,
    pub incident_name: String,
    /// Issued when the requisition is created, so that buying can start
    /// before any approval exists.
    pub authorization: String,
    /// The FEMA project the purchase is charged to, once known.
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub docs: EmergencyDocs,
}

/// A requisition as stored: exactly what the history's state hash covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Requisition {
    pub id: i64,
    pub number: String,
    pub status: Status,
    pub fiscal_year: i32,
    pub header: Header,
    pub supplier_id: Option<String>,
    pub vendor: Option<Vendor>,
    pub po_number: Option<String>,
    pub approved_by: Option<String>,
    pub created_at: crate::clock::Timestamp,
    pub updated_at: crate::clock::Timestamp,
    pub submitted_at: Option<crate::clock::Timestamp>,
    pub approved_at: Option<crate::clock::Timestamp>,
    pub ordered_at: Option<crate::clock::Timestamp>,
    pub closed_at: Option<crate::clock::Timestamp>,
    pub lines: Vec<Line>,
    pub attachments: Vec<Attachment>,
    pub acknowledgements: Vec<Acknowledgement>,
    /// Left out of the serialised state when absent, so the state hashes of
    /// requisitions recorded before emergencies existed still verify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<EmergencyInfo>,
}

impl Requisition {
    pub fn total(&self) -> Cents {
        Cents(self.lines.iter().map(|l| l.extended().0).sum())
    }

    /// Total of the lines bought off any cooperative contract: what
    /// competition thresholds apply to.
    pub fn off_contract_total(&self) -> Cents {
        Cents(self.lines.iter().filter(|l| !l.on_contract()).map(|l| l.extended().0).sum())
    }

    pub fn line(&self, position: u32) -> Option<&Line> {
        self.lines.iter().find(|l| l.position == position)
    }

    pub fn quotes(&self) -> impl Iterator<Item = &Attachment> {
        self.attachments.iter().filter(|a| a.kind == AttachmentKind::Quote)
    }
}

/// A line as the clerk sees it: with what the catalogue says now.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineState {
    pub position: u32,
    pub extended: Cents,
    /// Today's catalogue price at this quantity; `None` if the item is gone.
    pub current_unit_price: Option<Cents>,
    pub item_gone: bool,
    pub price_changed: bool,
    pub list_extended: Option<Cents>,
    /// From the fictional sample catalog, not a contract to buy on.
    pub sample: bool,
}

#[cfg(test)]
mod line_tests {
    use super::*;

    fn wire(item: bool, evidence: bool, vendor: bool) -> serde_json::Value {
        serde_json::json!({
            "position": 2, "item_id": item.then_some("i1"), "quantity": 1, "received": 0, "unit": "EA",
            "description": "Case", "supplier_sku": "", "manufacturer_part": "", "unit_price": 1200,
            "account": "", "tax_exempt": false, "vendor": vendor.then_some("Gulf Supply"),
            "evidence": if evidence { serde_json::json!("not read") } else { serde_json::Value::Null },
        })
    }

    #[test]
    fn an_off_contract_line_reads_and_writes_in_its_stored_shape() {
        let stored = wire(false, false, true);
        let line: Line = serde_json::from_value(stored.clone()).unwrap();
        assert_eq!(line.vendor(), Some("Gulf Supply"));
        assert!(!line.on_contract() && line.item_id().is_none() && line.evidence().is_none());
        assert_eq!(serde_json::to_value(&line).unwrap(), stored);
    }

    #[test]
    fn mixtures_no_coopdesk_writes_are_refused() {
        for (item, vendor) in [(true, false), (false, false), (true, true)] {
            let err = serde_json::from_value::<Line>(wire(item, false, vendor)).unwrap_err();
            assert!(err.to_string().contains("neither a catalog line nor an off-contract line"), "{err}");
        }
    }
}
