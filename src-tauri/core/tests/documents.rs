//! Contract documents kept for offline use, downloaded from a real HTTP
//! server on 127.0.0.1 and checked against the hash the feed published.

use crate::fixture::*;
use coopdesk_core::documents;
use coopdesk_core::model::{Contract, ContractDocument, DocumentKind};
use coopdesk_core::record::{Entity, Scope};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Serves `body` at every path until dropped.
struct Server {
    url: String,
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(body: Vec<u8>) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let url = format!("http://{}/contract.pdf", server.server_addr().to_ip().unwrap());
        let s = server.clone();
        let thread = std::thread::spawn(move || {
            for req in s.incoming_requests() {
                let _ = req.respond(tiny_http::Response::from_data(body.clone()));
            }
        });
        Server { url, server, thread: Some(thread) }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The base catalogue with its contract citing a document at `url`.
fn catalogue_with_document(t: &mut TestStore, url: &str, published: &[u8]) -> ContractDocument {
    let doc = ContractDocument {
        title: "Master agreement".into(),
        kind: DocumentKind::Contract,
        sha256: hex(published),
        size: published.len() as u64,
        url: url.into(),
    };
    let mut ops = base_ops();
    let Op::Put(Entity::Contract(c)) = &ops[2] else { unreachable!() };
    let contract = Contract { documents: vec![doc.clone()], ..c.clone() };
    ops[2] = Op::Put(Entity::Contract(contract));
    t.store.apply_records("test", &file(&header("feed-a", 1, Scope::Snapshot, None), &ops)[..]).unwrap();
    doc
}

#[test]
fn a_document_is_kept_after_its_hash_checks_out_and_opens_offline() {
    let published = b"%PDF-1.4 master agreement GSP-2501-001".to_vec();
    let server = Server::start(published.clone());
    let mut t = store();
    let doc = catalogue_with_document(&mut t, &server.url, &published);
    let today = chrono::Local::now().date_naive();
    assert!(t.store.contract_detail("ctr-a", None, today).unwrap().documents_kept.is_empty());

    documents::download(&t.path, "ctr-a", &doc.sha256).unwrap();
    drop(server);
    // Offline from here on: the kept copy opens.
    let detail = t.store.contract_detail("ctr-a", None, today).unwrap();
    assert_eq!(detail.documents_kept, vec![doc.sha256.clone()]);
    assert_eq!(t.store.kept_document(&doc.sha256).unwrap().unwrap(), published);
    // A second download of a kept document needs no network.
    documents::download(&t.path, "ctr-a", &doc.sha256).unwrap();
}

#[test]
fn a_copy_that_does_not_match_the_published_hash_is_refused() {
    let server = Server::start(b"%PDF-1.4 a different, later version!!!".to_vec());
    let mut t = store();
    let doc = catalogue_with_document(&mut t, &server.url, b"%PDF-1.4 master agreement GSP-2501-001");
    let err = documents::download(&t.path, "ctr-a", &doc.sha256).unwrap_err().to_string();
    assert!(err.contains("does not match the SHA-256 the feed published"), "{err}");
    assert!(t.store.kept_document(&doc.sha256).unwrap().is_none(), "nothing kept");
}

#[test]
fn without_a_network_the_download_says_so() {
    let mut t = store();
    let doc = catalogue_with_document(&mut t, "http://127.0.0.1:9/contract.pdf", b"%PDF-1.4 x");
    let err = documents::download(&t.path, "ctr-a", &doc.sha256).unwrap_err().to_string();
    assert!(err.contains("could not be downloaded") && err.contains("once the machine is online"), "{err}");
}
