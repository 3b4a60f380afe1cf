//! Reading an OCDS publication in whatever form it comes: a release package,
//! a record package, a bare release or record, a JSON array of any of them,
//! or a stream of them (JSON Lines, or documents one after another), in
//! UTF-8, UTF-16 or Windows-1252.
//!
//! Nothing is held whole: the `releases` or `records` array of a package is
//! read one element at a time into a scratch SQLite database, and the
//! releases of each contracting process are handed out, grouped by `ocid`,
//! only when the whole input has been read (a process's releases may be
//! anywhere in it). Memory stays bounded by the largest single release.

use super::merge::OcdsVersion;
use crate::error::{Error, Result};
use rusqlite::{params, Connection};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::fmt;
use std::io::{BufRead, BufReader, Read};

/// No honest release is this large; a larger one is skipped unread.
pub const MAX_RELEASE_BYTES: usize = 32 * 1024 * 1024;
/// Documents nested in arrays deeper than this are not OCDS.
const MAX_NESTING: usize = 4;

/// Something in the input that was not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Skip {
    /// The file or address it came from.
    pub source: String,
    /// Which document, release or record: "document 3", "ocid ocds-213czf-1".
    pub record: String,
    /// The field at fault, when there is one.
    pub field: Option<String>,
    pub reason: String,
}

/// What the reader saw.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReadStats {
    pub documents: u64,
    pub release_packages: u64,
    pub record_packages: u64,
    pub releases: u64,
    pub records: u64,
    /// The text encoding the input was read in.
    pub encoding: String,
}

/// The releases (or the compiled release) of one contracting process.
#[derive(Clone, Debug, PartialEq)]
pub struct Process {
    pub ocid: String,
    pub version: OcdsVersion,
    /// Full releases to merge, in the order they were read.
    pub releases: Vec<Value>,
    /// A compiled release the publisher merged, used when no full release
    /// came with it (records whose releases are only links).
    pub compiled: Option<Value>,
    /// The publisher's name, from the package.
    pub publisher: Option<String>,
}

/// Everything read from one input, waiting to be handed out by process.
pub struct Publication {
    scratch: Connection,
    pub stats: ReadStats,
    pub skipped: Vec<Skip>,
    source: String,
}

const SCRATCH_SCHEMA: &str = "
    CREATE TABLE elements (seq INTEGER PRIMARY KEY, doc INTEGER NOT NULL, json TEXT NOT NULL);
    CREATE TABLE docs (doc INTEGER PRIMARY KEY, container TEXT, meta TEXT NOT NULL);
    CREATE TABLE units (ord INTEGER PRIMARY KEY, ocid TEXT NOT NULL, version TEXT NOT NULL,
                        kind TEXT NOT NULL, publisher TEXT, json TEXT NOT NULL);
";

/// Reads `input` whole into a scratch database. `source` names it in reports.
pub fn read(source: &str, input: impl Read) -> Result<Publication> {
    let scratch = Connection::open("")?;
    scratch.execute_batch(SCRATCH_SCHEMA)?;
    let (reader, encoding) = decode(source, input)?;
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    let mut publication = Publication {
        scratch,
        stats: ReadStats { encoding: encoding.to_owned(), ..Default::default() },
        skipped: vec![],
        source: source.to_owned(),
    };
    let tx = publication.scratch.unchecked_transaction()?;
    let state = RefCell::new(ReadState { tx: &tx, next_doc: 0, failure: None });
    loop {
        if !skip_whitespace(&mut reader).map_err(|e| read_error(source, e))? {
            break;
        }
        let doc = state.borrow_mut().new_doc();
        let mut de = serde_json::Deserializer::from_reader(&mut reader);
        match (DocSeed { state: &state, doc, depth: 0 }).deserialize(&mut de) {
            Ok(()) => {}
            Err(e) => {
                if let Some(failure) = state.borrow_mut().failure.take() {
                    return Err(failure);
                }
                if e.is_io() {
                    return Err(Error::Invalid(format!(
                        "{source} could not be read to the end ({e}). Nothing was imported."
                    )));
                }
                // What was read before the fault stays read; the rest of the
                // input cannot be found again after broken JSON.
                publication.skipped.push(Skip {
                    source: source.to_owned(),
                    record: format!("document {}", doc + 1),
                    field: None,
                    reason: format!("it is not valid JSON ({e}); the rest of the input was not read"),
                });
                break;
            }
        }
    }
    let documents = state.borrow().next_doc;
    drop(state);
    // Built once all are in: each document's elements are then read back.
    tx.execute_batch("CREATE INDEX elements_by_doc ON elements (doc, seq)")?;
    tx.commit()?;
    publication.stats.documents = documents as u64;
    publication.classify()?;
    Ok(publication)
}

