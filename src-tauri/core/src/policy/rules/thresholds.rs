//! The dollar thresholds in force: formal bid and written quotes for off-
//! contract spend, and board approval for the total.

use crate::policy::{Ctx, FindingKey, Findings, Severity};

pub(in crate::policy) fn thresholds(cx: &Ctx, f: &mut Findings) {
    let (req, t, emergency) = (cx.req, &cx.t, cx.emergency);
    use Severity::*;
    let off = req.off_contract_total();
    let (formal, quotes) = (&cx.in_force.formal_bid, &cx.in_force.quotes_above);
    if off > formal.amount {
        f.push(
            if emergency.is_some() { Warning } else { Error },
            FindingKey::FormalBid,
            None,
            format!(
                "Off-contract lines total {off}, over the formal-bid threshold of {} ({}): they need a formal solicitation. Buy on a cooperative contract instead, or run a bid.",
                formal.amount, formal.basis
            ),
        );
    } else if off > quotes.amount {
        let have = req.quotes().count() as u32;
        if have < t.quotes_required {
            f.push(
                if emergency.is_some() { Gap } else { Error },
                FindingKey::QuotesRequired,
                None,
                format!(
                    "Off-contract lines total {off}, over the written-quotes threshold of {} ({}): attach {} written quotes ({have} attached).",
                    quotes.amount, quotes.basis, t.quotes_required
                ),
            );
        }
    }
    let total = req.total();
    if total > t.board_approval {
        f.push(
            Warning,
            FindingKey::BoardApproval,
            None,
            format!("The total {total} is over {}: it needs the board's approval. Acknowledge with the meeting date or agenda item.", t.board_approval),
        );
    }
}
