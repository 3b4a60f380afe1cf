//! A requisition's journey: submitted, approved, returned, ordered,
//! received, closed or cancelled.

use super::args::ReqAction;
use super::today;
use crate::stdout_error;
use coopdesk_core::{Error, Result, Store};
use std::io::Write;

/// Runs one of this file's actions; `req::run` routes only those here.
pub(super) fn run(store: &mut Store, action: &ReqAction, by: &str, out: &mut dyn Write) -> Result<()> {
    let say = |out: &mut dyn Write, text: String| writeln!(out, "{text}").map_err(stdout_error);
    match action {
        ReqAction::Submit { number } => {
            store.submit(number, by, today())?;
            say(out, format!("Submitted {number} for approval."))
        }
        ReqAction::Approve { number, approver, from } => {
            if store.in_office()? {
                // Approving means being that person, on their own computer.
                let passphrase = coopdesk_core::office::passphrase_from_env()?;
                let status = store.office_decide(
                    number,
                    from.as_deref(),
                    coopdesk_core::office::Decision::Approved,
                    &passphrase,
                )?;
                let me = status.me.map(|e| e.person.name).unwrap_or_default();
                return say(
                    out,
                    if status.waiting == 0 {
                        format!("{number} approved by {me}, signed, and sent to the office.")
                    } else {
                        format!("{number} approved by {me}, signed; it goes to the office at the next sync.")
                    },
                );
            }
            let approver =
                approver.as_deref().ok_or_else(|| Error::Invalid("Name the approver with --approver.".into()))?;
            store.approve(number, approver, by, today())?;
            let req = store.requisition(number)?;
            say(out, format!("{number} approved by {}.", req.approved_by.unwrap_or_default()))
        }
        ReqAction::BoardApprove { number, board } => {
            store.board_approve(number, board.meeting, &board.item, by, today())?;
            let view = store.review_requisition(number, today())?;
            say(out, format!("{number}: {}.", view.approval.unwrap_or_default()))
        }
        ReqAction::Return { number, reason } => {
            store.return_to_draft(number, reason, by)?;
            say(out, format!("{number} is a draft again."))
        }
        ReqAction::Order { number, po } => {
            store.mark_ordered(number, po, by)?;
            say(out, format!("{number} ordered on PO {po}."))
        }
        ReqAction::Receive { number, receipts } => {
            store.receive(number, receipts, by)?;
            let req = store.requisition(number)?;
            say(out, format!("{number} is now {}.", req.status.label().to_lowercase()))
        }
        ReqAction::Close { number, reason } => {
            store.close(number, reason, by)?;
            say(out, format!("Closed {number}."))
        }
        ReqAction::Cancel { number, reason } => {
            store.cancel(number, reason, by)?;
            say(out, format!("Canceled {number}."))
        }
        _ => unreachable!("req::run routes only this file's actions here"),
    }
}
