//! Keeping the search index in step with the catalogue. Every change to the
//! catalogue marks the items to refresh in `search_outbox` (by triggers, in
//! the same transaction), or asks for a rebuild (`search_state`) when a
//! snapshot replaces a feed. After the catalogue commits, [`refresh`] reads
//! the marked items into [`IndexedItem`]s, hands them to the index, and
//! clears the marks only once the index has committed: a crash between the
//! two commits leaves the marks, and the next start repairs the index.
//! The SQL is all here; the index sees none of it.

use crate::error::Result;
use crate::model::CatalogueItem;
use crate::record::{Entity, Kind};
use crate::search_index::{IndexUpdate, IndexedItem, SearchIndex};
use rusqlite::{Connection, OptionalExtension, Row};
use std::collections::HashMap;

/// Everything the index holds of an item, by name.
const ITEM_SQL: &str = "SELECT i.rowid AS rowid, i.description AS description, i.supplier_sku AS sku,
        ifnull(i.manufacturer, '') AS manufacturer, ifnull(i.manufacturer_part, '') AS part,
        ifnull(s.legal_name, '') AS supplier, ifnull(c.number, '') AS contract_number,
        ifnull(c.title, '') AS contract_title, ifnull(co.name, '') AS cooperative,
        ifnull(co.lead_agency, '') AS lead_agency, i.classifications AS classifications,
        i.attributes AS attributes, i.contract_id AS contract_id, ifnull(c.supplier_id, '') AS supplier_id,
        ifnull(c.cooperative_id, '') AS cooperative_id, i.contract_cents AS price, i.list_cents AS list_price,
        c.term_start AS term_start, c.term_end AS term_end
     FROM items i LEFT JOIN contracts c ON c.id = i.contract_id
     LEFT JOIN suppliers s ON s.id = c.supplier_id LEFT JOIN cooperatives co ON co.id = c.cooperative_id";

fn item(r: &Row) -> rusqlite::Result<IndexedItem> {
    let date =
        |name: &str| -> rusqlite::Result<_> { Ok(r.get::<_, Option<String>>(name)?.and_then(|t| t.parse().ok())) };
    let json_list = |name: &str| -> rusqlite::Result<String> { r.get(name) };
    Ok(IndexedItem {
        rowid: r.get("rowid")?,
        description: r.get("description")?,
        supplier_sku: r.get("sku")?,
        manufacturer: r.get("manufacturer")?,
        manufacturer_part: r.get("part")?,
        supplier: r.get("supplier")?,
        contract_number: r.get("contract_number")?,
        contract_title: r.get("contract_title")?,
        cooperative: r.get("cooperative")?,
        lead_agency: r.get("lead_agency")?,
        // Written by the store itself from validated records; a value it
        // cannot read indexes as none rather than stopping every search.
        classifications: serde_json::from_str(&json_list("classifications")?).unwrap_or_default(),
        attributes: serde_json::from_str(&json_list("attributes")?).unwrap_or_default(),
        contract_id: r.get("contract_id")?,
        supplier_id: r.get("supplier_id")?,
        cooperative_id: r.get("cooperative_id")?,
        price: crate::money::Cents(r.get("price")?),
        list_price: crate::money::Cents(r.get("list_price")?),
        term_start: date("term_start")?,
        term_end: date("term_end")?,
    })
}

/// Adds to `update` every item `sql` (`ITEM_SQL`, perhaps narrowed) selects.
fn add_items(update: &mut IndexUpdate, conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        update.add(&item(r)?)?;
    }
    Ok(())
}

/// Rowids as one `rarray` parameter.
fn rowid_array(rowids: &[i64]) -> std::rc::Rc<Vec<rusqlite::types::Value>> {
    std::rc::Rc::new(rowids.iter().map(|&r| rusqlite::types::Value::Integer(r)).collect())
}

/// After the index committed, clears the marks it covered: the outbox up to
/// `last_mark`, and the rebuild asked for at `rebuilt` (its generation).
/// Marks made meanwhile (a later id, a newer generation) stay.
fn clear_marks(conn: &Connection, last_mark: Option<i64>, rebuilt: Option<i64>) -> Result<()> {
    if let Some(last) = last_mark {
        conn.execute("DELETE FROM search_outbox WHERE id <= ?1", [last])?;
    }
    if let Some(generation) = rebuilt {
        conn.execute("UPDATE search_state SET rebuild = 0 WHERE id = 1 AND generation = ?1", [generation])?;
    }
    Ok(())
}

