//! The desktop shell: opens the window, holds the app state and exposes the
//! core to the UI through thin commands. Nothing here decides anything a
//! purchasing office cares about; that is all in `coopdesk-core`.

#[macro_use]
mod command_list;
mod commands;
mod emergency_commands;
mod first_run_commands;
mod import_commands;
mod ipc_error;
mod menu;
mod office_commands;
mod office_watch;
mod report_commands;
mod requisition_commands;
mod state;
mod update_commands;

use state::AppState;
use std::path::PathBuf;

/// The handler for every command on the one list.
macro_rules! handler {
    ($($module:ident: $($command:ident),+;)+) => {
        tauri::generate_handler![$($($module::$command),+),+]
    };
}

/// Opens the coopdesk window on the database at `db_path`.
pub fn run(db_path: coopdesk_core::Result<PathBuf>) {
    let state = AppState::new(db_path);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        // Its endpoint is given per check, from the updates policy; its key
        // is the release key in tauri.conf.json (empty: no updates).
        .plugin(tauri_plugin_updater::Builder::new().build())
        .setup(|app| {
            use tauri::Manager;
            update_commands::manage(app);
            app.state::<AppState>().start(app.handle().clone());
            app.set_menu(menu::build(app.handle())?)?;
            Ok(())
        })
        .on_menu_event(menu::on_event)
        .manage(state)
        .invoke_handler(for_each_command!(handler))
        .run(tauri::generate_context!("tauri.conf.json"))
        .expect("the coopdesk window could not be started");
}
