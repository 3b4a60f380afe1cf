//! The office as the window sees it: its status and roster, and a sync with
//! the office's server. Creating, joining and admitting need the person's
//! passphrase and are on the command line for now (`coopdesk office …`).

use crate::ipc_error::IpcError;
use crate::state::AppState;
use coopdesk_core::office::{OfficeOverview, OfficeSyncReport};
use tauri::State;

#[tauri::command]
pub async fn office_get(state: State<'_, AppState>) -> Result<OfficeOverview, IpcError> {
    state.with_store(|store| store.office_overview()).await
}

#[tauri::command]
pub async fn office_sync(state: State<'_, AppState>) -> Result<OfficeSyncReport, IpcError> {
    state.with_store(|store| store.office_sync()).await
}
