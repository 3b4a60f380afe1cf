//! A new office's first run: whether the welcome walkthrough is still to be
//! shown, how far its three steps have got (the agency profile, the
//! purchasing settings, where contracts come from), and the fictional
//! sample catalog: whether it is loaded, and its removal, which is for good
//! until someone loads it again on purpose.

use crate::error::{Error, Result};
use crate::sample::SAMPLE_FEED_ID;
use crate::store::Store;
use rusqlite::OptionalExtension;
use serde::Serialize;

/// Where a new office stands, as the welcome walkthrough and the sample's
/// banner show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FirstRun {
    /// The walkthrough is due: neither finished nor skipped, and the office
    /// has not set coopdesk up another way (a profile, a feed, a requisition,
    /// an office) before it existed or from the command line.
    pub welcome: bool,
    /// Step one: the agency's profile is on file.
    pub agency_set: bool,
    /// Step two: the purchasing settings have been saved at least once
    /// (until then the federal defaults apply).
    pub purchasing_set: bool,
    /// Step three: feeds followed and local contracts imported.
    pub feeds: u64,
    pub imported_items: u64,
    /// The fictional sample catalog is in the catalog now.
    pub sample_loaded: bool,
    /// The sample was removed and is not loaded again on start.
    pub sample_removed: bool,
}

impl Store {
    /// Where this office stands in its first run.
    pub fn first_run(&self) -> Result<FirstRun> {
        let conn = self.conn();
        let marks: Option<(Option<String>, Option<String>)> = conn
            .query_row("SELECT welcomed_at, sample_removed_at FROM first_run WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (welcomed, removed) = marks.unwrap_or_default();
        let exists = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, bool>(0));
        let agency_set = exists("SELECT EXISTS (SELECT 1 FROM agency_profile)")?;
        let in_use = exists(
            "SELECT EXISTS (SELECT 1 FROM requisitions) OR EXISTS (SELECT 1 FROM feed_subscriptions)
                 OR EXISTS (SELECT 1 FROM office)",
        )?;
        Ok(FirstRun {
            welcome: welcomed.is_none() && !agency_set && !in_use,
            agency_set,
            purchasing_set: exists("SELECT EXISTS (SELECT 1 FROM purchasing_settings)")?,
            feeds: conn.query_row("SELECT count(*) FROM feed_subscriptions", [], |r| r.get::<_, i64>(0))? as u64,
            imported_items: conn.query_row(
                "SELECT count(*) FROM items WHERE feed_id = ?1",
                [crate::import::LOCAL_FEED],
                |r| r.get::<_, i64>(0),
            )? as u64,
            sample_loaded: self.sample_loaded()?,
            sample_removed: removed.is_some(),
        })
    }

    /// The walkthrough was finished or skipped: it is not shown again.
    pub fn finish_welcome(&mut self) -> Result<()> {
        let now = self.clock().now().to_rfc3339();
        self.conn().execute(
            "INSERT INTO first_run (id, welcomed_at) VALUES (1, ?1)
             ON CONFLICT(id) DO UPDATE SET welcomed_at = ifnull(welcomed_at, excluded.welcomed_at)",
            [now],
        )?;
        Ok(())
    }

    /// Whether the fictional sample catalog is in the catalog.
    pub fn sample_loaded(&self) -> Result<bool> {
        Ok(self
            .conn()
            .query_row("SELECT EXISTS (SELECT 1 FROM feeds WHERE id = ?1)", [SAMPLE_FEED_ID], |r| r.get(0))?)
    }

    /// Removes the fictional sample catalog, in one transaction, and
    /// remembers it so it is not loaded again on start. Requisitions made
    /// from it keep their own copies of what they ordered (and their packets
    /// still say SAMPLE DATA). Returns whether it was there.
    pub fn remove_sample(&mut self) -> Result<bool> {
        let now = self.clock().now().to_rfc3339();
        let tx = self.conn_mut().transaction()?;
        let removed = crate::store::delete_feed_records(&tx, SAMPLE_FEED_ID)?;
        tx.execute(
            "INSERT INTO first_run (id, sample_removed_at) VALUES (1, ?1)
             ON CONFLICT(id) DO UPDATE SET sample_removed_at = ifnull(sample_removed_at, excluded.sample_removed_at)",
            [now],
        )?;
        if let Some(reason) = crate::store::commit_unless_dangling(tx)? {
            return Err(Error::Invalid(format!(
                "The sample catalog cannot be removed: imported records still refer to it ({reason}). \
                 Nothing was changed."
            )));
        }
        Ok(removed)
    }

    /// Forgets that the sample was removed: someone asked for it again.
    pub(crate) fn unmark_sample_removed(&mut self) -> Result<()> {
        self.conn().execute("UPDATE first_run SET sample_removed_at = NULL WHERE id = 1", [])?;
        Ok(())
    }
}
