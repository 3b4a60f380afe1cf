//! App state: the one open store, behind an async mutex so that commands
//! queue rather than fail while a long write (first-start sample load, a
//! sync) holds it. Store work runs on the blocking pool, never on the UI's
//! event loop.

use crate::ipc_error::IpcError;
use coopdesk_core::Store;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Mutex;

pub struct AppState {
    pub db_path: Option<PathBuf>,
    store: Arc<Mutex<Result<Store, IpcError>>>,
}

impl AppState {
    /// Opens the store; a failure is kept and reported by every command, so
    /// the window can still open and tell the clerk what to do.
    pub fn new(db_path: coopdesk_core::Result<PathBuf>) -> AppState {
        let (db_path, store) = match db_path {
            Ok(p) => (Some(p.clone()), Store::open(&p).map_err(IpcError::from)),
            Err(e) => (None, Err(e.into())),
        };
        AppState { db_path, store: Arc::new(Mutex::new(store)) }
    }

    /// Loads the sample catalogue on first start, in the background. The lock
    /// is taken before returning, so the first search waits for the catalogue
    /// instead of seeing it empty.
    pub fn start(&self) {
        let Ok(mut guard) = self.store.clone().try_lock_owned() else {
            return;
        };
        tauri::async_runtime::spawn_blocking(move || {
            if let Ok(store) = guard.as_mut() {
                if let Err(e) = store.ensure_catalogue() {
                    *guard = Err(e.into());
                }
            }
        });
    }

    /// Runs `f` on the store on the blocking pool.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> coopdesk_core::Result<T> + Send + 'static,
    {
        let mut guard = self.store.clone().lock_owned().await;
        tauri::async_runtime::spawn_blocking(move || match guard.as_mut() {
            Ok(store) => f(store).map_err(IpcError::from),
            Err(e) => Err(e.clone()),
        })
        .await
        .map_err(|_| IpcError::internal("that request"))?
    }
}
