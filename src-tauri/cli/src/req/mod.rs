//! `coopdesk req ...`: requisitions from the command line, enough to script
//! the whole flow from a new draft to a closed order; and `coopdesk
//! purchasing ...` for the settings it is checked against.
//!
//! - `args`: the subcommands and their arguments.
//! - `edit`: building a requisition.
//! - `journey`: its status, from submitted to closed.
//! - `invoicing`: vendors' invoices checked against the order.
//! - `report`: showing, listing, exporting, verifying the history.
//! - `view`: a requisition as text.
//! - `purchasing`: the settings.

mod args;
mod edit;
mod invoicing;
mod journey;
mod purchasing;
mod report;
mod view;

pub use args::ReqAction;
pub use purchasing::{purchasing, PurchasingAction};

use coopdesk_core::{Result, Store};
use std::io::Write;

pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

pub fn run(store: &mut Store, action: &ReqAction, by: &str, json: bool, out: &mut dyn Write) -> Result<()> {
    use ReqAction::*;
    match action {
        New { .. }
        | Docs { .. }
        | Set { .. }
        | Add { .. }
        | AddManual { .. }
        | Line { .. }
        | RemoveLine { .. }
        | AcceptPrice { .. }
        | Attach { .. }
        | Ack { .. } => edit::run(store, action, by, json, out),
        Submit { .. }
        | Approve { .. }
        | BoardApprove { .. }
        | Return { .. }
        | Order { .. }
        | Receive { .. }
        | Close { .. }
        | Cancel { .. } => journey::run(store, action, by, out),
        Invoice { .. } | Invoices { .. } | InvoiceAck { .. } | InvoiceApprove { .. } => {
            invoicing::run(store, action, by, json, out)
        }
        Show { .. } | List { .. } | Export { .. } | VerifyHistory { .. } => report::run(store, action, json, out),
    }
}
