//! New versions of coopdesk itself, through Tauri's updater plugin. Whether
//! to check, and where, is the core's `updates` policy (the system-wide
//! settings file IT controls); the key releases are signed with is built
//! into the program. A check finds a newer release; installing downloads it
//! with progress and verifies its signature before anything is installed;
//! the restart is the clerk's to ask for, and refused while a sync or an
//! import is running or something is unsaved.

use crate::ipc_error::IpcError;
use crate::state::AppState;
use coopdesk_core::updates::{self, DownloadProgress, UpdateCheck, UpdatePolicy, UpdateStatus};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_updater::{Update, UpdaterExt};

/// An endpoint that does not answer within this long is given up on.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The update found by the last check, and whether one has been installed.
#[derive(Default)]
pub struct Updates {
    pending: Mutex<Option<Update>>,
    installed: Mutex<Option<String>>,
}

fn has_release_key(app: &AppHandle) -> bool {
    app.config()
        .plugins
        .0
        .get("updater")
        .and_then(|c| c.get("pubkey"))
        .and_then(|k| k.as_str())
        .is_some_and(|k| !k.trim().is_empty())
}

fn policy(app: &AppHandle) -> Result<UpdatePolicy, IpcError> {
    Ok(updates::read_policy(&updates::settings_path(), has_release_key(app))?)
}

fn failed(message: String) -> IpcError {
    IpcError { code: "update_failed", message }
}

/// The clerk's words for what went wrong; nothing was installed in any case.
fn words(e: tauri_plugin_updater::Error) -> IpcError {
    use tauri_plugin_updater::Error as E;
    let nothing = "Nothing was installed.";
    failed(match e {
        E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => {
            format!("The update's signature does not match coopdesk's release key: it may have been altered. {nothing}")
        }
        E::SignedVersionMismatch { signed, announced } => {
            format!("The update server announces version {announced} but its package is signed as {signed}. {nothing}")
        }
        E::MissingSignedVersion => format!("The update's signature does not say which version it is for. {nothing}"),
        E::Reqwest(e) if e.is_timeout() => {
            format!("The update server did not answer within {} seconds. {nothing}", TIMEOUT.as_secs())
        }
        E::Reqwest(_) | E::Network(_) => format!("The update server could not be reached. {nothing}"),
        E::ReleaseNotFound | E::Serialization(_) => {
            format!("The update server's answer is not a list of coopdesk releases. {nothing}")
        }
        E::TargetNotFound(t) => format!("The update server has no package for this computer ({t}). {nothing}"),
        E::InvalidUpdaterFormat => {
            format!("The update is not the kind of package coopdesk was installed from. {nothing}")
        }
        E::AuthenticationFailed | E::DebInstallFailed | E::PackageInstallFailed => {
            format!("Installing the update was refused or failed (it needs an administrator's permission). {nothing}")
        }
        other => format!("The update failed ({other}). {nothing}"),
    })
}

/// This version, and what the update check does on this computer.
#[tauri::command]
pub fn update_status(app: AppHandle, updates: State<'_, Updates>) -> UpdateStatus {
    let policy = policy(&app).unwrap_or_else(|e| UpdatePolicy::Off { reason: e.message });
    let installed = updates.installed.lock().map(|i| i.clone()).unwrap_or_default();
    UpdateStatus { current: app.package_info().version.to_string(), policy, installed }
}

/// Asks the update endpoint for a newer release.
#[tauri::command]
pub async fn update_check(app: AppHandle, updates: State<'_, Updates>) -> Result<UpdateCheck, IpcError> {
    let current = app.package_info().version.to_string();
    let endpoint = match policy(&app)? {
        UpdatePolicy::Check { endpoint, .. } => endpoint,
        UpdatePolicy::Off { reason } => return Err(IpcError { code: "updates_off", message: reason }),
    };
    let url = endpoint.parse().map_err(|_| failed(format!("{endpoint} is not a web address.")))?;
    // The version on offer, also when it is not newer: the clerk is told.
    let offered: Arc<Mutex<Option<String>>> = Arc::default();
    let seen = offered.clone();
    let updater = app
        .updater_builder()
        .endpoints(vec![url])
        .map_err(words)?
        .timeout(TIMEOUT)
        .version_comparator(move |current, release| {
            if let Ok(mut s) = seen.lock() {
                *s = Some(release.version.to_string());
            }
            release.version > current
        })
        .build()
        .map_err(words)?;
    let found = updater.check().await.map_err(words)?;
    let offered = offered.lock().ok().and_then(|o| o.clone()).unwrap_or_else(|| current.clone());
    Ok(match found {
        Some(update) => {
            let check = UpdateCheck::Available {
                current,
                version: update.version.clone(),
                notes: update.body.clone().unwrap_or_default(),
                date: update.date.map(|d| d.date().to_string()),
            };
            *updates.pending.lock().map_err(|_| IpcError::internal("the update"))? = Some(update);
            check
        }
        None => UpdateCheck::UpToDate { current, offered },
    })
}

/// Downloads the release the last check found, verifies its signature, and
/// installs it; the running program carries on until it is restarted.
#[tauri::command]
pub async fn update_install(
    updates: State<'_, Updates>,
    on_progress: Channel<DownloadProgress>,
) -> Result<String, IpcError> {
    let update = updates
        .pending
        .lock()
        .map_err(|_| IpcError::internal("the update"))?
        .take()
        .ok_or_else(|| failed("Check for updates first: no update is waiting to be installed.".into()))?;
    let mut received = 0u64;
    let bytes = update
        .download(
            |chunk, total| {
                received += chunk as u64;
                let _ = on_progress.send(DownloadProgress { received, total });
            },
            || {},
        )
        .await
        .map_err(words)?;
    update.install(bytes).map_err(words)?;
    *updates.installed.lock().map_err(|_| IpcError::internal("the update"))? = Some(update.version.clone());
    Ok(update.version)
}

/// Restarts into the installed update, when nothing would be lost.
#[tauri::command]
pub fn update_restart(
    app: AppHandle,
    state: State<'_, AppState>,
    updates: State<'_, Updates>,
    unsaved: bool,
) -> Result<(), IpcError> {
    let installed = updates.installed.lock().map(|i| i.clone()).unwrap_or_default();
    if installed.is_none() {
        return Err(failed("No update has been installed yet.".into()));
    }
    if let Some(busy) = state.busy() {
        return Err(IpcError { code: "busy", message: format!("{busy} Restart when it has finished.") });
    }
    if unsaved {
        return Err(IpcError {
            code: "unsaved",
            message: "Save or discard the changes you are making first, then restart.".into(),
        });
    }
    app.restart()
}

/// Registers the update state with the app.
pub fn manage(app: &tauri::App) {
    app.manage(Updates::default());
}
