//! The full-text search index: a tantivy index kept beside the database as a
//! derived cache of it. SQLite stays the source of truth, and this module
//! never touches it: the store (`store/search_marks.rs`) reads the items its
//! marks name into [`IndexedItem`]s and hands them to an [`IndexUpdate`],
//! clearing the marks only after the update has committed. Deleting the
//! index folder is always safe: it is rebuilt.
//!
//! Why not SQLite FTS5: ranking every match of a common word over a million
//! items cost about 90 ms; tantivy's block-max scoring answers in a few
//! milliseconds. The figures are in `docs/performance.md`.

use crate::error::{Error, Result};
use crate::model::Classification;
use crate::money::Cents;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tantivy::collector::{Count, TopDocs};
use tantivy::indexer::UserOperation;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, RegexQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, Order, ReloadPolicy, TantivyDocument, Term};
use waiting::{Counted, Waiting, MAX_WAITING};
use word_beginnings::WordBeginnings;

mod typed_text;
mod waiting;
mod word_beginnings;

/// Bumped whenever the schema or the analysis changes: a folder written by
/// another version is rebuilt.
const SCHEMA_VERSION: &str = "coopdesk-search-5";
/// Word beginnings indexed as terms of their own (the `prefixes` field):
/// typing "ge" then reads one posting list instead of expanding the
/// thousands of words that begin so. Longer beginnings expand to the few
/// words they begin (a range of the term dictionary), about as fast, so
/// they are not indexed: each length indexed costs a term for nearly every
/// word of every item.
const SHORT_PREFIX: usize = 3;
const WRITER_HEAP: usize = 64 * 1024 * 1024;
/// Words of typed text looked up at most; the rest are ignored.
pub(crate) const MAX_TERMS: usize = 12;

fn err(e: impl std::fmt::Display) -> Error {
    Error::database(format!("the search index failed ({e}); it is rebuilt from the catalog at the next start"))
}

#[derive(Clone, Copy)]
struct Fields {
    rowid: Field,
    description: Field,
    parts: Field,
    compact: Field,
    supplier: Field,
    contract: Field,
    cooperative: Field,
    classification: Field,
    contract_id: Field,
    supplier_id: Field,
    cooperative_id: Field,
    class_code: Field,
    class_name: Field,
    attribute: Field,
    price: Field,
    term_start: Field,
    term_end: Field,
    saving_rank: Field,
    name_key: Field,
    prefixes: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |positions: bool| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer("coop").set_index_option(if positions {
                IndexRecordOption::WithFreqsAndPositions
            } else {
                IndexRecordOption::WithFreqs
            }),
        )
    };
    let compact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer("compact").set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        rowid: b.add_u64_field("rowid", INDEXED | FAST),
        description: b.add_text_field("description", text(false)),
        parts: b.add_text_field("parts", text(true)),
        compact: b.add_text_field("compact", compact.clone()),
        supplier: b.add_text_field("supplier", text(false)),
        contract: b.add_text_field("contract", text(false)),
        cooperative: b.add_text_field("cooperative", text(false)),
        classification: b.add_text_field("classification", text(false)),
        contract_id: b.add_text_field("contract_id", STRING),
        supplier_id: b.add_text_field("supplier_id", STRING),
        cooperative_id: b.add_text_field("cooperative_id", STRING),
        class_code: b.add_text_field("class_code", STRING),
        class_name: b.add_text_field("class_name", compact),
        attribute: b.add_text_field("attribute", STRING),
        // Range filters read fast fields (tantivy's `RangeQuery` does so on
        // any fast field), so these need no terms: indexing a term per item
        // for each cost the indexing thread time for nothing.
        price: b.add_u64_field("price", FAST),
        term_start: b.add_i64_field("term_start", FAST),
        term_end: b.add_i64_field("term_end", FAST),
        saving_rank: b.add_u64_field("saving_rank", FAST),
        name_key: b.add_u64_field("name_key", FAST),
        prefixes: b.add_text_field(
            "prefixes",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default().set_tokenizer("beginnings").set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
    };
    (b.build(), fields)
}

