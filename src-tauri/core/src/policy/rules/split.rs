//! Possible split purchases: the department buying from the same supplier
//! within a window, each under the micro-purchase threshold but over it
//! together.

use crate::money::Cents;
use crate::policy::{Ctx, FindingKey, Findings, RelatedPurchase, Severity};

pub(in crate::policy) fn split(cx: &Ctx, f: &mut Findings) {
    let input = cx.input;
    let t = &input.settings.thresholds;
    let req = input.requisition;
    let total = req.total();
    if total.0 == 0 || total > t.micro_purchase {
        return;
    }
    let window = i64::from(t.split_window_days);
    let mut near: Vec<&RelatedPurchase> = input
        .related
        .iter()
        .filter(|r| r.total <= t.micro_purchase && (r.created_on - input.created_on).num_days().abs() <= window)
        .collect();
    if near.is_empty() {
        return;
    }
    near.sort_by(|a, b| a.number.cmp(&b.number));
    let together = Cents(total.0 + near.iter().map(|r| r.total.0).sum::<i64>());
    if together <= t.micro_purchase {
        return;
    }
    let others: Vec<String> = near.iter().map(|r| format!("{} ({})", r.number, r.total)).collect();
    let vendor = req.vendor.as_ref().map(|v| v.name.as_str()).unwrap_or("this supplier");
    f.push(
        Severity::Warning,
        FindingKey::Split(near.iter().map(|r| r.number.clone()).collect()),
        None,
        format!(
            "Possible split purchase: with {} the {} department buys {together} from {vendor} within {window} days, over the micro-purchase threshold ({}). Combine them, or acknowledge why they are separate needs.",
            others.join(", "),
            req.header.department,
            t.micro_purchase
        ),
    );
}
