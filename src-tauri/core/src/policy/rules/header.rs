//! A requisition needs lines and a complete header: department, requester,
//! where to deliver, and a date needed that is not past.

use crate::policy::{Ctx, FindingKey, Findings, Severity};

pub(in crate::policy) fn header(cx: &Ctx, f: &mut Findings) {
    let (input, req) = (cx.input, cx.req);
    use Severity::*;
    let h = &req.header;
    if req.lines.is_empty() {
        f.push(
            Error,
            FindingKey::NoLines,
            None,
            "The requisition has no lines: add items from the catalog or an off-contract line.".into(),
        );
    }
    for (field, value, label) in [
        ("department", &h.department, "a department"),
        ("requester", &h.requester, "a requester"),
        ("deliver_to", &h.deliver_to, "a deliver-to address"),
    ] {
        if value.trim().is_empty() {
            f.push(Error, FindingKey::Missing(field.into()), None, format!("The header needs {label}."));
        }
    }
    match h.date_needed {
        None => f.push(
            Error,
            FindingKey::Missing("date_needed".into()),
            None,
            "The header needs the date the goods are needed.".into(),
        ),
        Some(d) if d < input.today => f.push(
            Error,
            FindingKey::DateNeededPast,
            None,
            format!("The date needed ({d}) is already past: set a real date."),
        ),
        Some(_) => {}
    }
}
