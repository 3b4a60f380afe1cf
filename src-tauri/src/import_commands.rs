//! Commands of the Import panel (File > Import): OCDS publications and
//! vendor price files, previewed then imported, with progress.

use crate::ipc_error::IpcError;
use crate::state::AppState;
use coopdesk_core::import::ocds::Progress;
use coopdesk_core::import::{ImportOutcome, ImportRecord, ImportRequest};
use coopdesk_core::Store;
use tauri::ipc::Channel;
use tauri::State;

/// Previews (`dry_run`) or runs an import; progress goes to `on_progress`.
/// On a connection of its own, like a sync, so the clerk can keep searching
/// while a large publication is read.
#[tauri::command]
pub async fn import_run(
    state: State<'_, AppState>,
    request: ImportRequest,
    on_progress: Channel<Progress>,
) -> Result<ImportOutcome, IpcError> {
    let running = state.import_running();
    let outcome = state.with_db_path(move |db| Store::open(db)?.import(&request, |p| drop(on_progress.send(p)))).await;
    drop(running);
    outcome
}

/// The imports done so far, newest first.
#[tauri::command]
pub async fn import_log(state: State<'_, AppState>) -> Result<Vec<ImportRecord>, IpcError> {
    state.with_store(|store| store.imports()).await
}
