//! The welcome walkthrough and the sample catalog: thin adapters over the
//! core's `first_run`.

use crate::ipc_error::IpcError;
use crate::state::AppState;
use coopdesk_core::first_run::FirstRun;
use tauri::State;

#[tauri::command]
pub async fn first_run_get(state: State<'_, AppState>) -> Result<FirstRun, IpcError> {
    state.with_store(|store| store.first_run()).await
}

#[tauri::command]
pub async fn first_run_done(state: State<'_, AppState>) -> Result<FirstRun, IpcError> {
    state.with_store(|store| store.finish_welcome().and_then(|()| store.first_run())).await
}

#[tauri::command]
pub async fn sample_remove(state: State<'_, AppState>) -> Result<FirstRun, IpcError> {
    state.with_store(|store| store.remove_sample().and_then(|_| store.first_run())).await
}

#[tauri::command]
pub async fn sample_load(state: State<'_, AppState>) -> Result<FirstRun, IpcError> {
    state.with_store(|store| store.load_sample().and_then(|_| store.first_run())).await
}
