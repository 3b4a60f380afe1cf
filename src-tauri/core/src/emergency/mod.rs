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

use crate::error::Result;
use crate::packet::{Packet, Paper};
use crate::store::Store;
use std::path::PathBuf;

impl Store {
    /// The vendor sheet as a PDF, for printing.
    pub fn vendor_sheet_pdf(&self, categories: &[String], near_zip: Option<&str>) -> Result<Vec<u8>> {
        let sheet = self.vendor_sheet(categories, near_zip, self.clock().today())?;
        let agency = self.agency_profile()?.map(|a| a.name).unwrap_or_default();
        vendor_sheet::vendor_sheet_pdf(&sheet, &agency, self.clock().now())
    }

    /// Saves the vendor sheet as PDF (or CSV when `csv`) to `path`, or to the
    /// save folder; returns where it went.
    pub fn save_vendor_sheet(
        &self,
        categories: &[String],
        near_zip: Option<&str>,
        csv: bool,
        path: Option<PathBuf>,
    ) -> Result<PathBuf> {
        let today = self.clock().today();
        let path = self.save_path(path, &format!("vendor-sheet-{today}.{}", if csv { "csv" } else { "pdf" }))?;
        let bytes = if csv {
            vendor_sheet::vendor_sheet_csv(&self.vendor_sheet(categories, near_zip, today)?)?.into_bytes()
        } else {
            self.vendor_sheet_pdf(categories, near_zip)?
        };
        crate::paths::write_atomically(&path, &bytes)?;
        Ok(path)
    }

    /// The reimbursement packet for printing; the printing is recorded.
    pub fn print_fema_packet(&mut self, id: i64, paper: Paper, actor: &str) -> Result<Packet> {
        let packet = self.fema_packet(id, paper, self.clock().now())?;
        self.record_fema_packet(id, &packet, "sent to the print dialog", actor)?;
        Ok(packet)
    }

    /// Saves the reimbursement packet (or with `ledger`, the CSV ledger) to
    /// `path` or the save folder, recording the packet in the history.
    pub fn save_fema_packet(
        &mut self,
        id: i64,
        paper: Paper,
        ledger: bool,
        path: Option<PathBuf>,
        actor: &str,
    ) -> Result<PathBuf> {
        let incident = self.incident(id)?;
        let slug: String =
            incident.name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
        let path = self.save_path(path, &format!("fema-{slug}.{}", if ledger { "csv" } else { "pdf" }))?;
        if ledger {
            crate::paths::write_atomically(&path, fema::ledger_csv(&self.fema_ledger(id)?)?.as_bytes())?;
        } else {
            let packet = self.fema_packet(id, paper, self.clock().now())?;
            crate::paths::write_atomically(&path, &packet.pdf)?;
            self.record_fema_packet(id, &packet, &format!("saved to {}", path.display()), actor)?;
        }
        Ok(path)
    }
}

pub use incidents::{incident_by_id, incident_state_hash, EmergencyRules, Incident, NewIncident, Project};
