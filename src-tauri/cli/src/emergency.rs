//! `coopdesk emergency ...`: declaring and running an incident headless, the
//! vendor sheet and the FEMA reimbursement packet.

use crate::{print_json, stdout_error};
use clap::{Args, Subcommand};
use coopdesk_core::emergency::{fema, vendor_sheet, EmergencyRules, NewIncident, Project};
use coopdesk_core::orders::Approver;
use coopdesk_core::packet::Paper;
use coopdesk_core::{Error, Result, Store};
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum EmergencyAction {
    /// Declare an incident (it becomes the active one unless --no-activate).
    Declare(Box<DeclareArgs>),
    /// List incidents.
    List {},
    /// The incident's dashboard: waiver, tally, missing documentation, contracts expiring.
    Show {
        id: i64,
    },
    Activate {
        id: i64,
    },
    /// Extend (renew) the procurement waiver.
    Extend {
        id: i64,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
        until: chrono::NaiveDate,
        #[arg(long, default_value = "")]
        reason: String,
    },
    Close {
        id: i64,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
        on: Option<chrono::NaiveDate>,
    },
    /// Record FEMA's disaster number.
    FemaNumber {
        id: i64,
        number: String,
    },
    /// Add a FEMA project purchases can be charged to.
    AddProject {
        id: i64,
        number: String,
        #[arg(long, default_value = "")]
        title: String,
    },
    /// Print the emergency vendor sheet (PDF, and CSV with --csv).
    VendorSheet {
        /// A classification code prefix or part of a name (generators,
        /// 26111604, water ...); repeatable; none means every category.
        #[arg(long = "category")]
        categories: Vec<String>,
        #[arg(long, value_name = "ZIP")]
        near: Option<String>,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        #[arg(long, value_name = "FILE.csv")]
        csv: Option<PathBuf>,
    },
    /// The FEMA reimbursement packet (PDF) and ledger (CSV) of an incident.
    FemaPacket {
        id: i64,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        #[arg(long, value_name = "FILE.csv")]
        ledger: Option<PathBuf>,
        #[arg(long, default_value = "letter")]
        paper: Paper,
    },
}