fn read_error(source: &str, e: std::io::Error) -> Error {
    Error::Invalid(format!("{source} could not be read to the end ({e})."))
}

/// Skips whitespace; false at the end of the input.
fn skip_whitespace(r: &mut impl BufRead) -> std::io::Result<bool> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        let n = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let more = n < buf.len();
        r.consume(n);
        if more {
            return Ok(true);
        }
    }
}

/// Picks the encoding from a byte-order mark, else from whether the start of
/// the input is UTF-8, else Windows-1252 (what older systems export).
fn decode<'r>(source: &str, mut input: impl Read + 'r) -> Result<(Box<dyn Read + 'r>, &'static str)> {
    let mut head = vec![0u8; 64 * 1024];
    let mut filled = 0;
    while filled < head.len() {
        match input.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(Error::Invalid(format!(
                    "{source} could not be read to the end ({e}). Nothing was imported."
                )))
            }
        }
    }
    head.truncate(filled);
    let encoding = if let Some((enc, _)) = encoding_rs::Encoding::for_bom(&head) {
        enc
    } else {
        match std::str::from_utf8(&head) {
            Ok(_) => encoding_rs::UTF_8,
            // Cut off in the middle of a character at the end of the sample.
            Err(e) if e.error_len().is_none() => encoding_rs::UTF_8,
            Err(_) => encoding_rs::WINDOWS_1252,
        }
    };
    let chained = std::io::Cursor::new(head).chain(input);
    let reader =
        encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding)).bom_sniffing(true).build(chained);
    let name = if encoding == encoding_rs::UTF_8 { "UTF-8" } else { encoding.name() };
    Ok((Box::new(reader), name))
}

struct ReadState<'t> {
    tx: &'t rusqlite::Transaction<'t>,
    next_doc: usize,
    /// An error of ours (not of the JSON) met inside the parser.
    failure: Option<Error>,
}

impl ReadState<'_> {
    fn new_doc(&mut self) -> usize {
        self.next_doc += 1;
        self.next_doc - 1
    }
}

