//! Fetching feed files over HTTP(S): bounded, resumable, retried. A passing
//! fault (a dropped connection, a 5xx) is retried with backoff and a partial
//! download resumes with a Range request; a permanent one (a 404, a file
//! larger than the manifest says, a hash mismatch) is not retried. A server
//! that goes silent for the stall time is given up on at once, not waited
//! on again for each retry: what arrived is kept, and the next sync resumes
//! from there.

use crate::feed::FileEntry;
use reqwest::header::{CONTENT_RANGE, ETAG, IF_NONE_MATCH, RANGE};
use reqwest::{StatusCode, Url};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    Transient(String),
    /// The server sent nothing for the stall time: worth trying later, not
    /// again now.
    Stalled(String),
    Permanent(String),
    Cancelled,
}

impl FetchError {
    /// What went wrong, in words.
    pub fn reason(self) -> String {
        match self {
            FetchError::Transient(why) | FetchError::Stalled(why) | FetchError::Permanent(why) => why,
            FetchError::Cancelled => "cancelled".into(),
        }
    }
}

/// Runs one fetch to its end from code that is not async (a command on the
/// blocking pool, the command line): a fetcher and a single-threaded runtime
/// of its own. The outer error is the machine's; the inner one, the fetch's.
pub fn fetch_now<T>(
    retries: u32,
    read_timeout: Duration,
    fetch: impl AsyncFnOnce(&Fetcher, &AtomicBool) -> Result<T, FetchError>,
) -> crate::error::Result<Result<T, String>> {
    use crate::error::Error;
    // The only way to fail here is a setting that needs fixing (the extra
    // authorities' file), which the reason names.
    let fetcher = Fetcher::new(Duration::from_secs(15), read_timeout, retries, Duration::from_millis(500))
        .map_err(Error::Invalid)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("the network runtime", std::io::Error::other(e.to_string())))?;
    let cancel = AtomicBool::new(false);
    Ok(runtime.block_on(fetch(&fetcher, &cancel)).map_err(FetchError::reason))
}

pub enum Small {
    NotModified,
    Body { bytes: Vec<u8>, etag: Option<String> },
}

pub struct Fetcher {
    client: reqwest::Client,
    retries: u32,
    backoff: Duration,
    stall: Duration,
}

