//! `coopdesk-feed serve`: a static file server for a feed directory, for
//! development and tests (production is any static host or CDN). It answers
//! GET and HEAD with strong ETags (If-None-Match gives 304) and single byte
//! ranges (206), which is what coopdesk's sync relies on.

use crate::publish::hash_file;
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

/// A running server; stops when dropped.
pub struct Running {
    server: Arc<Server>,
    pub addr: SocketAddr,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Running {
    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

type EtagCache = Arc<Mutex<HashMap<PathBuf, (u64, SystemTime, String)>>>;

/// Starts serving `dir` on `addr` (port 0 picks a free port).
pub fn start(dir: PathBuf, addr: &str) -> std::io::Result<Running> {
    let server = Arc::new(Server::http(addr).map_err(|e| std::io::Error::other(e.to_string()))?);
    let bound = server.server_addr().to_ip().ok_or_else(|| std::io::Error::other("not an IP address"))?;
    let cache: EtagCache = Arc::default();
    let s = server.clone();
    let thread = std::thread::spawn(move || {
        for request in s.incoming_requests() {
            let dir = dir.clone();
            let cache = cache.clone();
            std::thread::spawn(move || {
                let _ = handle(&dir, &cache, request);
            });
        }
    });
    Ok(Running { server, addr: bound, thread: Some(thread) })
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("header names and values are ASCII")
}

fn empty(status: u16) -> Response<std::io::Empty> {
    Response::new(StatusCode(status), Vec::new(), std::io::empty(), Some(0), None)
}

/// The file a request path names, if it is a plain path inside `dir`.
fn resolve(dir: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next()?.trim_start_matches('/');
    let plain = !path.is_empty()
        && path.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
        && path.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    let full = dir.join(path);
    (plain && full.is_file()).then_some(full)
}

/// What a `Range` header asks of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeRequest {
    /// No range we honour (several ranges, other units): send the whole file.
    Whole,
    /// Bytes `start..=end`.
    Part(u64, u64),
    /// A range outside the file: 416.
    Unsatisfiable,
}

/// Parses a single `bytes=` range against a file of `len` bytes.
pub fn parse_range(value: &str, len: u64) -> RangeRequest {
    parse_range_inner(value, len).unwrap_or(RangeRequest::Whole)
}

fn parse_range_inner(value: &str, len: u64) -> Option<RangeRequest> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let range = match (a.is_empty(), b.is_empty()) {
        (true, true) => return None,
        (true, false) => {
            let n: u64 = b.parse().ok()?;
            if n == 0 || len == 0 {
                return Some(RangeRequest::Unsatisfiable);
            }
            (len.saturating_sub(n), len - 1)
        }
        (false, _) => {
            let start: u64 = a.parse().ok()?;
            let end =
                if b.is_empty() { len.saturating_sub(1) } else { b.parse::<u64>().ok()?.min(len.saturating_sub(1)) };
            if start >= len || end < start {
                return Some(RangeRequest::Unsatisfiable);
            }
            (start, end)
        }
    };
    Some(RangeRequest::Part(range.0, range.1))
}

fn etag_of(cache: &EtagCache, path: &Path) -> std::io::Result<String> {
    let meta = std::fs::metadata(path)?;
    let modified = meta.modified()?;
    if let Some((len, mtime, tag)) = cache.lock().expect("cache lock").get(path) {
        if *len == meta.len() && *mtime == modified {
            return Ok(tag.clone());
        }
    }
    let (_, sha) = hash_file(path).map_err(|e| std::io::Error::other(e.to_string()))?;
    let tag = format!("\"{}\"", &sha[..32]);
    cache.lock().expect("cache lock").insert(path.to_owned(), (meta.len(), modified, tag.clone()));
    Ok(tag)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => "application/json",
        Some("gz") => "application/gzip",
        Some("minisig") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn handle(dir: &Path, cache: &EtagCache, request: Request) -> std::io::Result<()> {
    let head = match request.method() {
        Method::Get => false,
        Method::Head => true,
        _ => return request.respond(empty(405)),
    };
    let Some(path) = resolve(dir, request.url()) else { return request.respond(empty(404)) };
    let tag = etag_of(cache, &path)?;
    let find = |name: &'static str| {
        request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str().to_owned())
    };
    let mut headers =
        vec![header("ETag", &tag), header("Accept-Ranges", "bytes"), header("Content-Type", content_type(&path))];
    if path.extension().is_some_and(|e| e == "json" || e == "minisig") {
        headers.push(header("Cache-Control", "no-cache"));
    }
    if find("If-None-Match").is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*")) {
        let mut r = empty(304);
        for h in headers {
            r.add_header(h);
        }
        return request.respond(r);
    }
    let mut file = File::open(&path)?;
    let len = file.metadata()?.len();
    let (status, start, end) = match find("Range").map_or(RangeRequest::Whole, |v| parse_range(&v, len)) {
        RangeRequest::Part(s, e) => {
            headers.push(header("Content-Range", &format!("bytes {s}-{e}/{len}")));
            (206, s, e + 1)
        }
        RangeRequest::Unsatisfiable => {
            let mut r = empty(416);
            r.add_header(header("Content-Range", &format!("bytes */{len}")));
            return request.respond(r);
        }
        RangeRequest::Whole => (200, 0, len),
    };
    file.seek(SeekFrom::Start(start))?;
    let body_len = end - start;
    let body: Box<dyn Read + Send> = if head { Box::new(std::io::empty()) } else { Box::new(file.take(body_len)) };
    request.respond(Response::new(StatusCode(status), headers, body, Some(body_len as usize), None))
}

#[cfg(test)]
mod tests {
    use super::{parse_range, RangeRequest::*};

    #[test]
    fn ranges() {
        let rows = [
            ("bytes=0-9", Part(0, 9)),
            ("bytes=10-", Part(10, 99)),
            ("bytes=-10", Part(90, 99)),
            ("bytes=90-200", Part(90, 99)),
            ("bytes=100-", Unsatisfiable),
            ("bytes=5-2", Unsatisfiable),
            ("bytes=-0", Unsatisfiable),
            ("bytes=0-1,5-6", Whole),
            ("items=0-1", Whole),
            ("bytes=x-", Whole),
        ];
        for (value, want) in rows {
            assert_eq!(parse_range(value, 100), want, "{value}");
        }
    }
}
