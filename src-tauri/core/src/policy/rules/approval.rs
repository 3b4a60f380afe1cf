//! Who may approve the total, or that nobody in the settings may.

use crate::policy::approvers_for;
use crate::policy::{Ctx, FindingKey, Findings, Severity};

pub(in crate::policy) fn approval(cx: &Ctx, f: &mut Findings) {
    let (input, req, emergency) = (cx.input, cx.req, cx.emergency);
    use Severity::*;
    let total = req.total();
    // Once approved, who would approve it is no longer news.
    let awaiting = matches!(req.status, crate::orders::Status::Draft | crate::orders::Status::Submitted);
    if !req.lines.is_empty() && awaiting {
        let approvers = approvers_for(input.settings, input.emergency.filter(|_| emergency.is_some()));
        let able: Vec<&str> =
            approvers.iter().filter(|a| a.limit.is_none_or(|l| l >= total)).map(|a| a.name.as_str()).collect();
        if able.is_empty() {
            f.push(
                Warning,
                FindingKey::NoApprover(total),
                None,
                format!("No approver in the purchasing settings may approve {total}: add one, or once it is submitted record the governing board's approval (the meeting date and agenda item)."),
            );
        } else {
            f.push(
                Info,
                FindingKey::ApprovalRoute,
                None,
                format!("To be approved by {} (limit covers {total}).", able.join(" or ")),
            );
        }
    }
}