/// The certificate problem behind a failed connection, if that is what it was.
fn certificate_error(e: &(dyn std::error::Error + 'static)) -> Option<rustls::CertificateError> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(rustls::Error::InvalidCertificate(cert)) = err.downcast_ref::<rustls::Error>() {
            return Some(cert.clone());
        }
        // An io::Error's `source()` skips the error it wraps, and the TLS
        // layer wraps rustls's error in io::Errors two deep: unwrap them.
        source = match err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

/// Why `host`'s certificate was refused, in words, when a failed connection
/// (any client's: the office's database too) was a refused certificate.
pub(crate) fn certificate_problem(e: &(dyn std::error::Error + 'static), host: &str) -> Option<String> {
    certificate_error(e).map(|cert| certificate_refused(cert, host).reason())
}

/// A certificate refused, in words that say which way and what to do. Not
/// retried: the same certificate is refused the same way next time.
fn certificate_refused(cert: rustls::CertificateError, host: &str) -> FetchError {
    use rustls::CertificateError as C;
    let why = match cert {
        C::UnknownIssuer | C::BadSignature | C::UnknownRevocationStatus => format!(
            "{host}'s certificate is not from an authority this computer trusts. If your network inspects HTTPS, \
             ask IT for its certificate authority and name that file in {EXTRA_CA_VARIABLE}"
        ),
        C::NotValidForName | C::NotValidForNameContext { .. } => format!(
            "{host}'s certificate is for another name, so this may not be {host}: check the address, \
             or ask IT whether something on the network intercepts it"
        ),
        C::Expired | C::ExpiredContext { .. } => {
            format!("{host}'s certificate has expired: the publisher must renew it (or this computer's date is wrong)")
        }
        C::NotValidYet | C::NotValidYetContext { .. } => {
            format!("{host}'s certificate is not valid yet: this computer's date may be wrong")
        }
        C::Revoked => format!("{host}'s certificate has been revoked"),
        other => format!("{host}'s certificate was refused ({other:?})"),
    };
    FetchError::Permanent(why)
}

impl Fetcher {
    fn describe(&self, e: &reqwest::Error, url: &Url) -> FetchError {
        let host = url.host_str().unwrap_or("the server");
        if e.is_timeout() && !e.is_connect() {
            return FetchError::Stalled(format!(
                "{host} stopped answering (sent nothing for {}); the next sync tries again",
                seconds(self.stall)
            ));
        }
        describe(e, url)
    }
}

/// "30 s", or "0.8 s" for a stall time under a second (tests).
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

fn describe(e: &reqwest::Error, url: &Url) -> FetchError {
    let host = url.host_str().unwrap_or("the server");
    if let Some(cert) = certificate_error(e) {
        return certificate_refused(cert, host);
    }
    if e.is_timeout() {
        FetchError::Transient(format!("{host} stopped answering (timed out)"))
    } else if e.is_connect() {
        FetchError::Transient(format!("{host} could not be reached; check the network connection"))
    } else {
        FetchError::Transient(format!("the connection to {host} failed"))
    }
}

fn status_error(status: StatusCode, url: &Url) -> FetchError {
    let what =
        format!("{} answered HTTP {} for {}", url.host_str().unwrap_or("the server"), status.as_u16(), url.path());
    if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT || status == StatusCode::TOO_MANY_REQUESTS {
        FetchError::Transient(what)
    } else {
        FetchError::Permanent(what)
    }
}

/// Names a PEM file of extra certificate authorities to trust beside the
/// system's: an inspecting proxy's, or an internal mirror's.
pub const EXTRA_CA_VARIABLE: &str = "COOPDESK_EXTRA_CA";

/// The file `COOPDESK_EXTRA_CA` names, shown and read, if it names one.
fn extra_ca_file() -> Result<Option<(String, Vec<u8>)>, String> {
    let Some(path) = std::env::var_os(EXTRA_CA_VARIABLE).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let shown = std::path::Path::new(&path).display().to_string();
    let pem =
        std::fs::read(&path).map_err(|e| format!("{EXTRA_CA_VARIABLE} names {shown}, which cannot be read ({e})"))?;
    Ok(Some((shown, pem)))
}

/// The certificates of the file `COOPDESK_EXTRA_CA` names, if it names one.
fn extra_roots() -> Result<Vec<reqwest::Certificate>, String> {
    let Some((shown, pem)) = extra_ca_file()? else { return Ok(Vec::new()) };
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("{EXTRA_CA_VARIABLE} names {shown}, which is not a PEM certificate file ({e})"))?;
    if certs.is_empty() {
        return Err(format!("{EXTRA_CA_VARIABLE} names {shown}, which holds no certificates"));
    }
    Ok(certs)
}

/// The same authorities as DER, for the other TLS clients (the office's
/// PostgreSQL connection).
pub(crate) fn extra_root_ders() -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject;
    let Some((shown, pem)) = extra_ca_file()? else { return Ok(Vec::new()) };
    let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{EXTRA_CA_VARIABLE} names {shown}, which is not a PEM certificate file ({e})"))?;
    if certs.is_empty() {
        return Err(format!("{EXTRA_CA_VARIABLE} names {shown}, which holds no certificates"));
    }
    Ok(certs)
}

impl Fetcher {
    pub fn new(
        connect_timeout: Duration,
        read_timeout: Duration,
        retries: u32,
        backoff: Duration,
    ) -> Result<Fetcher, String> {
        // reqwest is built without a TLS provider; ring is ours. An `Err`
        // means one is installed already, which is all we need.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .read_timeout(read_timeout)
            .redirect(reqwest::redirect::Policy::limited(5))
            .user_agent(concat!("coopdesk/", env!("CARGO_PKG_VERSION")))
            // The system's trust store, plus the agency's own authorities.
            .tls_certs_merge(extra_roots()?)
            .build()
            .map_err(|e| format!("the HTTP client could not start: {e}"))?;
        Ok(Fetcher { client, retries, backoff, stall: read_timeout })
    }

