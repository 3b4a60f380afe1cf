//! The headless command line: `coopdesk --db PATH <command>`. The app's
//! binary hands over here whenever a subcommand is given, so scripts, IT
//! staff and tests use the same core with no display. Output is plain text
//! for people, or JSON with `--json` for scripts; failures print the core's
//! message and exit non-zero.

mod agency;
mod emergency;
mod feeds;
pub mod import;
mod office;
mod report;
mod req;
mod search_args;
mod table;
mod values;

use clap::{Parser, Subcommand};
use coopdesk_core::money::format_bps;
use coopdesk_core::search::SearchQuery;
use coopdesk_core::{paths, Store};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "coopdesk",
    version,
    about = "Cooperative-contract purchasing, offline. With no command, opens the app window."
)]
pub struct Args {
    /// Database file to use instead of the default in the user's app-data
    /// folder (the COOPDESK_DB environment variable does the same).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Print JSON for scripts instead of text for people (every command
    /// that reports something).
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Search the catalog: items, contracts and suppliers.
    Search {
        /// What to look for: words, a part number, a supplier or a contract
        /// number ("" lists everything the filters allow).
        query: String,
        /// How many results to show.
        #[arg(long, default_value_t = 25)]
        limit: u32,
        #[command(flatten)]
        filters: search_args::FilterArgs,
    },
    /// Show a contract: term, eligibility for this agency, contacts, documents,
    /// and the supplier's dealers nearest the agency (or --near ZIP).
    Contract {
        id: String,
        #[arg(long, value_name = "ZIP")]
        near: Option<String>,
    },
    /// Contract documents kept for offline use.
    Document {
        #[command(subcommand)]
        action: DocumentAction,
    },
    /// Show a catalog item: part numbers, prices, tiers, its contract.
    Item { id: String },
    /// The agency's profile, which eligibility and distances are judged from.
    Agency {
        #[command(subcommand)]
        action: agency::AgencyAction,
    },
    /// Load the bundled sample catalog (what the app does on first start);
    /// after `remove-sample`, brings it back.
    LoadSample {},
    /// Remove the fictional sample catalog for good: the app does not load
    /// it again on start. Requisitions made from it keep their copies.
    RemoveSample {},
    /// Apply a coopdesk record file (plain or gzip-compressed) to the catalog.
    Apply { file: PathBuf },
    /// Import an OCDS publication or a vendor price file (CSV, XLSX), from a
    /// file or an https address, as local contracts: reports what came in and
    /// what was skipped, with reasons; --dry-run changes nothing.
    Import(import::ImportArgs),
    /// Show which feeds the catalog came from and what it holds.
    Status {},
    /// Manage the marketplace feeds this catalog follows.
    Feeds {
        #[command(subcommand)]
        action: FeedsAction,
    },
    /// Requisitions: build, check, submit, approve, order, receive, export.
    Req {
        #[command(subcommand)]
        action: req::ReqAction,
        /// Who is making the change (default: the operator set in the
        /// purchasing settings, else the login name).
        #[arg(long, global = true, value_name = "NAME")]
        by: Option<String>,
    },
    /// Emergency purchasing: incidents, the vendor sheet, the FEMA packet.
    Emergency {
        #[command(subcommand)]
        action: emergency::EmergencyAction,
        #[arg(long, global = true, value_name = "NAME")]
        by: Option<String>,
    },
    /// Numbering, account string, policy thresholds and approvers.
    Purchasing {
        #[command(subcommand)]
        action: req::PurchasingAction,
    },
    /// Reports for the board: what cooperative buying saved.
    Report {
        #[command(subcommand)]
        action: report::ReportAction,
    },
    /// Print a requisition's packet to a PDF file (recorded in its history).
    Packet {
        number: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// letter (the default) or a4.
        #[arg(long, default_value = "letter")]
        paper: coopdesk_core::packet::Paper,
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
    },
    /// The office: requisitions shared with colleagues through a PostgreSQL
    /// server, each change signed by the person who made it.
    Office {
        #[command(subcommand)]
        action: office::OfficeAction,
    },
    /// Write a backup of the whole database (catalog, requisitions,
    /// attachments, settings) to one file.
    Backup { file: PathBuf },
    /// Replace the whole database with a backup, after checking it.
    Restore { file: PathBuf },
    /// Fetch, verify and apply the followed feeds (all, or one with --feed).
    Sync {
        #[arg(long)]
        feed: Option<String>,
        /// Report progress on standard error as JSON lines, one when a
        /// phase starts (checking, downloading, applying) and one every few
        /// thousand records applied: for scripts that watch a long sync.
        #[arg(long)]
        progress: bool,
        /// Give up on a server that sends nothing for this many seconds
        /// (5 to 600; default 30, or COOPDESK_SYNC_STALL_SECONDS): what
        /// arrived is kept and the next sync resumes from there.
        #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(5..=600))]
        stall_after: Option<u64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum DocumentAction {
    /// Download a contract's document (by its SHA-256, as `contract` shows)
    /// and keep it for offline use, after checking its hash.
    Keep { contract_id: String, sha256: String },
    /// Write the kept copy of a document to a file.
    Save {
        sha256: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum FeedsAction {
    /// Follow a feed: its id, the address of its manifest.json, and the
    /// publisher's minisign public key (the key line, or a .pub file).
    Add {
        id: String,
        url: String,
        #[arg(long)]
        pubkey: String,
    },
    /// List the feeds followed, with their last sync.
    List {},
    /// Stop following a feed and remove its records from the catalog.
    Remove { id: String },
    /// Fetch a followed feed from another address (a mirror, a new host).
    /// Its pinned keys stay: whoever serves the feed, only its publisher signs it.
    Move { id: String, url: String },
}

impl Args {
    pub fn parse_from_env() -> Args {
        Args::parse()
    }

    /// The database path this invocation uses.
    pub fn db_path(&self) -> coopdesk_core::Result<PathBuf> {
        paths::resolve_db_path(self.db.clone())
    }
}

/// Runs a subcommand. Call only when `args.command` is set.
pub fn run(args: Args) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match execute(&args, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = out.flush();
            eprintln!("coopdesk: {e}");
            if let Some(hint) = hint(&e) {
                eprintln!("{hint}");
            }
            ExitCode::FAILURE
        }
    }
}

/// What to do next on the command line, for errors whose way forward the
/// core cannot name (it knows no flags). The window adds its own.
fn hint(e: &coopdesk_core::Error) -> Option<&'static str> {
    use coopdesk_core::Error::*;
    Some(match e {
        NotFound { what: "requisition", .. } => "`coopdesk req list` shows the requisitions.",
        NotFound { what: "incident", .. } => "`coopdesk emergency list` shows the incidents.",
        NotFound { what: "feed", .. } => "`coopdesk feeds list` shows the feeds this catalog follows.",
        NoActor => "Pass --by NAME, or set your name once with `coopdesk purchasing operator NAME`.",
        NoAgencyProfile => "Set it up with `coopdesk agency set`.",
        Open { .. } | DatabaseTooNew { .. } | NoDataDir => "Choose the database file with --db PATH (or COOPDESK_DB).",
        KeyLocked(_) => "Give your key's passphrase in COOPDESK_KEY_PASSPHRASE.",
        OfficeUnreachable(_) => "`coopdesk office status` shows what waits; `coopdesk office sync` tries again.",
        OfficeTampered { .. } => "`coopdesk office verify` lists every problem on the server.",
        _ => return None,
    })
}

pub(crate) fn print_json<T: Serialize>(out: &mut dyn Write, value: &T) -> coopdesk_core::Result<()> {
    let text = serde_json::to_string_pretty(value).expect("results always serialise");
    writeln!(out, "{text}").map_err(stdout_error)
}

/// "1 requisition", "3 requisitions": a count with its noun.
pub(crate) fn counted(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(crate) fn stdout_error(e: std::io::Error) -> coopdesk_core::Error {
    coopdesk_core::Error::io("standard output", e)
}

/// Who changes are recorded under: `--by`, else the operator in the
/// settings, else the login name.
fn actor(store: &Store, by: Option<&str>) -> coopdesk_core::Result<String> {
    if let Some(by) = by {
        return Ok(by.to_owned());
    }
    let operator = store.purchasing_settings()?.operator;
    if !operator.trim().is_empty() {
        return Ok(operator);
    }
    Ok(std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default())
}

fn execute(args: &Args, out: &mut dyn Write) -> coopdesk_core::Result<()> {
    let Some(command) = &args.command else {
        return Err(coopdesk_core::Error::Invalid("no command given".into()));
    };
    let json = args.json;
    let db_path = args.db_path()?;
    let mut store = Store::open(&db_path)?;
    match command {
        Command::Feeds { action } => feeds::run(&mut store, action, json, out),
        Command::Sync { feed, progress, stall_after } => {
            drop(store);
            let mut options = coopdesk_core::sync::SyncOptions::default();
            if let Some(seconds) = stall_after {
                options.read_timeout = std::time::Duration::from_secs(*seconds);
            }
            feeds::sync(&db_path, feed.as_deref(), &options, json, *progress, out)
        }
        Command::Contract { id, near } => search_args::contract(&store, id, near.as_deref(), json, out),
        Command::Item { id } => search_args::item(&store, id, json, out),
        Command::Agency { action } => agency::run(&mut store, action, json, out),
        Command::Document { action } => match action {
            DocumentAction::Keep { contract_id, sha256 } => {
                drop(store);
                let doc = coopdesk_core::documents::download(&db_path, contract_id, sha256)?;
                writeln!(out, "Kept '{}' ({} bytes) for offline use.", doc.title, doc.size).map_err(stdout_error)
            }
            DocumentAction::Save { sha256, out: file } => {
                coopdesk_core::paths::write_atomically(file, &store.kept_document_or_explain(sha256)?)?;
                writeln!(out, "Wrote {}.", file.display()).map_err(stdout_error)
            }
        },
        Command::Req { action, by } => {
            let by = actor(&store, by.as_deref())?;
            req::run(&mut store, action, &by, json, out)
        }
        Command::Purchasing { action } => req::purchasing(&mut store, action, json, out),
        Command::Emergency { action, by } => {
            let by = actor(&store, by.as_deref())?;
            emergency::run(&mut store, action, &by, json, out)
        }
        Command::Report { action } => report::run(&store, action, json, out),
        Command::Packet { number, out: file, paper, by } => {
            let by = actor(&store, by.as_deref())?;
            let packet = store.build_packet(number, *paper, store.clock().now())?;
            coopdesk_core::paths::write_atomically(file, &packet.pdf)?;
            store.record_packet(number, &packet, &format!("saved to {}", file.display()), &by)?;
            if json {
                return print_json(out, &packet);
            }
            for note in &packet.notes {
                writeln!(out, "Note: {note}").map_err(stdout_error)?;
            }
            writeln!(
                out,
                "Wrote the packet for {number} to {} ({} pages, packet {}).",
                file.display(),
                packet.pages,
                packet.short_hash
            )
            .map_err(stdout_error)
        }
        Command::Office { action } => office::run(&mut store, action, json, out),
        Command::Backup { file } => {
            let summary = store.backup_to(file)?;
            if json {
                return print_json(out, &summary);
            }
            writeln!(
                out,
                "Backed up {} and {} to {} ({} bytes).",
                counted(summary.requisitions, "requisition", "requisitions"),
                counted(summary.items, "catalog item", "catalog items"),
                summary.path.display(),
                summary.bytes
            )
            .map_err(stdout_error)
        }
        Command::Restore { file } => {
            let summary = store.restore_from(file)?;
            if json {
                return print_json(out, &summary);
            }
            writeln!(
                out,
                "Restored {} requisitions and {} catalog items from {}.",
                summary.requisitions,
                summary.items,
                file.display()
            )
            .map_err(stdout_error)
        }
        Command::Search { query, limit, filters } => {
            let (filters, sort) = filters.to_filters()?;
            let page = store.search(&SearchQuery {
                text: query.clone(),
                limit: *limit,
                offset: 0,
                filters: filters.clone(),
                sort,
            })?;
            if json {
                return print_json(out, &page);
            }
            if page.hits.is_empty() {
                let mut advice = vec!["try fewer or shorter words, or a part number".to_owned()];
                if let Some(s) = page.suggestions.first() {
                    advice.insert(0, format!("did you mean \"{s}\"?"));
                }
                if let Some(d) = &page.nearest_dealer {
                    advice.insert(
                        0,
                        format!("the nearest dealer with a match is {}, {} mi from {}", d.name, d.miles, d.from_zip),
                    );
                }
                if filters.any() {
                    advice.push("or remove a filter".to_owned());
                }
                writeln!(out, "No items match \"{query}\": {}.", advice.join("; ")).map_err(stdout_error)?;
                return Ok(());
            }
            if let Some(fixed) = &page.showing_for {
                writeln!(out, "Nothing matches \"{query}\"; showing results for \"{fixed}\".").map_err(stdout_error)?;
            }
            let rows: Vec<Vec<String>> = page
                .hits
                .iter()
                .map(|h| {
                    vec![
                        h.description.clone(),
                        h.supplier.clone(),
                        h.cooperative.clone(),
                        h.contract_number.clone(),
                        h.unit.clone(),
                        h.list_price.in_currency(h.currency),
                        h.contract_price.in_currency(h.currency),
                        h.saving_bps.map(format_bps).unwrap_or_default(),
                        search_args::eligibility_cell(h),
                    ]
                })
                .collect();
            let headers =
                ["Item", "Supplier", "Cooperative", "Contract", "Unit", "List", "Contract price", "Saving", "Eligible"];
            table::write(out, &headers, &rows, &[5, 6, 7]).map_err(stdout_error)?;
            writeln!(out, "{} of {} matching items", page.hits.len(), page.total).map_err(stdout_error)
        }
        Command::LoadSample {} => {
            let summary = store.load_sample()?;
            if json {
                return print_json(out, &summary);
            }
            if summary.already_current {
                writeln!(out, "The sample catalog is already loaded.").map_err(stdout_error)
            } else {
                writeln!(
                    out,
                    "Loaded the sample catalog: {} cooperatives, {} suppliers, {} contracts, {} dealers, {} items.",
                    summary.cooperatives, summary.suppliers, summary.contracts, summary.dealers, summary.items
                )
                .map_err(stdout_error)
            }
        }
        Command::RemoveSample {} => {
            let removed = store.remove_sample()?;
            if json {
                return print_json(out, &serde_json::json!({ "removed": removed }));
            }
            let said = if removed {
                "Removed the sample catalog; it will not be loaded again on start."
            } else {
                "The sample catalog was not loaded; it will not be loaded on start."
            };
            writeln!(out, "{said}").map_err(stdout_error)
        }
        Command::Apply { file } => {
            let summary = store.apply_file(file)?;
            if json {
                return print_json(out, &summary);
            }
            if summary.already_current {
                return writeln!(out, "Feed '{}' is already at sequence {}.", summary.feed_id, summary.sequence)
                    .map_err(stdout_error);
            }
            writeln!(
                out,
                "Applied feed '{}' sequence {}: {} cooperatives, {} suppliers, {} contracts, {} dealers, {} items written, {} deleted.",
                summary.feed_id,
                summary.sequence,
                summary.cooperatives,
                summary.suppliers,
                summary.contracts,
                summary.dealers,
                summary.items,
                summary.deleted
            )
            .map_err(stdout_error)
        }
        Command::Import(args) => import::run(&mut store, args, json, out),
        Command::Status {} => {
            let status = store.catalogue_status()?;
            if json {
                return print_json(out, &status);
            }
            writeln!(out, "Database: {}", store.path().display()).map_err(stdout_error)?;
            if status.feeds.is_empty() {
                writeln!(out, "No feeds yet. Run `coopdesk load-sample` or start the app.").map_err(stdout_error)?;
            }
            for f in &status.feeds {
                let fictional =
                    if f.sample { " - SAMPLE DATA, fictional; `coopdesk remove-sample` removes it" } else { "" };
                writeln!(
                    out,
                    "Feed {} ({}): sequence {}, applied {}{fictional}",
                    f.id, f.name, f.sequence, f.applied_at
                )
                .map_err(stdout_error)?;
            }
            writeln!(
                out,
                "{} cooperatives, {} suppliers, {} contracts, {} dealers, {} items",
                status.cooperatives, status.suppliers, status.contracts, status.dealers, status.items
            )
            .map_err(stdout_error)?;
            let first = store.first_run()?;
            let steps = [
                (first.agency_set, "the agency profile: `coopdesk agency set` (eligibility and distances need it)"),
                (first.purchasing_set, "the purchasing settings: `coopdesk purchasing show`, then `set` (the federal thresholds apply until then)"),
                (
                    first.feeds > 0 || first.imported_items > 0,
                    "where contracts come from: `coopdesk feeds add`, or `coopdesk import FILE`",
                ),
            ];
            for (_, step) in steps.iter().filter(|(done, _)| !done) {
                writeln!(out, "Not set up yet: {step}").map_err(stdout_error)?;
            }
            Ok(())
        }
    }
}
