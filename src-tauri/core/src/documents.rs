//! Contract documents kept for offline use. A copy is downloaded while the
//! machine is online (on the clerk's request), checked against the size and
//! SHA-256 the feed published for it, and stored in the database, so the
//! contract can be opened when the network is down. A copy that does not
//! match is refused: the published hash is what a packet cites.

use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::model::ContractDocument;
use crate::store::Store;
use crate::sync::http;
use rusqlite::OptionalExtension;
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

/// The largest document kept: contracts with their exhibits run to a few MB.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Checks downloaded (or offered) bytes against what the feed published.
pub fn verify(doc: &ContractDocument, bytes: &[u8]) -> Result<()> {
    if bytes.len() as u64 != doc.size {
        return Err(Error::Invalid(format!(
            "The copy of '{}' is {} bytes, not the {} the feed published; it was not kept.",
            doc.title,
            bytes.len(),
            doc.size
        )));
    }
    if sha256_hex(bytes) != doc.sha256 {
        return Err(Error::Invalid(format!(
            "The copy of '{}' does not match the SHA-256 the feed published; it was not kept. Ask the cooperative for the published version.",
            doc.title
        )));
    }
    Ok(())
}

impl Store {
    /// A contract's document by its hash.
    pub fn contract_document(&self, contract_id: &str, sha256: &str) -> Result<ContractDocument> {
        let contract = self.contract(contract_id)?.ok_or_else(|| Error::not_found("contract", contract_id))?;
        contract
            .documents
            .into_iter()
            .find(|d| d.sha256 == sha256)
            .ok_or_else(|| Error::not_found_on("document with hash", sha256, format!("contract {}", contract.number)))
    }

    /// Which of these hashes have a copy kept.
    pub fn cached_documents(&self, hashes: &[String]) -> Result<HashSet<String>> {
        let mut stmt = self.conn().prepare_cached("SELECT 1 FROM document_cache WHERE sha256 = ?1")?;
        let mut out = HashSet::new();
        for h in hashes {
            if stmt.exists([h])? {
                out.insert(h.clone());
            }
        }
        Ok(out)
    }

    /// Keeps a copy of `doc`, after checking it.
    pub fn keep_document(&mut self, doc: &ContractDocument, bytes: &[u8]) -> Result<()> {
        verify(doc, bytes)?;
        self.conn().execute(
            "INSERT INTO document_cache (sha256, size, content, source_url, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(sha256) DO NOTHING",
            rusqlite::params![doc.sha256, doc.size as i64, bytes, doc.url, self.clock().now().to_rfc3339()],
        )?;
        Ok(())
    }

    /// The kept copy, or an error saying it has not been kept yet.
    pub fn kept_document_or_explain(&self, sha256: &str) -> Result<Vec<u8>> {
        self.kept_document(sha256)?.ok_or_else(|| {
            Error::Invalid(
                "No copy of this document is kept on this machine: keep it for offline use while online.".into(),
            )
        })
    }

    /// The kept copy of a document, checked again against its hash.
    pub fn kept_document(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let bytes: Option<Vec<u8>> = self
            .conn()
            .query_row("SELECT content FROM document_cache WHERE sha256 = ?1", [sha256], |r| r.get(0))
            .optional()?;
        match bytes {
            Some(b) if sha256_hex(&b) != sha256 => Err(Error::Tampered {
                problems: vec![format!("the kept copy of document {sha256} no longer matches its hash")],
            }),
            other => Ok(other),
        }
    }
}

/// Downloads a contract's document and keeps it, on a connection of its
/// own (so the app keeps answering meanwhile). Needs the network.
pub fn download(db_path: &Path, contract_id: &str, sha256: &str) -> Result<ContractDocument> {
    let mut store = Store::open(db_path)?;
    let doc = store.contract_document(contract_id, sha256)?;
    if store.cached_documents(std::slice::from_ref(&doc.sha256))?.contains(&doc.sha256) {
        return Ok(doc);
    }
    if doc.size > MAX_DOCUMENT_BYTES {
        return Err(Error::Invalid(format!(
            "'{}' is larger than coopdesk keeps offline ({} MB).",
            doc.title,
            MAX_DOCUMENT_BYTES >> 20
        )));
    }
    let url =
        reqwest::Url::parse(&doc.url).ok().filter(|u| matches!(u.scheme(), "https" | "http")).ok_or_else(|| {
            Error::Invalid(format!("The feed gave '{}' an address that cannot be downloaded.", doc.title))
        })?;
    let limit = doc.size.min(MAX_DOCUMENT_BYTES);
    let fetched =
        http::fetch_now(1, Duration::from_secs(30), async |f, cancel| f.get_small(&url, None, limit, cancel).await)?;
    let bytes = match fetched {
        Ok(http::Small::Body { bytes, .. }) => bytes,
        Ok(http::Small::NotModified) => unreachable!("no ETag was sent"),
        Err(why) => {
            return Err(Error::Invalid(format!(
                "'{}' could not be downloaded: {why}. It can be kept for offline use once the machine is online.",
                doc.title
            )));
        }
    };
    store.keep_document(&doc, &bytes)?;
    Ok(doc)
}
