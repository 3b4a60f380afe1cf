// Without this, a release build on Windows opens a console beside the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

/// With a subcommand, coopdesk runs headless; without one, it opens the window.
fn main() -> ExitCode {
    let args = coopdesk_cli::Args::parse_from_env();
    if args.command.is_some() {
        return coopdesk_cli::run(args);
    }
    coopdesk_app::run(args.db_path());
    ExitCode::SUCCESS
}
