//! `coopdesk purchasing ...`: the settings requisitions are checked against.

use crate::{print_json, stdout_error};
use clap::Subcommand;
use coopdesk_core::orders::*;
use coopdesk_core::{Error, Result, Store};
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum PurchasingAction {
    /// Show the numbering, account string, thresholds and approvers.
    Show {},
    /// Replace the settings with those in a JSON file (as `show --json` prints).
    Set { file: PathBuf },
    /// Add (or update) an approver and the largest total they may approve.
    AddApprover {
        name: String,
        #[arg(long, default_value = "")]
        title: String,
        /// e.g. 25000.00; no limit when left out.
        #[arg(long, value_parser = crate::values::money)]
        limit: Option<coopdesk_core::Cents>,
    },
    /// Set the name changes are recorded under when no --by is given.
    Operator { name: String },
    /// Record a micro-purchase threshold the agency self-certified under
    /// 2 CFR 200.320(a)(1)(iv) (above the federal $15,000, up to $50,000),
    /// or --clear it.
    SelfCertify {
        #[arg(long, value_parser = crate::values::money, required_unless_present = "clear")]
        amount: Option<coopdesk_core::Cents>,
        /// The day it was certified (YYYY-MM-DD or MM/DD/YYYY).
        #[arg(long, value_parser = crate::values::date, required_unless_present = "clear")]
        on: Option<chrono::NaiveDate>,
        /// Where it is on file: "Resolution 2025-14".
        #[arg(long, required_unless_present = "clear")]
        reference: Option<String>,
        #[arg(long, conflicts_with_all = ["amount", "on", "reference"])]
        clear: bool,
    },
    /// Record the state's or the agency's own thresholds (each applies where
    /// it is stricter than the federal one); amounts left out are none.
    LocalThresholds {
        /// The rule they come from: "Fla. Stat. 287.017".
        #[arg(long, default_value = "")]
        source: String,
        #[arg(long, value_parser = crate::values::money)]
        micro_purchase: Option<coopdesk_core::Cents>,
        #[arg(long, value_parser = crate::values::money)]
        quotes_above: Option<coopdesk_core::Cents>,
        #[arg(long, value_parser = crate::values::money)]
        formal_bid: Option<coopdesk_core::Cents>,
    },
    /// Set who signs packets: department-head, finance or purchasing.
    Signer {
        #[arg(value_parser = ["department-head", "finance", "purchasing"])]
        role: String,
        name: String,
        #[arg(long, default_value = "")]
        title: String,
    },
}

pub fn purchasing(store: &mut Store, action: &PurchasingAction, json: bool, out: &mut dyn Write) -> Result<()> {
    match action {
        PurchasingAction::Show {} => {
            let s = store.purchasing_settings()?;
            if json {
                return print_json(out, &s);
            }
            let t = &s.thresholds;
            let segments: Vec<String> = s
                .account_segments
                .iter()
                .map(|g| format!("{}{}", g.name, if g.required { "" } else { " (optional)" }))
                .collect();
            let f = t.in_force();
            let mut text = format!(
                "Numbering: {} (fiscal year starts in month {})\nAccount string: {}\n\
                 Micro-purchase: {} ({})\n{} written quotes above {} ({})\nFormal bid above {} ({})\n\
                 Board approval above {}; split window {} days\nFederal figures: {}\n",
                s.number_pattern,
                s.fiscal_year_start_month,
                segments.join(&s.account_separator),
                f.micro_purchase.amount,
                f.micro_purchase.basis,
                t.quotes_required,
                f.quotes_above.amount,
                f.quotes_above.basis,
                f.formal_bid.amount,
                f.formal_bid.basis,
                t.board_approval,
                t.split_window_days,
                coopdesk_core::orders::thresholds::FEDERAL_SOURCE
            );
            for a in &s.approvers {
                let limit = a.limit.map(|l| l.to_string()).unwrap_or_else(|| "no limit".into());
                text += &format!("Approver: {} ({}), up to {limit}\n", a.name, a.title);
            }
            out.write_all(text.as_bytes()).map_err(stdout_error)
        }
        PurchasingAction::Set { file } => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| Error::io(file.display().to_string(), std::io::Error::other(e.to_string())))?;
            let settings: PurchasingSettings = serde_json::from_str(&text)
                .map_err(|e| Error::Invalid(format!("{} is not valid purchasing settings: {e}.", file.display())))?;
            store.set_purchasing_settings(&settings)?;
            writeln!(out, "Saved the purchasing settings.").map_err(stdout_error)
        }
        PurchasingAction::AddApprover { name, title, limit } => {
            let mut s = store.purchasing_settings()?;
            s.approvers.retain(|a| !a.name.eq_ignore_ascii_case(name.trim()));
            s.approvers.push(Approver { name: name.trim().to_owned(), title: title.clone(), limit: *limit });
            store.set_purchasing_settings(&s)?;
            writeln!(out, "Saved approver {name}.").map_err(stdout_error)
        }
        PurchasingAction::Signer { role, name, title } => {
            let mut s = store.purchasing_settings()?;
            let signer = Signer { name: name.trim().to_owned(), title: title.trim().to_owned() };
            match role.as_str() {
                "department-head" => s.signatories.department_head = signer,
                "finance" => s.signatories.finance = signer,
                _ => s.signatories.purchasing = signer,
            }
            store.set_purchasing_settings(&s)?;
            writeln!(out, "Saved the {role} signer.").map_err(stdout_error)
        }
        PurchasingAction::SelfCertify { amount, on, reference, clear } => {
            let mut s = store.purchasing_settings()?;
            s.thresholds.self_certified = match (amount, on, reference) {
                (Some(amount), Some(certified_on), Some(reference)) if !clear => Some(SelfCertification {
                    amount: *amount,
                    certified_on: *certified_on,
                    reference: reference.trim().to_owned(),
                }),
                _ => None,
            };
            store.set_purchasing_settings(&s)?;
            let micro = s.thresholds.in_force().micro_purchase;
            writeln!(out, "Micro-purchase threshold now {} ({}).", micro.amount, micro.basis).map_err(stdout_error)
        }
        PurchasingAction::LocalThresholds { source, micro_purchase, quotes_above, formal_bid } => {
            let mut s = store.purchasing_settings()?;
            s.thresholds.local = LocalThresholds {
                source: source.trim().to_owned(),
                micro_purchase: *micro_purchase,
                quotes_above: *quotes_above,
                formal_bid: *formal_bid,
            };
            store.set_purchasing_settings(&s)?;
            let f = s.thresholds.in_force();
            writeln!(
                out,
                "In force: micro-purchase {} ({}); written quotes above {} ({}); formal bid above {} ({}).",
                f.micro_purchase.amount,
                f.micro_purchase.basis,
                f.quotes_above.amount,
                f.quotes_above.basis,
                f.formal_bid.amount,
                f.formal_bid.basis
            )
            .map_err(stdout_error)
        }
        PurchasingAction::Operator { name } => {
            let mut s = store.purchasing_settings()?;
            s.operator = name.trim().to_owned();
            store.set_purchasing_settings(&s)?;
            writeln!(out, "Changes will be recorded as made by {}.", s.operator).map_err(stdout_error)
        }
    }
}
