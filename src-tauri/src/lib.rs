//! The desktop shell: opens the window, holds the app state and exposes the
//! core to the UI through thin commands. Nothing here decides anything a
//! purchasing office cares about; that is all in `coopdesk-core`.

mod commands;
mod ipc_error;
mod state;

use state::AppState;
use std::path::PathBuf;

/// Opens the coopdesk window on the database at `db_path`.
pub fn run(db_path: coopdesk_core::Result<PathBuf>) {
    let state = AppState::new(db_path);
    tauri::Builder::default()
        .setup(|app| {
            use tauri::Manager;
            app.state::<AppState>().start();
            Ok(())
        })
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::catalogue_status,
            commands::search,
            commands::facets,
            commands::contract_detail,
            commands::item_detail,
            commands::agency_get,
            commands::agency_set,
            commands::feeds_list,
            commands::feed_add,
            commands::feed_remove,
            commands::sync_now,
            commands::sync_cancel,
        ])
        .run(tauri::generate_context!("tauri.conf.json"))
        .expect("the coopdesk window could not be started");
}
