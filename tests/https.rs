//! HTTPS for real: a certificate authority made at test time (rcgen), a TLS
//! file server on 127.0.0.1 (rustls), and the `coopdesk` program syncing a
//! feed, importing from an address and keeping a contract document through
//! it, with the authority trusted through `COOPDESK_EXTRA_CA` as an agency
//! behind an inspecting proxy would. An untrusted authority, a certificate
//! for another name and an expired one are each refused with a message
//! that says which.

use crate::util::*;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

/// A certificate authority of the test's own.
fn authority(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// A server certificate for `names`, signed by `ca`; `expired` puts its
/// validity wholly in the past.
fn server_certificate(
    ca: &CertifiedIssuer<'static, KeyPair>,
    names: &[&str],
    expired: bool,
) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, ca).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (vec![cert.der().clone(), ca.der().clone()], key)
}

/// Serves the files of a folder over HTTPS on 127.0.0.1 until dropped:
/// GET only, one request per connection, which is all the client needs.
struct TlsServer {
    port: u16,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl TlsServer {
    fn start(
        listener: TcpListener,
        root: PathBuf,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> Self {
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        let config = Arc::new(config);
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        std::thread::spawn(move || {
            for tcp in listener.incoming() {
                if stopping.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let Ok(tcp) = tcp else { continue };
                let (config, root) = (config.clone(), root.clone());
                std::thread::spawn(move || {
                    let conn = rustls::ServerConnection::new(config).unwrap();
                    // A refused handshake ends here, as it should.
                    let _ = serve_one(rustls::StreamOwned::new(conn, tcp), &root);
                });
            }
        });
        TlsServer { port, stop }
    }

    fn url(&self, host: &str, path: &str) -> String {
        format!("https://{host}:{}/{path}", self.port)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        // Wakes the accept loop so it sees the stop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve_one(stream: rustls::StreamOwned<rustls::ServerConnection, TcpStream>, root: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_owned();
    let file = root.join(&path);
    let mut stream = reader.into_inner();
    match std::fs::read(&file) {
        Ok(body) if !path.contains("..") => {
            write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())?;
            stream.write_all(&body)?;
        }
        _ => write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?,
    }
    stream.flush()?;
    stream.conn.send_close_notify();
    stream.flush()?;
    let _ = stream.read(&mut [0u8; 1]);
    Ok(())
}

/// `coopdesk --db DB ARGS...` trusting the authorities in `ca_file`, if any.
fn coopdesk_trusting(db: &Path, ca_file: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("--db").arg(db).args(args).env_remove("DISPLAY").env_remove("COOPDESK_DB");
    match ca_file {
        Some(f) => cmd.env("COOPDESK_EXTRA_CA", f),
        None => cmd.env_remove("COOPDESK_EXTRA_CA"),
    };
    cmd.output().unwrap()
}

/// A signed feed of the sample catalogue plus one contract whose agreement
/// is a document on `site`, an OCDS publication and that document, all in
/// the folder the server serves.
fn publish_site(s: &Scratch, site_base: &str) -> (PathBuf, PathBuf, String) {
    use coopdesk_core::model::{ContractDocument, DocumentKind};
    use coopdesk_core::record::{encode_upsert, Entity};
    use coopdesk_feed::{keys, publish, synth};
    let agreement = b"%PDF-1.4\n% master agreement, as signed\n".to_vec();
    let sha256 = coopdesk_core::digest::sha256_hex(&agreement);
    let (key, public) = (s.path("feed.key"), s.path("feed.pub"));
    keys::keygen(&key, &public).unwrap();
    let source = s.path("source");
    std::fs::create_dir_all(&source).unwrap();
    let mut spec = synth::Spec::bundled_sample();
    spec.items = 25;
    synth::write_snapshot_gz(&spec, std::fs::File::create(source.join("catalogue.ndjson.gz")).unwrap()).unwrap();
    let mut contract = synth::catalogue(&spec).contracts[0].clone();
    contract.id = "tls-ctr-1".into();
    contract.number = "TLS-2026-001".into();
    contract.documents = vec![ContractDocument {
        title: "Master agreement".into(),
        kind: DocumentKind::Contract,
        sha256: sha256.clone(),
        size: agreement.len() as u64,
        url: format!("{site_base}/agreement.pdf"),
    }];
    std::fs::write(source.join("documented.ndjson"), encode_upsert(&Entity::Contract(contract))).unwrap();
    let site = s.path("site");
    publish::build(&publish::BuildOptions {
        source,
        key,
        out: site.clone(),
        previous: None,
        feed_id: Some("tls-market".into()),
        feed_name: Some("Marketplace over HTTPS".into()),
        valid_for: chrono::Duration::days(7),
        endorse_with: None,
        now: chrono::Utc::now(),
        import: Default::default(),
    })
    .unwrap();
    std::fs::write(site.join("agreement.pdf"), &agreement).unwrap();
    let ocds =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocds/fictional/record/ocds-213czf-000-00001.json");
    std::fs::copy(ocds, site.join("barnet.json")).unwrap();
    (site, public, sha256)
}

#[test]
fn sync_import_and_document_keep_succeed_over_https_with_the_agencys_authority() {
    let s = Scratch::new();
    let ca = authority("Harbor County IT inspection CA");
    let ca_file = s.path("agency-ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("https://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let (site, public, sha256) = publish_site(&s, &base);
    let (chain, key) = server_certificate(&ca, &["127.0.0.1", "localhost"], false);
    let server = TlsServer::start(listener, site, chain, key);
    let db = s.db();
    let trusted = Some(ca_file.as_path());

    let add = coopdesk_trusting(
        &db,
        trusted,
        &[
            "feeds",
            "add",
            "tls-market",
            &server.url("127.0.0.1", "manifest.json"),
            "--pubkey",
            public.to_str().unwrap(),
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let sync = coopdesk_trusting(&db, trusted, &["sync"]);
    assert!(sync.status.success(), "{}", stderr(&sync));
    assert!(stdout(&sync).contains("tls-market: sequence none -> 1 via snapshot"), "{}", stdout(&sync));

    let import = coopdesk_trusting(&db, trusted, &["import", &server.url("127.0.0.1", "barnet.json")]);
    assert!(import.status.success(), "{}", stderr(&import));
    assert!(stdout(&import).contains("Contracts: 1 new"), "{}", stdout(&import));

    let keep = coopdesk_trusting(&db, trusted, &["document", "keep", "tls-ctr-1", &sha256]);
    assert!(keep.status.success(), "{}", stderr(&keep));
    assert!(stdout(&keep).contains("Kept 'Master agreement'"), "{}", stdout(&keep));

    // By host name too, which the certificate also names.
    let status: serde_json::Value =
        serde_json::from_slice(&coopdesk_trusting(&db, trusted, &["status", "--json"]).stdout).unwrap();
    assert_eq!(status["items"], 26, "the feed's 25 and the publication's one");
    let again = coopdesk_trusting(&db, trusted, &["import", &server.url("localhost", "barnet.json"), "--dry-run"]);
    assert!(again.status.success(), "{}", stderr(&again));

    // Without the setting the same server is not trusted, and the message
    // says so and what to do; nothing is lost.
    let untrusted = coopdesk_trusting(&db, None, &["sync"]);
    assert_eq!(untrusted.status.code(), Some(1));
    let err = stderr(&untrusted);
    assert!(err.contains("127.0.0.1's certificate is not from an authority this computer trusts"), "{err}");
    assert!(err.contains("COOPDESK_EXTRA_CA"), "{err}");
    let status: serde_json::Value =
        serde_json::from_slice(&coopdesk_trusting(&db, None, &["status", "--json"]).stdout).unwrap();
    assert_eq!(status["items"], 26, "the catalog is still there");
}

#[test]
fn an_untrusted_authority_another_name_and_an_expired_certificate_are_each_refused_saying_which() {
    let s = Scratch::new();
    let ca = authority("Harbor County IT inspection CA");
    let ca_file = s.path("agency-ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let site = s.path("site");
    std::fs::create_dir_all(&site).unwrap();
    let ocds =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocds/fictional/record/ocds-213czf-000-00001.json");
    std::fs::copy(ocds, site.join("barnet.json")).unwrap();
    let stranger = authority("Nobody's CA");

    let cases = [
        (server_certificate(&stranger, &["127.0.0.1"], false), "is not from an authority this computer trusts"),
        (server_certificate(&ca, &["feeds.example.org"], false), "is for another name"),
        (server_certificate(&ca, &["127.0.0.1"], true), "has expired"),
    ];
    for ((chain, key), want) in cases {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = TlsServer::start(listener, site.clone(), chain, key);
        let out = coopdesk_trusting(&s.db(), Some(&ca_file), &["import", &server.url("127.0.0.1", "barnet.json")]);
        assert_eq!(out.status.code(), Some(1), "{want}");
        let err = stderr(&out);
        assert!(err.contains(&format!("127.0.0.1's certificate {want}")), "{want}: {err}");
        assert!(err.contains("Nothing was imported"), "{err}");
    }

    // A setting that names no certificates is refused for that, not ignored.
    let bad = s.path("not-a-ca.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    let out = coopdesk_trusting(&s.db(), Some(&bad), &["import", "https://127.0.0.1:1/barnet.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("COOPDESK_EXTRA_CA names"), "{}", stderr(&out));
    let status: serde_json::Value = serde_json::from_slice(&coopdesk(&s.db(), &["status", "--json"]).stdout).unwrap();
    assert_eq!(status["items"], 0);
}