fn register_tokenizers(index: &Index) {
    let words = || {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(48))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
    };
    let compact = TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).filter(AsciiFoldingFilter).build();
    index.tokenizers().register("coop", words().build());
    index.tokenizers().register("compact", compact);
    index.tokenizers().register("beginnings", words().filter(WordBeginnings { longest: SHORT_PREFIX }).build());
}

/// Days since 1970-01-01, for date fields.
fn days(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date")).num_days()
}

/// The typed words of `text`, analysed as the index analyses them.
fn words(index: &Index, text: &str) -> Vec<String> {
    let mut analyzer = index.tokenizers().get("coop").expect("registered");
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Numbers as one word whatever their thousands separators: "7,500W" and
/// "7500W" are the same generator, in the catalog and in what is typed.
pub(crate) fn join_thousands(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let grouped = |i: usize| {
        bytes[i] == b','
            && i > 0
            && bytes[i - 1].is_ascii_digit()
            && bytes.get(i + 1..i + 4).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && !bytes.get(i + 4).is_some_and(u8::is_ascii_digit)
    };
    if !(0..bytes.len()).any(grouped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let kept: Vec<u8> = bytes.iter().enumerate().filter(|&(i, _)| !grouped(i)).map(|(_, b)| *b).collect();
    std::borrow::Cow::Owned(String::from_utf8(kept).expect("only ASCII commas were taken out"))
}

/// The singular or plural forms of an English word that the catalog may
/// hold instead of the one typed: "generators" for "generator",
/// "battery" for "batteries". Forms the index does not hold match nothing.
fn number_forms(word: &str) -> Vec<String> {
    if word.len() < 4 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return Vec::new();
    }
    let mut forms = Vec::new();
    if let Some(stem) = word.strip_suffix("ies") {
        forms.push(format!("{stem}y"));
    } else if let Some(stem) = word.strip_suffix("es") {
        forms.push(stem.to_owned());
        forms.push(format!("{stem}e"));
    } else if let Some(stem) = word.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        forms.push(stem.to_owned());
    } else {
        forms.push(format!("{word}s"));
        forms.push(format!("{word}es"));
        if let Some(stem) = word.strip_suffix('y').filter(|s| !s.ends_with(['a', 'e', 'i', 'o', 'u'])) {
            forms.push(format!("{stem}ies"));
        }
    }
    forms
}

/// "APC-BR1500" as one run of letters and digits: "apcbr1500".
pub(crate) fn compact(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The first eight bytes of a lowercased description, big-endian: sorting
/// by it lists items in (almost) alphabetical order without a text column.
fn name_key(description: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (b, c) in bytes.iter_mut().zip(description.to_lowercase().bytes()) {
        *b = c;
    }
    u64::from_be_bytes(bytes)
}

fn escape(text: &str) -> String {
    text.chars().flat_map(|c| if c.is_alphanumeric() { vec![c] } else { vec!['\\', c] }).collect()
}

/// Every term of `field` that begins with `prefix`, read as a range of the
/// term dictionary. A regex (`prefix.*`) matches the same terms, but building
/// its automaton cost more than the rest of a part-number search.
fn prefix_query(field: Field, prefix: &str) -> Box<dyn Query> {
    let start = Bound::Included(Term::from_field_text(field, prefix));
    // The first byte string after every one that begins with `prefix`: its
    // last byte one up (UTF-8 never holds 0xFF, so that cannot overflow).
    let mut end = prefix.as_bytes().to_vec();
    let end = match end.last_mut() {
        Some(last) => {
            *last += 1;
            Bound::Excluded(Term::from_field_bytes(field, &end))
        }
        None => Bound::Unbounded,
    };
    Box::new(RangeQuery::new(start, end))
}

/// Everything the index holds of one catalogue item.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct IndexedItem {
    pub rowid: i64,
    pub description: String,
    pub supplier_sku: String,
    pub manufacturer: String,
    pub manufacturer_part: String,
    pub supplier: String,
    pub contract_number: String,
    pub contract_title: String,
    pub cooperative: String,
    pub lead_agency: String,
    pub classifications: Vec<Classification>,
    pub attributes: Vec<String>,
    pub contract_id: String,
    pub supplier_id: String,
    pub cooperative_id: String,
    pub price: Cents,
    pub list_price: Cents,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
}

