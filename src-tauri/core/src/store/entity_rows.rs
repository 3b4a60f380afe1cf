//! Writing one record's entity as its table's row: an upsert, or, while a
//! snapshot fills a feed it has just cleared, a plain insert.
//!
//! Why two statements: SQLite gives every statement that may fail halfway
//! inside a transaction a statement journal (a copy of each page it touches,
//! to undo just that statement). An upsert always may, since its update
//! branch aborts on a constraint; so may any insert into a table with
//! triggers, unless it is `INSERT OR FAIL`. Once one statement has needed
//! more than 64 KiB of it, the journal is a file for the rest of the
//! transaction: at a million items, about nine writes to it per record,
//! 18 GB copied through the kernel. A snapshot's apply is all or nothing
//! anyway (any error rolls the whole transaction back), so undoing a single
//! statement is never needed there, and `INSERT OR FAIL` checks every
//! constraint before it writes anything.

use super::apply::table;
use crate::error::Result;
use crate::model::{CatalogueItem, Contract, Cooperative, DealerLocation, Supplier};
use crate::record::Entity;
use rusqlite::{params, Transaction};
use serde::Serialize;

/// How an entity's row is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    /// Inserted, or updated in place when its id is already there.
    Upsert,
    /// Inserted; an id already there (given twice in a snapshot, or owned
    /// by another feed) falls back to [`Write::Upsert`].
    Insert,
}

/// A table's two statements, indexed by [`Write`]: the insert with its
/// `ON CONFLICT` clause, and the same insert `OR FAIL` without it.
macro_rules! statements {
    ($insert:literal, $on_conflict:literal) => {
        [concat!("INSERT ", $insert, " ", $on_conflict), concat!("INSERT OR FAIL ", $insert)]
    };
}

const COOPERATIVE: [&str; 2] = statements!(
    "INTO cooperatives (id, feed_id, name, lead_agency, membership_required, website)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "ON CONFLICT(id) DO UPDATE SET name = excluded.name, lead_agency = excluded.lead_agency,
         membership_required = excluded.membership_required, website = excluded.website
     WHERE cooperatives.feed_id = excluded.feed_id"
);

const SUPPLIER: [&str; 2] = statements!(
    "INTO suppliers (id, feed_id, legal_name, identifiers, street, city, state, zip, phone, email,
         emergency_contact, contact)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    "ON CONFLICT(id) DO UPDATE SET legal_name = excluded.legal_name, identifiers = excluded.identifiers,
         street = excluded.street, city = excluded.city, state = excluded.state, zip = excluded.zip,
         phone = excluded.phone, email = excluded.email, emergency_contact = excluded.emergency_contact,
         contact = excluded.contact
     WHERE suppliers.feed_id = excluded.feed_id"
);

const CONTRACT: [&str; 2] = statements!(
    "INTO contracts (id, feed_id, cooperative_id, supplier_id, number, title, lead_agency,
         term_start, term_end, max_extension_end, eligibility, documents, origin, amendments)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    "ON CONFLICT(id) DO UPDATE SET cooperative_id = excluded.cooperative_id, supplier_id = excluded.supplier_id,
         number = excluded.number, title = excluded.title, lead_agency = excluded.lead_agency,
         term_start = excluded.term_start, term_end = excluded.term_end,
         max_extension_end = excluded.max_extension_end, eligibility = excluded.eligibility,
         documents = excluded.documents, origin = excluded.origin, amendments = excluded.amendments
     WHERE contracts.feed_id = excluded.feed_id"
);

const DEALER: [&str; 2] = statements!(
    "INTO dealers (id, feed_id, supplier_id, name, street, city, state, zip, phone, latitude, longitude)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "ON CONFLICT(id) DO UPDATE SET supplier_id = excluded.supplier_id, name = excluded.name,
         street = excluded.street, city = excluded.city, state = excluded.state, zip = excluded.zip,
         phone = excluded.phone, latitude = excluded.latitude, longitude = excluded.longitude
     WHERE dealers.feed_id = excluded.feed_id"
);

const ITEM: [&str; 2] = statements!(
    "INTO items (id, feed_id, contract_id, supplier_sku, manufacturer, manufacturer_part, description,
         unit, list_cents, contract_cents, classifications, price_tiers, attributes, currency)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    "ON CONFLICT(id) DO UPDATE SET contract_id = excluded.contract_id, supplier_sku = excluded.supplier_sku,
         manufacturer = excluded.manufacturer, manufacturer_part = excluded.manufacturer_part,
         description = excluded.description, unit = excluded.unit, list_cents = excluded.list_cents,
         contract_cents = excluded.contract_cents, classifications = excluded.classifications,
         price_tiers = excluded.price_tiers, attributes = excluded.attributes, currency = excluded.currency
     WHERE items.feed_id = excluded.feed_id"
);

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain types always serialise")
}

