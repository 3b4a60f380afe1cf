//! What cooperative buying saved, and where the money went, for a period:
//! the figures a purchasing agent hands the board. The lines are read once
//! from the requisitions and added up one row at a time (`Tally`, borrowing
//! each row's text, so a year of lines allocates only for new names); the
//! same sums over lines in memory are `summarize`, table-tested.
//!
//! Counted: requisitions ordered in the period that went on to be received
//! or closed, or are still on order; never drafts, requisitions waiting for
//! approval, or canceled ones. Savings are counted the way the field counts
//! them, and labeled: actual (list price minus the price paid, both as the
//! line's evidence captured them at order time) where the catalog gave a
//! list price; an estimate (a stated share of the spend, NIGP's conservative
//! 10% unless the office sets another) on cooperative lines without one;
//! overcharges that invoice checks caught, separately.

use crate::error::{Error, Result};
use crate::money::{format_bps, Cents};
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The requisition statuses a report counts.
pub const COUNTED: [&str; 4] = ["ordered", "partially_received", "received", "closed"];

/// NIGP's conservative estimate of what a cooperative contract saves where
/// no list price shows it, in basis points.
pub const DEFAULT_ESTIMATE_BPS: u32 = 1_000;

/// What a report covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    /// "FY 2027", or "2026-10-01 to 2026-12-31".
    pub label: String,
}

impl Period {
    /// Fiscal year `year` of an office whose year starts in `start_month`
    /// (FY 2027 of an October office: 2026-10-01 to 2027-09-30).
    pub fn fiscal_year(year: i32, start_month: u32) -> Period {
        let from = if start_month == 1 {
            NaiveDate::from_ymd_opt(year, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year - 1, start_month, 1)
        }
        .expect("a valid first day");
        let next = if start_month == 1 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, start_month, 1)
        }
        .expect("a valid first day");
        Period { from, to: next.pred_opt().expect("a day before"), label: format!("FY {year}") }
    }

    pub fn between(from: NaiveDate, to: NaiveDate) -> Period {
        Period { from, to, label: format!("{from} to {to}") }
    }
}

/// What the clerk asks for: a fiscal year, or a range of dates (neither: the
/// current fiscal year); one department or all; the estimate's percentage.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportRequest {
    pub fiscal_year: Option<i32>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub department: Option<String>,
    /// Basis points of spend; NIGP's 10% when absent.
    pub estimate_bps: Option<u32>,
}

impl ReportRequest {
    fn period(&self, start_month: u32, today: NaiveDate) -> Result<Period> {
        match (self.fiscal_year, self.from, self.to) {
            (Some(year), None, None) => Ok(Period::fiscal_year(year, start_month)),
            (None, Some(from), Some(to)) if from <= to => Ok(Period::between(from, to)),
            (None, Some(_), Some(_)) => Err(Error::Invalid("The report's first day is after its last.".into())),
            (None, None, None) => {
                Ok(Period::fiscal_year(crate::orders::numbering::fiscal_year(today, start_month), start_month))
            }
            _ => Err(Error::Invalid("Give a fiscal year, or both a first and a last day, not parts of each.".into())),
        }
    }
}

