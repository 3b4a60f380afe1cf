//! Commands the UI may invoke: each is a thin adapter over the core.

use crate::ipc_error::IpcError;
use crate::state::AppState;
use coopdesk_core::agency::AgencyProfile;
use coopdesk_core::documents;
use coopdesk_core::paths::DataLocation;
use coopdesk_core::search::{SearchPage, SearchQuery};
use coopdesk_core::store::{CatalogueStatus, ContractDetail, Facets, FeedView, ItemDetail, Subscription};
use coopdesk_core::sync::{FeedSyncResult, Progress};
use tauri::ipc::{Channel, Response};
use tauri::State;

#[tauri::command]
pub async fn catalogue_status(state: State<'_, AppState>) -> Result<CatalogueStatus, IpcError> {
    state.with_store(|store| store.catalogue_status()).await
}

#[tauri::command]
pub async fn search(state: State<'_, AppState>, query: SearchQuery) -> Result<SearchPage, IpcError> {
    state.with_store(move |store| store.search(&query)).await
}

#[tauri::command]
pub async fn feeds_list(state: State<'_, AppState>) -> Result<Vec<FeedView>, IpcError> {
    let now = chrono::Utc::now();
    let subs = state.with_store(|store| store.subscriptions()).await?;
    Ok(subs.into_iter().map(|s| s.view(now)).collect())
}

#[tauri::command]
pub async fn feed_add(
    state: State<'_, AppState>,
    id: String,
    url: String,
    public_key: String,
) -> Result<Subscription, IpcError> {
    state.with_store(move |store| store.add_subscription(id.trim(), url.trim(), &public_key)).await
}

#[tauri::command]
pub async fn feed_remove(state: State<'_, AppState>, id: String) -> Result<(), IpcError> {
    state.with_store(move |store| store.remove_subscription(&id)).await
}

#[tauri::command]
pub async fn sync_now(
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
) -> Result<Vec<FeedSyncResult>, IpcError> {
    let outcomes = state.sync_now(move |p| drop(on_progress.send(p))).await?;
    Ok(outcomes.into_iter().map(FeedSyncResult::from).collect())
}

#[tauri::command]
pub fn sync_cancel(state: State<'_, AppState>) {
    state.cancel_sync();
}

#[tauri::command]
pub async fn facets(state: State<'_, AppState>) -> Result<Facets, IpcError> {
    state.with_store(|store| store.facets()).await
}

#[tauri::command]
pub async fn contract_detail(
    state: State<'_, AppState>,
    id: String,
    near_zip: Option<String>,
) -> Result<ContractDetail, IpcError> {
    let today = chrono::Local::now().date_naive();
    state.with_store(move |store| store.contract_detail(&id, near_zip.as_deref(), today)).await
}

/// Downloads a contract document and keeps it for offline use.
#[tauri::command]
pub async fn document_keep(state: State<'_, AppState>, contract_id: String, sha256: String) -> Result<(), IpcError> {
    state.with_db_path(move |db| documents::download(db, &contract_id, &sha256).map(drop)).await
}

/// The kept copy of a document, to open in the window.
#[tauri::command]
pub async fn document_open(state: State<'_, AppState>, sha256: String) -> Result<Response, IpcError> {
    state.with_store(move |store| store.kept_document_or_explain(&sha256)).await.map(Response::new)
}

#[tauri::command]
pub async fn item_detail(state: State<'_, AppState>, id: String) -> Result<ItemDetail, IpcError> {
    state.with_store(move |store| store.item_detail(&id)).await
}

#[tauri::command]
pub async fn agency_get(state: State<'_, AppState>) -> Result<Option<AgencyProfile>, IpcError> {
    state.with_store(|store| store.agency_profile()).await
}

/// Where this window's database and search index are, for About.
#[tauri::command]
pub fn data_location(state: State<'_, AppState>) -> Result<DataLocation, IpcError> {
    state.db_path.as_deref().map(DataLocation::of).ok_or_else(|| IpcError::from(coopdesk_core::Error::NoDataDir))
}

#[tauri::command]
pub async fn agency_set(state: State<'_, AppState>, profile: AgencyProfile) -> Result<(), IpcError> {
    state.with_store(move |store| store.set_agency_profile(&profile)).await
}
