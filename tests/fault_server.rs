//! A deliberately faulty HTTP/1.1 server on 127.0.0.1. It serves a feed
//! directory but misbehaves on the snapshot in the way a test asks, so the
//! sync's handling of real network faults is tested over a real socket.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// Every request answers 500.
    ServerError,
    /// The snapshot's body stops halfway and the connection stays silent.
    StallMidBody,
    /// The snapshot's body stops halfway and the connection closes.
    CloseMidBody,
    /// The first snapshot request is cut halfway; later ones honour Range.
    CloseOnceThenResume,
    /// The first snapshot request stops halfway and stays silent; later
    /// ones honour Range.
    StallOnceThenResume,
    /// The snapshot's body never ends (bounded here to 64 MiB).
    Endless,
    /// The first `times` snapshot requests answer this HTTP status; later
    /// ones get the file.
    StatusFirst { status: u16, times: usize },
}

pub struct FaultServer {
    pub url: String,
    /// Range headers the server received, in order.
    pub ranges: Arc<Mutex<Vec<Option<String>>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn read_request(stream: &mut TcpStream) -> Option<(String, Option<String>)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_owned();
    let mut range = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("range") {
                range = Some(v.trim().to_owned());
            }
        }
    }
    Some((path, range))
}

pub fn start(dir: PathBuf, snapshot_path: String, fault: Fault) -> FaultServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/manifest.json", listener.local_addr().unwrap());
    let ranges: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let snapshot_requests = Arc::new(AtomicUsize::new(0));
    let (r, s) = (ranges.clone(), stop.clone());
    std::thread::spawn(move || {
        while !s.load(Ordering::SeqCst) {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            stream.set_nonblocking(false).unwrap();
            let (dir, snap, r, s, n) =
                (dir.clone(), snapshot_path.clone(), r.clone(), s.clone(), snapshot_requests.clone());
            std::thread::spawn(move || {
                let Some((path, range)) = read_request(&mut stream) else { return };
                let _ = serve_one(&mut stream, &dir, &path, &snap, range, fault, &r, &s, &n);
            });
        }
    });
    FaultServer { url, ranges, stop }
}

#[allow(clippy::too_many_arguments)]
fn serve_one(
    stream: &mut TcpStream,
    dir: &std::path::Path,
    path: &str,
    snapshot: &str,
    range: Option<String>,
    fault: Fault,
    ranges: &Mutex<Vec<Option<String>>>,
    stop: &AtomicBool,
    snapshot_requests: &AtomicUsize,
) -> std::io::Result<()> {
    if matches!(fault, Fault::ServerError) {
        return stream
            .write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
    let name = path.trim_start_matches('/');
    let Ok(mut body) = std::fs::read(dir.join(name)) else {
        return stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    };
    if name != snapshot {
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        stream.write_all(head.as_bytes())?;
        return stream.write_all(&body);
    }
    ranges.lock().unwrap().push(range.clone());
    let nth = snapshot_requests.fetch_add(1, Ordering::SeqCst);
    if let Fault::StatusFirst { status, times } = fault {
        if nth < times {
            let head = format!("HTTP/1.1 {status} Refused for now\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return stream.write_all(head.as_bytes());
        }
    }
    let full = body.len();
    let half = full / 2;
    match fault {
        Fault::StallMidBody => {
            stream.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {full}\r\n\r\n").as_bytes())?;
            stream.write_all(&body[..half])?;
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(())
        }
        Fault::CloseMidBody => {
            stream.write_all(
                format!("HTTP/1.1 200 OK\r\nContent-Length: {full}\r\nConnection: close\r\n\r\n").as_bytes(),
            )?;
            stream.write_all(&body[..half])
        }
        Fault::CloseOnceThenResume if nth == 0 => {
            stream.write_all(
                format!("HTTP/1.1 200 OK\r\nContent-Length: {full}\r\nConnection: close\r\n\r\n").as_bytes(),
            )?;
            stream.write_all(&body[..half])
        }
        Fault::StallOnceThenResume if nth == 0 => {
            stream.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {full}\r\n\r\n").as_bytes())?;
            stream.write_all(&body[..half])?;
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(())
        }
        Fault::CloseOnceThenResume | Fault::StallOnceThenResume => {
            let start: usize =
                range.as_deref().and_then(|r| r.strip_prefix("bytes=")?.strip_suffix('-')?.parse().ok()).unwrap_or(0);
            let head = format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{}/{full}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                full - 1,
                full - start
            );
            stream.write_all(head.as_bytes())?;
            stream.write_all(&body.split_off(start))
        }
        Fault::Endless => {
            stream.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")?;
            let junk = vec![0x1fu8; 64 * 1024];
            for _ in 0..1024 {
                if stream.write_all(&junk).is_err() {
                    break;
                }
            }
            Ok(())
        }
        Fault::StatusFirst { .. } => {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {full}\r\nConnection: close\r\n\r\n");
            stream.write_all(head.as_bytes())?;
            stream.write_all(&body)
        }
        Fault::ServerError => unreachable!(),
    }
}
