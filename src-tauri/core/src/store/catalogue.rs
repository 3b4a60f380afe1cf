//! Read-only questions about what the catalogue holds: which feeds it came
//! from and how many records of each kind it has.

use super::Store;
use crate::error::Result;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeedInfo {
    pub id: String,
    pub name: String,
    pub sequence: u64,
    pub generated_at: String,
    pub applied_at: String,
    /// The bundled sample: fictional, shown as such wherever it appears.
    pub sample: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CatalogueStatus {
    pub feeds: Vec<FeedInfo>,
    pub cooperatives: u64,
    pub suppliers: u64,
    pub contracts: u64,
    pub dealers: u64,
    pub items: u64,
}

/// A choice in a filter: an id and what the clerk sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// What the search filters can offer, from what the catalogue holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Facets {
    pub cooperatives: Vec<Choice>,
    pub suppliers: Vec<Choice>,
    pub attributes: Vec<String>,
    /// Classification codes with their names.
    pub classifications: Vec<Choice>,
}

impl Store {
    pub fn facets(&self) -> Result<Facets> {
        let conn = self.conn();
        let choices = |sql: &str| -> Result<Vec<Choice>> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| Ok(Choice { id: r.get(0)?, name: r.get(1)? }))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        };
        let attributes = {
            let mut stmt = conn.prepare(
                "SELECT DISTINCT j.value FROM (SELECT DISTINCT attributes FROM items) a, json_each(a.attributes) j ORDER BY 1",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<Vec<String>>>()?
        };
        Ok(Facets {
            cooperatives: choices("SELECT id, name FROM cooperatives ORDER BY name")?,
            suppliers: choices("SELECT id, legal_name FROM suppliers ORDER BY legal_name")?,
            attributes,
            classifications: choices(
                "SELECT DISTINCT json_extract(j.value, '$.code'), ifnull(json_extract(j.value, '$.name'), '')
                 FROM (SELECT DISTINCT classifications FROM items) c, json_each(c.classifications) j ORDER BY 1",
            )?,
        })
    }

    /// Whether the catalog holds no feed and no item. Asked on every start,
    /// so it looks for one row of each instead of counting a million.
    pub fn catalogue_is_empty(&self) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM feeds) AND NOT EXISTS (SELECT 1 FROM items)",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn catalogue_status(&self) -> Result<CatalogueStatus> {
        let conn = self.conn();
        let count = |t: &str| -> Result<u64> {
            Ok(conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0))? as u64)
        };
        let mut stmt =
            conn.prepare("SELECT id, name, sequence, generated_at, applied_at FROM feeds ORDER BY name, id")?;
        let feeds = stmt
            .query_map([], |r| {
                Ok(FeedInfo {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    sequence: r.get::<_, i64>(2)? as u64,
                    generated_at: r.get(3)?,
                    applied_at: r.get(4)?,
                    sample: r.get::<_, String>(0)? == crate::sample::SAMPLE_FEED_ID,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(CatalogueStatus {
            feeds,
            cooperatives: count("cooperatives")?,
            suppliers: count("suppliers")?,
            contracts: count("contracts")?,
            dealers: count("dealers")?,
            items: count("items")?,
        })
    }
}