/// Every figure of `r`, one per row (section, name, spend, saving), for a
/// spreadsheet; a name that a spreadsheet would run as a formula is kept as text.
pub fn csv(r: &SavingsReport) -> String {
    let mut out = String::from("section,name,spend,saving\n");
    let cell = |t: &str| {
        let t = if t.starts_with(['=', '+', '-', '@']) { format!("'{t}") } else { t.to_owned() };
        if t.contains([',', '"', '\n']) {
            format!("\"{}\"", t.replace('"', "\"\""))
        } else {
            t
        }
    };
    let mut row = |section: &str, name: &str, spend: Cents, saving: Option<Cents>| {
        out += &format!(
            "{section},{},{},{}\n",
            cell(name),
            spend.decimal(),
            saving.map(|s| s.decimal()).unwrap_or_default()
        );
    };
    row("total", "all spend", r.spend, Some(Cents(r.saving_actual.0 + r.saving_estimated.0)));
    row("total", "cooperative contracts", r.cooperative_spend, None);
    row("total", "off contract", r.off_contract_spend, None);
    row("savings", "actual (list minus contract price)", r.saving_actual, None);
    let estimated = format!("estimated ({} of spend without a list price)", format_bps(r.estimate_bps as i64));
    row("savings", &estimated, r.saving_estimated, None);
    row("savings", "spend without a list price", r.estimated_on, None);
    row("invoice checks", "overcharges caught", r.overcharges_caught, None);
    let sections: [(&str, &[Slice]); 6] = [
        ("cooperative", &r.by_cooperative),
        ("supplier", &r.by_supplier),
        ("department", &r.by_department),
        ("category", &r.by_category),
        ("month", &r.by_month),
        ("emergency", &r.emergency),
    ];
    for (section, slices) in sections {
        for s in slices {
            row(section, &s.name, s.spend, Some(s.saving));
        }
    }
    for c in &r.top_contracts {
        row("top contract", &format!("{} ({})", c.number, c.cooperative), c.spend, None);
    }
    for c in &r.expiring {
        row("expiring", &format!("{} ends {} ({} days)", c.number, c.term_end, c.days_left), c.spend, None);
    }
    out
}

/// One requisition line as a report sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpendLine {
    pub requisition: i64,
    pub department: String,
    pub ordered_on: NaiveDate,
    pub vendor: String,
    pub spend: Cents,
    /// Cooperative lines only (from the catalog, with evidence).
    pub cooperative: Option<String>,
    pub contract: Option<ContractRef>,
    /// What the same quantity cost at list price, when the catalog gave one.
    pub list: Option<Cents>,
    pub category: Option<String>,
    pub incident: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ContractRef {
    pub number: String,
    pub term_end: NaiveDate,
}

/// Spend (and what it saved) under one name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Slice {
    pub name: String,
    pub spend: Cents,
    pub saving: Cents,
}

/// A contract the office bought on in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContractUse {
    pub number: String,
    pub cooperative: String,
    pub supplier: String,
    pub spend: Cents,
    pub requisitions: u32,
    pub term_end: NaiveDate,
    /// Days from the report's day to the end of the term.
    pub days_left: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SavingsReport {
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub department: Option<String>,
    /// Which requisitions count, in words, for the screen and the report.
    pub counted: String,
    pub requisitions: u32,
    pub spend: Cents,
    pub cooperative_spend: Cents,
    pub off_contract_spend: Cents,
    /// Basis points of all spend bought on cooperative contracts.
    pub cooperative_share_bps: i64,
    /// List price minus the price paid, where a list price exists.
    pub saving_actual: Cents,
    /// The cooperative spend without a list price, and the estimate on it.
    pub estimated_on: Cents,
    pub saving_estimated: Cents,
    pub estimate_bps: u32,
    /// Overcharges the invoice checks found (not counted in the savings).
    pub overcharges_caught: Cents,
    pub by_cooperative: Vec<Slice>,
    pub by_supplier: Vec<Slice>,
    pub by_department: Vec<Slice>,
    pub by_category: Vec<Slice>,
    /// One per month of the period, in order, empty months included.
    pub by_month: Vec<Slice>,
    pub top_contracts: Vec<ContractUse>,
    /// Contracts used in the period whose terms end within 180 days.
    pub expiring: Vec<ContractUse>,
    pub emergency: Vec<Slice>,
}

/// One line as the tally reads it: borrowed, so that a year of lines read
/// from the database allocates only for the names it has not seen yet.
#[derive(Clone, Copy, Debug)]
pub struct LineRef<'a> {
    pub requisition: i64,
    pub department: &'a str,
    pub ordered_on: NaiveDate,
    pub vendor: &'a str,
    pub spend: Cents,
    pub cooperative: Option<&'a str>,
    /// The contract's number and the end of its term.
    pub contract: Option<(&'a str, NaiveDate)>,
    pub list: Option<Cents>,
    pub category: Option<&'a str>,
    pub incident: Option<&'a str>,
}