struct DocSeed<'s, 't> {
    state: &'s RefCell<ReadState<'t>>,
    doc: usize,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

fn ours<E: serde::de::Error>(state: &RefCell<ReadState>, e: impl Into<Error>) -> E {
    let e = e.into();
    let text = e.to_string();
    state.borrow_mut().failure = Some(e);
    E::custom(text)
}

impl<'de> Visitor<'de> for DocSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an OCDS package, release or record")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut meta = Map::new();
        let mut container = None;
        while let Some(key) = map.next_key::<String>()? {
            if (key == "releases" || key == "records") && container.is_none() {
                map.next_value_seed(ElementsSeed { state: self.state, doc: self.doc })?;
                container = Some(key);
            } else {
                let value: Value = map.next_value()?;
                meta.insert(key, value);
            }
        }
        let meta = serde_json::to_string(&meta).map_err(|e| ours(self.state, Error::internal(e)))?;
        let state = self.state.borrow();
        state
            .tx
            .execute(
                "INSERT INTO docs (doc, container, meta) VALUES (?1, ?2, ?3)",
                params![self.doc as i64, container, meta],
            )
            .map_err(|e| {
                drop(state);
                ours(self.state, e)
            })?;
        Ok(())
    }

    /// An array at the top: each element is a document of its own.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        if self.depth >= MAX_NESTING {
            return Err(serde::de::Error::custom("arrays nested too deeply"));
        }
        self.state
            .borrow()
            .tx
            .execute("INSERT INTO docs (doc, container, meta) VALUES (?1, 'array', '{}')", [self.doc as i64])
            .map_err(|e| ours(self.state, e))?;
        loop {
            let doc = self.state.borrow_mut().new_doc();
            if seq.next_element_seed(DocSeed { state: self.state, doc, depth: self.depth + 1 })?.is_none() {
                // The last number was not used: give it back.
                self.state.borrow_mut().next_doc -= 1;
                return Ok(());
            }
        }
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<(), E> {
        self.not_a_document()
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> std::result::Result<(), E> {
        self.not_a_document()
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> std::result::Result<(), E> {
        self.not_a_document()
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> std::result::Result<(), E> {
        self.not_a_document()
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> std::result::Result<(), E> {
        self.not_a_document()
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> std::result::Result<(), E> {
        self.not_a_document()
    }
}

impl DocSeed<'_, '_> {
    fn not_a_document<E: serde::de::Error>(self) -> std::result::Result<(), E> {
        self.state
            .borrow()
            .tx
            .execute("INSERT INTO docs (doc, container, meta) VALUES (?1, 'scalar', '{}')", [self.doc as i64])
            .map_err(|e| ours(self.state, e))?;
        Ok(())
    }
}

struct ElementsSeed<'s, 't> {
    state: &'s RefCell<ReadState<'t>>,
    doc: usize,
}

impl<'de> DeserializeSeed<'de> for ElementsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElementsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of releases or records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(element) = seq.next_element::<Value>()? {
            let json = serde_json::to_string(&element).map_err(|e| ours(self.state, Error::internal(e)))?;
            let state = self.state.borrow();
            let result =
                state.tx.execute("INSERT INTO elements (doc, json) VALUES (?1, ?2)", params![self.doc as i64, json]);
            drop(state);
            result.map_err(|e| ours(self.state, e))?;
        }
        Ok(())
    }

    // `"releases": null` or another non-list: no elements.
    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while map.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }
}

/// A release that carries content, as opposed to a record's link to one
/// (`url`, `date`, `tag` only).
fn is_full_release(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.keys().any(|k| !matches!(k.as_str(), "url" | "date" | "tag")))
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// What is filed under an ocid: (ocid, version, "release" or "compiled",
/// publisher, the JSON).
type Unit = (String, OcdsVersion, &'static str, Option<String>, String);

/// Files documents' contents as units, noting what it cannot use.
struct Filer<'p> {
    source: &'p str,
    stats: &'p mut ReadStats,
    skipped: &'p mut Vec<Skip>,
}

impl Publication {
    /// Decides what each document was, and files its releases, records and
    /// compiled releases under their `ocid`.
    fn classify(&mut self) -> Result<()> {
        let Publication { scratch, stats, skipped, source } = self;
        let mut filer = Filer { source, stats, skipped };
        filer.classify(scratch)
    }
}

impl Filer<'_> {
    fn skip(&mut self, record: String, field: Option<&str>, reason: impl Into<String>) {
        self.skipped.push(Skip {
            source: self.source.to_owned(),
            record,
            field: field.map(str::to_owned),
            reason: reason.into(),
        });
    }

    fn classify(&mut self, scratch: &Connection) -> Result<()> {
        let docs: Vec<(i64, Option<String>, String)> = {
            let mut stmt = scratch.prepare("SELECT doc, container, meta FROM docs ORDER BY doc")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let tx = scratch.unchecked_transaction()?;
        let mut units: Vec<Unit> = Vec::new();
        let flush = |tx: &rusqlite::Transaction, units: &mut Vec<Unit>| -> Result<()> {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO units (ocid, version, kind, publisher, json) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (ocid, version, kind, publisher, json) in units.drain(..) {
                stmt.execute(params![ocid, version.as_str(), kind, publisher, json])?;
            }
            Ok(())
        };
        for (doc, container, meta) in docs {
            let meta: Map<String, Value> = serde_json::from_str(&meta).map_err(Error::internal)?;
            let name = format!("document {}", doc + 1);
            let publisher = meta.get("publisher").and_then(|p| text(p.get("name")));
            let elements = || -> Result<Vec<(i64, Value)>> {
                let mut stmt = tx.prepare_cached("SELECT seq, json FROM elements WHERE doc = ?1 ORDER BY seq")?;
                let rows = stmt.query_map([doc], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
                let mut out = Vec::new();
                for row in rows {
                    let (seq, json) = row?;
                    out.push((seq, serde_json::from_str(&json).map_err(Error::internal)?));
                }
                Ok(out)
            };
            match container.as_deref() {
                Some("array") => {}
                Some("scalar") => {
                    self.skip(name, None, "it is not a JSON object, so not an OCDS package, release or record")
                }
                Some("releases") if !meta.contains_key("ocid") => {
                    self.stats.release_packages += 1;
                    let version = match OcdsVersion::from_package(meta.get("version").and_then(Value::as_str)) {
                        Ok(v) => v,
                        Err(reason) => {
                            self.skip(name, Some("version"), reason);
                            continue;
                        }
                    };
                    for (n, (_, release)) in elements()?.into_iter().enumerate() {
                        let place = format!("{name}, release {}", n + 1);
                        if release.is_null() {
                            continue;
                        }
                        self.stats.releases += 1;
                        if let Some(ocid) = self.release_ocid(&release, &place) {
                            units.push((
                                ocid,
                                version,
                                "release",
                                publisher.clone(),
                                serde_json::to_string(&release).map_err(Error::internal)?,
                            ));
                        }
                    }
                }
                Some("records") => {
                    self.stats.record_packages += 1;
                    let version = match OcdsVersion::from_package(meta.get("version").and_then(Value::as_str)) {
                        Ok(v) => v,
                        Err(reason) => {
                            self.skip(name, Some("version"), reason);
                            continue;
                        }
                    };
                    for (n, (_, record)) in elements()?.into_iter().enumerate() {
                        self.stats.records += 1;
                        let place = format!("{name}, record {}", n + 1);
                        let Some(record) = record.as_object().cloned() else {
                            self.skip(place, None, "the record is not a JSON object");
                            continue;
                        };
                        self.file_record(record, version, &publisher, &place, &mut units)?;
                    }
                }
                // A record on its own: its `releases` were read as elements.
                Some("releases") => {
                    self.stats.records += 1;
                    let mut record = meta.clone();
                    let releases: Vec<Value> = elements()?.into_iter().map(|(_, v)| v).collect();
                    let version = if releases.iter().any(|r| r.get("parties").is_some()) {
                        OcdsVersion::V1_1
                    } else {
                        OcdsVersion::V1_0
                    };
                    record.insert("releases".into(), Value::Array(releases));
                    self.file_record(record, version, &publisher, &name, &mut units)?;
                }
                _ if meta.contains_key("ocid") => {
                    self.stats.releases += 1;
                    let release = Value::Object(meta);
                    let version = OcdsVersion::of_release(&release);
                    if let Some(ocid) = self.release_ocid(&release, &name) {
                        units.push((
                            ocid,
                            version,
                            "release",
                            None,
                            serde_json::to_string(&release).map_err(Error::internal)?,
                        ));
                    }
                }
                _ if meta.is_empty() => self.skip(name, None, "the document is an empty object"),
                _ => self.skip(
                    name,
                    None,
                    "it is neither an OCDS package (no 'releases' or 'records') nor a release or record (no 'ocid')",
                ),
            }
            if units.len() > 1_000 {
                flush(&tx, &mut units)?;
            }
        }
        flush(&tx, &mut units)?;
        // Built once all are in: processes are then read back by ocid.
        tx.execute_batch("CREATE INDEX units_by_ocid ON units (ocid, ord)")?;
        tx.commit()?;
        if self.stats.documents == 0 {
            self.skip("the input".into(), None, "it is empty");
        }
        Ok(())
    }

    fn release_ocid(&mut self, release: &Value, place: &str) -> Option<String> {
        if !release.is_object() {
            self.skip(place.to_owned(), None, "the release is not a JSON object");
            return None;
        }
        let Some(ocid) = text(release.get("ocid")) else {
            self.skip(place.to_owned(), Some("ocid"), "the release has no ocid");
            return None;
        };
        let size = serde_json::to_string(release).map(|s| s.len()).unwrap_or(0);
        if size > MAX_RELEASE_BYTES {
            self.skip(
                format!("ocid {ocid}"),
                None,
                format!("the release is {} MB, more than coopdesk reads", size >> 20),
            );
            return None;
        }
        Some(ocid)
    }

    fn file_record(
        &mut self,
        record: Map<String, Value>,
        package_version: OcdsVersion,
        publisher: &Option<String>,
        place: &str,
        units: &mut Vec<Unit>,
    ) -> Result<()> {
        let Some(ocid) = text(record.get("ocid")) else {
            self.skip(place.to_owned(), Some("ocid"), "the record has no ocid");
            return Ok(());
        };
        let full: Vec<&Value> = record
            .get("releases")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter(|r| is_full_release(r)).collect())
            .unwrap_or_default();
        if !full.is_empty() {
            for release in full {
                let mut release = release.clone();
                // A record's releases belong to its process even when they
                // leave out the ocid.
                if let Some(m) = release.as_object_mut() {
                    m.entry("ocid").or_insert_with(|| Value::String(ocid.clone()));
                }
                if let Some(o) = self.release_ocid(&release, place) {
                    units.push((
                        o,
                        package_version,
                        "release",
                        publisher.clone(),
                        serde_json::to_string(&release).map_err(Error::internal)?,
                    ));
                }
            }
        } else if let Some(compiled) = record.get("compiledRelease").filter(|c| c.is_object()) {
            units.push((
                ocid,
                package_version,
                "compiled",
                publisher.clone(),
                serde_json::to_string(compiled).map_err(Error::internal)?,
            ));
        } else {
            self.skip(
                format!("ocid {ocid}"),
                Some("releases"),
                "the record links to its releases without including them, and has no compiledRelease",
            );
        }
        Ok(())
    }
}

impl Publication {
    /// How many contracting processes the input holds.
    pub fn process_count(&self) -> Result<u64> {
        Ok(self.scratch.query_row("SELECT count(DISTINCT ocid) FROM units", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Calls `each` with every contracting process, in `ocid` order.
    pub fn for_each_process(&self, mut each: impl FnMut(Process) -> Result<()>) -> Result<()> {
        let mut ocids = self.scratch.prepare("SELECT DISTINCT ocid FROM units ORDER BY ocid")?;
        let ocids: Vec<String> = ocids.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let mut units =
            self.scratch.prepare("SELECT version, kind, publisher, json FROM units WHERE ocid = ?1 ORDER BY ord")?;
        for ocid in ocids {
            let mut process = Process {
                ocid: ocid.clone(),
                version: OcdsVersion::V1_0,
                releases: vec![],
                compiled: None,
                publisher: None,
            };
            let mut first = true;
            let rows = units.query_map([&ocid], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            for row in rows {
                let (version, kind, publisher, json) = row?;
                if first {
                    process.version = if version == "1.1" { OcdsVersion::V1_1 } else { OcdsVersion::V1_0 };
                    first = false;
                }
                process.publisher = process.publisher.or(publisher);
                let value: Value = serde_json::from_str(&json).map_err(Error::internal)?;
                if kind == "compiled" {
                    process.compiled = Some(value);
                } else {
                    process.releases.push(value);
                }
            }
            each(process)?;
        }
        Ok(())
    }
}
