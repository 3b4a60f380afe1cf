//! The TypeScript declarations of every type that crosses into the window,
//! generated from the Rust types (ts-rs) into `ui/src/lib/bindings/`. The
//! UI's backend module imports them instead of keeping copies by hand; the
//! app's tests regenerate them and fail when the committed files differ, so
//! a field added on one side only cannot go unnoticed.
//!
//! Only with the `ts` feature: the app itself does not carry ts-rs.

use std::path::Path;
use ts_rs::{Config, ExportError, TS};

/// Writes the declarations of every type the window's commands take or
/// return (and everything they contain) into `dir`, one file per type.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    // serde_json writes integers as JSON numbers: `number`, never `bigint`.
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    macro_rules! export {
        ($($ty:ty),+ $(,)?) => {
            $(<$ty as TS>::export_all(&cfg)?;)+
        };
    }
    use crate::{
        agency, emergency, error, first_run, import, office, orders, packet, paths, reports, search, store, sync,
        updates,
    };
    export!(
        error::ErrorReply,
        office::OfficeOverview,
        office::OfficeSyncReport,
        office::Inbox,
        office::Decision,
        office::Admission,
        office::JoinRequest,
        office::SharedEdit,
        office::KeyProtection,
        store::CatalogueStatus,
        first_run::FirstRun,
        paths::DataLocation,
        store::Facets,
        store::ContractDetail,
        store::ItemDetail,
        store::FeedView,
        store::Subscription,
        search::SearchQuery,
        search::SearchPage,
        sync::Progress,
        sync::FeedSyncResult,
        agency::AgencyProfile,
        orders::PurchasingSettings,
        orders::ListFilter,
        orders::RequisitionList,
        orders::Header,
        orders::Requisition,
        orders::RequisitionView,
        orders::EmergencyDocs,
        orders::ManualLine,
        orders::LineEdit,
        orders::NewAttachment,
        orders::Transition,
        orders::invoices::InvoiceStep,
        orders::invoice_file::InvoiceFile,
        updates::UpdateStatus,
        updates::UpdateCheck,
        updates::DownloadProgress,
        reports::savings::ReportRequest,
        reports::savings::SavingsReport,
        reports::board::ReportFile,
        packet::Paper,
        packet::SavedPacket,
        emergency::Incident,
        emergency::NewIncident,
        emergency::Project,
        emergency::tally::Dashboard,
        import::ImportRequest,
        import::ImportOutcome,
        import::ImportRecord,
        import::ocds::Progress,
    );
    Ok(())
}