impl SpendLine {
    pub fn as_ref(&self) -> LineRef<'_> {
        LineRef {
            requisition: self.requisition,
            department: &self.department,
            ordered_on: self.ordered_on,
            vendor: &self.vendor,
            spend: self.spend,
            cooperative: self.cooperative.as_deref(),
            contract: self.contract.as_ref().map(|c| (c.number.as_str(), c.term_end)),
            list: self.list,
            category: self.category.as_deref(),
            incident: self.incident.as_deref(),
        }
    }
}

/// The saving of one line: actual where a list price shows it, else the
/// estimate on a cooperative line; an off-contract line saves nothing.
fn saving(line: &LineRef, estimate_bps: u32) -> (Cents, Cents) {
    match (line.list, line.cooperative) {
        (Some(list), _) if list.0 > 0 => (Cents((list.0 - line.spend.0).max(0)), Cents::ZERO),
        (_, Some(_)) => (Cents::ZERO, Cents(line.spend.0 * estimate_bps as i64 / 10_000)),
        _ => (Cents::ZERO, Cents::ZERO),
    }
}

fn slices(map: BTreeMap<String, (i64, i64)>) -> Vec<Slice> {
    let mut out: Vec<Slice> = map
        .into_iter()
        .map(|(name, (spend, saving))| Slice { name, spend: Cents(spend), saving: Cents(saving) })
        .collect();
    out.sort_by(|a, b| b.spend.cmp(&a.spend).then_with(|| a.name.cmp(&b.name)));
    out
}

/// A contract's use in the period, as the tally adds it up.
struct ContractTally {
    cooperative: String,
    supplier: String,
    term_end: NaiveDate,
    spend: i64,
    requisitions: std::collections::BTreeSet<i64>,
}

/// The report's sums, taking one line at a time.
struct Tally {
    estimate_bps: u32,
    /// By cooperative, supplier, department, category, incident.
    by: [BTreeMap<String, (i64, i64)>; 5],
    months: BTreeMap<(i32, u32), (i64, i64)>,
    contracts: BTreeMap<String, ContractTally>,
    requisitions: std::collections::HashSet<i64>,
    spend: i64,
    coop: i64,
    actual: i64,
    estimated: i64,
    estimated_on: i64,
}

impl Tally {
    fn new(period: &Period, estimate_bps: u32) -> Tally {
        let mut months = BTreeMap::new();
        let mut month = period.from.with_day(1).expect("day 1");
        while month <= period.to {
            months.insert((month.year(), month.month()), (0, 0));
            month = month.checked_add_months(chrono::Months::new(1)).expect("a later month");
        }
        Tally {
            estimate_bps,
            by: [(); 5].map(|_| BTreeMap::new()),
            months,
            contracts: BTreeMap::new(),
            requisitions: Default::default(),
            spend: 0,
            coop: 0,
            actual: 0,
            estimated: 0,
            estimated_on: 0,
        }
    }

    fn add(&mut self, line: LineRef) {
        let (a, e) = saving(&line, self.estimate_bps);
        let (spend, saved) = (line.spend.0, a.0 + e.0);
        self.requisitions.insert(line.requisition);
        self.spend += spend;
        self.actual += a.0;
        self.estimated += e.0;
        if line.cooperative.is_some() && line.list.is_none_or(|l| l.0 <= 0) {
            self.estimated_on += spend;
        }
        let by = &mut self.by;
        let mut add = |i: usize, name: &str| match by[i].get_mut(name) {
            Some(slot) => {
                slot.0 += spend;
                slot.1 += saved;
            }
            None => {
                by[i].insert(name.to_owned(), (spend, saved));
            }
        };
        if let Some(c) = line.cooperative {
            self.coop += spend;
            add(0, c);
        }
        add(1, line.vendor);
        add(2, line.department);
        add(3, line.category.unwrap_or("Not classified"));
        if let Some(incident) = line.incident {
            add(4, incident);
        }
        let slot = self.months.entry((line.ordered_on.year(), line.ordered_on.month())).or_default();
        slot.0 += spend;
        slot.1 += saved;
        if let (Some((number, term_end)), Some(cooperative)) = (line.contract, line.cooperative) {
            if !self.contracts.contains_key(number) {
                let fresh = ContractTally {
                    cooperative: cooperative.to_owned(),
                    supplier: line.vendor.to_owned(),
                    term_end,
                    spend: 0,
                    requisitions: Default::default(),
                };
                self.contracts.insert(number.to_owned(), fresh);
            }
            let c = self.contracts.get_mut(number).expect("just inserted");
            c.spend += spend;
            c.requisitions.insert(line.requisition);
        }
    }

