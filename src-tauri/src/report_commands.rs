//! Commands of the Reports screen: thin adapters over
//! `coopdesk_core::reports`.

use crate::ipc_error::IpcError;
use crate::state::AppState;
use coopdesk_core::packet::Paper;
use coopdesk_core::reports::board::ReportFile;
use coopdesk_core::reports::savings::{ReportRequest, SavingsReport};
use std::path::PathBuf;
use tauri::State;

#[tauri::command]
pub async fn report_savings(state: State<'_, AppState>, request: ReportRequest) -> Result<SavingsReport, IpcError> {
    state.with_store(move |store| store.savings_report_for(&request)).await
}

/// Saves the board report (PDF) or its figures (CSV); `path` null: the save
/// folder from Settings.
#[tauri::command]
pub async fn report_save(
    state: State<'_, AppState>,
    request: ReportRequest,
    file: ReportFile,
    paper: Paper,
    path: Option<PathBuf>,
) -> Result<PathBuf, IpcError> {
    state.with_store(move |store| store.save_savings_report(&request, file, paper, path)).await
}