/// Applies the marks SQLite holds to the index: a rebuild, or the items to
/// refresh. Does nothing when another connection holds the index's writer.
pub(crate) fn refresh(conn: &Connection, index: &SearchIndex) -> Result<()> {
    let (rebuild, generation): (bool, i64) =
        conn.query_row("SELECT rebuild, generation FROM search_state WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let last_mark: Option<i64> = conn.query_row("SELECT max(id) FROM search_outbox", [], |r| r.get(0))?;
    if !rebuild && last_mark.is_none() {
        return index.reload();
    }
    let Some(mut update) = index.update()? else { return Ok(()) };
    if rebuild {
        update.clear()?;
        add_items(&mut update, conn, ITEM_SQL, [])?;
    } else if let Some(last) = last_mark {
        let marked: Vec<i64> = conn
            .prepare("SELECT DISTINCT item_rowid FROM search_outbox WHERE id <= ?1")?
            .query_map([last], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for &rowid in &marked {
            update.remove(rowid)?;
        }
        add_items(&mut update, conn, &format!("{ITEM_SQL} WHERE i.rowid IN rarray(?1)"), [rowid_array(&marked)])?;
    }
    update.commit()?;
    // Only now that the index holds the changes are the marks cleared.
    clear_marks(conn, last_mark, rebuild.then_some(generation))
}

/// A contract as an item's index document needs it, with its supplier's
/// and cooperative's names.
#[derive(Clone)]
struct ContractNames {
    number: String,
    title: String,
    supplier_id: String,
    cooperative_id: String,
    term_start: chrono::NaiveDate,
    term_end: chrono::NaiveDate,
}

/// What a stream of records is, for the index.
enum Stream {
    /// A snapshot replaces its feed: the index starts empty, and items whose
    /// contract, supplier or cooperative come later in the file (or live in
    /// another feed) wait for the end.
    Snapshot { pending: Vec<i64>, last_item: i64 },
    /// A delta changes some records: each item written is replaced in the
    /// index as it comes; what the triggers marked besides (items of a
    /// renamed supplier, deleted items) is read back at the end.
    /// `new_above`: the highest item row when the delta began, if the index
    /// then held exactly the catalog; rows above it are new to the index and
    /// have no document to replace.
    Delta { streamed: Vec<i64>, items_seen: bool, new_above: Option<i64> },
}

/// Indexes a feed's items while the apply writes them, so the index is
/// built on the second core instead of read back from SQLite after the
/// commit. Nothing it adds is visible until [`StreamIndexer::commit`], which
/// runs only after the catalog's transaction committed; until then the
/// marks (`search_state.rebuild`, `search_outbox`) stay, so a crash or a
/// rollback leaves the index to be brought up to date exactly as before.
/// Anything a stream cannot follow (a record given twice in a snapshot, a
/// delete inside one, a parent changed after its items) falls back to
/// reading from the transaction at the end.
pub(crate) struct StreamIndexer<'a> {
    update: IndexUpdate<'a>,
    feed_id: String,
    stream: Stream,
    cooperatives: HashMap<String, (String, String)>,
    suppliers: HashMap<String, String>,
    contracts: HashMap<String, ContractNames>,
    /// Streaming gave up: read every marked (or, for a snapshot, every) item
    /// from the transaction at the end.
    replay_all: bool,
    /// The index failed; leave the marks for the next refresh.
    failed: bool,
    /// Read inside the transaction: the marks this update covers.
    covers: Option<(i64, Option<i64>)>,
}

/// A contract as stored, with its supplier's name and its cooperative's
/// name and lead agency.
struct StoredContract {
    contract: ContractNames,
    supplier: String,
    cooperative: (String, String),
}

/// A contract already in the store, with its supplier's and cooperative's
/// names; `None` unless all three are there.
fn stored_contract(conn: &Connection, id: &str) -> Result<Option<StoredContract>> {
    let row = conn
        .prepare_cached(
            "SELECT c.number, c.title, c.supplier_id, c.cooperative_id, c.term_start, c.term_end, s.legal_name,
                 co.name, ifnull(co.lead_agency, '')
             FROM contracts c JOIN suppliers s ON s.id = c.supplier_id JOIN cooperatives co ON co.id = c.cooperative_id
             WHERE c.id = ?1",
        )?
        .query_row([id], |r| {
            let date = |i: usize| -> rusqlite::Result<String> { r.get(i) };
            Ok((
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, date(4)?, date(5)?),
                r.get::<_, String>(6)?,
                (r.get::<_, String>(7)?, r.get::<_, String>(8)?),
            ))
        })
        .optional()?;
    Ok(row.and_then(|((number, title, supplier_id, cooperative_id, start, end), supplier, coop)| {
        let contract = ContractNames {
            number,
            title,
            supplier_id,
            cooperative_id,
            term_start: start.parse().ok()?,
            term_end: end.parse().ok()?,
        };
        Some(StoredContract { contract, supplier, cooperative: coop })
    }))
}

