//! Reading a feed's records back out of the store as record-format
//! entities: how the publisher tool turns imported OCDS publications and
//! price files into a feed of its own.

use super::detail::{
    contract_from_row, cooperative_from_row, dealer_from_row, item_from_row, supplier_from_row, CONTRACT_COLUMNS,
    COOPERATIVE_COLUMNS, DEALER_COLUMNS, ITEM_COLUMNS, SUPPLIER_COLUMNS,
};
use super::Store;
use crate::error::Result;
use crate::record::Entity;

impl Store {
    /// Calls `each` with every record `feed_id` owns, parents before
    /// children (cooperatives, suppliers, contracts, dealers, items), each
    /// kind in id order, so the same catalogue always gives the same lines.
    pub fn for_each_record_of(&self, feed_id: &str, mut each: impl FnMut(Entity) -> Result<()>) -> Result<()> {
        let conn = self.conn();
        let query =
            |columns: &str, table: &str| format!("SELECT {columns} FROM {table} WHERE feed_id = ?1 ORDER BY id");
        let mut stmt = conn.prepare(&query(COOPERATIVE_COLUMNS, "cooperatives"))?;
        for c in stmt.query_map([feed_id], cooperative_from_row)? {
            each(Entity::Cooperative(c?))?;
        }
        let mut stmt = conn.prepare(&query(SUPPLIER_COLUMNS, "suppliers"))?;
        for s in stmt.query_map([feed_id], supplier_from_row)? {
            each(Entity::Supplier(s?))?;
        }
        let mut stmt = conn.prepare(&query(CONTRACT_COLUMNS, "contracts"))?;
        for c in stmt.query_map([feed_id], contract_from_row)? {
            each(Entity::Contract(c?))?;
        }
        let mut stmt = conn.prepare(&query(DEALER_COLUMNS, "dealers"))?;
        for d in stmt.query_map([feed_id], dealer_from_row)? {
            each(Entity::Dealer(d?))?;
        }
        let mut stmt =
            conn.prepare(&format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.feed_id = ?1 ORDER BY i.id"))?;
        for i in stmt.query_map([feed_id], item_from_row)? {
            each(Entity::Item(i?))?;
        }
        Ok(())
    }
}
