//! The board report: "Cooperative purchasing, FY 2027" as a PDF. A one-page
//! summary with the headline figures and bar charts drawn by the packet
//! typesetter from the figures (vector, grey-safe: one ink per series, told
//! apart by shade and outline), then the tables, the agency's logo, and a
//! signature line for the purchasing agent. Everything is formatted here as
//! text; the template (`assets/packet/board-report.typ`) only lays it out.

use super::savings::{ReportRequest, SavingsReport, Slice};
use crate::error::Result;
use crate::money::{format_bps, Cents};
use crate::packet::Paper;
use crate::store::Store;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a report is saved: the board report, or every figure for a spreadsheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReportFile {
    Pdf,
    Csv,
}

#[derive(Serialize)]
struct Bar {
    name: String,
    spend: String,
    saving: String,
    /// Lengths as fractions of the longest bar in the chart.
    spend_part: f64,
    saving_part: f64,
}

#[derive(Serialize)]
struct Row {
    cells: Vec<String>,
}

#[derive(Serialize)]
struct Table {
    title: String,
    header: Vec<&'static str>,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct Chart {
    title: String,
    /// The chart in one sentence, for whoever cannot see it.
    summary: String,
    bars: Vec<Bar>,
}

#[derive(Serialize)]
struct Data {
    paper: &'static str,
    title: String,
    agency: String,
    logo: Option<String>,
    period: String,
    counted: String,
    headline: Vec<(String, String)>,
    charts: Vec<Chart>,
    tables: Vec<Table>,
    signer: String,
    signer_title: String,
    generated: String,
}

fn chart(title: &str, slices: &[Slice], limit: usize) -> Chart {
    let shown: Vec<&Slice> = slices.iter().take(limit).collect();
    let longest = shown.iter().map(|s| s.spend.0.max(s.saving.0)).max().unwrap_or(0).max(1) as f64;
    let summary = match slices.iter().max_by_key(|s| s.spend) {
        Some(top) if top.spend.0 > 0 => format!(
            "{title}: {}; the largest is {} with {} spent and {} saved.",
            if slices.len() == 1 { "1 bar".to_owned() } else { format!("{} bars", slices.len()) },
            top.name,
            top.spend,
            top.saving
        ),
        _ => format!("{title}: no spend in the period."),
    };
    Chart {
        title: title.to_owned(),
        summary,
        bars: shown
            .into_iter()
            .map(|s| Bar {
                name: s.name.clone(),
                spend: s.spend.to_string(),
                saving: s.saving.to_string(),
                spend_part: s.spend.0.max(0) as f64 / longest,
                saving_part: s.saving.0.max(0) as f64 / longest,
            })
            .collect(),
    }
}

fn slice_table(title: &str, slices: &[Slice]) -> Table {
    Table {
        title: title.to_owned(),
        header: vec!["Name", "Spend", "Saved"],
        rows: slices
            .iter()
            .map(|s| Row { cells: vec![s.name.clone(), s.spend.to_string(), s.saving.to_string()] })
            .collect(),
    }
}

impl Store {
    /// The board report for `report`, typeset on `paper`.
    pub fn board_report_pdf(
        &self,
        report: &SavingsReport,
        paper: Paper,
        generated_at: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let agency = self.agency_profile()?.map(|a| a.name).unwrap_or_default();
        let signer = self.purchasing_settings()?.signatories.purchasing;
        let mut files = Vec::new();
        let logo = self.agency_logo()?.map(|logo| {
            let file = if logo.media_type == "image/jpeg" { "logo.jpg" } else { "logo.png" }.to_owned();
            files.push((file.clone(), logo.bytes));
            file
        });
        let r = report;
        let saved = Cents(r.saving_actual.0 + r.saving_estimated.0);
        let data = Data {
            paper: match paper {
                Paper::Letter => "us-letter",
                Paper::A4 => "a4",
            },
            title: format!(
                "Cooperative purchasing, {}{}",
                r.period,
                r.department.as_ref().map(|d| format!(", {d}")).unwrap_or_default()
            ),
            agency,
            logo,
            period: format!("{} to {}", r.from, r.to),
            counted: r.counted.clone(),
            headline: vec![
                ("Spend".into(), format!("{} on {} requisitions", r.spend, r.requisitions)),
                (
                    "On cooperative contracts".into(),
                    format!("{} ({} of spend)", r.cooperative_spend, format_bps(r.cooperative_share_bps)),
                ),
                ("Saved against list prices (actual)".into(), r.saving_actual.to_string()),
                (
                    format!("Saved, estimated ({} where no list price)", format_bps(r.estimate_bps as i64)),
                    format!("{} on {} of spend", r.saving_estimated, r.estimated_on),
                ),
                ("Savings in all".into(), saved.to_string()),
                ("Overcharges caught by invoice checks (not in savings)".into(), r.overcharges_caught.to_string()),
            ],
            charts: vec![
                chart("Spend and savings by cooperative", &r.by_cooperative, 8),
                chart("Spend and savings by month", &r.by_month, 12),
            ],
            tables: vec![
                slice_table("By cooperative", &r.by_cooperative),
                slice_table("By supplier", &r.by_supplier),
                slice_table("By department", &r.by_department),
                slice_table("By category", &r.by_category),
                slice_table("By month", &r.by_month),
                Table {
                    title: "Top contracts by use".into(),
                    header: vec!["Contract", "Cooperative", "Supplier", "Requisitions", "Spend"],
                    rows: r
                        .top_contracts
                        .iter()
                        .map(|c| Row {
                            cells: vec![
                                c.number.clone(),
                                c.cooperative.clone(),
                                c.supplier.clone(),
                                c.requisitions.to_string(),
                                c.spend.to_string(),
                            ],
                        })
                        .collect(),
                },
                Table {
                    title: "Contracts in use that expire within 180 days".into(),
                    header: vec!["Contract", "Cooperative", "Ends", "Days left", "Spend at risk"],
                    rows: r
                        .expiring
                        .iter()
                        .map(|c| Row {
                            cells: vec![
                                c.number.clone(),
                                c.cooperative.clone(),
                                c.term_end.to_string(),
                                c.days_left.to_string(),
                                c.spend.to_string(),
                            ],
                        })
                        .collect(),
                },
                slice_table("Emergency spend by incident", &r.emergency),
            ],
            signer: signer.name,
            signer_title: if signer.title.is_empty() { "Purchasing agent".into() } else { signer.title },
            generated: generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        };
        files.push(("data.json".to_owned(), serde_json::to_vec(&data).expect("report data serialises")));
        let (pdf, _) = crate::packet::typeset(crate::packet::world::BOARD_REPORT, files, "board-report", generated_at)?;
        Ok(pdf)
    }

    /// Writes the report the clerk asked for, as the board report or as a
    /// CSV of its figures, to `path` or (with none) the save folder; returns
    /// where it went.
    pub fn save_savings_report(
        &self,
        request: &ReportRequest,
        file: ReportFile,
        paper: Paper,
        path: Option<std::path::PathBuf>,
    ) -> Result<std::path::PathBuf> {
        let report = self.savings_report_for(request)?;
        let stem = format!("cooperative-purchasing-{}", report.period.replace(' ', "-"));
        let (bytes, name) = match file {
            ReportFile::Pdf => (self.board_report_pdf(&report, paper, self.clock().now())?, format!("{stem}.pdf")),
            ReportFile::Csv => (super::savings::csv(&report).into_bytes(), format!("{stem}.csv")),
        };
        let path = self.save_path(path, &name)?;
        crate::paths::write_atomically(&path, &bytes)?;
        Ok(path)
    }
}