    fn finish(self, period: &Period, department: Option<&str>, overcharges: Cents, today: NaiveDate) -> SavingsReport {
        let Tally { estimate_bps, by, months, contracts, requisitions, spend, coop, actual, estimated, estimated_on } =
            self;
        let [by_cooperative, by_supplier, by_department, by_category, emergency] = by.map(slices);
        let uses: Vec<ContractUse> = contracts
            .into_iter()
            .map(|(number, c)| ContractUse {
                days_left: (c.term_end - today).num_days(),
                number,
                cooperative: c.cooperative,
                supplier: c.supplier,
                spend: Cents(c.spend),
                requisitions: c.requisitions.len() as u32,
                term_end: c.term_end,
            })
            .collect();
        let mut top_contracts = uses.clone();
        top_contracts.sort_by(|a, b| b.spend.cmp(&a.spend).then_with(|| a.number.cmp(&b.number)));
        top_contracts.truncate(10);
        let mut expiring: Vec<ContractUse> = uses.into_iter().filter(|u| (0..=180).contains(&u.days_left)).collect();
        expiring.sort_by(|a, b| a.days_left.cmp(&b.days_left).then_with(|| b.spend.cmp(&a.spend)));
        SavingsReport {
            period: period.label.clone(),
            from: period.from,
            to: period.to,
            department: department.map(str::to_owned),
            counted: format!(
                "Requisitions ordered from {} to {}{} that are on order, received or closed; drafts, requisitions \
                 awaiting approval and canceled ones are not counted.",
                period.from,
                period.to,
                department.map(|d| format!(" by {d}")).unwrap_or_default()
            ),
            requisitions: requisitions.len() as u32,
            spend: Cents(spend),
            cooperative_spend: Cents(coop),
            off_contract_spend: Cents(spend - coop),
            cooperative_share_bps: if spend > 0 { coop * 10_000 / spend } else { 0 },
            saving_actual: Cents(actual),
            estimated_on: Cents(estimated_on),
            saving_estimated: Cents(estimated),
            estimate_bps,
            overcharges_caught: overcharges,
            by_cooperative,
            by_supplier,
            by_department,
            by_category,
            by_month: months
                .into_iter()
                .map(|((y, m), (spend, saving))| Slice {
                    name: format!("{y}-{m:02}"),
                    spend: Cents(spend),
                    saving: Cents(saving),
                })
                .collect(),
            top_contracts,
            expiring,
            emergency,
        }
    }
}

/// The report for `lines` (already only those counted, in the period and
/// department), as of `today`.
pub fn summarize(
    lines: &[SpendLine],
    period: &Period,
    department: Option<&str>,
    estimate_bps: u32,
    overcharges: Cents,
    today: NaiveDate,
) -> SavingsReport {
    let mut tally = Tally::new(period, estimate_bps);
    for line in lines {
        tally.add(line.as_ref());
    }
    tally.finish(period, department, overcharges, today)
}

/// The SQL that reads the counted lines: their facts (`requisition_line_facts`,
/// kept by triggers, migration 0021) and the requisition's department, day
/// and incident.
fn lines_sql() -> String {
    format!(
        "SELECT r.id, r.department, substr(r.ordered_at, 1, 10), f.spend_cents,
             coalesce(f.supplier, json_extract(r.vendor, '$.name'), ''),
             f.cooperative, f.contract, f.contract_end, f.list_cents,
             f.category, json_extract(r.emergency, '$.incident_name')
         FROM requisitions r JOIN requisition_line_facts f ON f.requisition_id = r.id
         WHERE r.status IN ({}) AND substr(r.ordered_at, 1, 10) BETWEEN ?1 AND ?2
           AND (?3 IS NULL OR r.department = ?3 COLLATE NOCASE)",
        COUNTED.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ")
    )
}