fn document(f: &Fields, item: &IndexedItem) -> TantivyDocument {
    let mut d = TantivyDocument::new();
    let (sku, maker, part) = (&item.supplier_sku, &item.manufacturer, &item.manufacturer_part);
    d.add_u64(f.rowid, item.rowid as u64);
    d.add_text(f.description, join_thousands(&item.description));
    d.add_u64(f.name_key, name_key(&item.description));
    let parts = format!("{sku} {maker} {part}");
    d.add_text(f.parts, &parts);
    d.add_text(f.compact, compact(sku));
    if !part.is_empty() {
        d.add_text(f.compact, compact(part));
    }
    d.add_text(f.supplier, &item.supplier);
    d.add_text(f.contract, format!("{} {}", item.contract_number, item.contract_title));
    d.add_text(f.cooperative, format!("{} {}", item.cooperative, item.lead_agency));
    let mut class_text = String::new();
    for c in &item.classifications {
        d.add_text(f.class_code, c.code.trim());
        class_text += &format!("{} ", c.code);
        if let Some(n) = &c.name {
            d.add_text(f.class_name, n);
            class_text += &format!("{n} ");
        }
    }
    for a in &item.attributes {
        d.add_text(f.attribute, a);
        class_text += &format!("{a} ");
    }
    for text in [item.description.as_str(), &parts, &item.supplier] {
        d.add_text(f.prefixes, text);
    }
    d.add_text(f.classification, class_text);
    d.add_text(f.contract_id, &item.contract_id);
    d.add_text(f.supplier_id, &item.supplier_id);
    d.add_text(f.cooperative_id, &item.cooperative_id);
    d.add_u64(f.price, item.price.0.max(0) as u64);
    // Largest saving first when sorted ascending.
    let bps = Cents::saving_bps(item.list_price, item.price).unwrap_or(-100_000);
    d.add_u64(f.saving_rank, (1_000_000 - bps.clamp(-100_000, 100_000)) as u64);
    d.add_i64(f.term_start, item.term_start.map(days).unwrap_or(0));
    d.add_i64(f.term_end, item.term_end.map(days).unwrap_or(0));
    d
}

/// A change to the index in progress: documents removed and added, then
/// committed at once. Holds the index's writer lock while it lives.
pub(crate) struct IndexUpdate<'a> {
    writer: tantivy::IndexWriter<Counted>,
    /// Removals and additions not yet handed to tantivy, in order.
    pending: Vec<UserOperation<Counted>>,
    waiting: Arc<Waiting>,
    fields: Fields,
    index: &'a SearchIndex,
}

/// Operations handed to tantivy's indexing thread at a time. One at a time,
/// each woke that thread on its own.
const BATCH: usize = 256;
/// How long the indexing thread may index nothing before it is taken to
/// have stopped (writing a full segment out takes seconds).
const PATIENCE: Duration = Duration::from_secs(120);

impl IndexUpdate<'_> {
    /// Removes every document (before a rebuild).
    pub(crate) fn clear(&mut self) -> Result<()> {
        self.hand_over()?;
        self.writer.delete_all_documents().map_err(err)?;
        Ok(())
    }

    /// Removes every document, those added in this change included (which
    /// `clear` would leave while they are still being indexed).
    pub(crate) fn remove_all(&mut self) -> Result<()> {
        self.hand_over()?;
        self.writer.delete_query(Box::new(AllQuery)).map_err(err)?;
        Ok(())
    }

    /// Removes the item's document, if there is one.
    pub(crate) fn remove(&mut self, rowid: i64) -> Result<()> {
        self.queue(UserOperation::Delete(Term::from_field_u64(self.fields.rowid, rowid as u64)))
    }

    pub(crate) fn add(&mut self, item: &IndexedItem) -> Result<()> {
        let doc = self.waiting.count(document(&self.fields, item));
        self.queue(UserOperation::Add(doc))
    }

    fn queue(&mut self, operation: UserOperation<Counted>) -> Result<()> {
        self.pending.push(operation);
        if self.pending.len() >= BATCH {
            self.hand_over()?;
        }
        Ok(())
    }

    /// Hands the pending operations to tantivy, which numbers them in order:
    /// a removal still applies to an addition queued before it.
    fn hand_over(&mut self) -> Result<()> {
        if !self.pending.is_empty() {
            self.writer.run(self.pending.drain(..)).map_err(err)?;
        }
        if !self.waiting.keep_within_bound(PATIENCE) {
            return Err(err("its indexing thread stopped"));
        }
        Ok(())
    }

    /// Commits the change; searches see it from now on. Then waits for the
    /// merges tantivy has under way (by its log merge policy: eight segments
    /// of about one size become one), which would be thrown away if the
    /// writer closed first. Without them every delta would leave one more
    /// small segment for every search to visit, month after month.
    pub(crate) fn commit(mut self) -> Result<()> {
        self.hand_over()?;
        self.writer.commit().map_err(err)?;
        self.writer.wait_merging_threads().map_err(err)?;
        self.index.reload()
    }
}

