//! The desktop shell: opens the window, holds the app state and exposes the
//! core to the UI through thin commands. Nothing here decides anything a
//! purchasing office cares about; that is all in `coopdesk-core`.

mod commands;
mod emergency_commands;
mod import_commands;
mod ipc_error;
mod menu;
mod requisition_commands;
mod state;

use state::AppState;
use std::path::PathBuf;

/// Opens the coopdesk window on the database at `db_path`.
pub fn run(db_path: coopdesk_core::Result<PathBuf>) {
    let state = AppState::new(db_path);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            use tauri::Manager;
            app.state::<AppState>().start();
            app.set_menu(menu::build(app.handle())?)?;
            Ok(())
        })
        .on_menu_event(menu::on_event)
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
            commands::document_keep,
            commands::document_open,
            requisition_commands::purchasing_get,
            requisition_commands::purchasing_set,
            requisition_commands::req_list,
            requisition_commands::req_create,
            requisition_commands::req_view,
            requisition_commands::req_update_header,
            requisition_commands::req_add_item,
            requisition_commands::req_add_manual,
            requisition_commands::req_update_line,
            requisition_commands::req_remove_line,
            requisition_commands::req_accept_price,
            requisition_commands::req_attach,
            requisition_commands::req_remove_attachment,
            requisition_commands::req_acknowledge,
            requisition_commands::req_transition,
            requisition_commands::req_verify_history,
            requisition_commands::req_set_emergency_docs,
            emergency_commands::incidents_list,
            emergency_commands::incident_active,
            emergency_commands::incident_dashboard,
            emergency_commands::incident_declare,
            emergency_commands::incident_activate,
            emergency_commands::incident_extend,
            emergency_commands::incident_close,
            emergency_commands::incident_fema_number,
            emergency_commands::incident_add_project,
            emergency_commands::vendor_sheet_print,
            emergency_commands::vendor_sheet_save,
            emergency_commands::fema_packet_print,
            emergency_commands::fema_packet_save,
            requisition_commands::agency_logo_set,
            requisition_commands::agency_logo_present,
            requisition_commands::packet_preview,
            requisition_commands::packet_print,
            requisition_commands::packet_save,
            requisition_commands::print_window,
            import_commands::import_run,
            import_commands::import_log,
        ])
        .run(tauri::generate_context!("tauri.conf.json"))
        .expect("the coopdesk window could not be started");
}