/// Reads the counted lines of the period (and department) into `tally`,
/// one row at a time, borrowing each row's text.
fn tally_lines(store: &Store, period: &Period, department: Option<&str>, tally: &mut Tally) -> Result<()> {
    let mut stmt = store.conn().prepare(&lines_sql())?;
    let mut rows = stmt.query(rusqlite::params![period.from.to_string(), period.to.to_string(), department])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<Option<&str>> {
            match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Ok(None),
                v => v
                    .as_str()
                    .map(Some)
                    .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e))),
            }
        };
        let date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> { Ok(text(i)?.and_then(|t| t.parse().ok())) };
        let contract = match (text(6)?, date(7)?) {
            (Some(number), Some(end)) => Some((number, end)),
            _ => None,
        };
        tally.add(LineRef {
            requisition: r.get(0)?,
            department: text(1)?.unwrap_or_default(),
            ordered_on: date(2)?.unwrap_or(period.from),
            spend: Cents(r.get(3)?),
            vendor: text(4)?.unwrap_or_default(),
            cooperative: text(5)?,
            contract,
            list: r.get::<_, Option<i64>>(8)?.map(Cents),
            category: text(9)?,
            incident: text(10)?,
        });
    }
    Ok(())
}

/// Overcharges the invoice checks found on the counted requisitions.
fn overcharges(store: &Store, period: &Period, department: Option<&str>) -> Result<Cents> {
    let sql = format!(
        "SELECT coalesce(sum(json_extract(f.value, '$.amount')), 0)
         FROM invoices i JOIN requisitions r ON r.id = i.requisition_id, json_each(i.findings) f
         WHERE json_extract(f.value, '$.kind') = 'over_contract_price'
           AND r.status IN ({}) AND substr(r.ordered_at, 1, 10) BETWEEN ?1 AND ?2
           AND (?3 IS NULL OR r.department = ?3 COLLATE NOCASE)",
        COUNTED.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ")
    );
    let sum: i64 = store.conn().query_row(
        &sql,
        rusqlite::params![period.from.to_string(), period.to.to_string(), department],
        |r| r.get(0),
    )?;
    Ok(Cents(sum))
}

impl Store {
    /// The savings report the clerk asked for.
    pub fn savings_report_for(&self, request: &ReportRequest) -> Result<SavingsReport> {
        let start = self.purchasing_settings()?.fiscal_year_start_month;
        let period = request.period(start, self.clock().today())?;
        let bps = request.estimate_bps.unwrap_or(DEFAULT_ESTIMATE_BPS);
        if bps > 10_000 {
            return Err(Error::Invalid("The estimate is a percentage of the spend, from 0 to 100.".into()));
        }
        self.savings_report(&period, request.department.as_deref(), bps)
    }

