//! Where an import comes from: a file on this machine or an https address,
//! and which kind of data it holds (an OCDS publication or a price file).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Seek};
use std::path::Path;
use std::time::Duration;

/// The largest source coopdesk downloads to import.
pub const MAX_DOWNLOAD_BYTES: u64 = 4 << 30;
/// The largest price file read: it is read whole (an OCDS publication is
/// streamed instead), and no price list comes near this.
pub const MAX_PRICE_FILE_BYTES: u64 = 256 << 20;

/// What a source holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An OCDS publication (JSON).
    Ocds,
    /// A vendor price file (CSV, tab-delimited text or XLSX).
    Prices,
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "ocds" => Ok(Kind::Ocds),
            "prices" | "price" | "pricelist" => Ok(Kind::Prices),
            other => Err(format!("'{other}' is not a kind of import; use ocds or prices")),
        }
    }
}

/// A source opened for reading.
pub struct Opened {
    /// The name reports give it: the path or address as given.
    pub name: String,
    pub file: File,
    /// Bytes in it.
    pub size: u64,
}

impl Opened {
    /// Reads it whole (price files are small; OCDS is streamed instead).
    pub fn bytes(&mut self) -> Result<Vec<u8>> {
        if self.size > MAX_PRICE_FILE_BYTES {
            return Err(Error::Invalid(format!(
                "{} is {} MB, larger than any price list coopdesk reads ({} MB); split it into smaller files.",
                self.name,
                self.size >> 20,
                MAX_PRICE_FILE_BYTES >> 20
            )));
        }
        let mut out = Vec::with_capacity(self.size as usize);
        self.file.rewind().and_then(|_| self.file.read_to_end(&mut out)).map_err(|e| Error::io(&self.name, e))?;
        Ok(out)
    }

    /// The kind, from the name's extension, else from the first bytes.
    pub fn kind(&mut self) -> Result<Kind> {
        let lower = self.name.to_lowercase();
        let path = lower.split(['?', '#']).next().unwrap_or("");
        for (ext, kind) in [
            (".json", Kind::Ocds),
            (".jsonl", Kind::Ocds),
            (".ndjson", Kind::Ocds),
            (".csv", Kind::Prices),
            (".xlsx", Kind::Prices),
            (".tsv", Kind::Prices),
        ] {
            if path.ends_with(ext) {
                return Ok(kind);
            }
        }
        let mut head = [0u8; 512];
        let n = self.file.read(&mut head).map_err(|e| Error::io(&self.name, e))?;
        self.file.rewind().map_err(|e| Error::io(&self.name, e))?;
        let text = head[..n].strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head[..n]);
        let first = text.iter().find(|b| !b.is_ascii_whitespace());
        Ok(if matches!(first, Some(b'{') | Some(b'[')) { Kind::Ocds } else { Kind::Prices })
    }
}

fn is_address(location: &str) -> bool {
    let l = location.trim().to_lowercase();
    l.starts_with("https://") || l.starts_with("http://")
}

/// Opens a path, or downloads an address to a temporary file. Plain http is
/// accepted only from this machine (a local server); anything else must be
/// https.
pub fn open(location: &str) -> Result<Opened> {
    if !is_address(location) {
        let path = Path::new(location);
        let file = File::open(path).map_err(|e| Error::io(location, e))?;
        let meta = file.metadata().map_err(|e| Error::io(location, e))?;
        if !meta.is_file() {
            return Err(Error::Invalid(format!("{location} is not a file.")));
        }
        return Ok(Opened { name: location.to_owned(), file, size: meta.len() });
    }
    let url = reqwest::Url::parse(location.trim())
        .map_err(|e| Error::Invalid(format!("'{location}' is not a web address ({e}).")))?;
    let local = matches!(url.host_str(), Some("127.0.0.1") | Some("localhost") | Some("[::1]"));
    if url.scheme() != "https" && !local {
        return Err(Error::Invalid(format!(
            "'{location}' is not an https address. coopdesk downloads imports only over https."
        )));
    }
    let mut file = tempfile::tempfile().map_err(|e| Error::io("a temporary file", e))?;
    let size = crate::sync::http::fetch_now(2, Duration::from_secs(60), async |f, cancel| {
        f.get_to_file(&url, &mut file, MAX_DOWNLOAD_BYTES, cancel).await
    })?
    .map_err(|why| Error::Invalid(format!("{location} could not be downloaded: {why}. Nothing was imported.")))?;
    file.rewind().map_err(|e| Error::io("the download", e))?;
    Ok(Opened { name: location.trim().to_owned(), file, size })
}
