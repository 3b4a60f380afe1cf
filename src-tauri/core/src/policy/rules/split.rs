//! Possible split purchases: the department buying from the same supplier
//! within a window, each under the micro-purchase threshold but over it
//! together.

use crate::money::Cents;
use crate::policy::{Ctx, FindingKey, Findings, RelatedPurchase, Severity};

pub(in crate::policy) fn split(cx: &Ctx, f: &mut Findings) {
    let input = cx.input;
    let t = &input.settings.thresholds;
    let micro = &cx.in_force.micro_purchase;
    let req = input.requisition;
    let total = req.total();
    if total.0 == 0 || total > micro.amount {
        return;
    }
    let window = i64::from(t.split_window_days);
    let mut near: Vec<&RelatedPurchase> = input
        .related
        .iter()
        .filter(|r| r.total <= micro.amount && (r.created_on - input.created_on).num_days().abs() <= window)
        .collect();
    if near.is_empty() {
        return;
    }
    near.sort_by(|a, b| a.number.cmp(&b.number));
    let together = Cents(total.0 + near.iter().map(|r| r.total.0).sum::<i64>());
    if together <= micro.amount {
        return;
    }
    let others: Vec<String> = near.iter().map(|r| format!("{} ({})", r.number, r.total)).collect();
    let vendor = req.vendor.as_ref().map(|v| v.name.as_str()).unwrap_or("this supplier");
    f.push(
        Severity::Warning,
        FindingKey::Split(near.iter().map(|r| r.number.clone()).collect()),
        None,
        format!(
            "Possible split purchase: with {} the {} department buys {together} from {vendor} within {window} days, over the micro-purchase threshold of {} ({}). Combine them, or acknowledge why they are separate needs.",
            others.join(", "),
            req.header.department,
            micro.amount,
            micro.basis
        ),
    );
}
