//! The feed record format: NDJSON, one JSON object a line. The first line is a
//! header naming the feed and its sequence; every other line upserts or
//! deletes one entity by its stable id. The bundled sample catalogue and the
//! marketplace feeds use this same format (see `docs/record-format.md`).
//!
//! Records are untrusted: lines are length-bounded, every entity is
//! validated, and every error names its line.

use crate::model::{CatalogueItem, Contract, Cooperative, DealerLocation, Invalid, Supplier};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::io::{BufRead, Write};

/// Version of the record format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
pub const FORMAT_NAME: &str = "coopdesk-records";
/// No honest record comes near this; a longer line is refused unread.
pub const MAX_LINE_BYTES: usize = 256 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Cooperative,
    Supplier,
    Contract,
    Dealer,
    Item,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Cooperative => "cooperative",
            Kind::Supplier => "supplier",
            Kind::Contract => "contract",
            Kind::Dealer => "dealer",
            Kind::Item => "item",
        }
    }
}

/// Whether a file holds the whole feed or changes since an earlier sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Snapshot,
    /// Changes on top of `base_sequence`.
    Delta,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
    pub feed_id: String,
    pub feed_name: String,
    pub sequence: u64,
    pub scope: Scope,
    /// For a delta, the sequence it applies on top of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_sequence: Option<u64>,
    pub generated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Entity {
    Cooperative(Cooperative),
    Supplier(Supplier),
    Contract(Contract),
    Dealer(DealerLocation),
    Item(CatalogueItem),
}

impl Entity {
    pub fn kind(&self) -> Kind {
        match self {
            Entity::Cooperative(_) => Kind::Cooperative,
            Entity::Supplier(_) => Kind::Supplier,
            Entity::Contract(_) => Kind::Contract,
            Entity::Dealer(_) => Kind::Dealer,
            Entity::Item(_) => Kind::Item,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Entity::Cooperative(e) => &e.id,
            Entity::Supplier(e) => &e.id,
            Entity::Contract(e) => &e.id,
            Entity::Dealer(e) => &e.id,
            Entity::Item(e) => &e.id,
        }
    }

    fn validate(&self) -> Result<(), Invalid> {
        match self {
            Entity::Cooperative(e) => e.validate(),
            Entity::Supplier(e) => e.validate(),
            Entity::Contract(e) => e.validate(),
            Entity::Dealer(e) => e.validate(),
            Entity::Item(e) => e.validate(),
        }
    }
}

// Records are streamed one at a time, so boxing the large variant would buy
// nothing but an allocation per line.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    Upsert(Entity),
    Delete { kind: Kind, id: String },
}

/// Why a feed file was refused, with the line to look at.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecordError {
    #[error("line {line}: {reason}")]
    Line { line: u64, reason: String },
    #[error("the file is empty: it has no header line")]
    Empty,
    #[error("the file could not be read: {0}")]
    Read(String),
}

