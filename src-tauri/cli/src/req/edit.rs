//! Building a requisition: creating it, its header, lines, attachments,
//! emergency documentation and acknowledgements.

use super::args::ReqAction;
use super::today;
use crate::{print_json, stdout_error};
use coopdesk_core::orders::*;
use coopdesk_core::{Error, Result, Store};
use std::io::Write;

/// Runs one of this file's actions; `req::run` routes only those here.
pub(super) fn run(store: &mut Store, action: &ReqAction, by: &str, json: bool, out: &mut dyn Write) -> Result<()> {
    let say = |out: &mut dyn Write, text: String| writeln!(out, "{text}").map_err(stdout_error);
    match action {
        ReqAction::New { header, emergency, incident } => {
            let mut h = Header::default();
            header.apply(&mut h)?;
            let incident = match (incident, emergency) {
                (Some(id), _) => Some(*id),
                (None, true) => Some(
                    store
                        .active_incident()?
                        .ok_or_else(|| Error::Invalid("No incident is active: declare one with `coopdesk emergency declare`, or pass --incident ID.".into()))?
                        .id,
                ),
                (None, false) => None,
            };
            let number = store.create_requisition_for(&h, incident, by)?;
            let req = store.requisition(&number)?;
            if json {
                return print_json(out, &req);
            }
            match &req.emergency {
                Some(e) => say(out, format!("{} (emergency authorization {})", req.number, e.authorization)),
                None => say(out, req.number),
            }
        }
        ReqAction::Docs { number, need, duration, competition, price, conflict, project } => {
            let current = store.requisition(number)?;
            let mut docs = current.emergency.as_ref().map(|e| e.docs.clone()).unwrap_or_default();
            let set = |f: &mut String, v: &Option<String>| {
                if let Some(v) = v {
                    *f = v.clone();
                }
            };
            set(&mut docs.need, need);
            set(&mut docs.duration, duration);
            set(&mut docs.competition, competition);
            set(&mut docs.price_reasonableness, price);
            set(&mut docs.conflict_of_interest, conflict);
            let project = project.clone().or(current.emergency.and_then(|e| e.project));
            store.set_emergency_docs(number, &docs, project.as_deref(), by)?;
            let req = store.requisition(number)?;
            let missing = req.emergency.map(|e| e.docs.missing().len()).unwrap_or(0);
            say(out, format!("Saved the emergency documentation of {number} ({missing} items still missing)."))
        }
        ReqAction::Set { number, header } => {
            let mut h = store.requisition(number)?.header;
            header.apply(&mut h)?;
            store.update_header(number, &h, by)?;
            say(out, format!("Updated the header of {number}."))
        }
        ReqAction::Add { number, item_id, qty, account } => {
            store.add_item(number, item_id, *qty, account.as_deref(), by)?;
            let req = store.requisition(number)?;
            let line = req.lines.iter().find(|l| l.item_id() == Some(item_id.as_str())).expect("just added");
            say(
                out,
                format!(
                    "Line {}: {} x {} at {} = {}",
                    line.position,
                    line.quantity,
                    line.description,
                    line.unit_price,
                    line.extended()
                ),
            )
        }
        ReqAction::AddManual { number, description, vendor, price, qty, unit, part, account, taxable } => {
            let line = ManualLine {
                description: description.clone(),
                unit: unit.clone(),
                quantity: *qty,
                unit_price: *price,
                vendor: vendor.clone(),
                supplier_sku: part.clone(),
                manufacturer_part: String::new(),
                account: account.clone(),
                tax_exempt: !taxable,
            };
            store.add_manual_line(number, &line, by)?;
            let req = store.requisition(number)?;
            say(out, format!("Line {}: {} (off contract, from {vendor})", req.lines.len(), description))
        }
        ReqAction::Line { number, line, qty, account, taxable, tax_exempt, price } => {
            let edit = LineEdit {
                quantity: *qty,
                account: account.clone(),
                tax_exempt: if *taxable {
                    Some(false)
                } else if *tax_exempt {
                    Some(true)
                } else {
                    None
                },
                description: None,
                unit_price: *price,
            };
            store.update_line(number, *line, &edit, by)?;
            let req = store.requisition(number)?;
            let l = req.line(*line).expect("edited");
            say(
                out,
                format!(
                    "Line {}: {} x {} at {} = {}",
                    l.position,
                    l.quantity,
                    l.description,
                    l.unit_price,
                    l.extended()
                ),
            )
        }
        ReqAction::RemoveLine { number, line } => {
            store.remove_line(number, *line, by)?;
            say(out, format!("Removed line {line} from {number}."))
        }
        ReqAction::AcceptPrice { number, line } => {
            store.accept_current_price(number, *line, by)?;
            let req = store.requisition(number)?;
            say(out, format!("Line {line} now at {}.", req.line(*line).expect("kept").unit_price))
        }
        ReqAction::Attach { number, file, kind, vendor, amount, date: quoted, note } => {
            let bytes = std::fs::read(file)
                .map_err(|e| Error::io(file.display().to_string(), std::io::Error::other(e.to_string())))?;
            let new = NewAttachment {
                file_name: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                kind: *kind,
                quote: QuoteInfo { vendor: vendor.clone(), amount: *amount, quoted_on: *quoted },
                note: note.clone(),
            };
            let outcome = store.attach(number, &new, &bytes, by)?;
            let a = &outcome.attachment;
            say(out, format!("Attached {} ({} bytes, sha256 {}).", a.file_name, a.size, a.sha256))?;
            if !outcome.also_on.is_empty() {
                say(out, format!("The same file is also attached to {}.", outcome.also_on.join(", ")))?;
            }
            Ok(())
        }
        ReqAction::Ack { number, key, note } => {
            store.acknowledge(number, key, note, by, today())?;
            say(out, format!("Acknowledged '{key}' on {number}."))
        }
        _ => unreachable!("req::run routes only this file's actions here"),
    }
}