/// Inserts or updates one entity owned by `feed_id`, returning its row.
/// `None` when the id is taken by another feed (the `WHERE` of the upsert
/// refuses the update).
pub(crate) fn upsert(tx: &Transaction, feed_id: &str, entity: &Entity) -> Result<Option<i64>> {
    write_row(tx, feed_id, entity, Write::Upsert)
}

/// Writes one entity owned by `feed_id` as `how` says, returning its row,
/// or `None` when the id is taken by another feed.
///
/// The row comes from the connection's last inserted rowid, not from a
/// `RETURNING` clause: SQLite gathers what `RETURNING` returns in a
/// temporary table of its own, opened and closed on every statement, which
/// cost a quarter of each upsert. An update in place leaves the last
/// inserted rowid as it was, so then (rarer in a feed than inserts) the row
/// is looked up by id.
pub(crate) fn write_row(tx: &Transaction, feed_id: &str, entity: &Entity, how: Write) -> Result<Option<i64>> {
    let inserted_before = tx.last_insert_rowid();
    let changed = match execute(tx, feed_id, entity, how) {
        Err(e) if how == Write::Insert && id_taken(&e) => execute(tx, feed_id, entity, Write::Upsert)?,
        written => written?,
    };
    if changed == 0 {
        return Ok(None);
    }
    let inserted = tx.last_insert_rowid();
    if inserted != inserted_before {
        return Ok(Some(inserted));
    }
    // Updated in place, or inserted at the rowid of the last insert, freed
    // since by a delete: either way the row holds this id now.
    let sql = format!("SELECT rowid FROM {} WHERE id = ?1", table(entity.kind()));
    Ok(Some(tx.prepare_cached(&sql)?.query_row([entity.id()], |r| r.get(0))?))
}

/// An insert refused because a row already holds its id. Every other
/// refusal is the same for the upsert, so only this one falls back.
/// (Tables whose id is their primary key report the primary key.)
fn id_taken(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi::{SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE};
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == SQLITE_CONSTRAINT_UNIQUE || f.extended_code == SQLITE_CONSTRAINT_PRIMARYKEY)
}

fn execute(tx: &Transaction, feed_id: &str, entity: &Entity, how: Write) -> rusqlite::Result<usize> {
    let sql = |statements: [&'static str; 2]| statements[how as usize];
    match entity {
        Entity::Cooperative(c) => cooperative(tx, sql(COOPERATIVE), feed_id, c),
        Entity::Supplier(s) => supplier(tx, sql(SUPPLIER), feed_id, s),
        Entity::Contract(c) => contract(tx, sql(CONTRACT), feed_id, c),
        Entity::Dealer(d) => dealer(tx, sql(DEALER), feed_id, d),
        Entity::Item(i) => item(tx, sql(ITEM), feed_id, i),
    }
}

fn cooperative(tx: &Transaction, sql: &str, feed: &str, c: &Cooperative) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql)?.execute(params![c.id, feed, c.name, c.lead_agency, c.membership_required, c.website])
}

fn supplier(tx: &Transaction, sql: &str, feed: &str, s: &Supplier) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql)?.execute(params![
        s.id,
        feed,
        s.legal_name,
        json(&s.identifiers),
        s.address.street,
        s.address.city,
        s.address.state,
        s.address.zip,
        s.phone,
        s.email,
        s.emergency_contact.as_ref().map(json),
        s.contact.as_ref().map(json),
    ])
}

fn contract(tx: &Transaction, sql: &str, feed: &str, c: &Contract) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql)?.execute(params![
        c.id,
        feed,
        c.cooperative_id,
        c.supplier_id,
        c.number,
        c.title,
        c.lead_agency,
        c.term_start.to_string(),
        c.term_end.to_string(),
        c.max_extension_end.map(|d| d.to_string()),
        json(&c.eligibility),
        json(&c.documents),
        c.origin.as_ref().map(json),
        json(&c.amendments),
    ])
}

fn dealer(tx: &Transaction, sql: &str, feed: &str, d: &DealerLocation) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql)?.execute(params![
        d.id,
        feed,
        d.supplier_id,
        d.name,
        d.address.street,
        d.address.city,
        d.address.state,
        d.address.zip,
        d.phone,
        d.latitude,
        d.longitude
    ])
}

fn item(tx: &Transaction, sql: &str, feed: &str, i: &CatalogueItem) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql)?.execute(params![
        i.id,
        feed,
        i.contract_id,
        i.supplier_sku,
        i.manufacturer,
        i.manufacturer_part,
        i.description,
        i.unit,
        i.list_price.0,
        i.contract_price.0,
        json(&i.classifications),
        json(&i.price_tiers),
        json(&i.attributes),
        i.currency,
    ])
}
