//! The office as the window sees it: its status and roster, a sync with the
//! office's server, the approvals inbox, and signing (sharing a requisition,
//! deciding on one) with the passphrase the person types for that signing.
//! Creating, joining and admitting are on the command line for now
//! (`coopdesk office …`).

use crate::ipc_error::IpcError;
use crate::state::AppState;
use coopdesk_core::office::{Decision, Inbox, OfficeOverview, OfficeStatus, OfficeSyncReport};
use tauri::State;

#[tauri::command]
pub async fn office_get(state: State<'_, AppState>) -> Result<OfficeOverview, IpcError> {
    state.with_store(|store| store.office_overview()).await
}

#[tauri::command]
pub async fn office_sync(state: State<'_, AppState>) -> Result<OfficeSyncReport, IpcError> {
    state.with_store(|store| store.office_sync()).await
}

#[tauri::command]
pub async fn office_inbox(state: State<'_, AppState>) -> Result<Inbox, IpcError> {
    state.with_store(|store| store.office_inbox()).await
}

#[tauri::command]
pub async fn office_share(
    state: State<'_, AppState>,
    number: String,
    passphrase: String,
) -> Result<OfficeStatus, IpcError> {
    state.with_store(move |store| store.office_share(&number, &passphrase)).await
}

#[tauri::command]
pub async fn office_decide(
    state: State<'_, AppState>,
    number: String,
    from: Option<String>,
    decision: Decision,
    passphrase: String,
) -> Result<OfficeStatus, IpcError> {
    state.with_store(move |store| store.office_decide(&number, from.as_deref(), decision, &passphrase)).await
}
