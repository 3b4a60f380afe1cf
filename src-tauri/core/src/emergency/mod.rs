//! Emergency purchasing: declared incidents with their procurement waiver
//! and relaxed rules, emergency requisitions under them (with an
//! authorisation number issued at once and the documentation FEMA asks for),
//! the running tally, the printable vendor sheet and the reimbursement packet.
//!
//! - [`incidents`]: declaring, activating, extending and closing incidents.
//! - [`tally`]: spend and missing documentation per incident.
//! - [`vendor_sheet`]: suppliers with valid contracts in emergency categories,
//!   with phones and the nearest dealers, for buying by phone from paper.
//! - [`fema`]: the per-incident reimbursement packet and CSV ledger.

pub mod fema;
pub mod incidents;
pub mod tally;
pub mod vendor_sheet;

pub use incidents::{incident_by_id, incident_state_hash, EmergencyRules, Incident, NewIncident, Project};