fn line_err(line: u64, reason: impl Into<String>) -> RecordError {
    RecordError::Line { line, reason: reason.into() }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Op {
    Header,
    Upsert,
    Delete,
}

/// One line as it is on the wire, before its `data` is typed by `kind`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireLine<'a> {
    op: Op,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    id: Option<String>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

fn typed<'a, T: Deserialize<'a>>(raw: &'a RawValue, line: u64, kind: Kind) -> Result<T, RecordError> {
    serde_json::from_str(raw.get()).map_err(|e| line_err(line, format!("{} record: {e}", kind.as_str())))
}

/// Reads a record file line by line, never holding more than one line.
pub struct RecordReader<R> {
    input: R,
    line: u64,
    buf: Vec<u8>,
    header: Header,
}

impl<R: BufRead> RecordReader<R> {
    /// Reads and checks the header line.
    pub fn new(mut input: R) -> Result<Self, RecordError> {
        let mut buf = Vec::new();
        if !read_bounded_line(&mut input, &mut buf, 1)? {
            return Err(RecordError::Empty);
        }
        let wire: WireLine = serde_json::from_slice(&buf).map_err(|e| line_err(1, format!("not a record: {e}")))?;
        if !matches!(wire.op, Op::Header) {
            return Err(line_err(1, "the first line must be the header"));
        }
        let data = wire.data.ok_or_else(|| line_err(1, "the header has no data"))?;
        let header: Header =
            serde_json::from_str(data.get()).map_err(|e| line_err(1, format!("the header is not valid: {e}")))?;
        if header.format != FORMAT_NAME {
            return Err(line_err(1, format!("not a coopdesk record file (format '{}')", header.format)));
        }
        if header.format_version > FORMAT_VERSION {
            return Err(line_err(
                1,
                format!(
                    "record format version {} is newer than this coopdesk understands ({FORMAT_VERSION}); update coopdesk",
                    header.format_version
                ),
            ));
        }
        crate::model::check_id("feed_id", &header.feed_id)
            .map_err(|inv| line_err(1, format!("the header's {} {}", inv.field, inv.reason)))?;
        match (header.scope, header.base_sequence) {
            (Scope::Delta, None) => return Err(line_err(1, "a delta header must name its base_sequence")),
            (Scope::Delta, Some(b)) if b >= header.sequence => {
                return Err(line_err(1, "a delta's base_sequence must be below its sequence"))
            }
            _ => {}
        }
        Ok(RecordReader { input, line: 1, buf, header })
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Line number of the record last returned.
    pub fn line(&self) -> u64 {
        self.line
    }

    fn parse_current(&self) -> Result<Record, RecordError> {
        parse_line(&self.buf, self.line)
    }
}

/// Parses and validates one record line (not a header). `line` is its number,
/// for the error.
pub fn parse_line(bytes: &[u8], line: u64) -> Result<Record, RecordError> {
    let wire: WireLine =
        serde_json::from_slice(bytes).map_err(|e| line_err(line, format!("not a valid record: {e}")))?;
    let kind = wire.kind.ok_or_else(|| line_err(line, "the record has no kind"))?;
    match wire.op {
        Op::Header => Err(line_err(line, "a second header")),
        Op::Delete => {
            let id = wire.id.ok_or_else(|| line_err(line, "a delete needs the id"))?;
            Ok(Record::Delete { kind, id })
        }
        Op::Upsert => {
            let raw = wire.data.ok_or_else(|| line_err(line, "an upsert needs data"))?;
            let entity = match kind {
                Kind::Cooperative => Entity::Cooperative(typed(raw, line, kind)?),
                Kind::Supplier => Entity::Supplier(typed(raw, line, kind)?),
                Kind::Contract => Entity::Contract(typed(raw, line, kind)?),
                Kind::Dealer => Entity::Dealer(typed(raw, line, kind)?),
                Kind::Item => Entity::Item(typed(raw, line, kind)?),
            };
            entity.validate().map_err(|inv| {
                line_err(line, format!("{} '{}': {} {}", kind.as_str(), entity.id(), inv.field, inv.reason))
            })?;
            Ok(Record::Upsert(entity))
        }
    }
}

/// Whether a line is a header line (the publisher tool skips them in sources).
pub fn is_header_line(bytes: &[u8]) -> bool {
    serde_json::from_slice::<WireLine>(bytes).is_ok_and(|w| matches!(w.op, Op::Header))
}

impl<R: BufRead> Iterator for RecordReader<R> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.line += 1;
            match read_bounded_line(&mut self.input, &mut self.buf, self.line) {
                Ok(false) => return None,
                Ok(true) if self.buf.iter().all(|b| b.is_ascii_whitespace()) => continue,
                Ok(true) => return Some(self.parse_current()),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Reads one line into `buf` without the newline; false at end of input.
/// Refuses a line longer than `MAX_LINE_BYTES` before buffering all of it.
fn read_bounded_line<R: BufRead>(input: &mut R, buf: &mut Vec<u8>, line: u64) -> Result<bool, RecordError> {
    buf.clear();
    loop {
        let chunk = input.fill_buf().map_err(|e| RecordError::Read(e.to_string()))?;
        if chunk.is_empty() {
            return Ok(!buf.is_empty());
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if buf.len() + take > MAX_LINE_BYTES + 1 {
            return Err(line_err(line, format!("longer than {MAX_LINE_BYTES} bytes")));
        }
        buf.extend_from_slice(&chunk[..take]);
        input.consume(take);
        if done {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(true);
        }
    }
}

/// Writes a record file: the header, then one line a record.
pub struct RecordWriter<W: Write> {
    out: W,
}

#[derive(Serialize)]
struct WireOut<'a, T: Serialize> {
    op: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<Kind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a T>,
}

impl<W: Write> RecordWriter<W> {
    pub fn new(mut out: W, header: &Header) -> std::io::Result<Self> {
        write_line(&mut out, &WireOut { op: "header", kind: None, id: None, data: Some(header) })?;
        Ok(RecordWriter { out })
    }

    pub fn upsert(&mut self, entity: &Entity) -> std::io::Result<()> {
        let kind = Some(entity.kind());
        let out = &mut self.out;
        match entity {
            Entity::Cooperative(e) => write_line(out, &WireOut { op: "upsert", kind, id: None, data: Some(e) }),
            Entity::Supplier(e) => write_line(out, &WireOut { op: "upsert", kind, id: None, data: Some(e) }),
            Entity::Contract(e) => write_line(out, &WireOut { op: "upsert", kind, id: None, data: Some(e) }),
            Entity::Dealer(e) => write_line(out, &WireOut { op: "upsert", kind, id: None, data: Some(e) }),
            Entity::Item(e) => write_line(out, &WireOut { op: "upsert", kind, id: None, data: Some(e) }),
        }
    }

    pub fn delete(&mut self, kind: Kind, id: &str) -> std::io::Result<()> {
        write_line(&mut self.out, &WireOut::<()> { op: "delete", kind: Some(kind), id: Some(id), data: None })
    }

    pub fn finish(self) -> W {
        self.out
    }
}

/// One upsert line, newline included, exactly as `RecordWriter` writes it.
pub fn encode_upsert(entity: &Entity) -> Vec<u8> {
    let mut w = RecordWriter { out: Vec::with_capacity(512) };
    w.upsert(entity).expect("writing to memory cannot fail");
    w.out
}

/// One delete line, newline included.
pub fn encode_delete(kind: Kind, id: &str) -> Vec<u8> {
    let mut w = RecordWriter { out: Vec::with_capacity(64) };
    w.delete(kind, id).expect("writing to memory cannot fail");
    w.out
}

fn write_line<W: Write, T: Serialize>(out: &mut W, value: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            format: FORMAT_NAME.into(),
            format_version: FORMAT_VERSION,
            feed_id: "test-feed".into(),
            feed_name: "Test feed".into(),
            sequence: 3,
            scope: Scope::Snapshot,
            base_sequence: None,
            generated_at: "2026-01-02T03:04:05Z".parse().unwrap(),
        }
    }

    fn coop() -> Entity {
        Entity::Cooperative(Cooperative {
            id: "coop-1".into(),
            name: "Gulf Coast Purchasing Cooperative".into(),
            lead_agency: Some("Harbor County".into()),
            membership_required: true,
            website: None,
        })
    }

    fn read_all(text: &str) -> Result<Vec<Record>, RecordError> {
        RecordReader::new(text.as_bytes())?.collect()
    }

    fn written(records: &[Record]) -> String {
        let mut w = RecordWriter::new(Vec::new(), &header()).unwrap();
        for r in records {
            match r {
                Record::Upsert(e) => w.upsert(e).unwrap(),
                Record::Delete { kind, id } => w.delete(*kind, id).unwrap(),
            }
        }
        String::from_utf8(w.finish()).unwrap()
    }

    #[test]
    fn round_trips() {
        let records = vec![coop(), Entity::Item(crate::model::tests::item())]
            .into_iter()
            .map(Record::Upsert)
            .chain([Record::Delete { kind: Kind::Dealer, id: "d-9".into() }])
            .collect::<Vec<_>>();
        let text = written(&records);
        let reader = RecordReader::new(text.as_bytes()).unwrap();
        assert_eq!(reader.header(), &header());
        assert_eq!(reader.collect::<Result<Vec<_>, _>>().unwrap(), records);
        assert!(text.contains(r#"{"op":"delete","kind":"dealer","id":"d-9"}"#), "{text}");
    }

    #[test]
    fn refusals_name_the_line_and_reason() {
        let head = written(&[]);
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "the file is empty"),
            ("{\"op\":\"upsert\",\"kind\":\"item\",\"data\":{}}\n".into(), "line 1: the first line must be the header"),
            (head.replace("coopdesk-records", "other"), "line 1: not a coopdesk record file"),
            (head.replace("\"format_version\":1", "\"format_version\":9"), "newer than this coopdesk understands"),
            (
                format!("{head}{{\"op\":\"upsert\",\"kind\":\"widget\",\"data\":{{}}}}\n"),
                "line 2: not a valid record: unknown variant `widget`",
            ),
            (
                format!("{head}\n{{\"op\":\"upsert\",\"kind\":\"cooperative\",\"data\":{{\"id\":\"x\"}}}}\n"),
                "line 3: cooperative record: missing field `name`",
            ),
            (format!("{head}{{\"op\":\"delete\",\"kind\":\"item\"}}\n"), "line 2: a delete needs the id"),
            (format!("{head}{{not json\n"), "line 2: not a valid record"),
            (format!("{head}{}\n", "x".repeat(MAX_LINE_BYTES + 10)), "line 2: longer than"),
            (
                format!(
                    "{head}{{\"op\":\"upsert\",\"kind\":\"cooperative\",\"data\":{{\"id\":\"a b\",\"name\":\"n\"}}}}\n"
                ),
                "line 2: cooperative 'a b': id may hold only",
            ),
        ];
        for (text, want) in cases {
            let err = read_all(&text).unwrap_err().to_string();
            assert!(err.contains(want), "want {want:?}, got {err:?}");
        }
    }

    #[test]
    fn tolerates_crlf_blank_lines_and_unknown_entity_fields() {
        let head = written(&[]).replace('\n', "\r\n");
        let text = format!(
            "{head}\r\n{{\"op\":\"upsert\",\"kind\":\"cooperative\",\"data\":{{\"id\":\"c\",\"name\":\"N\",\"added_later\":1}}}}"
        );
        let recs = read_all(&text).unwrap();
        assert_eq!(recs.len(), 1);
    }
}
