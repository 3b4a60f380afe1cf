//! App state: the one open store, behind an async mutex so that commands
//! queue rather than fail while a long write (first-start sample load) holds
//! it, and the sync control. Store work runs on the blocking pool, never on
//! the UI's event loop. A sync uses its own database connection, so searches
//! keep answering from the current catalogue while it runs.

use crate::ipc_error::IpcError;
use coopdesk_core::orders::RequisitionView;
use coopdesk_core::sync::{sync_all, FeedOutcome, Progress, SyncOptions};
use coopdesk_core::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// Feeds are synced on start and then this often while the app is open.
const SYNC_EVERY: Duration = Duration::from_secs(4 * 60 * 60);

pub struct AppState {
    pub db_path: Option<PathBuf>,
    store: Arc<Mutex<Result<Store, IpcError>>>,
    sync: Arc<SyncControl>,
    /// Imports running now: a restart waits for them.
    imports: Arc<AtomicUsize>,
}

/// Counts an import as running until dropped.
pub struct ImportRunning(Arc<AtomicUsize>);

impl Drop for ImportRunning {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Default)]
struct SyncControl {
    running: Mutex<()>,
    cancel: AtomicBool,
}

impl AppState {
    /// The state for the database at `db_path`, not yet opened: [`start`]
    /// opens it while the window starts.
    ///
    /// [`start`]: AppState::start
    pub fn new(db_path: coopdesk_core::Result<PathBuf>) -> AppState {
        let (db_path, store) = match db_path {
            Ok(p) => (Some(p), Err(IpcError::internal("opening the database"))),
            Err(e) => (None, Err(e.into())),
        };
        AppState { db_path, store: Arc::new(Mutex::new(store)), sync: Arc::default(), imports: Arc::default() }
    }

    /// Opens the store and, on first start, loads the sample catalogue, in
    /// the background, then syncs the followed feeds now and every few
    /// hours. Opening (migrations, the search index) runs while the window
    /// and its page load, not before them. The store lock is taken before
    /// returning, so the first command waits for the opened catalogue
    /// instead of seeing it missing or empty; a failure to open is kept and
    /// reported by every command, so the window still tells the clerk what
    /// to do.
    pub fn start(&self, app: tauri::AppHandle) {
        let Ok(mut guard) = self.store.clone().try_lock_owned() else { return };
        let (sync, db_path) = (self.sync.clone(), self.db_path.clone());
        let to_open = db_path.clone();
        tauri::async_runtime::spawn(async move {
            let loaded = tauri::async_runtime::spawn_blocking(move || {
                if let Some(path) = to_open {
                    *guard = Store::open(&path).map_err(IpcError::from);
                }
                if let Ok(store) = guard.as_mut() {
                    // On a first start the sample's load (and the index
                    // threads it starts) yields the processor to the
                    // window's own start: the window needs the sample only
                    // once its page asks for the first results.
                    let loaded = std::thread::scope(|s| {
                        s.spawn(|| {
                            background_priority();
                            store.ensure_catalogue()
                        })
                        .join()
                    });
                    match loaded {
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => *guard = Err(e.into()),
                        Err(_) => *guard = Err(IpcError::internal("loading the sample catalog")),
                    }
                }
                guard.is_ok()
            })
            .await
            .unwrap_or(false);
            let Some(db_path) = db_path.filter(|_| loaded) else { return };
            crate::office_watch::start(app, db_path.clone());
            loop {
                // A failed sync is recorded on its feed and shown there; it
                // never gets in the way of working offline.
                let _ = run_sync(&sync, db_path.clone(), |_| {}).await;
                tokio::time::sleep(SYNC_EVERY).await;
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

    /// Runs a change to requisition `number` as the operator named in the
    /// settings, then answers with the requisition as the screen shows it.
    pub async fn change_requisition<T, F>(&self, number: String, f: F) -> Result<RequisitionView, IpcError>
    where
        F: FnOnce(&mut Store, &str) -> coopdesk_core::Result<T> + Send + 'static,
    {
        self.with_store(move |store| {
            let by = store.operator()?;
            f(store, &by)?;
            store.review_requisition(&number, store.clock().today())
        })
        .await
    }

    /// Runs `f` on the blocking pool with the database's path, for work that
    /// opens its own connection (downloads), leaving the store free.
    pub async fn with_db_path<T, F>(&self, f: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&std::path::Path) -> coopdesk_core::Result<T> + Send + 'static,
    {
        let db_path = self.db_path.clone().ok_or_else(|| IpcError::from(coopdesk_core::Error::NoDataDir))?;
        tauri::async_runtime::spawn_blocking(move || f(&db_path).map_err(IpcError::from))
            .await
            .map_err(|_| IpcError::internal("that request"))?
    }

    /// Syncs every followed feed now, reporting progress.
    pub async fn sync_now(
        &self,
        progress: impl Fn(Progress) + Send + Sync + 'static,
    ) -> Result<Vec<FeedOutcome>, IpcError> {
        let db_path = self.db_path.clone().ok_or_else(|| IpcError::from(coopdesk_core::Error::NoDataDir))?;
        run_sync(&self.sync, db_path, progress).await
    }

    pub fn cancel_sync(&self) {
        self.sync.cancel.store(true, Ordering::SeqCst);
    }

    /// Marks an import as running for as long as the guard lives.
    pub fn import_running(&self) -> ImportRunning {
        self.imports.fetch_add(1, Ordering::SeqCst);
        ImportRunning(self.imports.clone())
    }

    /// What is running that a restart would cut short, in the clerk's words.
    pub fn busy(&self) -> Option<&'static str> {
        if self.sync.running.try_lock().is_err() {
            Some("A sync is running.")
        } else if self.imports.load(Ordering::SeqCst) > 0 {
            Some("An import is running.")
        } else {
            None
        }
    }
}

async fn run_sync(
    sync: &Arc<SyncControl>,
    db_path: PathBuf,
    progress: impl Fn(Progress) + Send + Sync + 'static,
) -> Result<Vec<FeedOutcome>, IpcError> {
    let Ok(_running) = sync.running.try_lock() else {
        return Err(IpcError {
            code: "sync_running",
            message: "A sync is already running; wait for it to finish.".into(),
        });
    };
    sync.cancel.store(false, Ordering::SeqCst);
    let control = sync.clone();
    tauri::async_runtime::spawn_blocking(move || {
        sync_all(&db_path, &SyncOptions::default(), &progress, &control.cancel).map_err(IpcError::from)
    })
    .await
    .map_err(|_| IpcError::internal("the sync"))?
}

/// Lowers the calling thread's scheduling priority, and so that of the
/// threads it starts, which inherit it. On Linux the priority is each
/// thread's own; a refusal leaves it as it was.
#[cfg(target_os = "linux")]
fn background_priority() {
    // SAFETY: setpriority only reads its arguments; 0 names the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// Elsewhere the priority is the whole process's, which must not drop.
#[cfg(not(target_os = "linux"))]
fn background_priority() {}
