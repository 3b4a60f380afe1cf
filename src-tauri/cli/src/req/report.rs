//! Reading requisitions back: one shown, the filtered list, exports, and
//! the history verified.

use super::args::ReqAction;
use super::today;
use super::view::print_view;
use crate::table;
use crate::{print_json, stdout_error};
use coopdesk_core::orders::*;
use coopdesk_core::{Error, Result, Store};
use std::io::Write;

/// Runs one of this file's actions; `req::run` routes only those here.
pub(super) fn run(store: &mut Store, action: &ReqAction, json: bool, out: &mut dyn Write) -> Result<()> {
    let say = |out: &mut dyn Write, text: String| writeln!(out, "{text}").map_err(stdout_error);
    match action {
        ReqAction::Show { number } => {
            let view = store.review_requisition(number, today())?;
            if json {
                return print_json(out, &view);
            }
            print_view(out, &view).map_err(stdout_error)
        }
        ReqAction::List { filter, csv } => {
            let list = store.requisitions(&filter.filter()?)?;
            if json {
                return print_json(out, &list);
            }
            if *csv {
                return out.write_all(export::list_csv(&list)?.as_bytes()).map_err(stdout_error);
            }
            let rows: Vec<Vec<String>> = list
                .requisitions
                .iter()
                .map(|r| {
                    vec![
                        r.number.clone(),
                        r.status.label().to_owned(),
                        r.department.clone(),
                        r.vendor.clone().unwrap_or_default(),
                        r.date_needed.map(|d| d.to_string()).unwrap_or_default(),
                        r.lines.to_string(),
                        r.total.to_string(),
                    ]
                })
                .collect();
            table::write(
                out,
                &["Requisition", "Status", "Department", "Vendor", "Needed", "Lines", "Total"],
                &rows,
                &[5, 6],
            )
            .map_err(stdout_error)?;
            say(out, format!("{} requisitions, {} (canceled ones not counted)", list.requisitions.len(), list.total))
        }
        ReqAction::Export { numbers, filter, format, out: file } => {
            let reqs: Vec<Requisition> = if numbers.is_empty() {
                let list = store.requisitions(&filter.filter()?)?;
                list.requisitions.iter().map(|r| store.requisition(&r.number)).collect::<Result<_>>()?
            } else {
                numbers.iter().map(|n| store.requisition(n)).collect::<Result<_>>()?
            };
            let text = if format == "json" {
                serde_json::to_string_pretty(&reqs).expect("requisitions serialise") + "\n"
            } else {
                export::requisition_csv(&reqs)?
            };
            match file {
                Some(path) => {
                    coopdesk_core::paths::write_atomically(path, text.as_bytes())?;
                    say(out, format!("Exported {} requisitions to {}.", reqs.len(), path.display()))
                }
                None => out.write_all(text.as_bytes()).map_err(stdout_error),
            }
        }
        ReqAction::VerifyHistory {} => {
            let report = store.verify_history()?;
            if json {
                print_json(out, &report)?;
            } else if report.problems.is_empty() {
                say(
                    out,
                    format!(
                        "History verified: {} over {}. Head {}.",
                        crate::counted(report.entries, "entry", "entries"),
                        crate::counted(report.requisitions, "requisition", "requisitions"),
                        report.head
                    ),
                )?;
            }
            if report.problems.is_empty() {
                Ok(())
            } else {
                Err(Error::Tampered { problems: report.problems })
            }
        }
        _ => unreachable!("req::run routes only this file's actions here"),
    }
}
