//! Attachments that travel with shared requisitions. A shared requisition
//! names each file by its SHA-256 in the signed snapshot; the bytes go to
//! the office's server (an append-only table beside the events) before the
//! event that names them, and every laptop that takes the requisition in
//! fetches them, checks them against the hash the signed snapshot gives,
//! and keeps them with its own attachment files. A copy that does not
//! match, or is larger than any attachment, is refused and named; the file
//! stays "not received" and is asked for again at the next sync.

use super::event::{Change, SignedEvent};
use super::server::Server;
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::orders::{Attachment, Requisition};
use crate::store::Store;
use rusqlite::{params, Connection, OptionalExtension};

const MAX_FILE: usize = crate::orders::editing::MAX_ATTACHMENT_BYTES;

/// Notes the files of a shared requisition this laptop does not hold yet.
pub(super) fn want(conn: &Connection, req: &Requisition) -> Result<()> {
    for a in &req.attachments {
        conn.execute(
            "INSERT INTO office_files_wanted (sha256, size, file_name, number)
             SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM attachment_blobs WHERE sha256 = ?1)
             ON CONFLICT(sha256) DO NOTHING",
            params![a.sha256, a.size as i64, a.file_name, req.number],
        )?;
    }
    Ok(())
}

/// The bytes of a file this laptop holds, by hash.
pub(super) fn blob(conn: &Connection, sha256: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn.query_row("SELECT content FROM attachment_blobs WHERE sha256 = ?1", [sha256], |r| r.get(0)).optional()?)
}

/// Keeps bytes that were checked against their hash.
pub(super) fn keep(conn: &Connection, sha256: &str, content: &[u8]) -> Result<()> {
    conn.execute(
        "INSERT INTO attachment_blobs (sha256, size, content) VALUES (?1, ?2, ?3) ON CONFLICT(sha256) DO NOTHING",
        params![sha256, content.len() as i64, content],
    )?;
    conn.execute("DELETE FROM office_files_wanted WHERE sha256 = ?1", [sha256])?;
    Ok(())
}

/// The hashes of the files the shared requisitions among `events` name.
pub(super) fn named_by(events: &[SignedEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| e.open().ok())
        .filter_map(|e| match e.change {
            Change::RequisitionSubmitted { requisition, .. } | Change::RequisitionEdited { requisition, .. } => {
                Some(requisition.attachments)
            }
            _ => None,
        })
        .flatten()
        .map(|a| a.sha256)
        .collect()
}

/// Files refused from the server, in words for the status.
pub(super) fn problems(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT file_name, number, problem FROM office_files_wanted WHERE problem IS NOT NULL ORDER BY number, file_name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(format!("attachment '{}' of {}: {}", r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Sends the files the waiting events' shared requisitions name, so that
    /// they are on the server before the events that name them.
    pub(super) async fn upload_files(&self, server: &Server, office: &str, waiting: &[SignedEvent]) -> Result<()> {
        for sha in named_by(waiting) {
            if let Some(bytes) = blob(self.conn(), &sha)? {
                server.put_file(office, &sha, &bytes).await?;
            }
        }
        Ok(())
    }

    /// Fetches the files this laptop still wants, each checked against its
    /// hash; returns what was refused.
    pub(super) async fn fetch_files(&self, server: &Server, office: &str) -> Result<Vec<String>> {
        let wanted: Vec<(String, i64, String, String)> = {
            let mut stmt = self
                .conn()
                .prepare("SELECT sha256, size, file_name, number FROM office_files_wanted WHERE problem IS NULL")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut refused = Vec::new();
        for (sha, size, name, number) in wanted {
            let problem = match server.get_file(office, &sha, MAX_FILE as i64).await {
                Ok(None) => continue, // not sent yet; asked for again next time
                Ok(Some(bytes)) if sha256_hex(&bytes) == sha && bytes.len() as i64 == size => {
                    keep(self.conn(), &sha, &bytes)?;
                    continue;
                }
                Ok(Some(_)) => "the server's copy does not match the SHA-256 its requester signed".to_owned(),
                Err(Error::Invalid(why)) => why,
                Err(e) => return Err(e),
            };
            self.conn()
                .execute("UPDATE office_files_wanted SET problem = ?2 WHERE sha256 = ?1", params![sha, problem])?;
            refused.push(format!("attachment '{name}' of {number}: {problem}"));
        }
        Ok(refused)
    }

    /// An attachment of the shared requisition `number` (from the requester
    /// named `from`, when several share the number), by file name, with its
    /// bytes checked against the hash its requester signed.
    pub fn office_attachment(
        &self,
        number: &str,
        from: Option<&str>,
        file_name: &str,
    ) -> Result<(Attachment, Vec<u8>)> {
        let shared = self.shared_by_number(number, from)?;
        let a = shared
            .requisition
            .attachments
            .into_iter()
            .find(|a| a.file_name.eq_ignore_ascii_case(file_name.trim()) || a.sha256 == file_name.trim())
            .ok_or_else(|| Error::not_found_on("attachment", file_name, format!("shared requisition {number}")))?;
        let bytes = crate::orders::editing::attachment_file(self.conn(), &a)?.ok_or_else(|| {
            Error::InvalidState(format!(
                "'{}' has not arrived from the office's server yet: sync with the office, then try again.",
                a.file_name
            ))
        })?;
        Ok((a, bytes))
    }
}

impl Store {
    /// Saves an attachment of a shared requisition (checked as
    /// [`Store::office_attachment`] checks it) to `chosen`, or to the save
    /// folder in the purchasing settings; returns where.
    pub fn office_save_attachment(
        &self,
        number: &str,
        from: Option<&str>,
        file_name: &str,
        chosen: Option<std::path::PathBuf>,
    ) -> Result<std::path::PathBuf> {
        let (a, bytes) = self.office_attachment(number, from, file_name)?;
        let path = self.save_path(chosen, &a.file_name)?;
        crate::paths::write_atomically(&path, &bytes)?;
        Ok(path)
    }
}

/// Whether this laptop holds each file a shared requisition names.
pub(super) fn held(conn: &Connection, req: &Requisition) -> Result<Vec<bool>> {
    req.attachments
        .iter()
        .map(|a| {
            Ok(conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM attachment_blobs WHERE sha256 = ?1)",
                [&a.sha256],
                |r| r.get(0),
            )?)
        })
        .collect()
}