    /// The savings report for `period` (and one department), as of today.
    pub fn savings_report(
        &self,
        period: &Period,
        department: Option<&str>,
        estimate_bps: u32,
    ) -> Result<SavingsReport> {
        let department = department.map(str::trim).filter(|d| !d.is_empty());
        let mut tally = Tally::new(period, estimate_bps);
        tally_lines(self, period, department, &mut tally)?;
        let caught = overcharges(self, period, department)?;
        Ok(tally.finish(period, department, caught, self.clock().today()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn coop_line(req: i64, spend: i64, list: Option<i64>) -> SpendLine {
        SpendLine {
            requisition: req,
            department: "PW".into(),
            ordered_on: d("2026-11-15"),
            vendor: "Pelican Power Supply".into(),
            spend: Cents(spend),
            cooperative: Some("Sourcewell".into()),
            contract: Some(ContractRef { number: "GSP-2501".into(), term_end: d("2027-02-28") }),
            list: list.map(Cents),
            category: Some("Batteries".into()),
            incident: None,
        }
    }

    fn off_line(req: i64, spend: i64) -> SpendLine {
        SpendLine {
            requisition: req,
            department: "FIRE".into(),
            ordered_on: d("2027-01-10"),
            vendor: "Delta Pumps".into(),
            spend: Cents(spend),
            incident: Some("Hurricane Delia".into()),
            ..Default::default()
        }
    }

    /// Each rule of counting, one case each: (lines, actual, estimated,
    /// estimated on, cooperative spend, off-contract spend).
    #[test]
    fn savings_are_counted_the_way_the_field_counts_them() {
        let fy = Period::fiscal_year(2027, 10);
        // (actual, estimated, estimated on, cooperative spend, off-contract spend)
        type Figures = (i64, i64, i64, i64, i64);
        let cases: Vec<(&str, Vec<SpendLine>, Figures)> = vec![
            ("list price: actual saving", vec![coop_line(1, 7_000, Some(10_000))], (3_000, 0, 0, 7_000, 0)),
            ("no list price: 10% of the spend, estimated", vec![coop_line(1, 7_000, None)], (0, 700, 7_000, 7_000, 0)),
            ("a list of zero is no list price", vec![coop_line(1, 7_000, Some(0))], (0, 700, 7_000, 7_000, 0)),
            ("paid above list: no negative saving", vec![coop_line(1, 12_000, Some(10_000))], (0, 0, 0, 12_000, 0)),
            ("off contract saves nothing", vec![off_line(2, 50_000)], (0, 0, 0, 0, 50_000)),
            (
                "together",
                vec![coop_line(1, 7_000, Some(10_000)), coop_line(1, 2_000, None), off_line(2, 1_000)],
                (3_000, 200, 2_000, 9_000, 1_000),
            ),
        ];
        for (case, lines, expected) in cases {
            let r = summarize(&lines, &fy, None, DEFAULT_ESTIMATE_BPS, Cents::ZERO, d("2026-12-01"));
            let found = (
                r.saving_actual.0,
                r.saving_estimated.0,
                r.estimated_on.0,
                r.cooperative_spend.0,
                r.off_contract_spend.0,
            );
            assert_eq!(found, expected, "{case}");
        }
    }

    #[test]
    fn every_breakdown_adds_up_and_the_months_cover_the_year() {
        let fy = Period::fiscal_year(2027, 10);
        assert_eq!((fy.from, fy.to), (d("2026-10-01"), d("2027-09-30")));
        let lines = vec![coop_line(1, 7_000, Some(10_000)), coop_line(3, 5_000, None), off_line(2, 1_000)];
        let r = summarize(&lines, &fy, None, 1_500, Cents(1_234), d("2026-12-01"));
        assert_eq!(r.requisitions, 3);
        assert_eq!(r.spend, Cents(13_000));
        assert_eq!(r.cooperative_share_bps, 9_230);
        assert_eq!(r.saving_estimated, Cents(750), "the office's own 15%");
        assert_eq!(r.overcharges_caught, Cents(1_234));
        assert_eq!(r.by_month.len(), 12);
        assert_eq!(r.by_month[1], Slice { name: "2026-11".into(), spend: Cents(12_000), saving: Cents(3_750) });
        assert_eq!(r.by_month[3].spend, Cents(1_000));
        for slices in [&r.by_supplier, &r.by_department, &r.by_category, &r.by_month] {
            assert_eq!(slices.iter().map(|s| s.spend.0).sum::<i64>(), 13_000);
        }
        assert_eq!(
            r.by_cooperative,
            vec![Slice { name: "Sourcewell".into(), spend: Cents(12_000), saving: Cents(3_750) }]
        );
        assert_eq!(r.emergency, vec![Slice { name: "Hurricane Delia".into(), spend: Cents(1_000), saving: Cents(0) }]);
        assert_eq!(r.top_contracts[0].requisitions, 2);
        // GSP-2501 ends 2027-02-28: 89 days from 2026-12-01.
        assert_eq!(r.expiring.len(), 1);
        assert_eq!((r.expiring[0].days_left, r.expiring[0].spend), (89, Cents(12_000)));
        assert!(r.counted.contains("canceled ones are not counted"));
    }

    #[test]
    fn a_calendar_fiscal_year_is_the_calendar_year() {
        let fy = Period::fiscal_year(2027, 1);
        assert_eq!((fy.from, fy.to, fy.label.as_str()), (d("2027-01-01"), d("2027-12-31"), "FY 2027"));
    }
}