impl<'a> StreamIndexer<'a> {
    /// Starts indexing a snapshot of `feed_id` (`snapshot`) or a delta, or
    /// `None` when another connection holds the index's writer, or (for a
    /// delta) a rebuild is due anyway: the marks then do it after the commit.
    pub(crate) fn start(
        conn: &Connection,
        index: &'a SearchIndex,
        feed_id: &str,
        snapshot: bool,
    ) -> Result<Option<StreamIndexer<'a>>> {
        let mut new_above = None;
        if !snapshot {
            let rebuild: bool = conn.query_row("SELECT rebuild FROM search_state WHERE id = 1", [], |r| r.get(0))?;
            if rebuild {
                return Ok(None);
            }
            // No marks: the index holds the catalog as it is, so no document
            // has a row above the highest item's.
            new_above = conn
                .query_row(
                    "SELECT ifnull((SELECT max(rowid) FROM items), 0) WHERE NOT EXISTS (SELECT 1 FROM search_outbox)",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
        }
        let Some(mut update) = index.update()? else { return Ok(None) };
        let stream = if snapshot {
            update.clear()?;
            Stream::Snapshot { pending: Vec::new(), last_item: i64::MIN }
        } else {
            Stream::Delta { streamed: Vec::new(), items_seen: false, new_above }
        };
        Ok(Some(StreamIndexer {
            update,
            feed_id: feed_id.to_owned(),
            stream,
            cooperatives: HashMap::new(),
            suppliers: HashMap::new(),
            contracts: HashMap::new(),
            replay_all: false,
            failed: false,
            covers: None,
        }))
    }

    /// Takes in one record the apply has just written; `rowid` is its row.
    pub(crate) fn written(&mut self, conn: &Connection, entity: &Entity, rowid: i64) {
        if self.replay_all || self.failed {
            return;
        }
        let item = match entity {
            Entity::Item(i) => i,
            Entity::Dealer(_) => return,
            parent => {
                let fresh = self.parent(parent);
                // In a snapshot, a parent given twice may have changed what
                // items before it were indexed with; in a delta, any parent
                // written after items were streamed may have.
                match &self.stream {
                    Stream::Snapshot { .. } if !fresh => self.replay_all = true,
                    Stream::Delta { items_seen: true, .. } => self.replay_all = true,
                    _ => {}
                }
                return;
            }
        };
        let doc = match self.indexed(conn, item, rowid) {
            Ok(doc) => doc,
            Err(_) => {
                self.failed = true;
                return;
            }
        };
        match &mut self.stream {
            Stream::Snapshot { pending, last_item } => {
                // After its feed was cleared a snapshot only inserts items,
                // each row past the last; a row before it was an item given twice.
                if rowid <= *last_item {
                    self.replay_all = true;
                    return;
                }
                *last_item = rowid;
                match doc {
                    Some(doc) => self.failed |= self.update.add(&doc).is_err(),
                    None => pending.push(rowid),
                }
            }
            Stream::Delta { streamed, items_seen, new_above } => {
                *items_seen = true;
                if let Some(doc) = doc {
                    // Removing costs a lookup in every segment at the commit.
                    if new_above.is_none_or(|above| rowid <= above) {
                        self.failed |= self.update.remove(rowid).is_err();
                    }
                    self.failed |= self.update.add(&doc).is_err();
                    streamed.push(rowid);
                }
            }
        }
    }

    /// Remembers a cooperative's, supplier's or contract's names; false when
    /// this stream had given the same one before.
    fn parent(&mut self, entity: &Entity) -> bool {
        match entity {
            Entity::Cooperative(c) => self
                .cooperatives
                .insert(c.id.clone(), (c.name.clone(), c.lead_agency.clone().unwrap_or_default()))
                .is_none(),
            Entity::Supplier(s) => self.suppliers.insert(s.id.clone(), s.legal_name.clone()).is_none(),
            Entity::Contract(c) => self
                .contracts
                .insert(
                    c.id.clone(),
                    ContractNames {
                        number: c.number.clone(),
                        title: c.title.clone(),
                        supplier_id: c.supplier_id.clone(),
                        cooperative_id: c.cooperative_id.clone(),
                        term_start: c.term_start,
                        term_end: c.term_end,
                    },
                )
                .is_none(),
            Entity::Dealer(_) | Entity::Item(_) => true,
        }
    }