pub(crate) struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

/// Where the index lives: beside the database, named after it.
pub(crate) fn folder_for(db_path: &Path) -> PathBuf {
    let mut name = db_path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".search");
    db_path.with_file_name(name)
}

/// What a search asks of the index.
pub(crate) struct IndexQuery<'a> {
    pub text: &'a str,
    pub cooperative_id: Option<&'a str>,
    pub supplier_id: Option<&'a str>,
    pub classification: Option<&'a str>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub attributes: &'a [String],
    /// Contract term bounds: (start on or before, end on or after, end on or before, end before).
    pub term_start_max: Option<NaiveDate>,
    pub term_end_min: Option<NaiveDate>,
    pub term_end_max: Option<NaiveDate>,
    /// Only these contracts (eligible, or with a dealer nearby).
    pub contracts: Option<&'a [String]>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum IndexSort {
    Relevance,
    Name,
    Price,
    Saving,
    Expiry,
}

impl SearchIndex {
    /// Opens (or creates) the index for the database at `db_path`. A folder
    /// from another schema version, or one that cannot be read, is replaced
    /// by an empty index and `true` is returned: it must be rebuilt.
    pub(crate) fn open(db_path: &Path) -> Result<(SearchIndex, bool)> {
        let dir = folder_for(db_path);
        let (schema, fields) = schema();
        let stamp = dir.join("coopdesk-schema");
        let current = std::fs::read_to_string(&stamp).ok().as_deref() == Some(SCHEMA_VERSION);
        let opened = if current { Index::open_in_dir(&dir).ok() } else { None };
        let (index, fresh) = match opened {
            Some(i) => (i, false),
            None => {
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| Error::io(format!("the search index at {}", dir.display()), e))?;
                let index = Index::create_in_dir(&dir, schema).map_err(err)?;
                std::fs::write(&stamp, SCHEMA_VERSION).map_err(|e| Error::io("the search index", e))?;
                (index, true)
            }
        };
        register_tokenizers(&index);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(err)?;
        Ok((SearchIndex { index, reader, fields }, fresh))
    }

    /// Starts a change, or `None` when another connection holds the
    /// index's writer (that one is bringing it up to date).
    pub(crate) fn update(&self) -> Result<Option<IndexUpdate<'_>>> {
        let writer: tantivy::IndexWriter<Counted> = match self.index.writer_with_num_threads(1, WRITER_HEAP) {
            Ok(w) => w,
            Err(tantivy::TantivyError::LockFailure(..)) => return Ok(None),
            Err(e) => return Err(err(e)),
        };
        Ok(Some(IndexUpdate {
            writer,
            pending: Vec::with_capacity(BATCH),
            waiting: Waiting::new(MAX_WAITING - BATCH),
            fields: self.fields,
            index: self,
        }))
    }

    /// Sees what another connection committed.
    pub(crate) fn reload(&self) -> Result<()> {
        self.reader.reload().map_err(err)
    }

    /// The rowids of one page of matching items, best first, and how many
    /// items match in all. `None` when the text has nothing searchable.
    pub(crate) fn search(
        &self,
        q: &IndexQuery,
        sort: IndexSort,
        limit: usize,
        offset: usize,
    ) -> Result<Option<(Vec<i64>, usize)>> {
        let f = self.fields;
        let text = typed_text::query(&self.index, f, q.text);
        if text.is_none() && !q.text.trim().is_empty() {
            return Ok(None);
        }
        let filter =
            |query: Box<dyn Query>| (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)) as Box<dyn Query>);
        let term = |field: Field, value: &str| {
            Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic)) as Box<dyn Query>
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(t) = text {
            clauses.push((Occur::Must, t));
        }
        if let Some(id) = q.cooperative_id {
            clauses.push(filter(term(f.cooperative_id, id)));
        }
        if let Some(id) = q.supplier_id {
            clauses.push(filter(term(f.supplier_id, id)));
        }
        if let Some(class) = q.classification.map(str::trim).filter(|c| !c.is_empty()) {
            let by_code = prefix_query(f.class_code, class);
            let by_name = RegexQuery::from_pattern(&format!(".*{}.*", escape(&class.to_lowercase())), f.class_name)
                .map_err(err)?;
            clauses.push(filter(Box::new(BooleanQuery::new(vec![
                (Occur::Should, by_code),
                (Occur::Should, Box::new(by_name)),
            ]))));
        }
        if q.min_price.is_some() || q.max_price.is_some() {
            let lo = q
                .min_price
                .map_or(Bound::Unbounded, |p| Bound::Included(Term::from_field_u64(f.price, p.max(0) as u64)));
            let hi = q
                .max_price
                .map_or(Bound::Unbounded, |p| Bound::Included(Term::from_field_u64(f.price, p.max(0) as u64)));
            clauses.push(filter(Box::new(RangeQuery::new(lo, hi))));
        }
        for a in q.attributes {
            clauses.push(filter(term(f.attribute, a)));
        }
        if let Some(d) = q.term_start_max {
            clauses.push(filter(Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(f.term_start, days(d))),
            ))));
        }
        if q.term_end_min.is_some() || q.term_end_max.is_some() {
            let lo =
                q.term_end_min.map_or(Bound::Unbounded, |d| Bound::Included(Term::from_field_i64(f.term_end, days(d))));
            let hi =
                q.term_end_max.map_or(Bound::Unbounded, |d| Bound::Included(Term::from_field_i64(f.term_end, days(d))));
            clauses.push(filter(Box::new(RangeQuery::new(lo, hi))));
        }
        if let Some(ids) = q.contracts {
            let terms = ids.iter().map(|id| Term::from_field_text(f.contract_id, id));
            clauses.push(filter(Box::new(TermSetQuery::new(terms))));
        }
        let has_text = clauses.first().is_some_and(|(o, _)| *o == Occur::Must) && !q.text.trim().is_empty();
        let query: Box<dyn Query> =
            if clauses.is_empty() { Box::new(AllQuery) } else { Box::new(BooleanQuery::new(clauses)) };
        let searcher = self.reader.searcher();
        let page = TopDocs::with_limit(limit.max(1)).and_offset(offset);
        let sort = if sort == IndexSort::Relevance && !has_text { IndexSort::Name } else { sort };
        let (addresses, total) = match sort {
            IndexSort::Relevance => {
                let (docs, n) = searcher.search(&query, &(page.order_by_score(), Count)).map_err(err)?;
                (docs.into_iter().map(|(_, a)| a).collect::<Vec<_>>(), n)
            }
            IndexSort::Expiry => {
                let (docs, n) = searcher
                    .search(&query, &(page.order_by_fast_field::<i64>("term_end", Order::Asc), Count))
                    .map_err(err)?;
                (docs.into_iter().map(|(_, a)| a).collect(), n)
            }
            s => {
                let field = match s {
                    IndexSort::Price => "price",
                    IndexSort::Saving => "saving_rank",
                    _ => "name_key",
                };
                let (docs, n) =
                    searcher.search(&query, &(page.order_by_u64_field(field, Order::Asc), Count)).map_err(err)?;
                (docs.into_iter().map(|(_, a)| a).collect(), n)
            }
        };
        let mut rowids = Vec::with_capacity(addresses.len());
        let mut columns: HashMap<u32, tantivy::columnar::Column<u64>> = HashMap::new();
        for a in addresses {
            let column = match columns.get(&a.segment_ord) {
                Some(c) => c,
                None => {
                    let c = searcher.segment_reader(a.segment_ord).fast_fields().u64("rowid").map_err(err)?;
                    columns.entry(a.segment_ord).or_insert(c)
                }
            };
            if let Some(r) = column.first(a.doc_id) {
                rowids.push(r as i64);
            }
        }
        Ok(Some((rowids, total)))
    }

    /// Words of item descriptions between `from` (inclusive) and `to`, with
    /// how many items hold each: the vocabulary spelling suggestions use.
    pub(crate) fn vocabulary(&self, from: &str, to: &str) -> Result<Vec<(String, u64)>> {
        let searcher = self.reader.searcher();
        let mut counts: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.description).map_err(err)?;
            let mut stream =
                inverted.terms().range().ge(from.as_bytes()).lt(to.as_bytes()).into_stream().map_err(err)?;
            while stream.advance() {
                if let Ok(word) = std::str::from_utf8(stream.key()) {
                    *counts.entry(word.to_owned()).or_default() += u64::from(stream.value().doc_freq);
                }
            }
        }
        Ok(counts.into_iter().collect())
    }

    /// Whether any item description holds `word` exactly.
    pub(crate) fn knows(&self, word: &str) -> Result<bool> {
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.description, word);
        Ok(searcher.doc_freq(&term).map_err(err)? > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_their_thousands_separators_and_nothing_else() {
        assert_eq!(join_thousands("7,500W generator"), "7500W generator");
        assert_eq!(join_thousands("1,250,000 BTU"), "1250000 BTU");
        assert_eq!(join_thousands("sizes 2,3,4"), "sizes 2,3,4", "not a thousands group");
        assert_eq!(join_thousands("12,3456"), "12,3456");
        assert!(matches!(join_thousands("no numbers"), std::borrow::Cow::Borrowed(_)));
    }

    /// Each delta's update writes a segment of its own; tantivy merges eight
    /// of about one size into one, and the update waits for that, so a
    /// year of small deltas does not leave a year of segments to search.
    #[test]
    fn small_updates_in_a_row_are_merged_as_they_go() {
        let dir = tempfile::tempdir().unwrap();
        let (index, fresh) = SearchIndex::open(&dir.path().join("catalog.sqlite3")).unwrap();
        assert!(fresh);
        let updates = 30;
        for u in 0..updates {
            let mut update = index.update().unwrap().expect("no other writer");
            for i in 0..20 {
                let rowid = u * 100 + i;
                let description = format!("Sealed battery lot{u} unit{i}");
                update.add(&IndexedItem { rowid, description, ..Default::default() }).unwrap();
            }
            update.commit().unwrap();
        }
        let segments = index.reader.searcher().segment_readers().len();
        assert!(segments < 8, "{updates} updates left {segments} segments");
        let query = |text| IndexQuery {
            text,
            cooperative_id: None,
            supplier_id: None,
            classification: None,
            min_price: None,
            max_price: None,
            attributes: &[],
            term_start_max: None,
            term_end_min: None,
            term_end_max: None,
            contracts: None,
        };
        let total = |text| index.search(&query(text), IndexSort::Relevance, 10, 0).unwrap().unwrap().1;
        assert_eq!(total("battery"), 600, "every item of every update");
        assert_eq!(total("lot17"), 20);
    }

    #[test]
    fn singular_and_plural_forms() {
        assert_eq!(number_forms("generators"), ["generator"]);
        assert_eq!(number_forms("batteries"), ["battery"]);
        assert_eq!(number_forms("battery"), ["batterys", "batteryes", "batteries"]);
        assert_eq!(number_forms("boxes"), ["box", "boxe"]);
        assert_eq!(number_forms("glass"), ["glasss", "glasses"]);
        assert!(number_forms("ups").is_empty() && number_forms("br1500").is_empty());
    }
}
