//! The office as the window sees it: creating or joining one, its status
//! and roster, a sync with the office's server, the approvals inbox, and
//! signing (admitting and removing people, the office's rules, sharing a
//! requisition, deciding on one) with the passphrase the person types for
//! that signing.

use crate::ipc_error::IpcError;
use crate::state::AppState;
use coopdesk_core::office::{
    Admission, Decision, Inbox, JoinRequest, KeyProtection, OfficeOverview, OfficeStatus, OfficeSyncReport, SharedEdit,
};
use coopdesk_core::Cents;
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

#[tauri::command]
pub async fn office_init(
    state: State<'_, AppState>,
    url: String,
    office: String,
    name: String,
    protection: KeyProtection,
) -> Result<OfficeStatus, IpcError> {
    state.with_store(move |store| store.office_init(&url, &office, &name, &protection)).await
}

#[tauri::command]
pub async fn office_join(
    state: State<'_, AppState>,
    url: String,
    office: Option<String>,
    name: String,
    protection: KeyProtection,
) -> Result<OfficeStatus, IpcError> {
    state.with_store(move |store| store.office_join(&url, office.as_deref(), &name, &protection)).await
}

#[tauri::command]
pub async fn office_join_requests(state: State<'_, AppState>) -> Result<Vec<JoinRequest>, IpcError> {
    state.with_store(|store| store.office_join_requests()).await
}

#[tauri::command]
pub async fn office_admit(
    state: State<'_, AppState>,
    fingerprint: String,
    admission: Admission,
    passphrase: String,
) -> Result<OfficeStatus, IpcError> {
    state.with_store(move |store| store.office_admit(&fingerprint, &admission, &passphrase)).await
}

#[tauri::command]
pub async fn office_remove(
    state: State<'_, AppState>,
    fingerprint: String,
    passphrase: String,
) -> Result<OfficeStatus, IpcError> {
    state.with_store(move |store| store.office_remove(&fingerprint, &passphrase)).await
}

#[tauri::command]
pub async fn office_set_finance_rule(
    state: State<'_, AppState>,
    from: Option<Cents>,
    passphrase: String,
) -> Result<OfficeStatus, IpcError> {
    state.with_store(move |store| store.office_set_finance_rule(from, &passphrase)).await
}

#[tauri::command]
pub async fn office_attachment_save(
    state: State<'_, AppState>,
    number: String,
    from: Option<String>,
    file: String,
    path: Option<std::path::PathBuf>,
) -> Result<String, IpcError> {
    state
        .with_store(move |store| {
            store.office_save_attachment(&number, from.as_deref(), &file, path).map(|p| p.display().to_string())
        })
        .await
}

#[tauri::command]
pub async fn office_edit(
    state: State<'_, AppState>,
    number: String,
    from: Option<String>,
    edit: SharedEdit,
    passphrase: String,
) -> Result<OfficeStatus, IpcError> {
    state.with_store(move |store| store.office_edit(&number, from.as_deref(), &edit, &passphrase)).await
}

#[tauri::command]
pub async fn office_resolve(
    state: State<'_, AppState>,
    number: String,
    from: Option<String>,
    keep_other: bool,
    passphrase: String,
) -> Result<OfficeStatus, IpcError> {
    state.with_store(move |store| store.office_resolve(&number, from.as_deref(), keep_other, &passphrase)).await
}

#[tauri::command]
pub async fn office_share_incident(
    state: State<'_, AppState>,
    id: i64,
    passphrase: String,
) -> Result<OfficeStatus, IpcError> {
    state.with_store(move |store| store.office_share_incident(id, &passphrase)).await
}

#[tauri::command]
pub async fn office_keyring_available() -> Result<bool, IpcError> {
    Ok(tauri::async_runtime::spawn_blocking(coopdesk_core::office::keyring_available).await.unwrap_or(false))
}
