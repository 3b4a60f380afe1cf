//! Handing waiting events from one laptop to another on a file (a USB
//! stick) while the network is down. The receiving laptop checks each event
//! as it would one from the server (genuine, this office's, next in its
//! device's chain) and keeps it to send on with its own: events are signed,
//! so it does not matter who carries them. The attachments the waiting
//! shared requisitions name travel in the same file, each kept only if it
//! matches its hash. The file is untrusted like anything else that arrives.

use super::event::SignedEvent;
use super::local;
use crate::error::{Error, Result};
use crate::store::Store;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::path::Path;

const FORMAT: &str = "coopdesk-office-events";
/// A hand-over file is a few events; this is far beyond any honest one.
const MAX_FILE: u64 = 64 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
struct HandoverFile {
    format: String,
    office: String,
    events: Vec<SignedEvent>,
    /// Attachments named by the events, base64.
    #[serde(default)]
    files: Vec<HandoverAttachment>,
}

#[derive(Serialize, Deserialize)]
struct HandoverAttachment {
    sha256: String,
    content: String,
}

/// What importing a hand-over file did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HandoverReport {
    /// Events taken, to be sent on at the next sync.
    pub added: u64,
    /// Events this laptop already had.
    pub known: u64,
    /// Events refused, each with the reason.
    pub refused: Vec<String>,
}

impl Store {
    /// Writes every event waiting to be sent (this laptop's and any it
    /// carries for others) to `path`; returns how many.
    pub fn office_export_events(&self, path: &Path) -> Result<u64> {
        let m = local::require(self.conn())?;
        let events = local::waiting(self.conn())?;
        let mut files = Vec::new();
        for sha256 in super::files::named_by(&events) {
            if let Some(bytes) = super::files::blob(self.conn(), &sha256)? {
                files.push(HandoverAttachment { sha256, content: BASE64.encode(bytes) });
            }
        }
        let file = HandoverFile { format: FORMAT.into(), office: m.office_id, events, files };
        let text = serde_json::to_vec_pretty(&file).map_err(Error::internal)?;
        crate::paths::write_atomically(path, &text)?;
        Ok(file.events.len() as u64)
    }

    /// Takes in the events of a hand-over file, each checked, to send on.
    pub fn office_import_events(&mut self, path: &Path) -> Result<HandoverReport> {
        let m = local::require(self.conn())?;
        let shown = path.display().to_string();
        let size = std::fs::metadata(path).map_err(|e| Error::io(shown.clone(), e))?.len();
        if size > MAX_FILE {
            return Err(Error::Invalid(format!("{shown} is far larger than any hand-over file; nothing was taken.")));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(shown.clone(), e))?;
        let mut file: HandoverFile = serde_json::from_slice(&bytes).map_err(|e| {
            Error::Invalid(format!("{shown} is not a coopdesk hand-over file ({e}); nothing was taken."))
        })?;
        if file.format != FORMAT {
            return Err(Error::Invalid(format!("{shown} is not a coopdesk hand-over file; nothing was taken.")));
        }
        if file.office != m.office_id {
            return Err(Error::Invalid(format!("{shown} holds another office's events; nothing was taken.")));
        }
        let mut report = HandoverReport::default();
        let tx = self.conn_mut().transaction()?;
        let mut events = std::mem::take(&mut file.events);
        events.sort_by(|a, b| (&a.device, a.device_seq).cmp(&(&b.device, b.device_seq)));
        for event in &events {
            let short = event.id.get(..12).unwrap_or(&event.id).to_owned();
            if local::known(&tx, &event.id)? {
                report.known += 1;
                continue;
            }
            let envelope = match event.open() {
                Ok(e) => e,
                Err(why) => {
                    report.refused.push(why);
                    continue;
                }
            };
            if envelope.office != m.office_id {
                report.refused.push(format!("event {short} belongs to another office"));
                continue;
            }
            let (seq, prev) = local::device_next(&tx, &envelope.device)?;
            if envelope.device_seq != seq || envelope.prev != prev {
                report.refused.push(format!(
                    "event {short} is not the next of its device (number {} where {seq} was due)",
                    envelope.device_seq
                ));
                continue;
            }
            local::insert_waiting(&tx, event)?;
            report.added += 1;
        }
        for f in &file.files {
            match BASE64.decode(&f.content) {
                Ok(bytes) if crate::digest::sha256_hex(&bytes) == f.sha256 => {
                    super::files::keep(&tx, &f.sha256, &bytes)?
                }
                _ => report.refused.push(format!(
                    "an attachment in the file does not match its SHA-256 {}",
                    f.sha256.get(..12).unwrap_or(&f.sha256)
                )),
            }
        }
        tx.commit()?;
        Ok(report)
    }
}
