//! Commands of the Emergency screen and the incident banner: thin adapters
//! over `coopdesk_core::emergency`, acting as the operator named in Settings.

use crate::ipc_error::IpcError;
use crate::state::AppState;
use coopdesk_core::emergency::tally::Dashboard;
use coopdesk_core::emergency::{Incident, NewIncident, Project};
use coopdesk_core::packet::Paper;
use coopdesk_core::Store;
use std::path::PathBuf;
use tauri::ipc::Response;
use tauri::State;

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

#[tauri::command]
pub async fn incidents_list(state: State<'_, AppState>) -> Result<Vec<Incident>, IpcError> {
    state.with_store(|store| store.incidents()).await
}

/// The active incident's dashboard, for the banner; `None` when none is active.
#[tauri::command]
pub async fn incident_active(state: State<'_, AppState>) -> Result<Option<Dashboard>, IpcError> {
    state
        .with_store(|store| store.active_incident()?.map(|i| store.incident_dashboard(i.id, today())).transpose())
        .await
}

#[tauri::command]
pub async fn incident_dashboard(state: State<'_, AppState>, id: i64) -> Result<Dashboard, IpcError> {
    state.with_store(move |store| store.incident_dashboard(id, today())).await
}

#[tauri::command]
pub async fn incident_declare(state: State<'_, AppState>, incident: NewIncident) -> Result<Incident, IpcError> {
    state.with_store(move |store: &mut Store| store.declare_incident(&incident, &store.operator()?)).await
}

#[tauri::command]
pub async fn incident_activate(state: State<'_, AppState>, id: i64) -> Result<Incident, IpcError> {
    state.with_store(move |store: &mut Store| store.activate_incident(id, &store.operator()?)).await
}

#[tauri::command]
pub async fn incident_extend(
    state: State<'_, AppState>,
    id: i64,
    until: chrono::NaiveDate,
    reason: String,
) -> Result<Incident, IpcError> {
    state.with_store(move |store: &mut Store| store.extend_waiver(id, until, &reason, &store.operator()?)).await
}

#[tauri::command]
pub async fn incident_close(state: State<'_, AppState>, id: i64) -> Result<Incident, IpcError> {
    state.with_store(move |store: &mut Store| store.close_incident(id, today(), &store.operator()?)).await
}

#[tauri::command]
pub async fn incident_fema_number(state: State<'_, AppState>, id: i64, number: String) -> Result<Incident, IpcError> {
    state.with_store(move |store: &mut Store| store.set_fema_disaster(id, &number, &store.operator()?)).await
}

#[tauri::command]
pub async fn incident_add_project(state: State<'_, AppState>, id: i64, project: Project) -> Result<Incident, IpcError> {
    state.with_store(move |store: &mut Store| store.add_project(id, &project, &store.operator()?)).await
}

#[tauri::command]
pub async fn vendor_sheet_print(
    state: State<'_, AppState>,
    categories: Vec<String>,
    near_zip: Option<String>,
) -> Result<Response, IpcError> {
    state.with_store(move |store| store.vendor_sheet_pdf(&categories, near_zip.as_deref())).await.map(Response::new)
}

#[tauri::command]
pub async fn vendor_sheet_save(
    state: State<'_, AppState>,
    categories: Vec<String>,
    near_zip: Option<String>,
    csv: bool,
    path: Option<PathBuf>,
) -> Result<PathBuf, IpcError> {
    state.with_store(move |store| store.save_vendor_sheet(&categories, near_zip.as_deref(), csv, path)).await
}

#[tauri::command]
pub async fn fema_packet_print(state: State<'_, AppState>, id: i64, paper: Paper) -> Result<Response, IpcError> {
    state
        .with_store(move |store: &mut Store| store.print_fema_packet(id, paper, &store.operator()?))
        .await
        .map(|p| Response::new(p.pdf))
}

#[tauri::command]
pub async fn fema_packet_save(
    state: State<'_, AppState>,
    id: i64,
    paper: Paper,
    ledger: bool,
    path: Option<PathBuf>,
) -> Result<PathBuf, IpcError> {
    state.with_store(move |store: &mut Store| store.save_fema_packet(id, paper, ledger, path, &store.operator()?)).await
}
