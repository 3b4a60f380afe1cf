//! Live updates from the office: a thread with its own database connection
//! that the core keeps in step with the office's server; the window hears
//! `office-changed` after each sync that brought or sent something, and
//! shows it.

use coopdesk_core::Store;
use std::path::PathBuf;
use tauri::{AppHandle, Emitter};

/// The event the window listens for (`api.onOfficeChanged`).
pub const OFFICE_CHANGED: &str = "office-changed";

/// Starts listening; a database that cannot be opened here is already
/// reported by every command, so this thread simply does not run.
pub fn start(app: AppHandle, db_path: PathBuf) {
    let _ = std::thread::Builder::new().name("office".into()).spawn(move || {
        let Ok(mut store) = Store::open(&db_path) else { return };
        store.office_watch(|| {
            let _ = app.emit(OFFICE_CHANGED, ());
        })
    });
}
