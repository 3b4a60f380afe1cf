//! Commands the UI may invoke: each is a one-line adapter over the core.

use crate::ipc_error::IpcError;
use crate::state::AppState;
use coopdesk_core::search::{SearchPage, SearchQuery};
use coopdesk_core::store::CatalogueStatus;
use serde::Serialize;
use tauri::State;

#[derive(Serialize)]
pub struct AppInfo {
    version: &'static str,
    db_path: Option<String>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo { version: env!("CARGO_PKG_VERSION"), db_path: state.db_path.as_ref().map(|p| p.display().to_string()) }
}

#[tauri::command]
pub async fn catalogue_status(state: State<'_, AppState>) -> Result<CatalogueStatus, IpcError> {
    state.with_store(|store| store.catalogue_status()).await
}

#[tauri::command]
pub async fn search(state: State<'_, AppState>, query: SearchQuery) -> Result<SearchPage, IpcError> {
    state.with_store(move |store| store.search(&query)).await
}
