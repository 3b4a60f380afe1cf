//! Each line: a valid account string; on contract, the catalogue still holding
//! the item at the captured price; off contract, a quote from its vendor.

use crate::policy::{Ctx, FindingKey, Findings, Severity};

pub(in crate::policy) fn lines(cx: &Ctx, f: &mut Findings) {
    let (input, req, emergency) = (cx.input, cx.req, cx.emergency);
    use Severity::*;
    for (line, facts) in req.lines.iter().zip(input.lines) {
        let p = line.position;
        if let Some(problem) = input.settings.account_problem(&line.account) {
            let shown =
                if line.account.trim().is_empty() { "(blank)".to_owned() } else { format!("'{}'", line.account) };
            f.push(Error, FindingKey::Account(p), Some(p), format!("Line {p}: the account string {shown} {problem}."));
        }
        if line.on_contract() {
            match facts.current_unit_price {
                None => f.push(
                    Warning,
                    FindingKey::ItemGone(p),
                    Some(p),
                    format!(
                        "Line {p}: the item is no longer in the catalog; the price is as captured when it was added."
                    ),
                ),
                Some(now) if now != line.unit_price => f.push(
                    Warning,
                    FindingKey::PriceChanged { line: p, now },
                    Some(p),
                    format!(
                        "Line {p}: price changed since added: was {}, now {}. Accept the new price or acknowledge.",
                        line.unit_price, now
                    ),
                ),
                Some(_) => {}
            }
        } else {
            let vendor = line.vendor().unwrap_or("").trim();
            let quoted =
                req.quotes().any(|q| q.quote.vendor.as_deref().is_some_and(|v| v.trim().eq_ignore_ascii_case(vendor)));
            if !quoted {
                f.push(
                    if emergency.is_some() { Gap } else { Warning },
                    FindingKey::OffContractQuote(p),
                    Some(p),
                    format!(
                        "Line {p} is off contract: attach the quote from {}.",
                        if vendor.is_empty() { "its vendor" } else { vendor }
                    ),
                );
            }
        }
    }
}
