//! `coopdesk-feed`: the publisher's command-line tool.

use clap::{Parser, Subcommand};
use coopdesk_cli::import::ImportOptionArgs;
use coopdesk_feed::convert::{self, ImportOptions};
use coopdesk_feed::{keys, publish, release, serve, synth};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "coopdesk-feed", version, about = "Publish signed coopdesk feeds")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The import options `coopdesk import` takes, so both tools read OCDS
/// publications and price files the same way.
fn options(args: &ImportOptionArgs) -> ImportOptions {
    ImportOptions { kind: args.kind, prices: args.price_options() }
}

#[derive(Subcommand)]
enum Command {
    /// Write a new signing key pair (minisign format).
    Keygen {
        /// Secret key file to create (keep it private).
        #[arg(long, default_value = "feed.key")]
        secret: PathBuf,
        /// Public key file to create (give it to agencies).
        #[arg(long, default_value = "feed.pub")]
        public: PathBuf,
    },
    /// Build a signed feed directory from source files: record files, OCDS
    /// publications and vendor price files.
    Build {
        /// Folder of sources: .ndjson / .ndjson.gz files of upsert records,
        /// OCDS publications (.json, .jsonl) and price files (.csv, .xlsx).
        #[arg(long)]
        source: PathBuf,
        /// Secret key that signs the manifest.
        #[arg(long)]
        key: PathBuf,
        /// Folder to write the feed into.
        #[arg(long)]
        out: PathBuf,
        /// The previously published feed folder, to write a delta from it.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// The feed's id (required for a first build).
        #[arg(long)]
        feed_id: Option<String>,
        /// The feed's name as agencies see it.
        #[arg(long)]
        feed_name: Option<String>,
        /// How long the manifest stays valid; clients refuse it after that.
        #[arg(long, default_value_t = 7)]
        valid_days: i64,
        /// The previous secret key, when rotating to --key: it endorses the new key.
        #[arg(long)]
        endorse_with: Option<PathBuf>,
        #[command(flatten)]
        import: ImportOptionArgs,
    },
    /// Convert OCDS publications or price files into one record file, and
    /// report what was converted and what was skipped.
    Convert {
        /// OCDS publications (.json, .jsonl) or price files (.csv, .xlsx), or https addresses.
        #[arg(required = true)]
        sources: Vec<String>,
        /// The record file to write (.ndjson.gz).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        import: ImportOptionArgs,
    },
    /// Check a feed directory as a client would.
    Verify {
        dir: PathBuf,
        /// The public key agencies pin.
        #[arg(long)]
        pubkey: PathBuf,
    },
    /// Serve a feed directory over HTTP (development and tests).
    Serve {
        dir: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8790")]
        addr: String,
    },
    /// Publish a release of coopdesk for its updater: sign each package
    /// (with a key from `keygen`) and write latest.json into a folder any
    /// web host or internal mirror can serve.
    Release {
        /// Secret key releases are signed with.
        #[arg(long)]
        key: PathBuf,
        /// The release's version (major.minor.patch).
        #[arg(long)]
        version: String,
        /// Release notes the clerk sees before updating.
        #[arg(long, default_value = "")]
        notes: String,
        /// The address the release folder will be served from.
        #[arg(long)]
        base_url: String,
        /// A package and its updater platform, as PLATFORM=FILE, e.g.
        /// linux-x86_64-deb=coopdesk_1.2.0_amd64.deb.
        #[arg(long = "artifact", required = true)]
        artifacts: Vec<release::Artifact>,
        /// Folder to write the release into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Print a public key as coopdesk's updater configuration takes it
    /// (plugins.updater.pubkey).
    UpdaterKey { public: PathBuf },
    /// Write the fictional sample catalogue (the one bundled with the app)
    /// as a gzip-compressed record file.
    Sample {
        /// Output file, e.g. assets/sample-feed/catalogue.ndjson.gz
        #[arg(long)]
        out: PathBuf,
        /// Number of items (the bundled sample has 5,200).
        #[arg(long)]
        items: Option<usize>,
    },
}

fn run(command: Command) -> Result<String, String> {
    match command {
        Command::Keygen { secret, public } => {
            let key = keys::keygen(&secret, &public).map_err(|e| e.to_string())?;
            Ok(format!(
                "Wrote {} (secret: keep it private) and {}.\nPublic key to give agencies: {key}",
                secret.display(),
                public.display()
            ))
        }
        Command::Build { source, key, out, previous, feed_id, feed_name, valid_days, endorse_with, import } => {
            let opts = publish::BuildOptions {
                source,
                key,
                out: out.clone(),
                previous,
                feed_id,
                feed_name,
                valid_for: chrono::Duration::days(valid_days),
                endorse_with,
                now: chrono::Utc::now(),
                import: options(&import),
            };
            let (m, converted) = publish::build_with_report(&opts).map_err(|e| e.to_string())?;
            let report = converted.as_ref().map(convert::report).unwrap_or_default();
            Ok(format!(
                "{report}Built feed '{}' sequence {} in {}: snapshot of {} records, {} delta(s); expires {}.",
                m.feed_id,
                m.sequence,
                out.display(),
                m.snapshot.records,
                m.deltas.len(),
                m.expires_at.to_rfc3339()
            ))
        }
        Command::Convert { sources, out, import } => {
            let work = tempfile::tempdir().map_err(|e| format!("no temporary folder: {e}"))?;
            let paths: Vec<PathBuf> = sources.iter().map(PathBuf::from).collect();
            let converted =
                convert::convert(&paths, &options(&import), work.path(), &out).map_err(|e| e.to_string())?;
            Ok(format!("{}Wrote {} records to {}.", convert::report(&converted), converted.records, out.display()))
        }
        Command::Verify { dir, pubkey } => {
            let v = publish::verify(&dir, &pubkey).map_err(|e| e.to_string())?;
            Ok(format!(
                "OK: feed '{}' sequence {} is signed by the key, and its {} file(s) with {} records check out.",
                v.manifest.feed_id, v.manifest.sequence, v.files_checked, v.records
            ))
        }
        Command::Release { key, version, notes, base_url, artifacts, out } => {
            let r = release::Release { version: &version, notes: &notes, base_url: &base_url, artifacts: &artifacts };
            let latest = release::publish(&key, &r, &out).map_err(|e| e.to_string())?;
            Ok(format!("Signed {} package(s) of version {version}; wrote {}.", artifacts.len(), latest.display()))
        }
        Command::UpdaterKey { public } => release::updater_pubkey(&public).map_err(|e| e.to_string()),
        Command::Serve { dir, addr } => {
            let running = serve::start(dir.clone(), &addr).map_err(|e| format!("could not listen on {addr}: {e}"))?;
            println!("Serving {} at http://{}/manifest.json", dir.display(), running.addr);
            running.wait();
            Ok(String::new())
        }
        Command::Sample { out, items } => {
            let mut spec = synth::Spec::bundled_sample();
            if let Some(n) = items {
                spec.items = n;
            }
            std::fs::File::create(&out)
                .and_then(|f| synth::write_snapshot_gz(&spec, std::io::BufWriter::new(f)))
                .and_then(|mut w| std::io::Write::flush(&mut w))
                .map_err(|e| format!("could not write {}: {e}", out.display()))?;
            Ok(format!("Wrote {} items to {}", spec.items, out.display()))
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(message) => {
            if !message.is_empty() {
                println!("{message}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("coopdesk-feed: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use coopdesk_core::import::prices::Field;

    #[test]
    fn convert_takes_the_same_import_options_as_coopdesk_import() {
        let cli = Cli::try_parse_from([
            "coopdesk-feed",
            "convert",
            "acme.csv",
            "--out",
            "records.ndjson.gz",
            "--supplier",
            "Acme Supply",
            "--column",
            "contract_price=Net price",
        ])
        .unwrap();
        let Command::Convert { import, .. } = cli.command else { panic!("not convert") };
        let options = options(&import);
        assert_eq!(options.prices.supplier.as_deref(), Some("Acme Supply"));
        assert_eq!(options.prices.columns.get(&Field::ContractPrice).map(String::as_str), Some("Net price"));
        let bad = Cli::try_parse_from(["coopdesk-feed", "convert", "a.csv", "--out", "o", "--column", "price=C"]);
        assert!(bad.err().unwrap().to_string().contains("'price' is not a price-file field"));
    }
}