#[derive(Args, Debug)]
pub struct DeclareArgs {
    #[arg(long)]
    name: String,
    /// hurricane, flood, tornado, wildfire, ...
    #[arg(long)]
    kind: String,
    #[arg(long)]
    declaration: String,
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
    declared: chrono::NaiveDate,
    #[arg(long)]
    authority: String,
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
    waiver_start: chrono::NaiveDate,
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
    waiver_end: chrono::NaiveDate,
    #[arg(long)]
    fema: Option<String>,
    /// Emergency micro-purchase threshold (default 50000).
    #[arg(long, value_parser = crate::values::money)]
    micro: Option<coopdesk_core::Cents>,
    /// Written quotes above this (default 50000) ...
    #[arg(long, value_parser = crate::values::money)]
    quotes_above: Option<coopdesk_core::Cents>,
    /// ... this many (default 2).
    #[arg(long)]
    quotes: Option<u32>,
    /// Formal bid above this (default 250000).
    #[arg(long, value_parser = crate::values::money)]
    formal_bid: Option<coopdesk_core::Cents>,
    #[arg(long, value_parser = crate::values::money)]
    spend_limit: Option<coopdesk_core::Cents>,
    /// An approver for the incident, NAME or NAME:LIMIT; repeatable.
    #[arg(long = "approver")]
    approvers: Vec<String>,
    #[arg(long)]
    no_activate: bool,
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

pub fn run(store: &mut Store, action: &EmergencyAction, by: &str, json: bool, out: &mut dyn Write) -> Result<()> {
    let say = |out: &mut dyn Write, text: String| writeln!(out, "{text}").map_err(stdout_error);
    match action {
        EmergencyAction::Declare(args) => {
            let DeclareArgs {
                name,
                kind,
                declaration,
                declared,
                authority,
                waiver_start,
                waiver_end,
                fema,
                micro,
                quotes_above,
                quotes,
                formal_bid,
                spend_limit,
                approvers,
                no_activate,
            } = args.as_ref();
            let d = EmergencyRules::default();
            let rules = EmergencyRules {
                micro_purchase: micro.unwrap_or(d.micro_purchase),
                quotes_above: quotes_above.unwrap_or(d.quotes_above),
                quotes_required: quotes.unwrap_or(d.quotes_required),
                formal_bid: formal_bid.unwrap_or(d.formal_bid),
                spend_limit: *spend_limit,
                approvers: approvers
                    .iter()
                    .map(|a| match a.split_once(':') {
                        Some((n, l)) => Ok(Approver {
                            name: n.trim().into(),
                            title: String::new(),
                            limit: Some(
                                crate::values::money(l)
                                    .map_err(|why| Error::Invalid(format!("--approver '{a}': {why}.")))?,
                            ),
                        }),
                        None => Ok(Approver { name: a.trim().into(), title: String::new(), limit: None }),
                    })
                    .collect::<Result<_>>()?,
            };
            let incident = store.declare_incident(
                &NewIncident {
                    name: name.clone(),
                    kind: kind.clone(),
                    declaration_number: declaration.clone(),
                    declared_on: *declared,
                    authority: authority.clone(),
                    waiver_start: *waiver_start,
                    waiver_end: *waiver_end,
                    fema_disaster: fema.clone(),
                    rules: Some(rules),
                    activate: !no_activate,
                },
                by,
            )?;
            if json {
                return print_json(out, &incident);
            }
            say(
                out,
                format!("Declared incident {}: {} (waiver to {}).", incident.id, incident.name, incident.waiver_end),
            )
        }
        EmergencyAction::List {} => {
            let list = store.incidents()?;
            if json {
                return print_json(out, &list);
            }
            if list.is_empty() {
                return say(out, "No incidents declared.".into());
            }
            for i in list {
                let state = if i.active {
                    "ACTIVE"
                } else if i.closed_on.is_some() {
                    "closed"
                } else {
                    "inactive"
                };
                say(
                    out,
                    format!(
                        "{}  {}  {} ({}), waiver {} to {}  [{state}]",
                        i.id, i.name, i.kind, i.declaration_number, i.waiver_start, i.waiver_end
                    ),
                )?;
            }
            Ok(())
        }
        EmergencyAction::Show { id } => {
            let d = store.incident_dashboard(*id, today())?;
            if json {
                return print_json(out, &d);
            }
            let i = &d.incident;
            let mut text = format!(
                "{} ({}), declared {} by {}\nWaiver {} to {}: {} days left\nFEMA disaster: {}\nPurchases: {}, spend {}{}\n",
                i.name,
                i.kind,
                i.declared_on,
                i.authority,
                i.waiver_start,
                i.waiver_end,
                d.waiver_days_left,
                i.fema_disaster.as_deref().unwrap_or("not yet assigned"),
                d.purchases,
                d.spend,
                d.limit.map(|l| format!(" of a {l} limit")).unwrap_or_default()
            );
            for c in &d.by_category {
                text += &format!("  {}: {}\n", c.name, c.amount);
            }
            for m in &d.missing {
                text += &format!("Missing for {} ({}): {}\n", m.number, m.authorization, m.missing.join("; "));
            }
            for c in &d.expiring {
                text += &format!(
                    "Expires during the waiver: {} contract {} ({}) on {}\n",
                    c.cooperative, c.number, c.supplier, c.term_end
                );
            }
            text += "History:\n";
            for h in store.incident_history(*id)? {
                text += &format!("  {}  {} by {}\n", h.at, h.action.replace('_', " "), h.actor);
            }
            out.write_all(text.as_bytes()).map_err(stdout_error)
        }
        EmergencyAction::Activate { id } => {
            let i = store.activate_incident(*id, by)?;
            say(out, format!("{} is the active incident.", i.name))
        }
        EmergencyAction::Extend { id, until, reason } => {
            let i = store.extend_waiver(*id, *until, reason, by)?;
            say(out, format!("The waiver of {} now runs to {}.", i.name, i.waiver_end))
        }
        EmergencyAction::Close { id, on } => {
            let on = on.unwrap_or_else(today);
            let i = store.close_incident(*id, on, by)?;
            say(out, format!("Closed {} on {on}.", i.name))
        }
        EmergencyAction::FemaNumber { id, number } => {
            let i = store.set_fema_disaster(*id, number, by)?;
            say(out, format!("{} is FEMA disaster {number}.", i.name))
        }
        EmergencyAction::AddProject { id, number, title } => {
            let i = store.add_project(*id, &Project { number: number.clone(), title: title.clone() }, by)?;
            say(out, format!("Added project {number} to {}.", i.name))
        }
        EmergencyAction::VendorSheet { categories, near, out: file, csv } => {
            let sheet = store.vendor_sheet(categories, near.as_deref(), today())?;
            let agency = store.agency_profile()?.map(|a| a.name).unwrap_or_default();
            coopdesk_core::paths::write_atomically(
                file,
                &vendor_sheet::vendor_sheet_pdf(&sheet, &agency, store.clock().now())?,
            )?;
            if let Some(csv) = csv {
                coopdesk_core::paths::write_atomically(csv, vendor_sheet::vendor_sheet_csv(&sheet)?.as_bytes())?;
            }
            say(out, format!("Wrote the vendor sheet ({} suppliers) to {}.", sheet.rows.len(), file.display()))
        }
        EmergencyAction::FemaPacket { id, out: file, ledger, paper } => {
            let packet = store.fema_packet(*id, *paper, store.clock().now())?;
            coopdesk_core::paths::write_atomically(file, &packet.pdf)?;
            if let Some(ledger) = ledger {
                coopdesk_core::paths::write_atomically(ledger, fema::ledger_csv(&store.fema_ledger(*id)?)?.as_bytes())?;
            }
            store.record_fema_packet(*id, &packet, &format!("saved to {}", file.display()), by)?;
            for n in &packet.notes {
                say(out, format!("Note: {n}"))?;
            }
            say(
                out,
                format!(
                    "Wrote the reimbursement packet to {} ({} pages, packet {}).",
                    file.display(),
                    packet.pages,
                    packet.short_hash
                ),
            )
        }
    }
}