    /// A record the stream deleted; `rowid` was its row. A snapshot's index
    /// is then read from the transaction instead. In a delta a deleted item's
    /// document goes at once: the end reads back only what was marked and
    /// not streamed, which would leave behind an item streamed and then
    /// deleted. The items of a deleted parent are marked by the triggers.
    pub(crate) fn deleted(&mut self, kind: Kind, rowid: i64) {
        match &mut self.stream {
            Stream::Snapshot { .. } => self.replay_all = true,
            Stream::Delta { .. } if kind == Kind::Item => self.failed |= self.update.remove(rowid).is_err(),
            Stream::Delta { .. } => {}
        }
    }

    /// The item's document, with its parents' names from this stream or
    /// (cached) from the store; `None` while one of them is missing.
    fn indexed(&mut self, conn: &Connection, i: &CatalogueItem, rowid: i64) -> Result<Option<IndexedItem>> {
        if !self.contracts.contains_key(&i.contract_id) {
            let Some(StoredContract { contract, supplier, cooperative: coop }) = stored_contract(conn, &i.contract_id)?
            else {
                return Ok(None);
            };
            self.suppliers.entry(contract.supplier_id.clone()).or_insert(supplier);
            self.cooperatives.entry(contract.cooperative_id.clone()).or_insert(coop);
            self.contracts.insert(i.contract_id.clone(), contract);
        }
        let c = &self.contracts[&i.contract_id];
        let (Some(supplier), Some((cooperative, lead_agency))) =
            (self.suppliers.get(&c.supplier_id), self.cooperatives.get(&c.cooperative_id))
        else {
            return Ok(None);
        };
        Ok(Some(IndexedItem {
            rowid,
            description: i.description.clone(),
            supplier_sku: i.supplier_sku.clone(),
            manufacturer: i.manufacturer.clone().unwrap_or_default(),
            manufacturer_part: i.manufacturer_part.clone().unwrap_or_default(),
            supplier: supplier.clone(),
            contract_number: c.number.clone(),
            contract_title: c.title.clone(),
            cooperative: cooperative.clone(),
            lead_agency: lead_agency.clone(),
            classifications: i.classifications.clone(),
            attributes: i.attributes.clone(),
            contract_id: i.contract_id.clone(),
            supplier_id: c.supplier_id.clone(),
            cooperative_id: c.cooperative_id.clone(),
            price: i.contract_price,
            list_price: i.list_price,
            term_start: Some(c.term_start),
            term_end: Some(c.term_end),
        }))
    }

    /// Inside the transaction, once the file is applied: indexes from the
    /// transaction what the stream could not.
    pub(crate) fn finish(&mut self, conn: &Connection) -> Result<()> {
        if self.failed {
            return Ok(());
        }
        if self.read_back(conn).is_err() {
            self.failed = true;
            return Ok(());
        }
        let generation: i64 = conn.query_row("SELECT generation FROM search_state WHERE id = 1", [], |r| r.get(0))?;
        let last_mark: Option<i64> = conn.query_row("SELECT max(id) FROM search_outbox", [], |r| r.get(0))?;
        self.covers = Some((generation, last_mark));
        Ok(())
    }

    fn read_back(&mut self, conn: &Connection) -> Result<()> {
        let listed = format!("{ITEM_SQL} WHERE i.rowid IN rarray(?1)");
        match &self.stream {
            Stream::Snapshot { .. } if self.replay_all => {
                self.update.remove_all()?;
                add_items(&mut self.update, conn, ITEM_SQL, [])?;
            }
            Stream::Snapshot { pending, .. } => {
                // A rebuild starts from an empty index: every other feed's
                // items go back in too.
                add_items(&mut self.update, conn, &listed, [rowid_array(pending)])?;
                add_items(&mut self.update, conn, &format!("{ITEM_SQL} WHERE i.feed_id <> ?1"), [&self.feed_id])?;
            }
            Stream::Delta { streamed, .. } => {
                let mut done: Vec<i64> = if self.replay_all { Vec::new() } else { streamed.clone() };
                done.sort_unstable();
                let marked: Vec<i64> = conn
                    .prepare("SELECT DISTINCT item_rowid FROM search_outbox")?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<i64>>>()?
                    .into_iter()
                    .filter(|r| done.binary_search(r).is_err())
                    .collect();
                for &rowid in &marked {
                    self.update.remove(rowid)?;
                }
                add_items(&mut self.update, conn, &listed, [rowid_array(&marked)])?;
            }
        }
        Ok(())
    }

    /// After the catalog committed: makes the index searchable and clears
    /// the marks it covers. A failed index leaves them for the next refresh.
    pub(crate) fn commit(self, conn: &Connection) -> Result<()> {
        let Some((generation, last_mark)) = self.covers.filter(|_| !self.failed) else {
            return Ok(());
        };
        self.update.commit()?;
        clear_marks(conn, last_mark, Some(generation))
    }
}
