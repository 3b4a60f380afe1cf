//! `coopdesk report savings`: what cooperative buying saved in a fiscal year
//! or a date range, as text or JSON, a CSV of every figure, and the board
//! report PDF.

use crate::{print_json, stdout_error};
use coopdesk_core::money::format_bps;
use coopdesk_core::reports::savings::{self, ReportRequest, SavingsReport, Slice};
use coopdesk_core::{Error, Result, Store};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum ReportAction {
    /// Spend and savings: by cooperative, supplier, department, category and
    /// month; cooperative share; top contracts; contracts expiring; emergency
    /// spend. Default: the current fiscal year.
    Savings {
        /// A fiscal year (FY 2027 of an October office: 2026-10-01 to 2027-09-30).
        #[arg(long, conflicts_with_all = ["from", "to"])]
        fy: Option<i32>,
        #[arg(long, value_parser = crate::values::date, requires = "to")]
        from: Option<chrono::NaiveDate>,
        #[arg(long, value_parser = crate::values::date, requires = "from")]
        to: Option<chrono::NaiveDate>,
        #[arg(long)]
        department: Option<String>,
        /// The saving estimated where no list price shows it, in percent of
        /// the spend (NIGP's conservative 10% by default).
        #[arg(long, default_value = "10")]
        estimate: f64,
        /// Also write every figure as CSV (section, name, spend, saving).
        #[arg(long, value_name = "FILE.csv")]
        csv: Option<PathBuf>,
        /// Also write the board report PDF: the summary with its charts, then the tables.
        #[arg(long, value_name = "FILE.pdf")]
        out: Option<PathBuf>,
        /// letter (the default) or a4.
        #[arg(long, default_value = "letter")]
        paper: coopdesk_core::packet::Paper,
    },
}

pub fn run(store: &Store, action: &ReportAction, json: bool, out: &mut dyn Write) -> Result<()> {
    let ReportAction::Savings { fy, from, to, department, estimate, csv, out: pdf, paper } = action;
    if !(0.0..=100.0).contains(estimate) {
        return Err(Error::Invalid("--estimate is a percentage of the spend, from 0 to 100.".into()));
    }
    let request = ReportRequest {
        fiscal_year: *fy,
        from: *from,
        to: *to,
        department: department.clone(),
        estimate_bps: Some((estimate * 100.0).round() as u32),
    };
    let report = store.savings_report_for(&request)?;
    if let Some(file) = csv {
        coopdesk_core::paths::write_atomically(file, savings::csv(&report).as_bytes())?;
    }
    if let Some(file) = pdf {
        let bytes = store.board_report_pdf(&report, *paper, store.clock().now())?;
        coopdesk_core::paths::write_atomically(file, &bytes)?;
    }
    if json {
        return print_json(out, &report);
    }
    write!(out, "{}", text_of(&report)).map_err(stdout_error)
}

fn text_of(r: &SavingsReport) -> String {
    let mut t = format!(
        "Cooperative purchasing, {}{} ({} to {})\n{}\n\n",
        r.period,
        r.department.as_ref().map(|d| format!(", {d}")).unwrap_or_default(),
        r.from,
        r.to,
        r.counted
    );
    t += &format!(
        "Spend {} on {} requisitions: {} on cooperative contracts ({}), {} off contract.\n",
        r.spend,
        r.requisitions,
        r.cooperative_spend,
        format_bps(r.cooperative_share_bps),
        r.off_contract_spend
    );
    t += &format!("Saved {} against list prices (actual).\n", r.saving_actual);
    t += &format!(
        "Estimated {} more: {} of the {} bought without a list price.\n",
        r.saving_estimated,
        format_bps(r.estimate_bps as i64),
        r.estimated_on
    );
    t += &format!("Overcharges caught by invoice checks: {} (not counted as savings).\n", r.overcharges_caught);
    let mut section = |title: &str, slices: &[Slice]| {
        if slices.is_empty() {
            return;
        }
        t += &format!("\n{title}:\n");
        for s in slices {
            t += &format!("  {:<40} {:>14}  saved {:>12}\n", s.name, s.spend.to_string(), s.saving.to_string());
        }
    };
    section("By cooperative", &r.by_cooperative);
    section("By supplier", &r.by_supplier);
    section("By department", &r.by_department);
    section("By category", &r.by_category);
    section("By month", &r.by_month);
    section("Emergency spend by incident", &r.emergency);
    if !r.expiring.is_empty() {
        t += "\nContracts in use that expire within 180 days:\n";
        for c in &r.expiring {
            t += &format!(
                "  {} ({}) ends {} in {} days: {} spent\n",
                c.number, c.cooperative, c.term_end, c.days_left, c.spend
            );
        }
    }
    t
}
