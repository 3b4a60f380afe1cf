//! `coopdesk-feed`: the publisher's command-line tool.

use clap::{Parser, Subcommand};
use coopdesk_feed::synth;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "coopdesk-feed", version, about = "Publish coopdesk feeds")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Sample { out, items } => {
            let mut spec = synth::Spec::bundled_sample();
            if let Some(n) = items {
                spec.items = n;
            }
            let result = std::fs::File::create(&out)
                .and_then(|f| synth::write_snapshot_gz(&spec, std::io::BufWriter::new(f)))
                .and_then(|mut w| std::io::Write::flush(&mut w));
            match result {
                Ok(()) => {
                    println!("wrote {} items to {}", spec.items, out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("coopdesk-feed: could not write {}: {e}", out.display());
                    ExitCode::FAILURE
                }
            }
        }
    }
}
