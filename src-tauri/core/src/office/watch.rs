//! Live updates: while the window is open, a laptop in an office listens to
//! the office's server (PostgreSQL's LISTEN; every push announces itself
//! when it commits) and syncs as soon as anyone's change lands, so an
//! approval made on one computer shows on the others within a second. It
//! also syncs every [`POLL`] in case a notice is lost. A fault is recorded
//! as a manual sync records it and tried again later; it never stops anyone
//! working offline.

use super::local;
use super::server::Server;
use super::OfficeSyncReport;
use crate::error::Error;
use crate::store::Store;
use std::time::Duration;

/// How often a listening laptop syncs even when no notice arrives.
pub const POLL: Duration = Duration::from_secs(30);
/// How long to wait before reaching for a server that did not answer.
const RETRY: Duration = Duration::from_secs(15);
/// How often a database in no office looks again (the window may create or
/// join one).
const OUTSIDE: Duration = Duration::from_secs(5);

impl Store {
    /// Keeps this laptop in step with its office for as long as the process
    /// runs, calling `changed` after each sync that sent or received
    /// anything, or found the server changed behind coopdesk. Meant for a
    /// thread of its own, on a connection of its own.
    pub fn office_watch(&mut self, mut changed: impl FnMut()) -> ! {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the office's live updates");
        runtime.block_on(async {
            loop {
                let Ok(Some(m)) = local::membership(self.conn()) else {
                    tokio::time::sleep(OUTSIDE).await;
                    continue;
                };
                if let Ok((mut server, mut notices)) = Server::listen(&m.url).await {
                    if server.check_schema().await.is_ok() {
                        loop {
                            if !matches!(local::membership(self.conn()), Ok(Some(_))) {
                                break;
                            }
                            match self.exchange(&mut server).await {
                                Ok(report) => {
                                    if report_changed(&report) {
                                        changed();
                                    }
                                }
                                Err(Error::OfficeUnreachable(_)) => break,
                                Err(_) => {
                                    // Recorded as the office's problem, for the window to show.
                                    changed();
                                    break;
                                }
                            }
                            match tokio::time::timeout(POLL, notices.recv()).await {
                                Ok(None) => break, // the connection is gone
                                Ok(Some(())) | Err(_) => while notices.try_recv().is_ok() {},
                            }
                        }
                    }
                }
                tokio::time::sleep(RETRY).await;
            }
        })
    }
}

fn report_changed(report: &OfficeSyncReport) -> bool {
    report.sent > 0 || report.received > 0 || !report.refused.is_empty()
}
