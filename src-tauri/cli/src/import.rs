//! `coopdesk import`: OCDS publications and vendor price files, from a file
//! or an https address, with a report of what came in and what was skipped.

use crate::{print_json, stdout_error};
use clap::Args;
use coopdesk_core::import::ocds::OcdsSummary;
use coopdesk_core::import::prices::{Field, MappingSource, Preview, PriceOptions};
use coopdesk_core::import::source::Kind;
use coopdesk_core::import::{ImportOutcome, ImportRequest};
use coopdesk_core::Store;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// A file, or an https address.
    #[arg(value_name = "FILE-OR-URL")]
    source: String,
    #[command(flatten)]
    options: ImportOptionArgs,
    /// Say what would be imported, and change nothing.
    #[arg(long)]
    dry_run: bool,
}

/// How to read OCDS publications and price files: the same options for
/// `coopdesk import` and the publisher tool's `build` and `convert`.
#[derive(Args, Debug, Clone, Default)]
pub struct ImportOptionArgs {
    /// What it holds (ocds or prices); told from the name or the content
    /// when left out.
    #[arg(long)]
    pub kind: Option<Kind>,
    /// Price files: put every row on this contract number.
    #[arg(long)]
    pub contract: Option<String>,
    /// Price files: the cooperative or schedule the contracts belong to.
    #[arg(long)]
    pub cooperative: Option<String>,
    /// Price files: the supplier, whose saved column mapping applies.
    #[arg(long)]
    pub supplier: Option<String>,
    /// Price files: choose a column, as FIELD=COLUMN (header text, letter or
    /// number; empty to leave the field out). Repeat for more fields.
    #[arg(long = "column", value_name = "FIELD=COLUMN", value_parser = crate::values::column::<Field>)]
    pub columns: Vec<(Field, String)>,
    /// Price files: remember the mapping for this supplier's next file.
    #[arg(long)]
    pub save_mapping: bool,
}

impl ImportOptionArgs {
    pub fn price_options(&self) -> PriceOptions {
        PriceOptions {
            contract: self.contract.clone(),
            cooperative: self.cooperative.clone(),
            supplier: self.supplier.clone(),
            columns: self.columns.iter().cloned().collect::<BTreeMap<_, _>>(),
            save_mapping: self.save_mapping,
        }
    }
}

pub fn run(store: &mut Store, args: &ImportArgs, json: bool, out: &mut dyn Write) -> coopdesk_core::Result<()> {
    let request = ImportRequest {
        location: args.source.clone(),
        kind: args.options.kind,
        prices: args.options.price_options(),
        dry_run: args.dry_run,
        name: None,
    };
    let outcome = store.import(&request, |_| {})?;
    if json {
        return print_json(out, &outcome);
    }
    let text = match &outcome {
        ImportOutcome::Ocds(s) => ocds_report(s),
        ImportOutcome::Prices(p) => prices_report(p),
    };
    out.write_all(text.as_bytes()).map_err(stdout_error)
}

fn ocds_report(s: &OcdsSummary) -> String {
    let r = &s.read;
    let mut text = format!(
        "{} {} (OCDS, {}): {} release packages, {} record packages, {} releases, {} records; {} contracting processes.\n",
        if s.dry_run { "Would import" } else { "Imported" },
        s.source,
        r.encoding,
        r.release_packages,
        r.record_packages,
        r.releases,
        r.records,
        s.processes
    );
    for (name, c) in
        [("Buyers", s.cooperatives), ("Suppliers", s.suppliers), ("Contracts", s.contracts), ("Items", s.items)]
    {
        text += &format!("  {name}: {} new, {} updated\n", c.created, c.updated);
    }
    if s.not_awarded > 0 {
        text += &format!(
            "  {} processes are plans or tenders with no award or contract yet: nothing to buy from\n",
            s.not_awarded
        );
    }
    if s.unpriced_items > 0 {
        text += &format!("  {} items have no unit price and are not catalog items\n", s.unpriced_items);
    }
    if !s.skipped.is_empty() {
        text += &format!("  Skipped ({}):\n", s.skipped.len());
        for k in &s.skipped {
            let field = k.field.as_deref().map(|f| format!(" [{f}]")).unwrap_or_default();
            text += &format!("    {}{field}: {}\n", k.record, k.reason);
        }
    }
    if s.dry_run {
        text += "Nothing was changed (--dry-run).\n";
    }
    text
}

fn prices_report(p: &Preview) -> String {
    let how = match p.mapping_source {
        MappingSource::Detected => "columns found from their names".to_owned(),
        MappingSource::Saved => format!("columns as saved for {}", p.supplier.as_deref().unwrap_or("the supplier")),
        MappingSource::Chosen => "columns as chosen".to_owned(),
    };
    let mut text = format!(
        "{} {}: header on row {} of sheet '{}', {how}.\n",
        if p.dry_run { "Would import" } else { "Imported" },
        p.file,
        p.mapping.header_row + 1,
        p.mapping.sheet
    );
    if !p.missing.is_empty() {
        let names: Vec<&str> = p.missing.iter().map(|f| f.label()).collect();
        text += &format!(
            "  No column found for: {}. Choose with --column FIELD=COLUMN; the columns are: {}\n",
            names.join(", "),
            p.headers.iter().filter(|h| !h.trim().is_empty()).cloned().collect::<Vec<_>>().join(", ")
        );
    }
    for (field, &col) in &p.mapping.columns {
        let header = p.headers.get(col).map(String::as_str).unwrap_or("");
        text += &format!("  {:<26} column {} {header}\n", field.label(), col + 1);
    }
    for c in &p.contracts {
        text += &format!(
            "  Contract {} ({}){}: {} added, {} repriced, {} unchanged\n",
            c.contract_number,
            c.vendor,
            if c.existing { ", already in the catalog" } else { "" },
            c.added.len(),
            c.changed.len(),
            c.unchanged
        );
        if let Some(note) = &c.note {
            text += &format!("    {note}\n");
        }
    }
    for note in p.empty_note.iter().chain(&p.rounded_note) {
        text += &format!("  {note}\n");
    }
    for line in &p.instructions {
        text += &format!("  Row {line}: instructions, skipped\n");
    }
    for s in &p.skipped {
        text += &format!("  {}\n", s.summary);
    }
    for r in &p.refused {
        text += &format!("  Row {}: refused: {}\n", r.line, r.reason);
    }
    for line in &p.duplicates {
        text += &format!("  Row {line}: the same item again further down; the later row counts\n");
    }
    if p.dry_run {
        text += "Nothing was changed (--dry-run).\n";
    }
    text
}
