//! Keeping the search index in step with the catalogue. Every change to the
//! catalogue marks the items to refresh in `search_outbox` (by triggers, in
//! the same transaction), or asks for a rebuild (`search_state`) when a
//! snapshot replaces a feed. After the catalogue commits, [`refresh`] reads
//! the marked items into [`IndexedItem`]s, hands them to the index, and
//! clears the marks only once the index has committed: a crash between the
//! two commits leaves the marks, and the next start repairs the index.
//! The SQL is all here; the index sees none of it.

use crate::error::Result;
use crate::search_index::{IndexedItem, SearchIndex};
use rusqlite::{Connection, Row};

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
        let mut stmt = conn.prepare(ITEM_SQL)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            update.add(&item(r)?)?;
        }
    } else if let Some(last) = last_mark {
        let marked: Vec<i64> = conn
            .prepare("SELECT DISTINCT item_rowid FROM search_outbox WHERE id <= ?1")?
            .query_map([last], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for &rowid in &marked {
            update.remove(rowid);
        }
        let ids: std::rc::Rc<Vec<rusqlite::types::Value>> =
            std::rc::Rc::new(marked.iter().map(|&r| rusqlite::types::Value::Integer(r)).collect());
        let mut stmt = conn.prepare(&format!("{ITEM_SQL} WHERE i.rowid IN rarray(?1)"))?;
        let mut rows = stmt.query([ids])?;
        while let Some(r) = rows.next()? {
            update.add(&item(r)?)?;
        }
    }
    update.commit()?;
    // Only now that the index holds the changes are the marks cleared;
    // marks made meanwhile (a later id, a newer generation) stay.
    if let Some(last) = last_mark {
        conn.execute("DELETE FROM search_outbox WHERE id <= ?1", [last])?;
    }
    if rebuild {
        conn.execute("UPDATE search_state SET rebuild = 0 WHERE id = 1 AND generation = ?1", [generation])?;
    }
    Ok(())
}