    async fn with_retries<T, F, Fut>(&self, cancel: &AtomicBool, mut once: F) -> Result<T, FetchError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, FetchError>>,
    {
        let mut attempt = 0;
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(FetchError::Cancelled);
            }
            match once().await {
                Err(FetchError::Transient(_)) if attempt < self.retries => {
                    tokio::time::sleep(self.backoff * 2u32.pow(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// GETs a small file (the manifest or its signature), refusing more than
    /// `limit` bytes. With `etag`, a 304 answers `NotModified`.
    pub async fn get_small(
        &self,
        url: &Url,
        etag: Option<&str>,
        limit: u64,
        cancel: &AtomicBool,
    ) -> Result<Small, FetchError> {
        self.with_retries(cancel, || async {
            let mut req = self.client.get(url.clone());
            if let Some(tag) = etag {
                req = req.header(IF_NONE_MATCH, tag);
            }
            let mut resp = req.send().await.map_err(|e| self.describe(&e, url))?;
            if resp.status() == StatusCode::NOT_MODIFIED {
                return Ok(Small::NotModified);
            }
            if !resp.status().is_success() {
                return Err(status_error(resp.status(), url));
            }
            let etag = resp.headers().get(ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let mut bytes = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| describe(&e, url))? {
                if cancel.load(Ordering::Relaxed) {
                    return Err(FetchError::Cancelled);
                }
                bytes.extend_from_slice(&chunk);
                if bytes.len() as u64 > limit {
                    return Err(FetchError::Permanent(format!(
                        "{} is larger than the {limit} bytes allowed",
                        url.path()
                    )));
                }
            }
            Ok(Small::Body { bytes, etag })
        })
        .await
    }

    /// GETs a file of unknown size and hash (an import's source) into
    /// `dest`, refusing more than `limit` bytes. Each attempt starts over.
    pub async fn get_to_file(
        &self,
        url: &Url,
        dest: &mut std::fs::File,
        limit: u64,
        cancel: &AtomicBool,
    ) -> Result<u64, FetchError> {
        // Each attempt borrows the file in turn.
        let dest = tokio::sync::Mutex::new(dest);
        self.with_retries(cancel, || async {
            let mut file = dest.lock().await;
            self.get_to_file_once(url, &mut file, limit, cancel).await
        })
        .await
    }

    async fn get_to_file_once(
        &self,
        url: &Url,
        dest: &mut std::fs::File,
        limit: u64,
        cancel: &AtomicBool,
    ) -> Result<u64, FetchError> {
        use std::io::Seek;
        dest.set_len(0).and_then(|_| dest.rewind()).map_err(|e| FetchError::Permanent(e.to_string()))?;
        let mut resp = self.client.get(url.clone()).send().await.map_err(|e| describe(&e, url))?;
        if !resp.status().is_success() {
            return Err(status_error(resp.status(), url));
        }
        let mut written = 0u64;
        while let Some(chunk) = resp.chunk().await.map_err(|e| describe(&e, url))? {
            if cancel.load(Ordering::Relaxed) {
                return Err(FetchError::Cancelled);
            }
            written += chunk.len() as u64;
            if written > limit {
                return Err(FetchError::Permanent(format!(
                    "{} is larger than the {} MB coopdesk imports",
                    url.path(),
                    limit >> 20
                )));
            }
            dest.write_all(&chunk)
                .map_err(|e| FetchError::Permanent(format!("the download could not be saved ({e})")))?;
        }
        Ok(written)
    }

    /// Downloads `entry` to `dest`, resuming from `dest`'s `.part` file if an
    /// earlier attempt left one, and checks its size and SHA-256 before the
    /// file takes its final name.
    pub async fn download(
        &self,
        url: &Url,
        entry: &FileEntry,
        dest: &Path,
        on_bytes: &(dyn Fn(u64) + Sync),
        cancel: &AtomicBool,
    ) -> Result<(), FetchError> {
        let part = dest.with_extension("part");
        self.with_retries(cancel, || self.download_once(url, entry, &part, on_bytes, cancel)).await?;
        std::fs::rename(&part, dest).map_err(|e| FetchError::Permanent(format!("the download could not be saved: {e}")))
    }

    async fn download_once(
        &self,
        url: &Url,
        entry: &FileEntry,
        part: &Path,
        on_bytes: &(dyn Fn(u64) + Sync),
        cancel: &AtomicBool,
    ) -> Result<(), FetchError> {
        let io_err = |e: std::io::Error| FetchError::Permanent(format!("the download could not be saved: {e}"));
        let mut have = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
        if have == entry.size && have > 0 {
            // An earlier attempt got all of it and stopped before renaming
            // it (the process was ended): asking for the rest would be
            // answered 416. Kept if it is what the manifest lists.
            if crate::digest::sha256_file(part).map_err(io_err)? == entry.sha256 {
                on_bytes(have);
                return Ok(());
            }
            have = entry.size + 1;
        }
        if have > entry.size {
            std::fs::remove_file(part).map_err(io_err)?;
            have = 0;
        }
        let mut req = self.client.get(url.clone());
        if have > 0 {
            req = req.header(RANGE, format!("bytes={have}-"));
        }
        let mut resp = req.send().await.map_err(|e| self.describe(&e, url))?;
        let resumed = resp.status() == StatusCode::PARTIAL_CONTENT
            && resp
                .headers()
                .get(CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with(&format!("bytes {have}-")));
        if !resumed && resp.status() != StatusCode::OK {
            return Err(status_error(resp.status(), url));
        }
        let mut hasher = Sha256::new();
        let mut file = if resumed {
            // Hash what we already have, then append.
            let mut existing = std::fs::File::open(part).map_err(io_err)?;
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = existing.read(&mut buf).map_err(io_err)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
            }
            std::fs::OpenOptions::new().append(true).open(part).map_err(io_err)?
        } else {
            have = 0;
            std::fs::File::create(part).map_err(io_err)?
        };
        if resp.content_length().is_some_and(|len| have + len > entry.size) {
            drop(file);
            let _ = std::fs::remove_file(part);
            return Err(FetchError::Permanent(format!(
                "{} is larger than the {} bytes the signed manifest lists",
                entry.path, entry.size
            )));
        }
        on_bytes(have);
        loop {
            let chunk = match resp.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    file.flush().map_err(io_err)?;
                    if e.is_timeout() {
                        return Err(FetchError::Stalled(format!(
                            "{} sent nothing for {} after {have} of {} bytes of {}: what arrived is kept, and \
                             the next sync resumes from there",
                            url.host_str().unwrap_or("the server"),
                            seconds(self.stall),
                            entry.size,
                            entry.path
                        )));
                    }
                    return Err(FetchError::Transient(format!(
                        "the download of {} stopped after {have} of {} bytes (the connection dropped)",
                        entry.path, entry.size
                    )));
                }
            };
            if cancel.load(Ordering::Relaxed) {
                file.flush().map_err(io_err)?;
                return Err(FetchError::Cancelled);
            }
            have += chunk.len() as u64;
            if have > entry.size {
                drop(file);
                let _ = std::fs::remove_file(part);
                return Err(FetchError::Permanent(format!(
                    "the server sent more of {} than the {} bytes the signed manifest lists",
                    entry.path, entry.size
                )));
            }
            hasher.update(&chunk);
            file.write_all(&chunk).map_err(io_err)?;
            on_bytes(have);
        }
        file.sync_all().map_err(io_err)?;
        if have < entry.size {
            return Err(FetchError::Transient(format!(
                "the download of {} stopped after {have} of {} bytes",
                entry.path, entry.size
            )));
        }
        let digest = crate::digest::hex(&hasher.finalize());
        if digest != entry.sha256 {
            let _ = std::fs::remove_file(part);
            return Err(FetchError::Permanent(format!(
                "{} does not match the SHA-256 in the signed manifest (it was altered or damaged)",
                entry.path
            )));
        }
        Ok(())
    }
}
